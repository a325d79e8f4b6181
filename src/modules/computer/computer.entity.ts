import { Field, ObjectType } from 'type-graphql';
import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from '../../common/columns';
import { Node } from '../../common/node';
import { Organization } from '../organization/organization.entity';

/** P2: a customer's computer; name and host id are personal data of the customer. */
@ObjectType({ implements: Node })
@Entity('computer')
@Index('IDX_computer_org', ['organizationId', 'id'])
@Index('UQ_computer_host', ['organizationId', 'hostId'], { unique: true })
export class Computer extends Node {
  @IdColumn() override id: string;

  @RefColumn() organizationId: string;
  @ManyToOne(() => Organization, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organizationId' })
  organization?: Organization;

  @Field(() => String, { nullable: true, description: 'Personal data of the customer.' })
  @TextColumn(255)
  name: string;

  /** A hardware fingerprint: identifies a machine and, through it, a person. */
  @Field(() => String, { nullable: true, description: 'Personal data of the customer.' })
  @TextColumn(255)
  hostId: string;

  @Field(() => String)
  @TextColumn(64)
  os: string;

  @TimeColumn() createdAt: Date;
}
