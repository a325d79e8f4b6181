import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../../context/request-context';
import { Organization } from '../organization/organization.entity';
import { organizationById } from '../organization/organization.service';
import { ApiKey } from './api-key.entity';

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @FieldResolver(() => Organization, { nullable: true, description: 'The organization the key acts for.' })
  organization(@Ctx() ctx: RequestContext, @Root() key: ApiKey) {
    return organizationById(ctx).load(key.organizationId);
  }
}
