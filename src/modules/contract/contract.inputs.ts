import { Field, ID, InputType } from 'type-graphql';
import { ContractType } from '../../common/enums';

@InputType()
export class ContractFilter {
  @Field(() => ID, { nullable: true }) distributorId?: string | null;
  @Field(() => ContractType, { nullable: true }) type?: ContractType | null;
  @Field(() => Boolean, { nullable: true, description: 'In force at the instant of the request.' })
  inForce?: boolean | null;
}
