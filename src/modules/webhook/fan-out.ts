import { EntityManager } from 'typeorm';
import { OrganizationKind } from '../../common/enums';
import { newId } from '../../common/ids';
import { DeliveryStatus, WebhookDelivery } from './webhook.entity';

interface PublishedEvent {
  id: string;
  type: string;
  occurredAt: Date;
  distributorId: string | null;
  customerId: string | null;
}

/**
 * The deliveries of new events, in the transaction that publishes them: one per enabled endpoint
 * that subscribes to the type and whose organization is in the event's audience (the vendor's
 * endpoints: every event, as in the feed). What each delivery may carry is decided later, when
 * it is sent, by the read policy (payload.ts).
 */
export async function fanOut(manager: EntityManager, events: PublishedEvent[]): Promise<void> {
  if (!events.length) return;
  const endpoints: { id: string; organizationId: string; kind: OrganizationKind; eventTypes: string }[] = await manager.query(
    'SELECT w.id, w.organizationId, o.kind, w.eventTypes FROM `webhook_endpoint` w JOIN `organization` o ON o.id = w.organizationId WHERE w.disabledAt IS NULL',
  );
  if (!endpoints.length) return;
  const rows: Partial<WebhookDelivery>[] = [];
  for (const e of events) {
    for (const w of endpoints) {
      if (!w.eventTypes.split(',').includes(e.type)) continue;
      const inAudience = w.kind === OrganizationKind.VENDOR || w.organizationId === e.distributorId || w.organizationId === e.customerId;
      if (!inAudience) continue;
      rows.push({ id: newId(e.occurredAt), endpointId: w.id, eventId: e.id, status: DeliveryStatus.PENDING, attempt: 0, nextAttemptAt: e.occurredAt, createdAt: e.occurredAt });
    }
  }
  for (let i = 0; i < rows.length; i += 500) await manager.insert(WebhookDelivery, rows.slice(i, i + 500));
}
