import { Field, ObjectType } from 'type-graphql';
import { TransferBasis } from '../common/enums';
import { Contract } from '../modules/contract/contract.entity';

@ObjectType('TransferDecision', { description: 'Whether personal data may flow to a distributor at the instant of the request, and why.' })
export class TransferDecisionType {
  @Field(() => Boolean, { description: 'Whether the personal data may flow now.' }) allowed: boolean;
  @Field(() => String, { description: 'A sentence a human can read, e.g. "IN: SCC_2021 contract C-17 expired 2025-12-31".' })
  reason: string;
  @Field(() => TransferBasis, { description: 'What allows it (NONE when allowed is false).' }) basis: TransferBasis;
  @Field(() => Contract, { nullable: true, description: 'The contract the decision rests on, if any.' })
  contract: Contract | null;
  @Field(() => Date, { nullable: true, description: 'When the basis ends, if it has an end.' })
  validUntil: Date | null;
}
