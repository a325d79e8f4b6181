import { Field, ObjectType } from 'type-graphql';
import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn, UpdatedAtColumn } from '../../common/columns';
import { Node } from '../../common/node';
import { Organization } from '../organization/organization.entity';

/** P2: a customer's computer; name and host id are personal data of the customer. */
@ObjectType({ implements: Node, description: "A customer's computer that licenses are activated on. Its name and hostId are the customer's personal data." })
@Entity('computer')
@Index('IDX_computer_updated', ['updatedAt', 'id'])
@Index('IDX_computer_org', ['organizationId', 'id'])
@Index('UQ_computer_host', ['organizationId', 'hostId'], { unique: true })
export class Computer extends Node {
  @IdColumn() override id: string;

  @RefColumn() organizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  @Field(() => String, {
    nullable: true,
    description: "The computer's name. Personal data of the customer (PERSONAL): null with FORBIDDEN, or with TRANSFER_BASIS_REQUIRED for a distributor whose transfer gate is closed.",
  })
  @TextColumn(255)
  name: string;

  /** A hardware fingerprint: identifies a machine and, through it, a person. */
  @Field(() => String, {
    nullable: true,
    description:
      'The machine fingerprint, unique within the customer. Personal data of the customer (PERSONAL): null with FORBIDDEN, or with TRANSFER_BASIS_REQUIRED for a distributor whose transfer gate is closed.',
  })
  @TextColumn(255)
  hostId: string;

  @Field(() => String, { description: 'The operating system, as given at activation.' })
  @TextColumn(64)
  os: string;

  @TimeColumn() createdAt: Date;

  @Field(() => Date, { description: 'When the row last changed, set by the database on every write (milliseconds, UTC). Incremental sync: the updatedSince filters.' })
  @UpdatedAtColumn()
  updatedAt: Date;
}
