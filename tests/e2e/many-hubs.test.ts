import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { contractId, orgId, PERSONAS, userId } from '../../seeds/personas';
import { loadConfig } from '../../src/config';
import { issueUserToken } from '../../src/context/authenticate';
import { readJurisdictionSeed } from '../../src/modules/jurisdiction/jurisdiction.service';
import { fromGlobalId, toGlobalId } from '../../src/common/global-id';
import { createApiKey } from '../helpers/api-keys';
import { freshEnv, ON_MYSQL, seededDatabase, TestDatabase } from '../helpers/database';
import { ensureRedisSync, REDIS_URL, sleep } from '../helpers/hardening';
import { Client, codes, GraphQLResponse } from '../helpers/hub';
import { HubProcess, startHubProcess, stopHubProcess } from '../helpers/hub-fleet';
import { ALLOCATE, computer, ids, REGISTER, VMS } from '../helpers/licenses';

/**
 * Issue #17, "Many hubs": three hub processes (dist/src/main.js, as a deployment runs them:
 * NODE_ENV=production behind a TLS-terminating proxy) on ONE database and ONE Redis, and a
 * mixed load sent through all three at once: dashboards, activations and deactivations of
 * three 2-seat licenses, a third-country distributor's SCC signed and terminated through the
 * API, and one API key spending past the rate budget. What a user of any hub must see:
 * seat counts never above the seats and exact at the end, one rate budget for the fleet, one
 * audit event and one outbox entry per successful write, and the same gate answer from every
 * hub on the request after a contract change.
 *
 * MariaDB run only. The embedded database is one process's file: its writes are queued inside
 * the process (src/common/transaction.ts), so hubs in several processes would meet SQLite's
 * single-writer lock (SQLITE_BUSY, or a blocked event loop while better-sqlite3 waits) rather
 * than queue; several hubs need MySQL/MariaDB (docs/deployment.md).
 */

const redisUnavailable = ON_MYSQL ? ensureRedisSync(REDIS_URL) : null;
const skipReason = !ON_MYSQL
  ? 'MariaDB run only: the embedded database is a single-process file, hubs in several processes cannot share it'
  : redisUnavailable
    ? `needs Redis: ${redisUnavailable}`
    : undefined;
const describeFleet = skipReason ? describe.skip : describe;

/** A Redis database of this file's own (index 12 unless TEST_REDIS_URL names one): its keys touch no other test. */
function ownRedisDatabase(url: string): string {
  const u = new URL(url);
  if (u.pathname === '' || u.pathname === '/') u.pathname = '/12';
  return u.toString();
}
const FLEET_REDIS_URL = ownRedisDatabase(REDIS_URL);

const HUBS = 3;
const SEATS = 2;
/** The fleet's rate budget per actor and window: every persona below spends well under it; the API key's burst spends it. */
const BUDGET = 300;
/** The API key's query: 100 × (1 + 9) = 1,000 nodes, 10 points; BUDGET / 10 of them fit in the window. */
const KEY_QUERY = `{ licenses(first: 100) { nodes { activations(first: 9) { nodes { id } } } } }`;
const KEY_REQUESTS_PER_HUB = 40;

const ACTIVATE = `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) { activation { id license { id seats seatsUsed } } } }`;
const DEACTIVATE = `mutation($input: DeactivateActivationInput!) { deactivateActivation(input: $input) { activation { id deactivatedAt } } }`;
const DASHBOARD = `query($ids: [ID!]!) {
  licenseSummary { total seats { total used } }
  nodes(ids: $ids) { ... on License { id seats seatsUsed } }
  customers(first: 5) { nodes { name licenses(first: 5) { nodes { seats seatsUsed } } } }
}`;
const SIGN = `mutation($input: SignContractInput!) { signContract(input: $input) { contract { id status inForce } } }`;
const TERMINATE = `mutation($input: TerminateContractInput!) { terminateContract(input: $input) { contract { id status inForce } } }`;
/** The gate as gulf's admin meets it: its decision, and its customers' e-mail addresses (personal data). */
const GATE = `{ viewer { organization { transferBasis { allowed basis reason } } } customers(first: 5) { nodes { name email } } }`;

const CUSTOMER_USERS = ['user@rhein-c1.example', 'admin@rhein-c1.example'];
const ACTIVATION_WORKERS = 6;
const ACTIVATION_STEPS = 9;
const DASHBOARD_WORKERS = 3;
const DASHBOARD_READS = 6;

/** One write the load sent: what it was, where, and what the hub answered. */
interface Write {
  kind: 'activate' | 'deactivate' | 'sign' | 'terminate';
  hub: number;
  status: number;
  requestId: string;
  /** The raw id of the written row (activation or contract) when the write succeeded. */
  subjectId: string | null;
  license: string | null;
  codes: (string | undefined)[];
  rule?: unknown;
}

/** The gate answer of one hub, as compared across hubs. */
interface GateAnswer {
  hub: number;
  status: number;
  transferBasis: unknown;
  emails: (string | null)[];
  codes: string[];
}

const raw = (globalId: string) => fromGlobalId(globalId)!.id;
const hubOf = (i: number) => i % HUBS;

describeFleet(`many hubs: three hub processes on one database and one Redis${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let db: TestDatabase;
  let redis: Redis;
  const hubs: HubProcess[] = [];
  let tokens: Record<string, string>;
  let licenses: string[];
  let apiKeySecret: string;

  const client = (hub: number, token: string) => new Client(hubs[hub].url, token, { 'x-forwarded-proto': 'https' });
  const as = (hub: number, email: string) => client(hub, tokens[email]);

  beforeAll(async () => {
    db = await seededDatabase('many_hubs');
    redis = new Redis(FLEET_REDIS_URL, { maxRetriesPerRequest: 1 });
    const personas = [PERSONAS.vendorAdmin, PERSONAS.distributors.rhein.admin, PERSONAS.distributors.rhein.user, PERSONAS.distributors.gulf.admin, ...CUSTOMER_USERS];
    // Their budgets from an earlier run within the window would still be spent.
    await redis.del(...personas.map((email) => `hub-rate:USER:${userId(email)}`));
    const env: NodeJS.ProcessEnv = {
      ...db.env,
      NODE_ENV: 'production',
      TRUST_PROXY: 'true',
      REDIS_URL: FLEET_REDIS_URL,
      RATE_LIMIT_POINTS: String(BUDGET),
      RATE_LIMIT_WINDOW_SECONDS: '600',
      DB_POOL_SIZE: '4',
      // The delivery loop (and its clock scheduler) runs in every hub, twice a second here.
      WEBHOOK_DELIVERY_INTERVAL_MS: '500',
      AUTH_FAILURE_LIMIT: '1000000',
    };
    hubs.push(...(await Promise.all(Array.from({ length: HUBS }, (_, i) => startHubProcess(`hub${i + 1}`, env)))));
    const config = loadConfig(db.env);
    tokens = Object.fromEntries(await Promise.all(personas.map(async (email) => [email, await issueUserToken(config, userId(email), new Date())] as const)));
    licenses = await freshLicenses();
    apiKeySecret = (await createApiKey(db.dataSource, { org: 'rhein', scopes: ['licenses:read'] })).secret;
  }, 150_000);

  afterAll(async () => {
    await Promise.all(hubs.map((hub) => stopHubProcess(hub)));
    redis?.disconnect();
    if (db?.dataSource.isInitialized) await db.dataSource.destroy();
  });

  /** Four 2-seat licenses of rhein allocated to rhein-c1, through hub 1 (three for the load, one for the replay test). */
  async function freshLicenses(): Promise<string[]> {
    const validFrom = new Date(Date.now() - 86_400_000).toISOString();
    const vendor = as(0, PERSONAS.vendorAdmin);
    const { registerLicenses } = await vendor.data(REGISTER, { input: { productId: VMS(), distributorId: ids.org('rhein'), count: 4, seats: SEATS, validFrom } });
    const licenseIds = registerLicenses.licenses.map((l: { id: string }) => l.id);
    await as(0, PERSONAS.distributors.rhein.user).data(ALLOCATE, { input: { licenseIds, customerId: ids.org('rhein-c1') } });
    return licenseIds;
  }

  it('three hub processes on one database and one Redis: each is live and ready, and serves the same world', async () => {
    expect(new Set(hubs.map((h) => h.url)).size).toBe(HUBS);
    for (const hub of hubs) {
      expect((await fetch(`${hub.url}/health`)).status).toBe(200);
      expect(await (await fetch(`${hub.url}/ready`)).json()).toEqual({ status: 'ready' });
    }
    const answers = await Promise.all(hubs.map((_, i) => as(i, PERSONAS.vendorAdmin).data(`{ organizations(first: 1) { totalCount } }`)));
    expect(answers).toEqual(Array.from({ length: HUBS }, () => ({ organizations: { totalCount: 35 } })));
  });

  // -----------------------------------------------------------------------------------------
  // The mixed load, run once; the tests after it read what it recorded.

  const run = {
    writes: [] as Write[],
    dashboards: [] as { hub: number; status: number; codes: (string | undefined)[]; seen: { id: string; seats: number; seatsUsed: number }[] }[],
    keyAnswers: [] as { hub: number; status: number; codes: (string | undefined)[]; remaining: number }[],
    gate: [] as { step: 'before' | 'signed' | 'terminated'; answers: GateAnswer[] }[],
    /** The most active activations any license had in a committed snapshot taken during the load. */
    maxActive: 0,
    snapshots: 0,
  };

  function noteWrite(kind: Write['kind'], hub: number, r: GraphQLResponse, subject: string | null, license: string | null): Write {
    const write: Write = { kind, hub, status: r.status, requestId: r.headers.get('x-request-id') ?? '', subjectId: subject, license, codes: codes(r), rule: r.body.errors?.[0]?.extensions?.rule };
    run.writes.push(write);
    return write;
  }

  /** One customer user's session: activate on fresh hosts, deactivate every third step, each request on the next hub. */
  async function activationWorker(w: number): Promise<void> {
    const email = CUSTOMER_USERS[w % CUSTOMER_USERS.length];
    const held: { activation: string; license: string }[] = [];
    for (let s = 0; s < ACTIVATION_STEPS; s++) {
      const hub = hubOf(w + s);
      if (s % 3 === 2 && held.length) {
        const { activation, license } = held.shift()!;
        const r = await as(hub, email).gql(DEACTIVATE, { input: { activationId: activation } });
        noteWrite('deactivate', hub, r, r.body.data?.deactivateActivation ? raw(activation) : null, license);
        continue;
      }
      const license = licenses[(w + s) % 3];
      const r = await as(hub, email).gql(ACTIVATE, { input: { licenseId: license, computer: computer(`MANY-${w}-${s}`) } });
      const activation: string | undefined = r.body.data?.activateLicense?.activation?.id;
      noteWrite('activate', hub, r, activation ? raw(activation) : null, raw(license));
      if (activation) held.push({ activation, license: raw(license) });
    }
  }

  async function dashboardWorker(w: number): Promise<void> {
    for (let s = 0; s < DASHBOARD_READS; s++) {
      const hub = hubOf(w + s);
      const r = await as(hub, PERSONAS.distributors.rhein.admin).gql(DASHBOARD, { ids: licenses.slice(0, 3) });
      run.dashboards.push({ hub, status: r.status, codes: codes(r), seen: r.body.data?.nodes ?? [] });
    }
  }

  /** The API key's burst: one request to each hub at a time, KEY_REQUESTS_PER_HUB rounds. */
  async function keyWorker(): Promise<void> {
    for (let round = 0; round < KEY_REQUESTS_PER_HUB; round++) {
      const answers = await Promise.all(hubs.map((_, hub) => client(hub, apiKeySecret).gql(KEY_QUERY)));
      answers.forEach((r, hub) => run.keyAnswers.push({ hub, status: r.status, codes: codes(r), remaining: Number(r.headers.get('x-ratelimit-remaining')) }));
    }
  }

  /** Gulf's gate on every hub: hubs 2 and 3 first (their next request after a change made through hub 1). */
  async function gateOnEveryHub(): Promise<GateAnswer[]> {
    const answers: GateAnswer[] = [];
    for (const hub of [1, 2, 0]) {
      const r = await as(hub, PERSONAS.distributors.gulf.admin).gql(GATE);
      answers.push({
        hub,
        status: r.status,
        transferBasis: r.body.data?.viewer?.organization?.transferBasis,
        emails: (r.body.data?.customers?.nodes ?? []).map((c: { email: string | null }) => c.email),
        codes: [...new Set(codes(r).map(String))].sort(),
      });
    }
    return answers;
  }

  /** Waits until the clock scheduler of some hub has published this gate event for gulf. */
  async function gateEvent(type: string, withinMs = 15_000): Promise<void> {
    const until = Date.now() + withinMs;
    while (Date.now() < until) {
      const [{ n }] = await db.dataSource.query('SELECT COUNT(*) AS n FROM `hub_event` WHERE type = ? AND subjectId = ?', [type, orgId('gulf')]);
      if (Number(n) > 0) return;
      await sleep(100);
    }
    throw new Error(`no ${type} event for gulf within ${withinMs} ms`);
  }

  /** Sign gulf's draft SCC through hub 1, then terminate it through hub 1; the gate read on every hub at each step. */
  async function contractWorker(): Promise<void> {
    // The schedulers' first round records each distributor's gate (and publishes nothing).
    for (let i = 0; Number((await db.dataSource.query('SELECT COUNT(*) AS n FROM `hub_gate_state`'))[0].n) < 11; i++) {
      if (i > 150) throw new Error('the clock scheduler recorded no gate states');
      await sleep(100);
    }
    const vendor = as(0, PERSONAS.vendorAdmin);
    const contract = toGlobalId('Contract', contractId('gulf'));
    run.gate.push({ step: 'before', answers: await gateOnEveryHub() });
    const signed = await vendor.gql(SIGN, { input: { contractId: contract, signedAt: new Date(Date.now() - 1000).toISOString() } });
    noteWrite('sign', 0, signed, signed.body.data?.signContract ? contractId('gulf') : null, null);
    run.gate.push({ step: 'signed', answers: await gateOnEveryHub() });
    await gateEvent('transfer_basis.opened');
    const terminated = await vendor.gql(TERMINATE, { input: { contractId: contract, terminatedAt: new Date().toISOString() } });
    noteWrite('terminate', 0, terminated, terminated.body.data?.terminateContract ? contractId('gulf') : null, null);
    run.gate.push({ step: 'terminated', answers: await gateOnEveryHub() });
    await gateEvent('transfer_basis.closed');
  }

  /** Committed snapshots of the licenses' active activations, taken while the load runs. */
  async function watchSeats(done: () => boolean, dataSource: DataSource): Promise<void> {
    const marks = licenses.map(() => '?').join(', ');
    while (!done()) {
      const rows: { n: unknown }[] = await dataSource.query(`SELECT COUNT(*) AS n FROM \`activation\` WHERE deactivatedAt IS NULL AND licenseId IN (${marks}) GROUP BY licenseId`, licenses.map(raw));
      for (const r of rows) run.maxActive = Math.max(run.maxActive, Number(r.n));
      run.snapshots++;
      await sleep(20);
    }
  }

  it('a mixed load through all three hubs at once (dashboards, activations, deactivations, a contract signed and terminated, one API key past its budget) gets only the answers a user expects', async () => {
    let finished = false;
    const watcher = watchSeats(() => finished, db.dataSource);
    try {
      await Promise.all([
        ...Array.from({ length: ACTIVATION_WORKERS }, (_, w) => activationWorker(w)),
        ...Array.from({ length: DASHBOARD_WORKERS }, (_, w) => dashboardWorker(w)),
        keyWorker(),
        contractWorker(),
      ]);
    } finally {
      finished = true;
      await watcher;
    }
    // Every write answered with its data, or (activations only) the seat limit's CONFLICT.
    const unexpected = run.writes.filter(
      (w) => !(w.status === 200 && w.codes.length === 0 && w.subjectId) && !(w.kind === 'activate' && w.codes.join() === 'CONFLICT' && w.rule === 'license.seat_limit'),
    );
    expect(unexpected).toEqual([]);
    expect(run.writes.filter((w) => w.kind === 'activate' && w.codes[0] === 'CONFLICT').length).toBeGreaterThan(0); // the seats were contended
    expect(run.dashboards.filter((d) => d.status !== 200 || d.codes.length)).toEqual([]);
    expect(run.dashboards).toHaveLength(DASHBOARD_WORKERS * DASHBOARD_READS);
    // Every hub served each kind of request.
    for (const kind of ['activate', 'deactivate'] as const) expect(new Set(run.writes.filter((w) => w.kind === kind).map((w) => w.hub)).size).toBe(HUBS);
    expect(run.snapshots).toBeGreaterThan(10);
    expect(hubs.map((h) => ({ hub: h.name, errors: h.errorLines }))).toEqual(hubs.map((h) => ({ hub: h.name, errors: [] })));
  }, 120_000);

  it('seat counts are exact: never above the seats while the load ran, and each license ends with its successful activations minus its deactivations, on every hub', async () => {
    expect(run.maxActive).toBeLessThanOrEqual(SEATS);
    for (const d of run.dashboards) for (const l of d.seen) expect(l.seatsUsed).toBeLessThanOrEqual(l.seats);
    const ok = (kind: Write['kind'], license: string) => run.writes.filter((w) => w.kind === kind && w.license === license && w.subjectId).length;
    const expected = licenses.slice(0, 3).map((l) => ({ id: l, seats: SEATS, seatsUsed: ok('activate', raw(l)) - ok('deactivate', raw(l)) }));
    for (const e of expected) expect(e.seatsUsed).toBeGreaterThanOrEqual(0);
    for (let hub = 0; hub < HUBS; hub++) {
      const { nodes } = await as(hub, PERSONAS.distributors.rhein.admin).data(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on License { id seats seatsUsed } } }`, { ids: licenses.slice(0, 3) });
      expect({ hub, nodes }).toEqual({ hub, nodes: expected });
    }
    const rows: { licenseId: string; n: unknown }[] = await db.dataSource.query(
      'SELECT licenseId, COUNT(*) AS n FROM `activation` WHERE deactivatedAt IS NULL AND licenseId IN (?, ?, ?) GROUP BY licenseId',
      licenses.slice(0, 3).map(raw),
    );
    const stored = Object.fromEntries(rows.map((r) => [String(r.licenseId), Number(r.n)]));
    expect(expected.map((e) => stored[raw(e.id)] ?? 0)).toEqual(expected.map((e) => e.seatsUsed));
  });

  it('the rate budget is shared: the three hubs together admitted one budget of the API key (30 requests of 10 points), not three, and refused the rest with 429 RATE_LIMITED', async () => {
    const admitted = run.keyAnswers.filter((a) => a.status === 200);
    const refused = run.keyAnswers.filter((a) => a.status === 429);
    expect(run.keyAnswers).toHaveLength(HUBS * KEY_REQUESTS_PER_HUB);
    expect({ admitted: admitted.length, refused: refused.length }).toEqual({ admitted: BUDGET / 10, refused: HUBS * KEY_REQUESTS_PER_HUB - BUDGET / 10 });
    expect(admitted.filter((a) => a.codes.length)).toEqual([]);
    expect(new Set(refused.map((a) => a.codes.join()))).toEqual(new Set(['RATE_LIMITED']));
    expect(Math.min(...admitted.map((a) => a.remaining))).toBe(0);
    // Each hub refused once the fleet's budget was spent, whichever hub spent it.
    expect(new Set(refused.map((a) => a.hub)).size).toBe(HUBS);
  });

  it('every successful write has its audit event and its outbox event exactly once, with the request id its answer carried; a refused activation has neither', async () => {
    const ACTION = { activate: 'license.activated', deactivate: 'license.deactivated', sign: 'contract.signed', terminate: 'contract.terminated' } as const;
    const succeeded = run.writes.filter((w) => w.subjectId);
    const refused = run.writes.filter((w) => !w.subjectId);
    expect(succeeded.length).toBeGreaterThan(20);
    const requestIds = run.writes.map((w) => w.requestId);
    expect(new Set(requestIds).size).toBe(run.writes.length);
    const marks = requestIds.map(() => '?').join(', ');
    const audit: { requestId: string; action: string; subjectId: string }[] = await db.dataSource.query(
      `SELECT requestId, action, subjectId FROM \`audit_event\` WHERE requestId IN (${marks}) AND action IN ('license.activated', 'license.deactivated', 'contract.signed', 'contract.terminated')`,
      requestIds,
    );
    const auditOf = (w: Write) => audit.filter((a) => a.requestId === w.requestId).map((a) => ({ action: a.action, subjectId: a.subjectId }));
    expect(succeeded.map((w) => ({ requestId: w.requestId, audit: auditOf(w) }))).toEqual(
      succeeded.map((w) => ({ requestId: w.requestId, audit: [{ action: ACTION[w.kind], subjectId: w.subjectId }] })),
    );
    expect(refused.flatMap(auditOf)).toEqual([]);

    const subjects = [...new Set(succeeded.map((w) => w.subjectId!))];
    const events: { type: string; subjectId: string; n: unknown }[] = await db.dataSource.query(
      `SELECT type, subjectId, COUNT(*) AS n FROM \`hub_event\` WHERE subjectId IN (${subjects.map(() => '?').join(', ')}) GROUP BY type, subjectId`,
      subjects,
    );
    const outbox = (type: string, subject: string) => Number(events.find((e) => e.type === type && e.subjectId === subject)?.n ?? 0);
    expect(succeeded.map((w) => ({ kind: w.kind, events: outbox(ACTION[w.kind], w.subjectId!) }))).toEqual(succeeded.map((w) => ({ kind: w.kind, events: 1 })));
    // Nothing else was written for these licenses: as many activation rows and events as successes.
    const marks3 = licenses
      .slice(0, 3)
      .map(() => '?')
      .join(', ');
    const [{ n: rowsWritten }] = await db.dataSource.query(`SELECT COUNT(*) AS n FROM \`activation\` WHERE licenseId IN (${marks3})`, licenses.slice(0, 3).map(raw));
    const [{ n: activatedEvents }] = await db.dataSource.query(`SELECT COUNT(*) AS n FROM \`hub_event\` WHERE type = 'license.activated' AND licenseId IN (${marks3})`, licenses.slice(0, 3).map(raw));
    const activations = succeeded.filter((w) => w.kind === 'activate').length;
    expect({ rows: Number(rowsWritten), events: Number(activatedEvents) }).toEqual({ rows: activations, events: activations });
  });

  it('after the contract change made through hub 1, hubs 2 and 3 give the same gate answer on their next request: open after the signature, closed after the termination', async () => {
    const byStep = Object.fromEntries(run.gate.map((g) => [g.step, g.answers]));
    expect(Object.keys(byStep)).toEqual(['before', 'signed', 'terminated']);
    const same = (answers: GateAnswer[]) => answers.map(({ hub: _hub, ...answer }) => answer);
    for (const step of ['before', 'signed', 'terminated']) {
      const answers = same(byStep[step]);
      expect({ step, answers }).toEqual({ step, answers: answers.map(() => answers[2]) }); // hub 1's answer, last
    }
    const [closedBefore, open, closedAfter] = ['before', 'signed', 'terminated'].map((s) => same(byStep[s])[0]);
    expect(closedBefore).toMatchObject({ status: 200, transferBasis: { allowed: false, basis: 'NONE' }, codes: ['TRANSFER_BASIS_REQUIRED'] });
    expect(closedBefore.emails.every((e) => e === null)).toBe(true);
    expect(open).toMatchObject({ status: 200, transferBasis: { allowed: true, basis: 'SCC_2021' }, codes: [] });
    expect(open.emails.length).toBeGreaterThan(0);
    for (const email of open.emails) expect(email).toMatch(/@gulf-c\d\.example$/);
    expect(closedAfter).toMatchObject({ status: 200, transferBasis: { allowed: false, basis: 'NONE' }, codes: ['TRANSFER_BASIS_REQUIRED'] });
    expect((closedAfter.transferBasis as { reason: string }).reason).toMatch(/terminated/);
    expect(closedAfter.emails.every((e) => e === null)).toBe(true);
  });

  it("three hubs' clock schedulers publish gulf's transfer_basis.opened and transfer_basis.closed once each", async () => {
    await sleep(1500); // three more rounds of every scheduler
    const rows: { type: string; n: unknown }[] = await db.dataSource.query(
      "SELECT type, COUNT(*) AS n FROM `hub_event` WHERE subjectId = ? AND type LIKE 'transfer_basis.%' GROUP BY type ORDER BY type",
      [orgId('gulf')],
    );
    expect(rows.map((r) => ({ type: r.type, n: Number(r.n) }))).toEqual([
      { type: 'transfer_basis.closed', n: 1 },
      { type: 'transfer_basis.opened', n: 1 },
    ]);
  });

  it('an Idempotency-Key sent to hub 1 and retried on hubs 2 and 3 replays the first answer and writes nothing new', async () => {
    const key = `many-hubs-${Date.now()}`;
    const input = { licenseId: licenses[3], computer: computer('MANY-IDEMPOTENT') };
    const answers: GraphQLResponse[] = [];
    for (let hub = 0; hub < HUBS; hub++) answers.push(await as(hub, CUSTOMER_USERS[0]).gql(ACTIVATE, { input }, { 'idempotency-key': key }));
    expect(answers.map((r) => ({ status: r.status, replayed: r.headers.get('idempotency-replayed') }))).toEqual([
      { status: 200, replayed: null },
      { status: 200, replayed: 'true' },
      { status: 200, replayed: 'true' },
    ]);
    expect(answers[1].body).toEqual(answers[0].body);
    expect(answers[2].body).toEqual(answers[0].body);
    const [{ n }] = await db.dataSource.query('SELECT COUNT(*) AS n FROM `activation` WHERE licenseId = ?', [raw(licenses[3])]);
    const [{ e }] = await db.dataSource.query("SELECT COUNT(*) AS e FROM `audit_event` WHERE action = 'license.activated' AND subjectId = ?", [
      raw(answers[0].body.data.activateLicense.activation.id),
    ]);
    expect({ activations: Number(n), auditEvents: Number(e) }).toEqual({ activations: 1, auditEvents: 1 });
  });

  it('a hub stopped with SIGTERM drains and exits 0; the other two keep answering with the same seat counts', async () => {
    const before = await as(0, PERSONAS.distributors.rhein.admin).data(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on License { seatsUsed } } }`, { ids: licenses });
    expect(await stopHubProcess(hubs[2])).toBe(0);
    await expect(fetch(`${hubs[2].url}/health`)).rejects.toThrow();
    for (const hub of [0, 1]) {
      expect((await fetch(`${hubs[hub].url}/ready`)).status).toBe(200);
      expect(await as(hub, PERSONAS.distributors.rhein.admin).data(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on License { seatsUsed } } }`, { ids: licenses })).toEqual(before);
    }
    expect(hubs.map((h) => h.errorLines)).toEqual([[], [], []]);
  });
});

// -------------------------------------------------------------------------------------------
// A fleet's first start: every hub migrates the database it opens.

(ON_MYSQL ? describe : describe.skip)(`many hubs started at once on an empty database${ON_MYSQL ? '' : ' (skipped: MariaDB run only, as above)'}`, () => {
  it('all three start: they take turns on the migration lock, the first migrates and loads the jurisdiction facts once, the others find nothing to do', async () => {
    const env = await freshEnv('many_hubs_first_start');
    const started = await Promise.allSettled(Array.from({ length: HUBS }, (_, i) => startHubProcess(`first${i + 1}`, { ...env, WEBHOOK_DELIVERY_INTERVAL_MS: '0' })));
    try {
      expect(started.map((s) => (s.status === 'fulfilled' ? 'listening' : String((s.reason as Error).message)))).toEqual(Array.from({ length: HUBS }, () => 'listening'));
      const check = await createConnection({ uri: env.DATABASE_URL });
      try {
        const [[counts]] = (await check.query('SELECT COUNT(*) AS n, COUNT(DISTINCT name) AS d FROM `migrations`')) as unknown as [{ n: number; d: number }[]];
        const [[facts]] = (await check.query('SELECT COUNT(*) AS n FROM `jurisdiction_rule`')) as unknown as [{ n: number }[]];
        expect(Number(counts.d)).toBeGreaterThan(0);
        expect({ migrations: Number(counts.n), rules: Number(facts.n) }).toEqual({ migrations: Number(counts.d), rules: readJurisdictionSeed().rules.length });
      } finally {
        await check.end();
      }
    } finally {
      await Promise.all(started.flatMap((s) => (s.status === 'fulfilled' ? [stopHubProcess(s.value)] : [])));
    }
  }, 120_000);
});
