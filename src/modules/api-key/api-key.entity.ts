import { Field, ObjectType } from 'type-graphql';
import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, ListColumn, RefColumn, TextColumn, TimeColumn } from '../../common/columns';
import { Node } from '../../common/node';
import { Organization } from '../organization/organization.entity';
import { PortalUser } from '../user/portal-user.entity';

/** An organization's key for scripts. Only a SHA-256 hash of the secret is stored. */
@ObjectType({
  implements: Node,
  description:
    "An organization's key for scripts, acting as its organization's non-admin role narrowed by its scopes. Every field is CREDENTIAL: the organization's admin and VENDOR_ADMIN read it; an API key only itself, through viewer.apiKey (null with FORBIDDEN otherwise).",
})
@Entity('api_key')
@Index('IDX_api_key_org', ['organizationId', 'id'])
@Index('UQ_api_key_hash', ['secretHash'], { unique: true })
@Index('IDX_api_key_created_by', ['createdById'])
export class ApiKey extends Node {
  @IdColumn() override id: string;

  @RefColumn() organizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  @Field(() => String, { description: 'The name given at creation, to recognize the key.' })
  @TextColumn(120)
  name: string;

  @Field(() => String, { description: 'The first characters of the secret, to recognize a key; not a secret.' })
  @TextColumn(16)
  prefix: string;

  /** SHA-256 of the whole secret, hex; the secret itself is shown once and never stored. */
  @TextColumn(64) secretHash: string;

  @Field(() => [String], {
    description: 'What the key may do: some of customers:read, licenses:read, licenses:write, personal_data:read, activation_keys:read, contracts:read (the same as grantedScopes, as strings).',
  })
  @ListColumn()
  scopes: string[];

  @Field(() => Date, { nullable: true, description: 'From this instant on the key is refused; null: it does not expire.' })
  @TimeColumn({ nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was revoked (revokeApiKey, or its creator disabled or withdrawn); null while not revoked.' })
  @TimeColumn({ nullable: true })
  revokedAt: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the key was last used to authenticate, to the minute: written at most once a minute per key, shortly after the request; null: never used since uses are recorded.',
  })
  @TimeColumn({ nullable: true })
  lastUsedAt: Date | null;

  @RefColumn({ nullable: true }) createdById: string | null;
  @ManyToOne(() => PortalUser, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'createdById' })
  createdBy?: PortalUser;

  @Field(() => Date, { description: 'When the key was created.' })
  @TimeColumn()
  createdAt: Date;
}
