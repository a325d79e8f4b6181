import { Field, ID, InputType, Int } from 'type-graphql';
import { ListOrders } from '../../common/ordering';
import { License, licenseStatus } from './license.entity';
import { licenseStatusSql } from './license.service';
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

/** The orders of licenses; ties end with the id. */
export const LICENSE_ORDERS = new ListOrders('License', {
  VALID_UNTIL: {
    description: 'By validUntil; perpetual licenses (null) come first ascending and last descending.',
    keys: [{ column: 'e.validUntil', property: 'validUntil', time: true, nullable: true }],
  },
  CREATED_AT: { description: 'By the instant the license was registered.', keys: [{ column: 'e.createdAt', property: 'createdAt', time: true }] },
  UPDATED_AT: {
    description: "By updatedAt, the instant of the license's last write (a sync pages through what changed in the order it changed; indexed).",
    keys: [{ column: 'e.updatedAt', property: 'updatedAt', time: true }],
  },
  STATUS: {
    description: 'By status at the instant of the request (EXPIRED derived from validUntil), in the alphabetical order of the status names.',
    keys: (now) => {
      const status = licenseStatusSql(now);
      return [{ column: status.sql, params: status.params, property: 'status', value: (l: License) => licenseStatus(l, now) }];
    },
  },
});

// ---------------------------------------------------------------------------------------------
// Renewal (issue #13): a new end of term for a license.

@InputType({ description: 'The license to renew and its new end of term.' })
export class RenewLicenseInput {
  @Field(() => ID, { description: 'A license with an end of term (not perpetual), not revoked and not lapsed; an expired one may be renewed.' })
  licenseId: string;
  @Field(() => Date, { description: 'The new end of term: after the current validUntil and after now, at most 100 years from now.' }) validUntil: Date;
}
