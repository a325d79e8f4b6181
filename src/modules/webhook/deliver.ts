import { randomBytes } from 'node:crypto';
import { DataSource, In } from 'typeorm';
import { newId } from '../../common/ids';
import { sqlDate } from '../../common/sql';
import { inTransaction } from '../../common/transaction';
import { HubEvent } from '../event/event.entity';
import { buildEventPayload, PayloadDeps } from './payload';
import { retryDelayMs } from './retry';
import { sendSigned, SendOptions } from './send';
import { DeliveryStatus, WebhookDelivery, WebhookEndpoint } from './webhook.entity';

export interface DeliveryDeps extends PayloadDeps {
  send: SendOptions;
  /** How long a claimed delivery is the claiming worker's: after it, another worker tries it again. */
  leaseMs: number;
}

/** What became of one claimed delivery in a round: DELIVERED, PENDING (tried again later) or FAILED (no attempt left). */
export interface DeliveryOutcome {
  id: string;
  ok: boolean;
  status: DeliveryStatus;
}

/** A new signing secret in the Standard Webhooks form (whsec_ and 24 random bytes in base64). */
export function newWebhookSecret(): string {
  return 'whsec_' + randomBytes(24).toString('base64');
}

/** An endpoint row written directly, without the checks of createWebhookEndpoint (webhook.mutations.ts): for tests and operators; its secret is returned once, in clear. */
export async function createEndpointRow(deps: PayloadDeps, input: { organizationId: string; url: string; eventTypes: string[]; description?: string | null }, now: Date) {
  const secret = newWebhookSecret();
  const endpoint: WebhookEndpoint = {
    id: newId(now),
    organizationId: input.organizationId,
    url: input.url,
    eventTypes: input.eventTypes,
    description: input.description ?? null,
    sealedSecret: deps.secrets.seal(secret),
    previousSealedSecret: null,
    previousSecretUntil: null,
    disabledAt: null,
    disabledReason: null,
    createdAt: now,
  };
  await inTransaction(deps.dataSource, (manager) => manager.insert(WebhookEndpoint, endpoint));
  return { endpoint, secret };
}

/**
 * Claims up to `limit` due deliveries for this worker: in one short transaction the due rows are
 * locked (MySQL/MariaDB: FOR UPDATE SKIP LOCKED, so that workers at once take different rows;
 * the embedded database has one writer) and leased until now + leaseMs. A worker that dies
 * mid-delivery leaves its lease to run out; the delivery is then due again (at least once).
 */
async function claim(dataSource: DataSource, now: Date, limit: number, leaseMs: number): Promise<string[]> {
  const mysql = dataSource.options.type !== 'better-sqlite3';
  // inTransaction: READ COMMITTED on MySQL; on the embedded database, queued behind the writes in progress.
  return inTransaction(dataSource, async (manager) => {
    const at = sqlDate(now);
    const rows: { id: string }[] = await manager.query(
      `SELECT id FROM \`webhook_delivery\` WHERE status = ? AND nextAttemptAt <= ? AND (lockedUntil IS NULL OR lockedUntil <= ?) ORDER BY nextAttemptAt, id LIMIT ?${mysql ? ' FOR UPDATE SKIP LOCKED' : ''}`,
      [DeliveryStatus.PENDING, at, at, limit],
    );
    const ids = rows.map((r) => r.id);
    if (ids.length) {
      await manager.query(`UPDATE \`webhook_delivery\` SET lockedUntil = ?, attempt = attempt + 1 WHERE id IN (${ids.map(() => '?').join(', ')})`, [
        sqlDate(new Date(now.getTime() + leaseMs)),
        ...ids,
      ]);
    }
    return ids;
  });
}

/** The signing secrets of an endpoint at this instant: the current one, and the previous one during its overlap. */
function secretsOf(deps: PayloadDeps, endpoint: WebhookEndpoint, now: Date): string[] {
  const current = deps.secrets.open(endpoint.sealedSecret);
  const previous = endpoint.previousSealedSecret && endpoint.previousSecretUntil && now < endpoint.previousSecretUntil ? deps.secrets.open(endpoint.previousSealedSecret) : null;
  return previous ? [current, previous] : [current];
}

/**
 * One round of the delivery worker at `now`: claims the due deliveries and sends each (payload
 * built at `now` for the endpoint's owner, signed, sent); records the outcome. A failure is
 * tried again after the next delay of the schedule; after the last attempt the delivery has
 * failed and the endpoint is disabled with the reason, for its owner to see. Returns the
 * outcomes of this round.
 */
export async function deliverDue(deps: DeliveryDeps, now: Date, limit = 20): Promise<DeliveryOutcome[]> {
  const ids = await claim(deps.dataSource, now, limit, deps.leaseMs);
  if (!ids.length) return [];
  const deliveries = await deps.dataSource.getRepository(WebhookDelivery).findBy({ id: In(ids) });
  const events = new Map((await deps.dataSource.getRepository(HubEvent).findBy({ id: In(deliveries.map((d) => d.eventId)) })).map((e) => [e.id, e]));
  const endpoints = new Map((await deps.dataSource.getRepository(WebhookEndpoint).findBy({ id: In(deliveries.map((d) => d.endpointId)) })).map((w) => [w.id, w]));
  const out: DeliveryOutcome[] = [];
  for (const d of deliveries) {
    const endpoint = endpoints.get(d.endpointId);
    const event = events.get(d.eventId);
    if (!endpoint || !event || endpoint.disabledAt) {
      await inTransaction(deps.dataSource, (m) =>
        m.update(WebhookDelivery, { id: d.id }, { status: DeliveryStatus.FAILED, lockedUntil: null, nextAttemptAt: null, error: 'the endpoint is disabled or deleted' }),
      );
      out.push({ id: d.id, ok: false, status: DeliveryStatus.FAILED });
      continue;
    }
    const { body } = await buildEventPayload(deps, { endpointId: endpoint.id, organizationId: endpoint.organizationId }, event, now);
    const [secret, ...others] = secretsOf(deps, endpoint, now);
    const sent = await sendSigned(endpoint.url, secret, event.id, now, body, deps.send, others);
    const delay = sent.ok ? null : retryDelayMs(d.attempt);
    const status = sent.ok ? DeliveryStatus.DELIVERED : delay === null ? DeliveryStatus.FAILED : DeliveryStatus.PENDING;
    const failedForGood = status === DeliveryStatus.FAILED;
    const reason = `every attempt of a delivery failed for about a day (the last: ${sent.error ?? 'no answer'}); enable the endpoint again once it answers`;
    await inTransaction(deps.dataSource, async (m) => {
      await m.update(
        WebhookDelivery,
        { id: d.id },
        {
          status,
          lockedUntil: null,
          nextAttemptAt: delay === null ? null : new Date(now.getTime() + delay),
          responseStatus: sent.status,
          durationMs: sent.durationMs,
          error: sent.error?.slice(0, 200) ?? null,
          deliveredAt: sent.ok ? now : null,
        },
      );
      // An endpoint whose delivery failed for good is disabled, with the reason for its owner.
      if (failedForGood) await m.update(WebhookEndpoint, { id: endpoint.id }, { disabledAt: now, disabledReason: reason.slice(0, 300) });
    });
    out.push({ id: d.id, ok: sent.ok, status });
  }
  return out;
}
