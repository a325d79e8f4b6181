import { Field, ID, InputType } from 'type-graphql';
import { ApiKeyScope } from '../../common/enums';

@InputType({ description: 'A new API key.' })
export class CreateApiKeyInput {
  @Field(() => ID, { description: "The organization the key acts for: the caller's own, or any for VENDOR_ADMIN." }) organizationId: string;
  @Field(() => String, { description: '1..120 characters, to recognize the key.' }) name: string;
  @Field(() => [String], {
    nullable: true,
    description:
      'Some of customers:read, licenses:read, licenses:write, personal_data:read, activation_keys:read, contracts:read (the enum names, e.g. LICENSES_READ, are accepted too). With grantedScopes, the key gets both; at least one scope in all.',
  })
  scopes?: string[] | null;
  @Field(() => [ApiKeyScope], { nullable: true, description: 'The scopes as enum values; with scopes, the key gets both; at least one scope in all.' })
  grantedScopes?: ApiKeyScope[] | null;
  @Field(() => Date, { nullable: true, description: 'In the future; absent: the key does not expire (revoke it when no longer needed).' })
  expiresAt?: Date | null;
}

@InputType({ description: 'The API key to revoke.' })
export class RevokeApiKeyInput {
  @Field(() => ID, { description: 'A key of an organization the caller manages.' }) apiKeyId: string;
}
