import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { PageArgsInput } from '../../common/page-args';
import { ConnectionOf, pageArgs } from '../../common/pagination';
import { RequestContext } from '../../context/request-context';
import { BY_ID } from '../../policy/reachable';
import { Organization } from '../organization/organization.entity';
import { organizationById } from '../organization/organization.service';
import { PortalUser } from './portal-user.entity';
import { UserFilter } from './user.inputs';
import { listUsers } from './user.service';

const PortalUserConnection = ConnectionOf(PortalUser);

@Resolver(() => PortalUser)
export class PortalUserResolver {
  @Query(() => PortalUserConnection, {
    description:
      "People across organizations, for vendor roles (USER_LOOKUP; API keys need personal_data:read): a data-subject request starts here from an e-mail address. FORBIDDEN for distributors and customers. A match by email or search is audited as a read of the address (the PRIVACY_OFFICER's with purpose DATA_SUBJECT_REQUEST).",
  })
  users(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => UserFilter, { nullable: true, description: 'Narrows the list; absent: all the viewer reaches.' }) filter: UserFilter | null,
    @Args(() => PageArgsInput) page: PageArgsInput,
  ) {
    return listUsers(ctx, filter, pageArgs(page, BY_ID));
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The organization the person belongs to.' })
  organization(@Ctx() ctx: RequestContext, @Root() user: PortalUser) {
    return organizationById(ctx).load(user.organizationId);
  }
}
