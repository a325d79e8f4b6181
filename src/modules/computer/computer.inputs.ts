import { Field, ID, InputType } from 'type-graphql';
import { UPDATED_SINCE } from '../../common/filters';

@InputType({ description: 'All given conditions must hold.' })
export class ComputerFilter {
  @Field(() => ID, { nullable: true, description: "This customer's computers." }) customerId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Computers this license was ever activated on (active or ended).' }) licenseId?: string | null;
  @Field(() => Date, { nullable: true, description: UPDATED_SINCE }) updatedSince?: Date | null;
}
