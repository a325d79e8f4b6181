import { Field, ID, InputType } from 'type-graphql';
import { ContractType } from '../../common/enums';

@InputType()
export class ContractFilter {
  @Field(() => ID, { nullable: true }) distributorId?: string | null;
  @Field(() => ContractType, { nullable: true }) type?: ContractType | null;
  @Field(() => Boolean, { nullable: true, description: 'In force at the instant of the request.' })
  inForce?: boolean | null;
}

@InputType()
export class CreateContractInput {
  @Field(() => ID) distributorId: string;
  @Field(() => ContractType) type: ContractType;
  @Field(() => Date) effectiveFrom: Date;
  @Field(() => Date, { nullable: true, description: 'Required for DPF_CERTIFICATION (renewed yearly).' }) expiresAt?: Date | null;
  @Field(() => String, { nullable: true }) documentRef?: string | null;
}

@InputType()
export class SignContractInput {
  @Field(() => ID) contractId: string;
  @Field(() => Date) signedAt: Date;
}

@InputType()
export class TerminateContractInput {
  @Field(() => ID) contractId: string;
  @Field(() => Date) terminatedAt: Date;
}
