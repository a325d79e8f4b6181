import { Field, ID, InputType } from 'type-graphql';
import { OrganizationKind } from '../../common/enums';

/** A postal address, replaced as a whole: a part left out or empty is removed. */
@InputType()
export class PostalAddressInput {
  @Field(() => String, { nullable: true, description: 'At most 200 characters.' }) street?: string | null;
  @Field(() => String, { nullable: true, description: 'At most 32 characters.' }) postalCode?: string | null;
  @Field(() => String, { nullable: true, description: 'At most 120 characters.' }) city?: string | null;
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2.' }) country?: string | null;
}

@InputType()
export class CreateOrganizationInput {
  @Field(() => OrganizationKind, { description: 'DISTRIBUTOR or CUSTOMER (a distributor admin creates customers only).' }) kind: OrganizationKind;
  @Field(() => String, { description: '1..200 characters.' }) name: string;
  @Field(() => String, { description: 'Domicile, ISO 3166-1 alpha-2.' }) country: string;
  @Field(() => [String], { nullable: true, description: 'ISO 3166-1 alpha-2 codes; defaults to [country].' }) processingCountries?: string[] | null;
  @Field(() => PostalAddressInput, { nullable: true }) address?: PostalAddressInput | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true }) email?: string | null;
}

/** Omitted fields stay as they are; `address`, `phone` or `email` null removes it. */
@InputType()
export class UpdateOrganizationInput {
  @Field(() => ID) organizationId: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => PostalAddressInput, { nullable: true }) address?: PostalAddressInput | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => [String], { nullable: true, description: 'VENDOR_ADMIN only: the transfer gate reads these.' }) processingCountries?: string[] | null;
}

@InputType()
export class LinkCustomerInput {
  @Field(() => ID) distributorId: string;
  @Field(() => ID) customerId: string;
}

@InputType()
export class UnlinkCustomerInput {
  @Field(() => ID) distributorId: string;
  @Field(() => ID) customerId: string;
}
