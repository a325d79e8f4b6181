import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../../context/request-context';
import { Organization } from '../organization/organization.entity';
import { organizationById } from '../organization/organization.service';
import { PortalUser } from './portal-user.entity';

@Resolver(() => PortalUser)
export class PortalUserResolver {
  @FieldResolver(() => Organization, { nullable: true, description: 'The organization the person belongs to.' })
  organization(@Ctx() ctx: RequestContext, @Root() user: PortalUser) {
    return organizationById(ctx).load(user.organizationId);
  }
}
