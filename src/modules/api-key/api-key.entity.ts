import { Field, ObjectType } from 'type-graphql';
import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, ListColumn, RefColumn, TextColumn, TimeColumn } from '../../common/columns';
import { Node } from '../../common/node';
import { Organization } from '../organization/organization.entity';
import { PortalUser } from '../user/portal-user.entity';

/** An organization's key for scripts. Only a SHA-256 hash of the secret is stored. */
@ObjectType({ implements: Node })
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

  @Field(() => String)
  @TextColumn(120)
  name: string;

  @Field(() => String, { description: 'The first characters of the secret, to recognize a key; not a secret.' })
  @TextColumn(16)
  prefix: string;

  /** SHA-256 of the whole secret, hex; the secret itself is shown once and never stored. */
  @TextColumn(64) secretHash: string;

  @Field(() => [String])
  @ListColumn()
  scopes: string[];

  @Field(() => Date, { nullable: true })
  @TimeColumn({ nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  @TimeColumn({ nullable: true })
  revokedAt: Date | null;

  @Field(() => Date, { nullable: true })
  @TimeColumn({ nullable: true })
  lastUsedAt: Date | null;

  @RefColumn({ nullable: true }) createdById: string | null;
  @ManyToOne(() => PortalUser, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'createdById' })
  createdBy?: PortalUser;

  @Field(() => Date)
  @TimeColumn()
  createdAt: Date;
}
