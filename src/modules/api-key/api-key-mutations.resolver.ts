import { Arg, Ctx, Field, Mutation, ObjectType, Resolver } from 'type-graphql';
import { RequestContext } from '../../context/request-context';
import { ApiKey } from './api-key.entity';
import { CreateApiKeyInput, RevokeApiKeyInput } from './api-key.inputs';
import { createApiKey, revokeApiKey } from './api-key.mutations';
import { apiKeyById } from './api-key.service';

@ObjectType({ description: 'The new API key and, this once, its secret.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: 'The key, read back after the write.' }) apiKey: ApiKey | null;

  /** Shown here once and nowhere else: only its SHA-256 is stored. */
  @Field(() => String, { description: 'The secret to send as "Authorization: Bearer <secret>". Shown only here, once: store it now.' })
  secret: string;

  /** Not a field: the CREDENTIAL rule of `secret` reads whose key it is. */
  organizationId: string;
}

@ObjectType({ description: 'The result of an API key write.' })
export class ApiKeyPayload {
  @Field(() => ApiKey, { nullable: true, description: 'The key, read back after the write.' }) apiKey: ApiKey | null;
}

/** Payloads are read back through the same reachable rows as every other path. */
async function reread(ctx: RequestContext, id: string): Promise<ApiKey | null> {
  ctx.loaders.clearAll();
  return apiKeyById(ctx).load(id);
}

/** API keys of an organization (CREDENTIAL): its admin, or VENDOR_ADMIN. */
@Resolver()
export class ApiKeyMutationsResolver {
  @Mutation(() => CreateApiKeyPayload, { nullable: true, description: 'A new API key of an organization (its admin, or VENDOR_ADMIN); the secret is in this payload only.' })
  async createApiKey(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => CreateApiKeyInput, { description: 'The organization, name, scopes and optional expiry.' }) input: CreateApiKeyInput,
  ): Promise<CreateApiKeyPayload> {
    const { apiKey, secret } = await createApiKey(ctx, input);
    return { apiKey: await reread(ctx, apiKey.id), secret, organizationId: apiKey.organizationId };
  }

  @Mutation(() => ApiKeyPayload, { nullable: true, description: "Revokes an API key from the next request on (its organization's admin, or VENDOR_ADMIN); final." })
  async revokeApiKey(@Ctx() ctx: RequestContext, @Arg('input', () => RevokeApiKeyInput, { description: 'The key to revoke.' }) input: RevokeApiKeyInput): Promise<ApiKeyPayload> {
    const key = await revokeApiKey(ctx, input);
    return { apiKey: await reread(ctx, key.id) };
  }
}
