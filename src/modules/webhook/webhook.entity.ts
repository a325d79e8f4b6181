import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Entity, Index } from 'typeorm';
import { IdColumn, IntColumn, ListColumn, RefColumn, TextColumn, TimeColumn } from '../../common/columns';
import { Node } from '../../common/node';

/**
 * Where an organization wants its events sent. The signing secret is stored sealed (SECRETS_KEY)
 * because every delivery needs it in clear; a rotated-out secret keeps signing beside the new
 * one until previousSecretUntil (Standard Webhooks: several signatures in one header).
 */
@ObjectType({
  implements: Node,
  description: "Where an organization's events are sent, signed (Standard Webhooks). Reached by the organization's admin and VENDOR_ADMIN, never by an API key; the secret is never a field.",
})
@Entity('webhook_endpoint')
@Index('IDX_webhook_endpoint_organization', ['organizationId', 'id'])
export class WebhookEndpoint extends Node {
  @IdColumn() override id: string;
  @RefColumn() organizationId: string;
  @Field(() => String, { description: 'The URL deliveries are POSTed to.' })
  @TextColumn(2000)
  url: string;
  /** The dotted event types (license.allocated, …) it receives; the GraphQL field gives them as EventType values. */
  @ListColumn() eventTypes: string[];
  @Field(() => String, { nullable: true, description: 'What the endpoint is for, as given; null when none.' })
  @TextColumn(500, { nullable: true })
  description: string | null;
  @TextColumn(500) sealedSecret: string;
  @TextColumn(500, { nullable: true }) previousSealedSecret: string | null;
  @Field(() => Date, { nullable: true, description: 'After a rotation with overlap: until when the previous secret still signs beside the new one; null otherwise.' })
  @TimeColumn({ nullable: true })
  previousSecretUntil: Date | null;
  @Field(() => Date, { nullable: true, description: 'When it was disabled (by an admin, or by the hub after a day of failures); null while enabled.' })
  @TimeColumn({ nullable: true })
  disabledAt: Date | null;
  @Field(() => String, { nullable: true, description: 'Why it was disabled; null while enabled.' })
  @TextColumn(300, { nullable: true })
  disabledReason: string | null;
  @Field(() => Date, { description: 'When the endpoint was created.' })
  @TimeColumn()
  createdAt: Date;
}

export enum DeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}

registerEnumType(DeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'Where a delivery stands.',
  valuesConfig: {
    PENDING: { description: 'Waiting for its next attempt (nextAttemptAt).' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Out of attempts, or its endpoint was disabled; redeliverWebhook sends it again.' },
  },
});

/**
 * One event for one endpoint: made in the transaction of the write that published the event,
 * then tried until delivered or out of attempts. lockedUntil is the lease of the worker that
 * claimed it: a worker killed mid-delivery leaves it to be tried again when the lease ends.
 */
@ObjectType({ implements: Node, description: 'One event sent (or to be sent) to one webhook endpoint: its delivery log entry. Reached with its endpoint.' })
@Entity('webhook_delivery')
@Index('UQ_webhook_delivery_endpoint_event', ['endpointId', 'eventId'], { unique: true })
@Index('IDX_webhook_delivery_due', ['status', 'nextAttemptAt'])
export class WebhookDelivery extends Node {
  @IdColumn() override id: string;
  @RefColumn() endpointId: string;
  @RefColumn() eventId: string;
  @Field(() => DeliveryStatus, { description: 'PENDING, DELIVERED or FAILED.' })
  @TextColumn(16)
  status: DeliveryStatus;
  /** Attempts made so far. */
  @Field(() => Int, { description: 'Attempts made so far (0 before the first; back to 0 on redelivery).' })
  @IntColumn()
  attempt: number;
  @Field(() => Date, { nullable: true, description: 'When the next attempt is due; null once delivered or failed.' })
  @TimeColumn({ nullable: true })
  nextAttemptAt: Date | null;
  @TimeColumn({ nullable: true }) lockedUntil: Date | null;
  @IntColumn({ nullable: true }) responseStatus: number | null;
  @Field(() => Int, { nullable: true, description: 'How long the last attempt took, in milliseconds; null before the first.' })
  @IntColumn({ nullable: true })
  durationMs: number | null;
  @Field(() => String, { nullable: true, description: 'Why the last attempt failed (a status or a network error, never the response body); null otherwise.' })
  @TextColumn(200, { nullable: true })
  error: string | null;
  @Field(() => Date, { nullable: true, description: 'When the endpoint accepted it; null until then.' })
  @TimeColumn({ nullable: true })
  deliveredAt: Date | null;
  @Field(() => Date, { description: 'When the delivery was made (with the event).' })
  @TimeColumn()
  createdAt: Date;
}
