import { DataSource, EntityManager, In } from 'typeorm';
import { HubConfig } from '../../config';
import { LicenseStatus, OrganizationKind } from '../../common/enums';
import { isDuplicateKey } from '../../common/duplicate-key';
import { newId } from '../../common/ids';
import { sqlDate } from '../../common/sql';
import { inTransaction } from '../../common/transaction';
import { decideTransfer } from '../../policy/transfer-gate';
import { Contract } from '../contract/contract.entity';
import { loadJurisdictionData } from '../jurisdiction/jurisdiction.service';
import { Organization } from '../organization/organization.entity';
import { fanOut } from '../webhook/fan-out';
import { ClockEmission, GateState } from './clock-state.entity';
import { HubEvent } from './event.entity';
import { EventType } from './event-type';

const DAY_MS = 86_400_000;

interface Emission {
  /** Names the event once and for all: a second emitter of the same key publishes nothing. */
  key: string;
  type: EventType;
  subjectType: string;
  subjectId: string;
  licenseId: string | null;
  distributorId: string | null;
  customerId: string | null;
}

/**
 * Publishes one clock-driven event through the outbox (hub_event and its webhook deliveries),
 * in a transaction whose first insert is the emission key: when another hub or worker published
 * it already (or is publishing it now), that insert fails and nothing is written. Returns
 * whether this call published it. `after` runs in the same transaction (e.g. the gate state).
 */
async function emitOnce(dataSource: DataSource, now: Date, e: Emission, after?: (manager: EntityManager) => Promise<void>): Promise<boolean> {
  try {
    await inTransaction(dataSource, async (manager) => {
      const id = newId(now);
      await manager.insert(ClockEmission, { emissionKey: e.key, eventId: id, emittedAt: now });
      const row = { id, type: e.type, occurredAt: now, subjectType: e.subjectType, subjectId: e.subjectId, licenseId: e.licenseId, distributorId: e.distributorId, customerId: e.customerId };
      await manager.insert(HubEvent, row);
      await fanOut(manager, [row]);
      if (after) await after(manager);
    });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/**
 * transfer_basis.opened / .closed: each distributor's gate is decided by the one gate function
 * (decideTransfer, the same facts as a request) at `now` and compared with the state last
 * recorded. The first evaluation of a distributor records its state and publishes nothing. The
 * emission key holds the state left and when it was recorded, so concurrent schedulers that saw
 * the same previous state publish the transition once.
 */
async function gateTransitions(dataSource: DataSource, now: Date): Promise<number> {
  const [data, distributors, contracts, states] = await Promise.all([
    loadJurisdictionData(dataSource),
    dataSource.getRepository(Organization).find({ where: { kind: OrganizationKind.DISTRIBUTOR } }),
    dataSource.getRepository(Contract).find(),
    dataSource.getRepository(GateState).find(),
  ]);
  const byDistributor = new Map<string, Contract[]>();
  for (const c of contracts) byDistributor.set(c.distributorId, [...(byDistributor.get(c.distributorId) ?? []), c]);
  const known = new Map(states.map((s) => [s.distributorId, s]));
  let published = 0;
  for (const d of distributors) {
    const allowed = decideTransfer(d, byDistributor.get(d.id) ?? [], data, now).allowed;
    const last = known.get(d.id);
    if (!last) {
      await dataSource
        .getRepository(GateState)
        .insert({ distributorId: d.id, allowed, since: now })
        .catch((err: unknown) => {
          if (!isDuplicateKey(err)) throw err;
        });
      continue;
    }
    if (last.allowed === allowed) continue;
    const type = allowed ? EventType.TRANSFER_BASIS_OPENED : EventType.TRANSFER_BASIS_CLOSED;
    const key = `${type}:${d.id}:${last.since.toISOString()}`;
    const emission = { key, type, subjectType: 'Organization', subjectId: d.id, licenseId: null, distributorId: d.id, customerId: null };
    const done = await emitOnce(dataSource, now, emission, (m) => m.update(GateState, { distributorId: d.id }, { allowed, since: now }).then(() => undefined));
    if (done) published++;
  }
  return published;
}

type LicenseRow = { id: string; distributorId: string; customerId: string | null; validUntil: Date | string };
type ContractRow = { id: string; distributorId: string; expiresAt: Date | string };

const iso = (d: Date | string) => (d instanceof Date ? d : new Date(String(d).replace(' ', 'T') + (String(d).endsWith('Z') ? '' : 'Z'))).toISOString();

/**
 * license.expiring (LICENSE_EXPIRING_DAYS before validUntil), license.expired (validUntil
 * passed, looked back as far), contract.expiring (CONTRACT_EXPIRING_DAYS before expiresAt):
 * once per subject and date (a renewal's new validUntil is a new date), revoked and lapsed
 * licenses and terminated contracts excepted.
 */
async function dateEvents(dataSource: DataSource, config: HubConfig, now: Date): Promise<number> {
  const { licenseExpiringDays, contractExpiringDays } = config.clockEvents;
  const horizon = new Date(now.getTime() + licenseExpiringDays * DAY_MS);
  const lookback = new Date(now.getTime() - licenseExpiringDays * DAY_MS);
  const licenses: LicenseRow[] = await dataSource.query(
    'SELECT l.id, l.distributorId, l.customerId, l.validUntil FROM `license` l WHERE l.validUntil IS NOT NULL AND l.validUntil > ? AND l.validUntil <= ? AND l.state NOT IN (?, ?)',
    [sqlDate(lookback), sqlDate(horizon), LicenseStatus.REVOKED, LicenseStatus.LAPSED],
  );
  const contracts: ContractRow[] = await dataSource.query(
    'SELECT c.id, c.distributorId, c.expiresAt FROM `contract` c WHERE c.expiresAt IS NOT NULL AND c.expiresAt > ? AND c.expiresAt <= ? AND c.terminatedAt IS NULL',
    [sqlDate(now), sqlDate(new Date(now.getTime() + contractExpiringDays * DAY_MS))],
  );
  const wanted: Emission[] = [];
  for (const l of licenses) {
    const until = iso(l.validUntil);
    const type = new Date(until).getTime() <= now.getTime() ? EventType.LICENSE_EXPIRED : EventType.LICENSE_EXPIRING;
    wanted.push({ key: `${type}:${l.id}:${until}`, type, subjectType: 'License', subjectId: l.id, licenseId: l.id, distributorId: l.distributorId, customerId: l.customerId });
  }
  for (const c of contracts) {
    const type = EventType.CONTRACT_EXPIRING;
    wanted.push({ key: `${type}:${c.id}:${iso(c.expiresAt)}`, type, subjectType: 'Contract', subjectId: c.id, licenseId: null, distributorId: c.distributorId, customerId: null });
  }
  const seen = new Set<string>();
  for (let i = 0; i < wanted.length; i += 500) {
    const keys = wanted.slice(i, i + 500).map((w) => w.key);
    for (const e of await dataSource.getRepository(ClockEmission).find({ select: { emissionKey: true }, where: { emissionKey: In(keys) } })) seen.add(e.emissionKey);
  }
  let published = 0;
  for (const w of wanted) if (!seen.has(w.key) && (await emitOnce(dataSource, now, w))) published++;
  return published;
}

/**
 * One round of the clock scheduler (docs/events.md, Clock-driven events): run by the delivery
 * loop before each round of deliveries, in the hub and in `npm run worker`. Returns how many
 * events this call published.
 */
export async function runClockEvents(dataSource: DataSource, config: HubConfig, now: Date): Promise<number> {
  return (await gateTransitions(dataSource, now)) + (await dateEvents(dataSource, config, now));
}
