import { Field, ObjectType } from 'type-graphql';
import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TimeColumn, UpdatedAtColumn } from '../../common/columns';
import { Node } from '../../common/node';
import { Computer } from '../computer/computer.entity';
import { License } from '../license/license.entity';
import { PortalUser } from '../user/portal-user.entity';

/** A license on a computer. Active (deactivatedAt null) activations never exceed the seats. */
@ObjectType({ implements: Node, description: 'A license activated on a computer; active while deactivatedAt is null. Active activations never exceed the seats.' })
@Entity('activation')
@Index('IDX_activation_updated', ['updatedAt', 'id'])
@Index('IDX_activation_license', ['licenseId', 'id'])
// Seats in use, counted per license from the index alone (licenseSummary, seatsUsed).
@Index('IDX_activation_license_active', ['licenseId', 'deactivatedAt'])
@Index('IDX_activation_computer', ['computerId', 'id'])
@Index('IDX_activation_by', ['activatedById'])
export class Activation extends Node {
  @IdColumn() override id: string;

  @RefColumn() licenseId: string;
  @ManyToOne(() => License, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'licenseId' })
  license?: License;

  @RefColumn() computerId: string;
  @ManyToOne(() => Computer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'computerId' })
  computer?: Computer;

  @Field(() => Date, { description: 'When the license was activated on the computer.' })
  @TimeColumn()
  activatedAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it ended (deactivateActivation, or its license revoked or lapsed); null while active.' })
  @TimeColumn({ nullable: true })
  deactivatedAt: Date | null;

  /** The person who activated: personal data. */
  @RefColumn({ nullable: true }) activatedById: string | null;
  @ManyToOne(() => PortalUser, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'activatedById' })
  activatedBy?: PortalUser;

  @Field(() => Date, { description: 'When the row last changed, set by the database on every write (milliseconds, UTC). Incremental sync: the updatedSince filters.' })
  @UpdatedAtColumn()
  updatedAt: Date;
}
