import { Field, ID, InputType } from 'type-graphql';
import { LicenseStatus } from '../../common/enums';

@InputType({ description: 'All given conditions must hold.' })
export class LicenseFilter {
  @Field(() => LicenseStatus, { nullable: true, description: 'EXPIRED is evaluated at the instant of the request.' })
  status?: LicenseStatus | null;
  @Field(() => ID, { nullable: true }) productId?: string | null;
  @Field(() => ID, { nullable: true }) customerId?: string | null;
  @Field(() => ID, { nullable: true }) distributorId?: string | null;
  @Field(() => Date, { nullable: true, description: 'Licenses with a validUntil before this instant.' })
  expiringBefore?: Date | null;
}
