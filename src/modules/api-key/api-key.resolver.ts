import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ApiKeyScope, apiKeyScopeOf } from '../../common/enums';
import { PageArgsInput } from '../../common/page-args';
import { ConnectionOf, pageArgs } from '../../common/pagination';
import { RequestContext } from '../../context/request-context';
import { BY_ID } from '../../policy/reachable';
import { Organization } from '../organization/organization.entity';
import { organizationById } from '../organization/organization.service';
import { PortalUser } from '../user/portal-user.entity';
import { userById } from '../user/user.service';
import { ApiKey } from './api-key.entity';
import { apiKeysOf } from './api-key.service';

export const ApiKeyConnection = ConnectionOf(ApiKey);

/** Scopes as stored (their string names) as enum values, in the order of the enum. */
export function scopeValues(scopes: readonly string[]): ApiKeyScope[] {
  const held = new Set(scopes.map(apiKeyScopeOf));
  return Object.values(ApiKeyScope).filter((s) => held.has(s));
}

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @FieldResolver(() => Organization, { nullable: true, description: 'The organization the key acts for.' })
  organization(@Ctx() ctx: RequestContext, @Root() key: ApiKey) {
    return organizationById(ctx).load(key.organizationId);
  }

  @FieldResolver(() => [ApiKeyScope], { description: 'The same scopes as `scopes`, as enum values (LICENSES_READ for licenses:read).' })
  grantedScopes(@Root() key: ApiKey): ApiKeyScope[] {
    return scopeValues(key.scopes);
  }

  @FieldResolver(() => PortalUser, {
    nullable: true,
    description: "The person who created the key, when the viewer reaches them (their personal data follows PortalUser's rules); null for keys made before this was recorded.",
  })
  createdBy(@Ctx() ctx: RequestContext, @Root() key: ApiKey) {
    return key.createdById ? userById(ctx).load(key.createdById) : null;
  }
}

/** Organization.apiKeys: lives here, beside the keys, on the Organization type. */
@Resolver(() => Organization)
export class OrganizationApiKeysResolver {
  @FieldResolver(() => ApiKeyConnection, {
    nullable: true,
    description: "The organization's API keys, oldest first, revoked and expired ones too (never a secret): for its admin and VENDOR_ADMIN; null with FORBIDDEN otherwise, API keys included.",
  })
  apiKeys(@Ctx() ctx: RequestContext, @Root() org: Organization, @Args(() => PageArgsInput) page: PageArgsInput) {
    return apiKeysOf(ctx, org.id, pageArgs(page, BY_ID));
  }
}
