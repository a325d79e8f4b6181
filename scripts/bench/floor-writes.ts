import { RowDataPacket } from 'mysql2/promise';
import { newId } from '../../src/common/ids';

/**
 * The floor's writes and license summary (W1, W1c, W1r and A1 of docs/benchmarks.md), by hand,
 * keeping the hub's obligations: the caller is the JWT's user, read by the caller of these
 * functions; the license or activation must be the customer's own (the hub's row scope); the
 * license row is locked (SELECT … FOR UPDATE) before its active activations are counted, so the
 * seat limit is exact whatever runs at once; the write, its audit_event row and its hub_event
 * row (the outbox, with the event's audience) and the webhook deliveries of subscribed
 * endpoints are written in one transaction (READ COMMITTED, as the hub's).
 */

/** A statement runner: counts and (on request) records every statement, as the floor does. */
export type Query = <R extends RowDataPacket>(sql: string, params: unknown[]) => Promise<R[]>;
/** Runs fn in one transaction on one connection (START TRANSACTION … COMMIT, or ROLLBACK on a throw). */
export type InTransaction = <T>(fn: (q: Query) => Promise<T>) => Promise<T>;

export interface WriteActor {
  userId: string;
  orgId: string;
  kind: string;
}

interface GqlError {
  message: string;
  path: (string | number)[];
  extensions: Record<string, unknown>;
}

export interface Answer {
  status: number;
  payload: unknown;
}

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
const fromGid = (type: string, value: unknown): string => {
  const raw = Buffer.from(typeof value === 'string' ? value : '', 'base64url').toString('utf8');
  return raw.startsWith(`${type}:`) ? raw.slice(type.length + 1) : '';
};
const sqlAt = (d: Date) => d.toISOString().replace('T', ' ').replace('Z', '');
const iso = (s: string) => `${s.replace(' ', 'T')}Z`;

/** A refusal as the hub answers it: data null at the mutation, one error with its code. */
class Refusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function refused(field: string, e: unknown): Answer {
  if (!(e instanceof Refusal)) throw e;
  const error: GqlError = { message: e.message, path: [field], extensions: { code: e.code, ...e.extra } };
  return { status: 200, payload: { errors: [error], data: { [field]: null } } };
}

interface LicenseRow extends RowDataPacket {
  state: string;
  validFrom: string;
  validUntil: string | null;
  seats: number;
  distributorId: string;
  customerId: string | null;
}
interface SeatRow extends RowDataPacket {
  computerId: string | null;
  os: string | null;
  existingId: string | null;
  existingAt: string | null;
  used: number | string;
}

const REFUSED: Record<string, string> = {
  REGISTERED: 'the license is not allocated to a customer yet',
  REVOKED: 'the license was revoked',
  LAPSED: 'the license lapsed (its licensee withdrew consent)',
};

/** The write's audit row, its event (outbox) and the deliveries of subscribed endpoints: 3 statements (4 with deliveries). */
async function record(
  q: Query,
  actor: WriteActor,
  requestId: string,
  now: Date,
  action: string,
  activationId: string,
  license: { id: string; distributorId: string; customerId: string },
): Promise<void> {
  const at = sqlAt(now);
  await q(
    'INSERT INTO `audit_event` (id, at, requestId, actorType, actorId, actorOrganizationId, action, subjectType, subjectId, fields, purpose, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [newId(now), at, requestId, 'USER', actor.userId, actor.orgId, action, 'Activation', activationId, '', 'LICENSE_MANAGEMENT', 'ALLOWED', JSON.stringify({ licenseId: license.id })],
  );
  const eventId = newId(now);
  await q('INSERT INTO `hub_event` (id, type, occurredAt, subjectType, subjectId, licenseId, distributorId, customerId) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
    eventId,
    action,
    at,
    'Activation',
    activationId,
    license.id,
    license.distributorId,
    license.customerId,
  ]);
  const endpoints = await q<RowDataPacket & { id: string }>(
    "SELECT w.id FROM `webhook_endpoint` w JOIN `organization` o ON o.id = w.organizationId WHERE w.disabledAt IS NULL AND FIND_IN_SET(?, w.eventTypes) AND (o.kind = 'VENDOR' OR w.organizationId IN (?, ?))",
    [action, license.distributorId, license.customerId],
  );
  if (endpoints.length) {
    await q('INSERT INTO `webhook_delivery` (id, endpointId, eventId, status, attempt, nextAttemptAt, createdAt) VALUES ?', [endpoints.map((w) => [newId(now), w.id, eventId, 'PENDING', 0, at, at])]);
  }
}

function computerInput(value: unknown): { name: string; hostId: string; os: string } {
  const c = (value ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const out = { name: str(c.name), hostId: str(c.hostId), os: str(c.os) };
  const limits = { name: 255, hostId: 255, os: 64 };
  for (const k of Object.keys(limits) as (keyof typeof limits)[]) {
    // eslint-disable-next-line no-control-regex -- the hub refuses control characters too
    if (!out[k] || out[k].length > limits[k] || /[\u0000-\u001f\u007f]/.test(out[k])) throw new Refusal('BAD_USER_INPUT', `input.computer.${k}: must be 1 to ${limits[k]} characters`);
  }
  return out;
}

const activationAnswer = (id: string, activatedAt: string, deactivatedAt: string | null, os: string | null, seats: number, used: number) => ({
  activation: { id: gid('Activation', id), activatedAt, deactivatedAt, computer: { os }, license: { seats, seatsUsed: used } },
});

/**
 * activateLicense, by hand. One transaction: the license locked (scoped to the customer), then
 * in one statement its active activations and the computer (by host id) with its active
 * activation of this license if any (the same license on the same computer answers that one);
 * refused (CONFLICT) at the seat limit before anything is written; else the computer (if
 * new), the activation, and record().
 */
export async function activate(tx: InTransaction, actor: WriteActor, input: Record<string, unknown>, requestId: string, now: Date): Promise<Answer> {
  try {
    const licenseId = fromGid('License', input.licenseId);
    const computer = computerInput(input.computer);
    return await tx(async (q) => {
      const [license] = await q<LicenseRow>('SELECT state, validFrom, validUntil, seats, distributorId, customerId FROM `license` WHERE id = ? AND customerId = ? FOR UPDATE', [
        licenseId,
        actor.orgId,
      ]);
      if (!license) throw new Refusal('NOT_FOUND', 'License (input.licenseId) not found');
      const expired = license.validUntil !== null && Date.parse(iso(license.validUntil)) <= now.getTime();
      if (REFUSED[license.state] || expired || !license.customerId)
        throw new Refusal('CONFLICT', REFUSED[license.state] ?? 'the license has expired', { rule: `license.activate_${expired ? 'expired' : license.state.toLowerCase()}` });
      if (Date.parse(iso(license.validFrom)) > now.getTime()) throw new Refusal('CONFLICT', 'the license is not valid yet', { rule: 'license.activate_not_yet_valid' });
      const [seat] = await q<SeatRow>(
        'SELECT c.id AS computerId, c.os, a.id AS existingId, a.activatedAt AS existingAt, (SELECT COUNT(*) FROM `activation` u WHERE u.licenseId = ? AND u.deactivatedAt IS NULL) AS used ' +
          'FROM (SELECT 1) one LEFT JOIN `computer` c ON c.organizationId = ? AND c.hostId = ? LEFT JOIN `activation` a ON a.licenseId = ? AND a.computerId = c.id AND a.deactivatedAt IS NULL',
        [licenseId, license.customerId, computer.hostId, licenseId],
      );
      const used = Number(seat.used);
      if (seat.existingId) return { status: 200, payload: { data: { activateLicense: activationAnswer(seat.existingId, iso(seat.existingAt!), null, seat.os, license.seats, used) } } };
      if (used >= license.seats)
        throw new Refusal('CONFLICT', `seat limit reached: ${used} of ${license.seats} seats are in use`, { rule: 'license.seat_limit', seats: license.seats, seatsUsed: used });
      let computerId = seat.computerId;
      let os = seat.os;
      if (!computerId) {
        computerId = newId(now);
        os = computer.os;
        await q('INSERT INTO `computer` (id, organizationId, name, hostId, os, createdAt) VALUES (?, ?, ?, ?, ?, ?)', [
          computerId,
          license.customerId,
          computer.name,
          computer.hostId,
          computer.os,
          sqlAt(now),
        ]);
      }
      const id = newId(now);
      await q('INSERT INTO `activation` (id, licenseId, computerId, activatedAt, deactivatedAt, activatedById) VALUES (?, ?, ?, ?, NULL, ?)', [id, licenseId, computerId, sqlAt(now), actor.userId]);
      await record(q, actor, requestId, now, 'license.activated', id, { id: licenseId, distributorId: license.distributorId, customerId: license.customerId });
      return { status: 200, payload: { data: { activateLicense: activationAnswer(id, now.toISOString(), null, os, license.seats, used + 1) } } };
    });
  } catch (e) {
    return refused('activateLicense', e);
  }
}

interface ActivationRow extends RowDataPacket {
  licenseId: string;
  activatedAt: string;
  deactivatedAt: string | null;
}
interface AfterRow extends RowDataPacket {
  seats: number;
  distributorId: string;
  customerId: string;
  os: string | null;
  used: number | string;
}

/** deactivateActivation, by hand: the activation locked (scoped to the customer's licenses), ended, record(), the answer read back. */
export async function deactivate(tx: InTransaction, actor: WriteActor, input: Record<string, unknown>, requestId: string, now: Date): Promise<Answer> {
  try {
    const id = fromGid('Activation', input.activationId);
    return await tx(async (q) => {
      const [a] = await q<ActivationRow>(
        'SELECT a.licenseId, a.activatedAt, a.deactivatedAt FROM `activation` a WHERE a.id = ? AND a.licenseId IN (SELECT l.id FROM `license` l WHERE l.customerId = ?) FOR UPDATE',
        [id, actor.orgId],
      );
      if (!a) throw new Refusal('NOT_FOUND', 'Activation (input.activationId) not found');
      if (a.deactivatedAt) throw new Refusal('CONFLICT', 'the activation is already deactivated', { rule: 'activation.deactivate_once' });
      await q('UPDATE `activation` SET deactivatedAt = ? WHERE id = ?', [sqlAt(now), id]);
      const [after] = await q<AfterRow>(
        'SELECT l.seats, l.distributorId, l.customerId, c.os, (SELECT COUNT(*) FROM `activation` u WHERE u.licenseId = l.id AND u.deactivatedAt IS NULL) AS used ' +
          'FROM `activation` a JOIN `license` l ON l.id = a.licenseId JOIN `computer` c ON c.id = a.computerId WHERE a.id = ?',
        [id],
      );
      await record(q, actor, requestId, now, 'license.deactivated', id, { id: a.licenseId, distributorId: after.distributorId, customerId: after.customerId });
      return { status: 200, payload: { data: { deactivateActivation: activationAnswer(id, iso(a.activatedAt), now.toISOString(), after.os, after.seats, Number(after.used)) } } };
    });
  } catch (e) {
    return refused('deactivateActivation', e);
  }
}

interface BucketRow extends RowDataPacket {
  productId: string;
  sku: string;
  status: string;
  n: number | string;
  seats: number | string;
  used: number | string | null;
  soon: number | string;
}

const STATUSES = ['REGISTERED', 'ALLOCATED', 'REVOKED', 'LAPSED', 'EXPIRED'];

/**
 * Query.licenseSummary of a distributor, by hand: one aggregate statement over its held
 * licenses (status as the hub computes it, active activations per license, expiring within 30
 * days), with the product's sku joined; the sums in JavaScript. Counts only: nothing to audit.
 */
export async function licenseSummary(q: Query, actor: WriteActor, days: number, now: Date): Promise<Answer> {
  const soonUntil = new Date(now.getTime() + days * 86_400_000);
  const rows = await q<BucketRow>(
    'SELECT x.productId, p.sku, x.status, COUNT(*) AS n, SUM(x.seats) AS seats, SUM(x.used) AS used, SUM(x.soon) AS soon FROM (' +
      "SELECT l.productId, CASE WHEN l.state IN ('REVOKED', 'LAPSED') THEN l.state WHEN l.validUntil IS NOT NULL AND l.validUntil <= ? THEN 'EXPIRED' ELSE l.state END AS status, l.seats, " +
      '(SELECT COUNT(*) FROM `activation` u WHERE u.licenseId = l.id AND u.deactivatedAt IS NULL) AS used, ' +
      "(l.state IN ('REGISTERED', 'ALLOCATED') AND l.validUntil > ? AND l.validUntil <= ?) AS soon FROM `license` l WHERE l.distributorId = ?" +
      ') x JOIN `product` p ON p.id = x.productId GROUP BY x.productId, p.sku, x.status',
    [sqlAt(now), sqlAt(now), sqlAt(soonUntil), actor.orgId],
  );
  const byStatus = new Map(STATUSES.map((s) => [s, 0]));
  const byProduct = new Map<string, { product: { sku: string }; licenses: number; seats: number; seatsUsed: number }>();
  let [total, seats, used, soon] = [0, 0, 0, 0];
  for (const r of rows) {
    const [n, s, u] = [Number(r.n), Number(r.seats), Number(r.used ?? 0)];
    total += n;
    seats += s;
    used += u;
    soon += Number(r.soon ?? 0);
    byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + n);
    const p = byProduct.get(r.productId) ?? { product: { sku: r.sku }, licenses: 0, seats: 0, seatsUsed: 0 };
    p.licenses += n;
    p.seats += s;
    p.seatsUsed += u;
    byProduct.set(r.productId, p);
  }
  const summary = {
    total,
    expiringSoon: soon,
    expiringWithinDays: days,
    seats: { total: seats, used },
    byStatus: [...byStatus].map(([status, count]) => ({ status, count })),
    byProduct: [...byProduct.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p),
  };
  return { status: 200, payload: { data: { licenseSummary: summary } } };
}
