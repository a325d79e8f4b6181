import { Field, ObjectType } from 'type-graphql';
import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from '../../common/columns';
import { ContractStatus, ContractType } from '../../common/enums';
import { Node } from '../../common/node';
import { Organization } from '../organization/organization.entity';

/**
 * A data-transfer basis of one distributor (GDPR Art. 46: SCC; Art. 28: DPA; Art. 45 with the
 * DPF). Whether it is in force is derived from these dates and the clock, never stored.
 */
@ObjectType({ implements: Node })
@Entity('contract')
@Index('IDX_contract_distributor', ['distributorId', 'id'])
export class Contract extends Node {
  @IdColumn() override id: string;

  @RefColumn() distributorId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'distributorId' })
  distributor?: Organization;

  @Field(() => ContractType)
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

  @Field(() => Date, { nullable: true })
  @TimeColumn({ nullable: true })
  signedAt: Date | null;

  @Field(() => Date)
  @TimeColumn()
  effectiveFrom: Date;

  @Field(() => Date, { nullable: true })
  @TimeColumn({ nullable: true })
  expiresAt: Date | null;

  @Field(() => Date, { nullable: true })
  @TimeColumn({ nullable: true })
  terminatedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Reference of the signed document, e.g. C-17.' })
  @TextColumn(120, { nullable: true })
  documentRef: string | null;

  @TimeColumn() createdAt: Date;
}
