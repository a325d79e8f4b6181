import { PageArgs } from '../../common/pagination';
import { ListQuery } from '../../common/sql';
import { RequestContext } from '../../context/request-context';
import { reachable } from '../../policy/reachable';
import { Activation } from './activation.entity';

export function activationQuery(ctx: RequestContext): ListQuery<Activation> {
  return reachable(ctx, Activation);
}

export function activationById(ctx: RequestContext) {
  return ctx.loaders.byId(Activation, () => activationQuery(ctx));
}

export function activationsOfLicense(ctx: RequestContext, licenseId: string, page: PageArgs) {
  return ctx.loaders.pageOf('License.activations', () => activationQuery(ctx), 'e.licenseId', licenseId, page);
}

export function activationsOfComputer(ctx: RequestContext, computerId: string, page: PageArgs) {
  return ctx.loaders.pageOf('Computer.activations', () => activationQuery(ctx), 'e.computerId', computerId, page);
}
