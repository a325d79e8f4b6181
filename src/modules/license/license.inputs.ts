import { Field, ID, InputType, Int } from 'type-graphql';
import { LicenseStatus } from '../../common/enums';
import { UPDATED_SINCE } from '../../common/filters';

@InputType({ description: 'All given conditions must hold.' })
export class LicenseFilter {
  @Field(() => LicenseStatus, { nullable: true, description: 'EXPIRED is evaluated at the instant of the request.' })
  status?: LicenseStatus | null;
  @Field(() => ID, { nullable: true, description: 'Licenses of this product.' }) productId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Licenses allocated to this customer.' }) customerId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Licenses held by this distributor.' }) distributorId?: string | null;
  @Field(() => Date, { nullable: true, description: 'Licenses with a validUntil before this instant, including those already expired (see validUntilAfter for a window).' })
  expiringBefore?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Licenses with a validUntil strictly after this instant (perpetual licenses never match).' })
  validUntilAfter?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Licenses with a validUntil strictly before this instant; must be later than validUntilAfter.' })
  validUntilBefore?: Date | null;
  @Field(() => [LicenseStatus], { nullable: true, description: 'Licenses with any of these statuses (at least one), evaluated at the instant of the request.' })
  statuses?: LicenseStatus[] | null;
  @Field(() => [ID], { nullable: true, description: 'Licenses of any of these products (1 to 100 ids).' })
  productIds?: string[] | null;
  @Field(() => Date, { nullable: true, description: UPDATED_SINCE }) updatedSince?: Date | null;
}

@InputType({ description: 'New licenses of one product for one distributor.' })
export class RegisterLicensesInput {
  @Field(() => ID, { description: 'The product licensed.' }) productId: string;
  @Field(() => ID, { description: 'The distributor that will hold the licenses.' }) distributorId: string;
  @Field(() => Int, { description: '1..1000 licenses.' }) count: number;
  @Field(() => Int, { description: '1..10000 seats each.' }) seats: number;
  @Field(() => Date, { description: 'From this instant on the licenses can be activated.' }) validFrom: Date;
  @Field(() => Date, { nullable: true, description: 'Absent: perpetual.' }) validUntil?: Date | null;
}

@InputType({ description: 'Licenses to allocate to a customer.' })
export class AllocateLicenseInput {
  @Field(() => [ID], { description: 'One or many (at most 100) REGISTERED licenses of one distributor: all or nothing.' })
  licenseIds: string[];
  @Field(() => ID, { description: 'A customer the holding distributor serves.' }) customerId: string;
  @Field(() => ID, { nullable: true, description: 'Optionally an ACTIVE person of that customer, the licensee.' }) licenseeId?: string | null;
}

@InputType({ description: 'The license to revoke.' })
export class RevokeLicenseInput {
  @Field(() => ID, { description: 'A license not yet revoked.' }) licenseId: string;
  @Field(() => String, { nullable: true, description: 'Why, for the record (at most 500 characters).' }) reason?: string | null;
}
