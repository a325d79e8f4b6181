import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { TransferBasis } from '../common/enums';
import { Contract } from '../modules/contract/contract.entity';
import { TransferDenialReason } from './transfer-gate';

registerEnumType(TransferDenialReason, {
  name: 'TransferDenialReason',
  description: 'Why the transfer gate is closed, as a machine reads it (TransferDecision.denialReason, and extensions.reason of every TRANSFER_BASIS_REQUIRED error).',
  valuesConfig: {
    NO_CONTRACT: { description: 'A third country and no contract that could cover it was ever recorded (nor, for the U.S., a DPF certification).' },
    CONTRACT_UNSIGNED: { description: 'The contract that would cover it is a draft: it was never signed.' },
    CONTRACT_NOT_YET_EFFECTIVE: { description: 'The contract is signed but its signature or effective date lies ahead: the gate opens then by itself.' },
    CONTRACT_EXPIRED: { description: 'The contract expired (expiresAt has passed).' },
    CONTRACT_TERMINATED: { description: 'The contract was terminated (terminatedAt has passed).' },
    CONTRACT_INVALID: { description: 'The contract on record cannot be read as a basis (a date missing or invalid): the vendor must correct it.' },
    CONTRACT_TYPE_NOT_YET_VALID: {
      description: "The contract is in force but its type is not a valid basis in law yet (the type's legal window, or the adequacy decision it depends on, opens later).",
    },
    CONTRACT_TYPE_PAST_CUTOFF: {
      description: 'The contract is in force but its type is no longer a valid basis in law since its cut-off (SCC_2010 after 2022-12-27, PRIVACY_SHIELD after 2020-07-16).',
    },
    ADEQUACY_ENDED: { description: 'The adequacy decision the country relied on (or that a DPF certification needs) has ended.' },
    PROCESSING_COUNTRY_WITHOUT_BASIS: { description: 'A country the distributor processes data in (not its domicile) has no basis and no contract that could cover it.' },
    NO_MECHANISM_AVAILABLE: { description: 'No contract type covers the country at this instant: no contract can open the gate.' },
    COUNTRY_UNKNOWN: { description: 'No country of the distributor is known.' },
    UNDECIDABLE: { description: 'The gate could not decide (unreadable facts): it denies.' },
  },
});

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
