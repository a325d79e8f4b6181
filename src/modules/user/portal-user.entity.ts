import { Field, ObjectType } from 'type-graphql';
import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from '../../common/columns';
import { Role, UserStatus } from '../../common/enums';
import { Node } from '../../common/node';
import { Organization } from '../organization/organization.entity';

/**
 * A person using the portal. Name, e-mail and phone are personal data (P1). An e-mail address is
 * unique within an organization, not across them: a person is identified by their id (the
 * token's `sub`), and a uniqueness check across organizations would tell any admin which
 * addresses other tenants hold (README, "People and e-mail addresses").
 */
@ObjectType({ implements: Node })
@Entity('portal_user')
@Index('IDX_portal_user_org', ['organizationId', 'id'])
@Index('UQ_portal_user_org_email', ['organizationId', 'email'], { unique: true })
export class PortalUser extends Node {
  @IdColumn() override id: string;

  @RefColumn() organizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  @Field(() => String, { nullable: true, description: 'Personal data.' })
  @TextColumn(200)
  name: string;

  @Field(() => String, { nullable: true, description: 'Personal data.' })
  @TextColumn(254)
  email: string;

  @Field(() => String, { nullable: true })
  @TextColumn(64, { nullable: true })
  phone: string | null;

  @Field(() => Role, { nullable: true })
  @TextColumn(32)
  role: Role;

  @Field(() => UserStatus, { nullable: true })
  @TextColumn(16)
  status: UserStatus;

  /** GDPR Art. 7(1): the controller must be able to show when consent was given. */
  @Field(() => Date, { nullable: true })
  @TimeColumn({ nullable: true })
  consentGivenAt: Date | null;

  /** GDPR Art. 7(3) and P9: withdrawal takes effect from the instant the vendor receives it. */
  @Field(() => Date, { nullable: true })
  @TimeColumn({ nullable: true })
  consentWithdrawnAt: Date | null;

  @TimeColumn() createdAt: Date;
}
