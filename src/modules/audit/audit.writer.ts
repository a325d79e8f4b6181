import { EntityManager } from 'typeorm';
import { AuditOutcome } from '../../common/enums';
import { newId } from '../../common/ids';
import { RequestContext } from '../../context/request-context';
import { PURPOSE_LICENSE_MANAGEMENT } from '../../policy/audit-reads';
import { recordOutbox } from '../event/outbox';
import { AuditEvent } from './audit-event.entity';

export interface WriteEvent {
  /** Domain name of the event, e.g. contract.signed, license.allocated. */
  action: string;
  subjectType: string;
  subjectId: string;
  /** Personal-data fields the write touched (names only, never values). */
  fields?: string[];
  /** Counts, states, reasons: never a personal value in clear. */
  detail?: Record<string, unknown>;
}

/** Records a write in the same transaction as the write (STYLE habit 6). */
export function recordWrite(manager: EntityManager, ctx: RequestContext, event: WriteEvent): Promise<void> {
  return recordWrites(manager, ctx, [event]);
}

/** Many events of one write in one statement (registering 1,000 licenses is one INSERT). */
export async function recordWrites(manager: EntityManager, ctx: RequestContext, events: WriteEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    await manager.insert(
      AuditEvent,
      events.slice(i, i + 500).map((event) => ({
        id: newId(ctx.now),
        at: ctx.now,
        requestId: ctx.requestId,
        clientRequestId: ctx.clientRequestId ?? null,
        actorType: ctx.actor.type,
        actorId: ctx.actor.id,
        actorOrganizationId: ctx.actor.organizationId,
        action: event.action,
        subjectType: event.subjectType,
        subjectId: event.subjectId,
        fields: event.fields ?? [],
        purpose: PURPOSE_LICENSE_MANAGEMENT,
        outcome: AuditOutcome.ALLOWED,
        detail: event.detail ? JSON.stringify(event.detail) : null,
      })),
    );
  }
  // The events these writes publish (the outbox), in the same transaction: docs/events.md.
  await recordOutbox(manager, ctx, events);
}
