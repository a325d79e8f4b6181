import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { jwtVerify } from 'jose';
import { createPool, Pool, RowDataPacket } from 'mysql2/promise';
import { newId } from '../src/common/ids';
import { decideTransfer, GateContract, JurisdictionData, parseCovers } from '../src/policy/transfer-gate';
import { installProbe } from './bench-hub';
import { activate, deactivate, InTransaction, licenseSummary, Query } from './bench/floor-writes';

/**
 * The floor of the benchmark (docs/benchmarks.md): the dashboard's answer produced the fastest plain way in
 * one Node.js process — node:http, mysql2, hand-written SQL, JSON.stringify. No GraphQL, no ORM,
 * no middleware. It answers exactly the benchmark's operations (POST /graphql with
 * operationName Dashboard, Customer, Summary, Activate or Deactivate and their variables) and
 * nothing else; the last three are in scripts/bench/floor-writes.ts.
 *
 * It keeps the hub's obligations, so that the comparison is about the machinery and not about
 * skipped work: it verifies the bearer JWT (jose, HS256, iss/aud/exp) and reads the user and
 * its organization; it scopes every row to the distributor; it decides the transfer gate per
 * request from the database (contracts and jurisdiction facts, through the same pure
 * decideTransfer() as the hub) and answers denied personal fields as null with a
 * TRANSFER_BASIS_REQUIRED error at their path; and it records the reads (and denials) of
 * personal data in audit_event with one multi-row INSERT before answering, one event per
 * subject, as the hub does.
 *
 * Per dashboard request: auth (1 statement); then gate facts (1) ‖ the customers page (1); then
 * the users of the page (1) ‖ the licenses with product, seatsUsed and their first activations
 * with computer (1, window functions); then the audit INSERT (1): 6 statements, 4 round trips deep.
 */

const USERS_FIRST = 5;
const TRANSACTION_CONTROL = /^\s*(START TRANSACTION|COMMIT|ROLLBACK)\b/i;
const LICENSES_FIRST = 20;
const ACTIVATIONS_FIRST = 4;

interface Actor {
  userId: string;
  orgId: string;
  kind: string;
  name: string;
  country: string;
  processingCountries: string[];
}

/** The rows of the floor's statements (mysql2 with dateStrings: instants arrive as 'YYYY-MM-DD HH:MM:SS.mmm'). */
interface ActorRow extends RowDataPacket {
  status: string;
  id: string;
  kind: string;
  name: string;
  country: string;
  processingCountries: string | null;
}
/** One statement for the gate: jurisdiction rules (k = 'R'), mechanisms ('M') and contracts ('C'), columns a..t by k. */
interface GateRow extends RowDataPacket {
  k: 'R' | 'M' | 'C';
  a: string;
  b: string | null;
  c: string | null;
  f: string | null;
  u: string | null;
  x: string | null;
  s: string | null;
  g: string | null;
  t: string | null;
}
interface CustomerRow extends RowDataPacket {
  id: string;
  name: string;
}
interface UserRow extends RowDataPacket {
  organizationId: string;
  id: string;
  name: string;
  email: string;
}
interface LicenseRow extends RowDataPacket {
  id: string;
  customerId: string;
  state: string;
  validUntil: string | null;
  seats: number;
  sku: string;
  used: string | number | null;
  activatedAt: string | null;
  computerId: string;
  os: string | null;
  computerName: string | null;
}

interface Gate {
  allowed: boolean;
  reason: string;
  basis: string;
}

interface GqlError {
  message: string;
  path: (string | number)[];
  extensions: Record<string, unknown>;
}

/** One request's state: its errors and its audit events (one per subject and outcome). */
class Answer {
  readonly errors: GqlError[] = [];
  readonly audit = new Map<string, { type: string; id: string; fields: Set<string>; allowed: boolean }>();

  constructor(readonly gate: Gate | null) {}

  /** A personal field: its value if the gate is open (the read recorded), else null and an error. */
  personal<T>(value: T, subjectType: string, subjectId: string, field: string, path: (string | number)[]): T | null {
    const allowed = !this.gate || this.gate.allowed;
    const key = allowed ? subjectId : `denied:${subjectId}`;
    let event = this.audit.get(key);
    if (!event) this.audit.set(key, (event = { type: subjectType, id: subjectId, fields: new Set(), allowed }));
    event.fields.add(`${subjectType}.${field}`);
    if (allowed) return value;
    this.errors.push({
      message: `Personal data of customers is not available to your organization without a data-transfer basis in force (${this.gate.reason})`,
      path,
      extensions: { code: 'TRANSFER_BASIS_REQUIRED', basis: this.gate.basis },
    });
    return null;
  }
}

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
/** 'YYYY-MM-DD HH:MM:SS.mmm' (dateStrings) → ISO 8601 as GraphQL's DateTimeISO prints it. */
const iso = (s: string) => `${s.replace(' ', 'T')}Z`;
const date = (s: string | null) => (s === null ? null : new Date(iso(s)));

function licenseStatus(state: string, validUntil: string | null, now: number): string {
  if (state === 'REVOKED' || state === 'LAPSED') return state;
  if (validUntil !== null && new Date(iso(validUntil)).getTime() <= now) return 'EXPIRED';
  return state;
}

function decodeCursor(cursor: string): [string, string] | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return Array.isArray(v) && v[0] === 'c1' && v.length === 3 && typeof v[1] === 'string' && typeof v[2] === 'string' ? [v[1], v[2]] : null;
  } catch {
    return null;
  }
}

class Floor {
  statements = 0;
  private recorded: string[] | null = null;
  private readonly secret: Uint8Array;

  constructor(
    private readonly pool: Pool,
    private readonly jwt: { secret: string; issuer: string; audience: string },
  ) {
    this.secret = new TextEncoder().encode(jwt.secret);
  }

  record(on: boolean): string[] {
    const out = this.recorded ?? [];
    this.recorded = on ? [] : null;
    return out;
  }

  private async q<R extends RowDataPacket>(sql: string, params: unknown[]): Promise<R[]> {
    this.statements++;
    this.recorded?.push(sql);
    const [rows] = await this.pool.query<R[]>(sql, params);
    return rows;
  }

  /** One transaction on one pooled connection (READ COMMITTED: set once per connection, see main()); every statement counted. */
  readonly tx: InTransaction = async <T>(fn: (q: Query) => Promise<T>): Promise<T> => {
    const conn = await this.pool.getConnection();
    const q: Query = async <R extends RowDataPacket>(sql: string, params: unknown[]) => {
      // Counted as the hub's CountingLogger counts: transaction control is not a statement.
      if (!TRANSACTION_CONTROL.test(sql)) this.statements++;
      this.recorded?.push(sql);
      const [rows] = await conn.query<R[]>(sql, params);
      return rows;
    };
    try {
      await q('START TRANSACTION', []);
      const out = await fn(q);
      await q('COMMIT', []);
      return out;
    } catch (e) {
      await q('ROLLBACK', []);
      throw e;
    } finally {
      conn.release();
    }
  };

  async authenticate(header: string | undefined, now: Date): Promise<Actor | null> {
    const token = /^Bearer ([^\s]+)$/i.exec(header?.trim() ?? '')?.[1];
    if (!token) return null;
    let sub: string | undefined;
    try {
      ({
        payload: { sub },
      } = await jwtVerify(token, this.secret, { issuer: this.jwt.issuer, audience: this.jwt.audience, algorithms: ['HS256'], currentDate: now }));
    } catch {
      return null;
    }
    const rows = await this.q<ActorRow>(
      'SELECT u.status, o.id, o.kind, o.name, o.country, o.processingCountries FROM `portal_user` u JOIN `organization` o ON o.id = u.organizationId WHERE u.id = ?',
      [sub],
    );
    const r = rows[0];
    if (!r || r.status !== 'ACTIVE') return null;
    return {
      userId: sub!,
      orgId: r.id,
      kind: r.kind,
      name: r.name,
      country: r.country,
      processingCountries: String(r.processingCountries ?? '')
        .split(',')
        .filter(Boolean),
    };
  }

  /** The distributor's transfer decision now: its contracts and the facts of its countries, one statement. */
  async gate(actor: Actor, now: Date): Promise<Gate> {
    const countries = [...new Set([actor.country, ...actor.processingCountries])];
    const rows = await this.q<GateRow>(
      "SELECT 'R' AS k, country AS a, regime AS b, legalAct AS c, validFrom AS f, validUntil AS u, requiresContractType AS x, NULL AS s, NULL AS g, NULL AS t FROM `jurisdiction_rule` WHERE country IN (?) " +
        "UNION ALL SELECT 'M', type, covers, legalAct, validFrom, validUntil, NULL, NULL, NULL, NULL FROM `transfer_mechanism` " +
        "UNION ALL SELECT 'C', id, type, documentRef, effectiveFrom, expiresAt, NULL, status, signedAt, terminatedAt FROM `contract` WHERE distributorId = ?",
      [countries, actor.orgId],
    );
    const data: JurisdictionData = { rules: [], mechanisms: [] };
    const contracts: GateContract[] = [];
    for (const r of rows) {
      if (r.k === 'R' && (r.b === 'EEA' || r.b === 'ADEQUACY')) {
        data.rules.push({ country: String(r.a).trim().toUpperCase(), regime: r.b, legalAct: r.c, validFrom: date(r.f) ?? new Date(NaN), validUntil: date(r.u), requiresContractType: r.x || null });
      } else if (r.k === 'M') {
        data.mechanisms.push({ type: r.a, covers: parseCovers(r.b ?? ''), legalAct: r.c, validFrom: date(r.f), validUntil: date(r.u) });
      } else if (r.k === 'C') {
        contracts.push({ id: r.a, type: r.b, documentRef: r.c, effectiveFrom: date(r.f)!, expiresAt: date(r.u), status: r.s, signedAt: date(r.g), terminatedAt: date(r.t) } as GateContract);
      }
    }
    const byKey = (l: { country?: string; type?: string; regime?: string }, r: typeof l) => `${l.country ?? l.type}${l.regime ?? ''}`.localeCompare(`${r.country ?? r.type}${r.regime ?? ''}`);
    data.rules.sort(byKey);
    data.mechanisms.sort(byKey);
    contracts.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const decision = decideTransfer({ id: actor.orgId, name: actor.name, country: actor.country, processingCountries: actor.processingCountries }, contracts, data, now);
    return { allowed: decision.allowed, reason: decision.reason, basis: decision.basis };
  }

  /** The distributor's customers, one keyset page, by folded name (binary) then id. */
  customersPage(actor: Actor, first: number, after: [string, string] | null): Promise<CustomerRow[]> {
    const keyset = after ? ' AND (o.nameKey COLLATE utf8mb4_bin > ? OR (o.nameKey COLLATE utf8mb4_bin = ? AND o.id > ?))' : '';
    return this.q(
      "SELECT o.id, o.name FROM `customer_account` ca JOIN `organization` o ON o.id = ca.customerId WHERE ca.distributorId = ? AND o.kind = 'CUSTOMER'" +
        `${keyset} ORDER BY o.nameKey COLLATE utf8mb4_bin, o.id LIMIT ?`,
      after ? [actor.orgId, after[0], after[0], after[1], first] : [actor.orgId, first],
    );
  }

  /** One customer by id, if the distributor serves it. */
  customer(actor: Actor, id: string): Promise<CustomerRow[]> {
    return this.q("SELECT o.id, o.name FROM `organization` o JOIN `customer_account` ca ON ca.customerId = o.id AND ca.distributorId = ? WHERE o.id = ? AND o.kind = 'CUSTOMER'", [actor.orgId, id]);
  }

  /** For each customer: its users (first 5 by id), its licenses (first 20 by id) held by the distributor. */
  async nested(actor: Actor, customerIds: string[], answer: Answer, now: number, path: (index: number) => (string | number)[]): Promise<Record<string, unknown>[]> {
    if (customerIds.length === 0) return [];
    const [users, licenses] = await Promise.all([
      this.q<UserRow>(
        'SELECT x.organizationId, x.id, x.name, x.email FROM (SELECT u.organizationId, u.id, u.name, u.email, ROW_NUMBER() OVER (PARTITION BY u.organizationId ORDER BY u.id) AS rn ' +
          'FROM `portal_user` u WHERE u.organizationId IN (?)) x WHERE x.rn <= ? ORDER BY x.organizationId, x.rn',
        [customerIds, USERS_FIRST],
      ),
      this.q<LicenseRow>(
        // The page of licenses per customer; all their activations, numbered per license, with
        // the count of active ones (seatsUsed) as a window sum; the first 4 joined to their computer.
        'WITH l AS (SELECT * FROM (SELECT l.id, l.customerId, l.state, l.validUntil, l.seats, l.productId, ROW_NUMBER() OVER (PARTITION BY l.customerId ORDER BY l.id) AS rn ' +
          'FROM `license` l WHERE l.customerId IN (?) AND l.distributorId = ?) x WHERE x.rn <= ?), ' +
          'a AS (SELECT a.licenseId, a.activatedAt, a.computerId, ROW_NUMBER() OVER (PARTITION BY a.licenseId ORDER BY a.id) AS arn, ' +
          'SUM(a.deactivatedAt IS NULL) OVER (PARTITION BY a.licenseId) AS used FROM `activation` a JOIN l ON l.id = a.licenseId) ' +
          'SELECT l.id, l.customerId, l.state, l.validUntil, l.seats, p.sku, a.used, a.activatedAt, c.id AS computerId, c.os, c.name AS computerName ' +
          'FROM l JOIN `product` p ON p.id = l.productId LEFT JOIN a ON a.licenseId = l.id AND a.arn <= ? ' +
          'LEFT JOIN `computer` c ON c.id = a.computerId ORDER BY l.customerId, l.rn, a.arn',
        [customerIds, actor.orgId, LICENSES_FIRST, ACTIVATIONS_FIRST],
      ),
    ]);
    const index = new Map(customerIds.map((id, i) => [id, i]));
    const userNodes = customerIds.map(() => [] as Record<string, unknown>[]);
    for (const u of users) {
      const i = index.get(u.organizationId)!;
      const p = [...path(i), 'users', 'nodes', userNodes[i].length];
      userNodes[i].push({
        name: answer.personal(u.name, 'PortalUser', u.id, 'name', [...p, 'name']),
        email: answer.personal(u.email, 'PortalUser', u.id, 'email', [...p, 'email']),
      });
    }
    const licenseNodes = customerIds.map(() => [] as Record<string, unknown>[]);
    let current: { id: string; activations: Record<string, unknown>[] } | null = null;
    for (const r of licenses) {
      const i = index.get(r.customerId)!;
      if (!current || current.id !== r.id) {
        const activations: Record<string, unknown>[] = [];
        current = { id: r.id, activations };
        licenseNodes[i].push({
          status: licenseStatus(r.state, r.validUntil, now),
          seats: r.seats,
          seatsUsed: Number(r.used ?? 0),
          product: { sku: r.sku },
          activations: { nodes: activations },
        });
      }
      if (r.activatedAt !== null) {
        const p = [...path(i), 'licenses', 'nodes', licenseNodes[i].length - 1, 'activations', 'nodes', current.activations.length, 'computer', 'name'];
        current.activations.push({
          activatedAt: iso(r.activatedAt),
          computer: { os: r.os, name: answer.personal(r.computerName, 'Computer', r.computerId, 'name', p) },
        });
      }
    }
    return customerIds.map((_, i) => ({ users: { nodes: userNodes[i] }, licenses: { nodes: licenseNodes[i] } }));
  }

  /** The reads (and denials) of personal data, one event per subject, one INSERT. */
  async writeAudit(actor: Actor, answer: Answer, requestId: string, now: Date): Promise<void> {
    if (answer.audit.size === 0) return;
    const at = now.toISOString().replace('T', ' ').replace('Z', '');
    const rows: unknown[][] = [];
    for (const e of answer.audit.values()) {
      rows.push([
        newId(now),
        at,
        requestId,
        'USER',
        actor.userId,
        actor.orgId,
        e.allowed ? 'personal_data.read' : 'personal_data.denied',
        e.type,
        e.id,
        [...e.fields].sort().join(','),
        'LICENSE_MANAGEMENT',
        e.allowed ? 'ALLOWED' : 'DENIED',
      ]);
    }
    await this.q('INSERT INTO `audit_event` (id, at, requestId, actorType, actorId, actorOrganizationId, action, subjectType, subjectId, fields, purpose, outcome) VALUES ?', [rows]);
  }

  async handle(body: { operationName?: string; variables?: Record<string, unknown> }, authorization: string | undefined): Promise<{ status: number; payload: unknown }> {
    const nowDate = new Date();
    const now = nowDate.getTime();
    const actor = await this.authenticate(authorization, nowDate);
    if (!actor) return { status: 401, payload: { errors: [{ message: 'unauthenticated', extensions: { code: 'UNAUTHENTICATED' } }] } };
    const vars = body.variables ?? {};
    const requestId = randomUUID();
    // The writes (a customer activating its own licenses) and the license summary: scripts/bench/floor-writes.ts.
    if (body.operationName === 'Activate' || body.operationName === 'Deactivate') {
      if (actor.kind !== 'CUSTOMER') return { status: 400, payload: { errors: [{ message: "the floor answers a customer's writes only" }] } };
      const input = (vars.input ?? {}) as Record<string, unknown>;
      return (body.operationName === 'Activate' ? activate : deactivate)(this.tx, { userId: actor.userId, orgId: actor.orgId, kind: actor.kind }, input, requestId, nowDate);
    }
    if (actor.kind !== 'DISTRIBUTOR') return { status: 400, payload: { errors: [{ message: 'the floor answers distributor dashboards only' }] } };
    if (body.operationName === 'Summary') return licenseSummary((sql, params) => this.q(sql, params), actor, 30, nowDate);
    if (body.operationName === 'Dashboard') {
      const first = Number(vars.first ?? 20);
      const after = typeof vars.after === 'string' ? decodeCursor(vars.after) : null;
      if (vars.after != null && !after) return { status: 200, payload: { errors: [{ message: 'after: is not a cursor of this list', extensions: { code: 'BAD_USER_INPUT' } }], data: null } };
      const [gate, page] = await Promise.all([this.gate(actor, nowDate), this.customersPage(actor, first, after)]);
      const answer = new Answer(gate);
      const nested = await this.nested(
        actor,
        page.map((c) => c.id),
        answer,
        now,
        (i) => ['customers', 'nodes', i],
      );
      const nodes = page.map((c, i) => ({ id: gid('Organization', c.id), name: c.name, ...nested[i] }));
      await this.writeAudit(actor, answer, requestId, nowDate);
      const data = { customers: { nodes } };
      return { status: 200, payload: answer.errors.length ? { errors: answer.errors, data } : { data } };
    }
    if (body.operationName === 'Customer') {
      const raw = Buffer.from(typeof vars.id === 'string' ? vars.id : '', 'base64url').toString('utf8');
      const id = raw.startsWith('Organization:') ? raw.slice('Organization:'.length) : '';
      const [gate, found] = await Promise.all([this.gate(actor, nowDate), this.customer(actor, id)]);
      if (found.length === 0) return { status: 200, payload: { errors: [{ message: 'Node not found', path: ['node'], extensions: { code: 'NOT_FOUND' } }], data: { node: null } } };
      const answer = new Answer(gate);
      const [nested] = await this.nested(actor, [found[0].id], answer, now, () => ['node']);
      await this.writeAudit(actor, answer, requestId, nowDate);
      const data = { node: { id: gid('Organization', found[0].id), name: found[0].name, ...nested } };
      return { status: 200, payload: answer.errors.length ? { errors: answer.errors, data } : { data } };
    }
    return { status: 400, payload: { errors: [{ message: `the floor does not answer operation ${body.operationName}` }] } };
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function main(): void {
  const url = process.env.DATABASE_URL;
  const secret = process.env.JWT_SECRET;
  if (!url || !secret) throw new Error('the floor needs DATABASE_URL and JWT_SECRET');
  const pool = createPool({
    uri: url.replace(/^mariadb:/, 'mysql:'),
    connectionLimit: Number(process.env.DB_POOL_SIZE ?? 10),
    dateStrings: true,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
  });
  // The hub's transactions run at READ COMMITTED; the floor's too, set once per connection.
  // The event hands over the core (callback) connection, whatever the promise typings say; its
  // queries run in order, so this one runs before any transaction on the connection.
  pool.on('connection', (c) => {
    (c as unknown as { query(sql: string, cb: (e: Error | null) => void): void }).query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED', (e) => {
      if (e) process.stderr.write(`floor: setting READ COMMITTED failed: ${e.message}\n`);
    });
  });
  const floor = new Floor(pool, { secret, issuer: process.env.JWT_ISSUER ?? 'license-portal', audience: process.env.JWT_AUDIENCE ?? 'partner-hub' });
  installProbe(
    () => floor.statements,
    (on) => floor.record(on),
  );
  const server = http.createServer((req, res) => {
    if (req.url === '/health') return send(res, 200, { status: 'ok' });
    if (req.url !== '/graphql' || req.method !== 'POST') return send(res, 404, { error: 'not found' });
    readBody(req)
      .then((text) => floor.handle(JSON.parse(text) as Parameters<Floor['handle']>[0], req.headers.authorization))
      .then(
        ({ status, payload }) => send(res, status, payload),
        (e: Error) => send(res, 500, { errors: [{ message: e.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }),
      );
  });
  server.listen(Number(process.env.PORT ?? 4100), process.env.HOST ?? '127.0.0.1', () => {
    process.stdout.write(`floor listening on ${(server.address() as AddressInfo).port}\n`);
  });
  // The pool's end is awaited before exiting; a failure to close it is said, not left unhandled.
  const stop = () =>
    server.close(() => {
      pool.end().then(
        () => process.exit(0),
        (e: Error) => {
          process.stderr.write(`floor: closing the pool failed: ${e.message}\n`);
          process.exit(1);
        },
      );
    });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

try {
  main();
} catch (e) {
  process.stderr.write(`floor failed: ${(e as Error).stack}\n`);
  process.exit(1);
}
