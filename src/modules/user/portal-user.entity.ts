import { Field, ObjectType } from 'type-graphql';
import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn, UpdatedAtColumn } from '../../common/columns';
import { Role, UserStatus } from '../../common/enums';
import { Node } from '../../common/node';
import { Organization } from '../organization/organization.entity';

/**
 * A person using the portal. Name, e-mail and phone are personal data (P1). An e-mail address is
 * unique within an organization, not across them: a person is identified by their id (the
 * token's `sub`), and a uniqueness check across organizations would tell any admin which
 * addresses other tenants hold (README, "People and e-mail addresses").
 */
@ObjectType({
  implements: Node,
  description:
    "A person using the portal, a member of one organization. All fields but id and organization are personal data (PERSONAL): vendor roles, the person's own organization, and a distributor for its customers while its transfer gate is open read them; API keys need personal_data:read. Otherwise null with FORBIDDEN, or with TRANSFER_BASIS_REQUIRED when the gate is closed.",
})
@Entity('portal_user')
@Index('IDX_portal_user_updated', ['updatedAt', 'id'])
@Index('IDX_portal_user_org', ['organizationId', 'id'])
@Index('UQ_portal_user_org_email', ['organizationId', 'email'], { unique: true })
export class PortalUser extends Node {
  @IdColumn() override id: string;

  @RefColumn() organizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  @Field(() => String, { nullable: true, description: 'The full name (personal data: null when withheld).' })
  @TextColumn(200)
  name: string;

  @Field(() => String, { nullable: true, description: 'The e-mail address, unique within the organization (personal data: null when withheld).' })
  @TextColumn(254)
  email: string;

  @Field(() => String, { nullable: true, description: 'The phone number; null if none or when withheld (personal data).' })
  @TextColumn(64, { nullable: true })
  phone: string | null;

  @Field(() => Role, { nullable: true, description: "The person's role in their organization (personal data: null when withheld)." })
  @TextColumn(32)
  role: Role;

  @Field(() => UserStatus, { nullable: true, description: 'Whether the person can sign in (personal data: null when withheld).' })
  @TextColumn(16)
  status: UserStatus;

  /** GDPR Art. 7(1): the controller must be able to show when consent was given. */
  @Field(() => Date, { nullable: true, description: 'When the person last gave consent; null if never recorded or when withheld (personal data).' })
  @TimeColumn({ nullable: true })
  consentGivenAt: Date | null;

  /** GDPR Art. 7(3) and P9: withdrawal takes effect from the instant the vendor receives it. */
  @Field(() => Date, { nullable: true, description: 'When their withdrawal of consent was received; null if never withdrawn or when withheld (personal data).' })
  @TimeColumn({ nullable: true })
  consentWithdrawnAt: Date | null;

  @TimeColumn() createdAt: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      "When the person's record last changed, set by the database on every write (milliseconds, UTC); incremental sync: the updatedSince filters. Follows the person's other fields (personal data: null when withheld).",
  })
  @UpdatedAtColumn()
  updatedAt: Date;
}
