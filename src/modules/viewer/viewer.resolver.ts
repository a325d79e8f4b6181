import { Ctx, Field, FieldResolver, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ActorType, ApiKeyScope, Role } from '../../common/enums';
import { RequestContext } from '../../context/request-context';
import { ApiKey } from '../api-key/api-key.entity';
import { scopeValues } from '../api-key/api-key.resolver';
import { apiKeyById } from '../api-key/api-key.service';
import { Organization } from '../organization/organization.entity';
import { organizationById } from '../organization/organization.service';
import { PortalUser } from '../user/portal-user.entity';
import { userById } from '../user/user.service';

@ObjectType({ description: 'Who is asking: a portal user, or an API key acting as its organization.' })
export class Viewer {
  @Field(() => ActorType, { description: 'USER or API_KEY.' }) actorType: ActorType;
  @Field(() => Role, { description: "The role the actor acts as (an API key: its organization's non-admin role)." })
  role: Role;
  @Field(() => [String], { description: 'Scopes of an API key; empty for a user.' })
  scopes: string[];
  @Field(() => [ApiKeyScope], { description: 'The same scopes as `scopes`, as enum values; empty for a user (who is not narrowed by scopes).' })
  grantedScopes: ApiKeyScope[];
  userId: string | null;
  apiKeyId: string | null;
  organizationId: string;
}

@Resolver(() => Viewer)
export class ViewerResolver {
  @Query(() => Viewer, { description: 'Who is asking: the signed-in person or the API key, its organization and role.' })
  viewer(@Ctx() ctx: RequestContext): Viewer {
    const a = ctx.actor;
    return { actorType: a.type, role: a.role, scopes: a.scopes ?? [], grantedScopes: scopeValues(a.scopes ?? []), userId: a.userId, apiKeyId: a.apiKeyId, organizationId: a.organizationId };
  }

  @FieldResolver(() => PortalUser, { nullable: true, description: 'The person, for a user; null for an API key.' })
  user(@Ctx() ctx: RequestContext, @Root() viewer: Viewer) {
    return viewer.userId ? userById(ctx).load(viewer.userId) : null;
  }

  @FieldResolver(() => ApiKey, {
    nullable: true,
    description: 'The key, for an API key (it reads itself here: name, scopes, dates, lastUsedAt; never its secret); null for a user.',
  })
  apiKey(@Ctx() ctx: RequestContext, @Root() viewer: Viewer) {
    return viewer.apiKeyId ? apiKeyById(ctx).load(viewer.apiKeyId) : null;
  }

  @FieldResolver(() => Organization, { description: 'The organization the actor belongs to or acts for.' })
  organization(@Ctx() ctx: RequestContext, @Root() viewer: Viewer) {
    return organizationById(ctx).load(viewer.organizationId);
  }
}
