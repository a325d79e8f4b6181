import { Field, ID, InputType } from 'type-graphql';
import { ListOrders } from '../../common/ordering';
import { OrganizationKind } from '../../common/enums';

/** A postal address, replaced as a whole: a part left out or empty is removed. */
@InputType({ description: 'A postal address, replaced as a whole: a part left out or empty is removed.' })
export class PostalAddressInput {
  @Field(() => String, { nullable: true, description: 'At most 200 characters.' }) street?: string | null;
  @Field(() => String, { nullable: true, description: 'At most 32 characters.' }) postalCode?: string | null;
  @Field(() => String, { nullable: true, description: 'At most 120 characters.' }) city?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2.' }) country?: string | null;
}

@InputType({ description: 'A new distributor or customer.' })
export class CreateOrganizationInput {
  @Field(() => OrganizationKind, { description: 'DISTRIBUTOR or CUSTOMER (a distributor admin creates customers only).' }) kind: OrganizationKind;
  @Field(() => String, { description: '1..200 characters.' }) name: string;
  @Field(() => String, { description: 'Domicile, ISO 3166-1 alpha-2.' }) country: string;
  @Field(() => [String], { nullable: true, description: 'ISO 3166-1 alpha-2 codes; defaults to [country].' }) processingCountries?: string[] | null;
  @Field(() => PostalAddressInput, { nullable: true, description: 'The postal address, if any.' }) address?: PostalAddressInput | null;
  @Field(() => String, { nullable: true, description: 'A phone number (digits, spaces, a leading +, and ( ) - . /), at most 64 characters.' }) phone?: string | null;
  @Field(() => String, { nullable: true, description: 'An e-mail address, at most 254 characters.' }) email?: string | null;
}

/** Omitted fields stay as they are; `address`, `phone` or `email` null removes it. */
@InputType({ description: 'Changes to an organization: omitted fields stay as they are; address, phone or email null removes it.' })
export class UpdateOrganizationInput {
  @Field(() => ID, { description: "The organization: the caller's own, or any for VENDOR_ADMIN." }) organizationId: string;
  @Field(() => String, { nullable: true, description: '1..200 characters; cannot be removed.' }) name?: string | null;
  @Field(() => PostalAddressInput, { nullable: true, description: 'The new address, replacing the old as a whole; null removes it.' }) address?: PostalAddressInput | null;
  @Field(() => String, { nullable: true, description: 'The new phone number; null or empty removes it.' }) phone?: string | null;
  @Field(() => String, { nullable: true, description: 'The new e-mail address; null removes it.' }) email?: string | null;
  @Field(() => [String], { nullable: true, description: 'VENDOR_ADMIN only: the transfer gate reads these.' }) processingCountries?: string[] | null;
}

@InputType({ description: 'A distributor and a customer to link.' })
export class LinkCustomerInput {
  @Field(() => ID, { description: 'The distributor that will serve the customer.' }) distributorId: string;
  @Field(() => ID, { description: 'The customer.' }) customerId: string;
}

@InputType({ description: 'A distributor and a customer to unlink.' })
export class UnlinkCustomerInput {
  @Field(() => ID, { description: 'The distributor that serves the customer.' }) distributorId: string;
  @Field(() => ID, { description: 'The customer.' }) customerId: string;
}

/** The orders of organizations and customers; ties end with the id. */
export const ORGANIZATION_ORDERS = new ListOrders('Organization', {
  NAME: { description: 'By name, compared as its folded form (case and accents ignored), byte by byte.', keys: [{ column: 'e.nameKey', property: 'nameKey', binary: true }] },
  CREATED_AT: { description: 'By the instant the organization was created.', keys: [{ column: 'e.createdAt', property: 'createdAt', time: true }] },
  UPDATED_AT: {
    description: "By updatedAt, the instant of the organization's last write (a sync pages through what changed in the order it changed; indexed).",
    keys: [{ column: 'e.updatedAt', property: 'updatedAt', time: true }],
  },
});
