import { PageArgs } from '../../common/pagination';
import { ListQuery } from '../../common/sql';
import { RequestContext } from '../../context/request-context';
import { reachable } from '../../policy/reachable';
import { PortalUser } from './portal-user.entity';

export function userQuery(ctx: RequestContext): ListQuery<PortalUser> {
  return reachable(ctx, PortalUser);
}

export function userById(ctx: RequestContext) {
  return ctx.loaders.byId(PortalUser, () => userQuery(ctx));
}

export function usersOf(ctx: RequestContext, organizationId: string, page: PageArgs) {
  return ctx.loaders.pageOf('Organization.users', () => userQuery(ctx), 'e.organizationId', organizationId, page);
}
