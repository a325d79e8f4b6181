import { Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { IdColumn, RefColumn, TimeColumn } from '../../common/columns';
import { Organization } from './organization.entity';

/** "Distributor D serves customer C": the link that decides what a distributor can see (P3). */
@Entity('customer_account')
@Unique('UQ_customer_account_pair', ['distributorId', 'customerId'])
@Index('IDX_customer_account_customer', ['customerId'])
export class CustomerAccount {
  @IdColumn() id: string;

  @RefColumn() distributorId: string;
  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'distributorId' })
  distributor?: Organization;

  @RefColumn() customerId: string;
  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customerId' })
  customer?: Organization;

  @TimeColumn() createdAt: Date;
}
