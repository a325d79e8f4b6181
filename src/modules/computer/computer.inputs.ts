import { Field, ID, InputType } from 'type-graphql';
import { UPDATED_SINCE } from '../../common/filters';
import { ListOrders } from '../../common/ordering';

@InputType({ description: 'All given conditions must hold.' })
export class ComputerFilter {
  @Field(() => ID, { nullable: true, description: "This customer's computers." }) customerId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Computers this license was ever activated on (active or ended).' }) licenseId?: string | null;
  @Field(() => Date, { nullable: true, description: UPDATED_SINCE }) updatedSince?: Date | null;
}

/** The orders of the root list of computers; ties end with the id. */
export const COMPUTER_ORDERS = new ListOrders('Computer', {
  UPDATED_AT: {
    description: "By updatedAt, the instant of the computer's last write (a sync pages through what changed in the order it changed; indexed).",
    keys: [{ column: 'e.updatedAt', property: 'updatedAt', time: true }],
  },
});
