import { PageArgs } from '../../common/pagination';
import { RequestContext } from '../../context/request-context';
import { reachable } from '../../policy/reachable';
import { ApiKey } from './api-key.entity';

export function apiKeyById(ctx: RequestContext) {
  return ctx.loaders.byId(ApiKey, () => reachable(ctx, ApiKey));
}

/** An organization's keys the viewer reaches (all of them, revoked and expired too), oldest first; one statement per page of organizations. */
export function apiKeysOf(ctx: RequestContext, organizationId: string, page: PageArgs) {
  return ctx.loaders.pageOf('Organization.apiKeys', () => reachable(ctx, ApiKey), 'e.organizationId', organizationId, page);
}
