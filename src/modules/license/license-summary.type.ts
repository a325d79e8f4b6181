import { Field, Int, ObjectType } from 'type-graphql';
import { LicenseStatus } from '../../common/enums';

@ObjectType({ description: 'How many licenses have one status.' })
export class LicenseStatusCount {
  @Field(() => LicenseStatus, { description: 'The status, as License.status shows it at the instant of the request.' }) status: LicenseStatus;
  @Field(() => Int, { description: 'How many licenses have it.' }) count: number;
}

@ObjectType({ description: 'Seats of the counted licenses.' })
export class SeatUsage {
  @Field(() => Int, { description: 'The sum of their seats.' }) total: number;
  @Field(() => Int, { description: 'The sum of their seats in use (active activations).' }) used: number;
}

@ObjectType({ description: 'The counted licenses of one product.' })
export class ProductLicenseSummary {
  productId: string;
  @Field(() => Int, { description: 'How many of the counted licenses are of this product.' }) licenses: number;
  @Field(() => Int, { description: 'The sum of their seats.' }) seats: number;
  @Field(() => Int, { description: 'The sum of their seats in use.' }) seatsUsed: number;
}

/**
 * Counts over licenses, computed in SQL in one statement; never rows. Counts are not personal
 * data (docs/access-policy.md): they are PUBLIC over the licenses the viewer reaches.
 */
@ObjectType({ description: 'Counts over the licenses the viewer reaches (PUBLIC: counts, not personal data), at the instant of the request.' })
export class LicenseSummary {
  @Field(() => Int, { description: 'How many licenses are counted.' }) total: number;
  @Field(() => [LicenseStatusCount], { description: 'Every status with its count (zero included), in the order of the LicenseStatus enum.' }) byStatus: LicenseStatusCount[];
  @Field(() => SeatUsage, { description: 'Seats of all counted licenses, whatever their status.' }) seats: SeatUsage;
  @Field(() => [ProductLicenseSummary], { description: 'Per product that has at least one counted license, by product id.' }) byProduct: ProductLicenseSummary[];
  @Field(() => Int, { description: 'REGISTERED or ALLOCATED licenses whose validUntil falls after now and at most expiringWithinDays days from now.' })
  expiringSoon: number;
  @Field(() => Int, { description: 'The window of expiringSoon, in days, as asked.' }) expiringWithinDays: number;
}
