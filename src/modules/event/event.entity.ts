import { Field, ID, ObjectType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from '../../common/columns';
import { EventType } from './event-type';

/**
 * The outbox: one row per event, written by the audit writer in the transaction of the write
 * that caused it (nothing for a write that rolled back, nothing lost for one that committed).
 * The audience (distributorId, customerId) is fixed when the event happens: the distributor a
 * customer was unlinked from keeps seeing the unlink. No personal value is ever stored here:
 * type, instant and ids only.
 */
@ObjectType('Event', {
  description:
    'Something that happened to a license, contract, customer link or person: type, instant and ids, never a personal value. Read it through events(…) or receive it by webhook (docs/events.md).',
})
@Entity('hub_event')
@Index('IDX_hub_event_distributor', ['distributorId', 'id'])
@Index('IDX_hub_event_customer', ['customerId', 'id'])
@Index('IDX_hub_event_type', ['type', 'id'])
export class HubEvent {
  /** UUIDv7: time-ordered, the feed's order and a webhook's webhook-id. */
  @Field(() => ID, { description: 'The id of the event (UUID, time-ordered); a webhook carries it as webhook-id, for receivers to deduplicate.' })
  @IdColumn()
  id: string;

  @Field(() => EventType, { description: 'What happened.' })
  @TextColumn(48)
  type: EventType;

  @Field(() => Date, { description: 'When it happened: the instant of the write.' })
  @TimeColumn()
  occurredAt: Date;

  @Field(() => String, { description: 'The type of the subject: License, Activation, Contract, Organization or PortalUser.' })
  @TextColumn(32)
  subjectType: string;

  /** Raw ids (the resolver gives global ids). */
  @RefColumn() subjectId: string;
  /** The license of a license event (for an activation, its license). */
  @RefColumn({ nullable: true }) licenseId: string | null;
  /** Audience: the distributor the event concerns (it sees the event), if any. */
  @RefColumn({ nullable: true }) distributorId: string | null;
  /** Audience: the customer the event concerns (it sees the event), if any. */
  @RefColumn({ nullable: true }) customerId: string | null;
}
