import { Field, ObjectType } from 'type-graphql';
import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn, UpdatedAtColumn } from '../../common/columns';
import { ContractStatus, ContractType } from '../../common/enums';
import { Node } from '../../common/node';
import { Organization } from '../organization/organization.entity';

/**
 * A data-transfer basis of one distributor (GDPR Art. 46: SCC; Art. 28: DPA; Art. 45 with the
 * DPF). Whether it is in force is derived from these dates and the clock, never stored.
 */
@ObjectType({
  implements: Node,
  description:
    "A distributor's data-transfer contract, which the transfer gate reads. Every field is CONTRACT: vendor roles and the distributor itself (API keys need contracts:read); null with FORBIDDEN otherwise.",
})
@Entity('contract')
@Index('IDX_contract_updated', ['updatedAt', 'id'])
@Index('IDX_contract_distributor', ['distributorId', 'id'])
export class Contract extends Node {
  @IdColumn() override id: string;

  @RefColumn() distributorId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'distributorId' })
  distributor?: Organization;

  @Field(() => ContractType, { description: 'The kind of contract: what it covers and its legal window.' })
  @TextColumn(32)
  type: ContractType;

  /**
   * Stored state: DRAFT, SIGNED (also while a termination is scheduled: terminatedAt in the
   * future) or TERMINATED. The API shows the status at the request's instant (contractStatusAt).
   */
  @Field(() => ContractStatus, {
    description: 'At the instant of the request: TERMINATED from terminatedAt on (a termination may be scheduled ahead), SIGNED from signedAt until then, else DRAFT.',
  })
  @TextColumn(16)
  status: ContractStatus;

  @Field(() => Date, { nullable: true, description: 'When it was signed (signContract); null while a draft.' })
  @TimeColumn({ nullable: true })
  signedAt: Date | null;

  @Field(() => Date, { description: 'The start of its term: in force from this instant (once signed).' })
  @TimeColumn()
  effectiveFrom: Date;

  @Field(() => Date, { nullable: true, description: 'The end of its term (not in force from this instant on); null: open-ended.' })
  @TimeColumn({ nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it ends by termination (terminateContract; may lie ahead: a scheduled termination); null: not terminated.' })
  @TimeColumn({ nullable: true })
  terminatedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Reference of the signed document, e.g. C-17.' })
  @TextColumn(120, { nullable: true })
  documentRef: string | null;

  @TimeColumn() createdAt: Date;

  @Field(() => Date, { description: 'When the row last changed, set by the database on every write (milliseconds, UTC). Incremental sync: the updatedSince filters.' })
  @UpdatedAtColumn()
  updatedAt: Date;
}
