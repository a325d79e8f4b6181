import { PageArgs } from '../../common/pagination';
import { ListQuery } from '../../common/sql';
import { RequestContext } from '../../context/request-context';
import { reachable } from '../../policy/reachable';
import { Computer } from './computer.entity';

export function computerQuery(ctx: RequestContext): ListQuery<Computer> {
  return reachable(ctx, Computer);
}

export function computerById(ctx: RequestContext) {
  return ctx.loaders.byId(Computer, () => computerQuery(ctx));
}

export function computersOf(ctx: RequestContext, organizationId: string, page: PageArgs) {
  return ctx.loaders.pageOf('Organization.computers', () => computerQuery(ctx), 'e.organizationId', organizationId, page);
}
