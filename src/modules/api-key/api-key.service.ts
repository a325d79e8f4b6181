import { RequestContext } from '../../context/request-context';
import { reachable } from '../../policy/reachable';
import { ApiKey } from './api-key.entity';

export function apiKeyById(ctx: RequestContext) {
  return ctx.loaders.byId(ApiKey, () => reachable(ctx, ApiKey));
}
