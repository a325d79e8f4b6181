import { Field, ID, InputType } from 'type-graphql';
import { ListOrders } from '../../common/ordering';
import { ContractStatus, ContractType } from '../../common/enums';
import { UPDATED_SINCE } from '../../common/filters';

@InputType({ description: 'All given conditions must hold.' })
export class ContractFilter {
  @Field(() => ID, { nullable: true, description: 'Contracts of this distributor.' }) distributorId?: string | null;
  @Field(() => ContractType, { nullable: true, description: 'Contracts of this type.' }) type?: ContractType | null;
  @Field(() => Boolean, { nullable: true, description: 'In force at the instant of the request.' })
  inForce?: boolean | null;
  @Field(() => Date, { nullable: true, description: 'Contracts with an expiresAt strictly after this instant (contracts without an end never match).' })
  expiresAfter?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Contracts with an expiresAt strictly before this instant; must be later than expiresAfter.' })
  expiresBefore?: Date | null;
  @Field(() => [ContractStatus], { nullable: true, description: 'Contracts with any of these statuses (at least one), as Contract.status shows them at the instant of the request.' })
  statuses?: ContractStatus[] | null;
  @Field(() => Date, { nullable: true, description: UPDATED_SINCE }) updatedSince?: Date | null;
}

@InputType({ description: 'A new DRAFT contract.' })
export class CreateContractInput {
  @Field(() => ID, { description: 'The distributor (an organization of kind DISTRIBUTOR).' }) distributorId: string;
  @Field(() => ContractType, { description: "The kind of contract; a term wholly outside the type's legal window is refused (BAD_USER_INPUT)." }) type: ContractType;
  @Field(() => Date, { description: 'The start of its term.' }) effectiveFrom: Date;
  @Field(() => Date, { nullable: true, description: 'Required for DPF_CERTIFICATION (renewed yearly).' }) expiresAt?: Date | null;
  @Field(() => String, { nullable: true, description: 'Reference of the signed document, e.g. C-17.' }) documentRef?: string | null;
}

@InputType({ description: 'The DRAFT contract to sign.' })
export class SignContractInput {
  @Field(() => ID, { description: 'A DRAFT contract.' }) contractId: string;
  @Field(() => Date, { description: 'When it was signed; not after the instant of the request.' }) signedAt: Date;
}

@InputType({ description: 'The SIGNED contract to terminate.' })
export class TerminateContractInput {
  @Field(() => ID, { description: 'A SIGNED contract.' }) contractId: string;
  @Field(() => Date, { description: 'When it ends: in the future schedules the termination (it can be brought forward, not postponed); otherwise it is TERMINATED at once.' })
  terminatedAt: Date;
}

/** The orders of contracts; ties end with the id. */
export const CONTRACT_ORDERS = new ListOrders('Contract', {
  EXPIRES_AT: {
    description: 'By expiresAt; contracts without an end (null) come first ascending and last descending.',
    keys: [{ column: 'e.expiresAt', property: 'expiresAt', time: true, nullable: true }],
  },
  CREATED_AT: { description: 'By the instant the contract was recorded.', keys: [{ column: 'e.createdAt', property: 'createdAt', time: true }] },
  UPDATED_AT: {
    description: "By updatedAt, the instant of the contract's last write (a sync pages through what changed in the order it changed; indexed).",
    keys: [{ column: 'e.updatedAt', property: 'updatedAt', time: true }],
  },
});
