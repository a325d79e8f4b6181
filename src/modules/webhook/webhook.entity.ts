import { Entity, Index } from 'typeorm';
import { IdColumn, IntColumn, ListColumn, RefColumn, TextColumn, TimeColumn } from '../../common/columns';

/**
 * Where an organization wants its events sent. The signing secret is stored sealed (SECRETS_KEY)
 * because every delivery needs it in clear; a rotated-out secret keeps signing beside the new
 * one until previousSecretUntil (Standard Webhooks: several signatures in one header).
 */
@Entity('webhook_endpoint')
@Index('IDX_webhook_endpoint_organization', ['organizationId', 'id'])
export class WebhookEndpoint {
  @IdColumn() id: string;
  @RefColumn() organizationId: string;
  @TextColumn(2000) url: string;
  /** The dotted event types (license.allocated, …) it receives. */
  @ListColumn() eventTypes: string[];
  @TextColumn(500, { nullable: true }) description: string | null;
  @TextColumn(500) sealedSecret: string;
  @TextColumn(500, { nullable: true }) previousSealedSecret: string | null;
  @TimeColumn({ nullable: true }) previousSecretUntil: Date | null;
  @TimeColumn({ nullable: true }) disabledAt: Date | null;
  @TextColumn(300, { nullable: true }) disabledReason: string | null;
  @TimeColumn() createdAt: Date;
}

export enum DeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}

/**
 * One event for one endpoint: made in the transaction of the write that published the event,
 * then tried until delivered or out of attempts. lockedUntil is the lease of the worker that
 * claimed it: a worker killed mid-delivery leaves it to be tried again when the lease ends.
 */
@Entity('webhook_delivery')
@Index('UQ_webhook_delivery_endpoint_event', ['endpointId', 'eventId'], { unique: true })
@Index('IDX_webhook_delivery_due', ['status', 'nextAttemptAt'])
export class WebhookDelivery {
  @IdColumn() id: string;
  @RefColumn() endpointId: string;
  @RefColumn() eventId: string;
  @TextColumn(16) status: DeliveryStatus;
  /** Attempts made so far. */
  @IntColumn() attempt: number;
  @TimeColumn({ nullable: true }) nextAttemptAt: Date | null;
  @TimeColumn({ nullable: true }) lockedUntil: Date | null;
  @IntColumn({ nullable: true }) responseStatus: number | null;
  @IntColumn({ nullable: true }) durationMs: number | null;
  @TextColumn(200, { nullable: true }) error: string | null;
  @TimeColumn({ nullable: true }) deliveredAt: Date | null;
  @TimeColumn() createdAt: Date;
}
