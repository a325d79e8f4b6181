import { EntityManager } from 'typeorm';
import { OrganizationKind } from '../../common/enums';
import { newId } from '../../common/ids';
import { RequestContext } from '../../context/request-context';
import type { WriteEvent } from '../audit/audit.writer';
import { fanOut } from '../webhook/fan-out';
import { HubEvent } from './event.entity';
import { EVENT_OF_ACTION, EventType } from './event-type';

interface Audience {
  licenseId: string | null;
  distributorId: string | null;
  customerId: string | null;
}

type Row = { id: string; licenseId?: string | null; distributorId?: string | null; customerId?: string | null; kind?: string; organizationId?: string };

const CHUNK = 500;

/** One statement per chunk of subject ids: who each subject concerns, read in the write's transaction. */
async function audiences(manager: EntityManager, subjectType: string, ids: string[]): Promise<Map<string, Audience>> {
  const out = new Map<string, Audience>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const marks = part.map(() => '?').join(', ');
    let rows: Row[] = [];
    if (subjectType === 'License') {
      rows = await manager.query(`SELECT l.id, l.id AS licenseId, l.distributorId, l.customerId FROM \`license\` l WHERE l.id IN (${marks})`, part);
    } else if (subjectType === 'Activation') {
      rows = await manager.query(`SELECT a.id, a.licenseId, l.distributorId, l.customerId FROM \`activation\` a JOIN \`license\` l ON l.id = a.licenseId WHERE a.id IN (${marks})`, part);
    } else if (subjectType === 'Contract') {
      rows = await manager.query(`SELECT c.id, c.distributorId FROM \`contract\` c WHERE c.id IN (${marks})`, part);
    } else if (subjectType === 'PortalUser') {
      // A person's event is seen by the vendor and the person's own organization only.
      const users: Row[] = await manager.query(`SELECT u.id, u.organizationId, o.kind FROM \`portal_user\` u JOIN \`organization\` o ON o.id = u.organizationId WHERE u.id IN (${marks})`, part);
      rows = users.map((u) => ({
        id: u.id,
        distributorId: u.kind === OrganizationKind.DISTRIBUTOR ? u.organizationId : null,
        customerId: u.kind === OrganizationKind.CUSTOMER ? u.organizationId : null,
      }));
    }
    for (const r of rows) out.set(r.id, { licenseId: r.licenseId ?? null, distributorId: r.distributorId ?? null, customerId: r.customerId ?? null });
  }
  return out;
}

/**
 * The outbox half of recordWrites(): the events the writes publish, in the same transaction as
 * the writes and their audit record. Called by the audit writer only, so no mutation has to
 * remember it. The customer link events take their audience from the write itself (the link
 * may be gone already: an unlink stays visible to the distributor it was unlinked from).
 */
export async function recordOutbox(manager: EntityManager, ctx: RequestContext, events: WriteEvent[]): Promise<void> {
  const published = events.filter((e) => EVENT_OF_ACTION[e.action]);
  if (!published.length) return;
  const bySubjectType = new Map<string, string[]>();
  for (const e of published) {
    if (e.subjectType === 'Organization') continue;
    bySubjectType.set(e.subjectType, [...(bySubjectType.get(e.subjectType) ?? []), e.subjectId]);
  }
  const known = new Map<string, Audience>();
  for (const [type, ids] of bySubjectType) for (const [id, a] of await audiences(manager, type, ids)) known.set(`${type}:${id}`, a);

  const rows = published.map((e) => {
    const type: EventType = EVENT_OF_ACTION[e.action];
    const distributorId = e.detail?.distributorId;
    const link = e.subjectType === 'Organization' ? { licenseId: null, distributorId: typeof distributorId === 'string' ? distributorId : null, customerId: e.subjectId } : null;
    const audience = link ?? known.get(`${e.subjectType}:${e.subjectId}`) ?? { licenseId: null, distributorId: null, customerId: null };
    return { id: newId(ctx.now), type, occurredAt: ctx.now, subjectType: e.subjectType, subjectId: e.subjectId, ...audience };
  });
  for (let i = 0; i < rows.length; i += CHUNK) await manager.insert(HubEvent, rows.slice(i, i + CHUNK));
  await fanOut(manager, rows);
}
