import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { openDataSource } from '../../ormconfig';
import { orgId, PERSONAS, userId } from '../../seeds/personas';
import { fromGlobalId, toGlobalId } from '../../src/common/global-id';
import { inTransaction, useTransactionRetries } from '../../src/common/transaction';
import { loadConfig } from '../../src/config';
import { issueUserToken } from '../../src/context/authenticate';
import { ON_MYSQL, seededDatabase, TestDatabase } from '../helpers/database';
import { Client, codes, GraphQLResponse } from '../helpers/hub';
import { listening } from '../helpers/hub-process';
import { galeraPrograms, PrivateGalera } from '../helpers/private-galera';
import { freePort } from '../helpers/private-mariadb';

/**
 * Issue #17, "A multi-primary cluster": the hub on a private 3-node MariaDB Galera cluster
 * (tests/helpers/private-galera.ts), three hub processes (dist/src/main.js), each on another
 * node. Galera certifies write sets at commit: concurrent writes on different nodes end in a
 * deadlock error for all but the first, and the hub runs such a transaction again
 * (src/common/transaction.ts). Proven here: the seat limit is exact across nodes, an
 * Idempotency-Key retried on another node replays, a node killed mid-run loses no write a hub
 * answered, and the other hubs keep answering. docs/deployment-galera.md.
 */

const programs = galeraPrograms();
const skipReason = !ON_MYSQL
  ? 'MariaDB only: DATABASE_URL is not set (runs in the MariaDB pass of CI)'
  : 'missing' in programs
    ? `needs galera-4 and a local MariaDB installation to start a private cluster: ${programs.missing}`
    : undefined;
const describeOnGalera = skipReason ? describe.skip : describe;

const MAIN = path.resolve(__dirname, '..', '..', 'src', 'main.js');
const RHEIN_C1 = 'rhein-c1';

const REGISTER = `mutation($input: RegisterLicensesInput!) { registerLicenses(input: $input) { licenses { id } } }`;
const ALLOCATE = `mutation($input: AllocateLicenseInput!) { allocateLicense(input: $input) { licenses { id status } } }`;
const ACTIVATE = `mutation($input: ActivateLicenseInput!) { activateLicense(input: $input) { activation { id computer { hostId } license { id seats } } } }`;
const DEACTIVATE = `mutation($input: DeactivateActivationInput!) { deactivateActivation(input: $input) { activation { id deactivatedAt } } }`;
const SEATS = `query($id: ID!) { license(id: $id) { seats seatsUsed } }`;

interface HubProcess {
  url: string;
  child: ChildProcess;
  /** The hub's log lines of level error and above (for failure messages). */
  errors: string[];
  close(): Promise<void>;
}

/** A hub as production runs it: dist/src/main.js with its own port, on one node of the cluster. */
async function startHub(env: NodeJS.ProcessEnv): Promise<HubProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], { env: { ...env, PORT: String(port), LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  await listening(child, 90_000).catch((e: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${e.message}\n${stderr}`);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const errors: string[] = [];
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    errors.push(...lines.filter((l) => /"level":(50|60)/.test(l)).map((l) => l.slice(0, 600)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    errors,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dbIdOf = (globalId: string) => fromGlobalId(globalId)!.id;

describeOnGalera(`a 3-node Galera cluster behind three hubs${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let cluster: PrivateGalera | undefined;
  let db: TestDatabase | undefined;
  let database: string;
  const hubs: HubProcess[] = [];
  const opened: DataSource[] = [];

  beforeAll(async () => {
    cluster = await PrivateGalera.create(3);
    // seededDatabase makes its schema on the server of DATABASE_URL: node 1, for the time of the seed.
    const shared = process.env.DATABASE_URL;
    process.env.DATABASE_URL = cluster.url(0, 'hub');
    try {
      db = await seededDatabase('galera');
    } finally {
      process.env.DATABASE_URL = shared;
    }
    database = new URL(db.env.DATABASE_URL!).pathname.slice(1);
    const env = { ...db.env, AUTH_FAILURE_LIMIT: '1000000', RATE_LIMIT_POINTS: '10000000' };
    const started = await Promise.allSettled([0, 1, 2].map((node) => startHub({ ...env, DATABASE_URL: cluster!.url(node, database) })));
    hubs.push(...started.flatMap((h) => (h.status === 'fulfilled' ? [h.value] : [])));
    const failed = started.find((h): h is PromiseRejectedResult => h.status === 'rejected');
    if (failed) throw failed.reason;
  }, 240_000);

  afterAll(async () => {
    try {
      await Promise.all(hubs.map((h) => h.close()));
      for (const d of [...opened, db?.dataSource]) if (d?.isInitialized) await d.destroy();
    } finally {
      await cluster?.destroy();
    }
  }, 60_000);

  const config = () => loadConfig(db!.env);
  /** A client of hub `n` (0, 1, 2) acting as a seed persona; tokens are the hubs' own kind (same JWT_SECRET). */
  async function as(n: number, email: string): Promise<Client> {
    return new Client(hubs[n].url, await issueUserToken(config(), userId(email), new Date()));
  }

  /** A fresh license of rhein with `seats` seats, allocated to rhein-c1 (through hubs 1 and 2: another node each). */
  async function allocatedLicense(seats: number): Promise<string> {
    const admin = await as(0, PERSONAS.vendorAdmin);
    const product = (await admin.data(`{ products { id } }`)).products[0].id;
    const { registerLicenses } = await admin.data(REGISTER, {
      input: { productId: product, distributorId: toGlobalId('Organization', orgId('rhein')), count: 1, seats, validFrom: '2026-01-01T00:00:00Z' },
    });
    const licenseId = registerLicenses.licenses[0].id as string;
    const rhein = await as(1, PERSONAS.distributors.rhein.user);
    await rhein.data(ALLOCATE, { input: { licenseIds: [licenseId], customerId: toGlobalId('Organization', orgId(RHEIN_C1)) } });
    return licenseId;
  }

  /** A customer's activation of `licenseId` on host `hostId` through hub `n` (by default as rhein-c1's admin or user, by hub). */
  async function activate(n: number, licenseId: string, hostId: string, headers: Record<string, string> = {}, email?: string): Promise<GraphQLResponse> {
    const customer = await as(n, email ?? (n % 2 ? PERSONAS.customer(RHEIN_C1).admin : PERSONAS.customer(RHEIN_C1).user));
    return customer.gql(ACTIVATE, { input: { licenseId, computer: { name: hostId, hostId, os: 'Linux' } } }, headers);
  }

  const count = async (node: number, sql: string, params: unknown[]) => Number((await cluster!.query<{ n: unknown }>(node, database, `SELECT COUNT(*) AS n FROM ${sql}`, params))[0].n);

  it('started three synced nodes, each hub on its own one, with causal reads on every connection of the pool', async () => {
    for (const node of [0, 1, 2]) expect(await cluster!.status(node)).toEqual({ clusterSize: 3, ready: true, state: 'Synced' });
    // The hub's own DataSource (ormconfig.ts) on node 2: a handful of connections at once, each with wsrep_sync_wait.
    const ds = await openDataSource({ ...db!.env, DATABASE_URL: cluster!.url(1, database) });
    opened.push(ds);
    const seen = await Promise.all(Array.from({ length: 6 }, () => ds.query('SELECT @@session.wsrep_sync_wait AS w, SLEEP(0.05) AS s')));
    expect(seen.map((rows: { w: unknown }[]) => Number(rows[0].w) & 1)).toEqual([1, 1, 1, 1, 1, 1]);
    for (const hub of hubs) expect((await fetch(`${hub.url}/ready`)).status).toBe(200);
  });

  it('runs a transaction refused by certification again from its start (TRANSACTION_RETRIES), and with no retries fails it', async () => {
    const licenseId = dbIdOf(await allocatedLicense(1));
    const [one, two] = await Promise.all([0, 1].map((node) => openDataSource({ ...db!.env, DATABASE_URL: cluster!.url(node, database) })));
    opened.push(one, two);
    const version = async () => Number((await cluster!.query<{ v: unknown }>(2, database, 'SELECT seatVersion AS v FROM license WHERE id = ?', [licenseId]))[0].v);
    const bump = (ds: DataSource) => inTransaction(ds, (m) => m.query('UPDATE `license` SET seatVersion = seatVersion + 1 WHERE id = ?', [licenseId]));
    /** On node 2: lock the row, let node 1 commit a write of it meanwhile, then write it too. */
    const collide = (ds: DataSource, attempts: number[]) =>
      inTransaction(ds, async (m) => {
        attempts.push(attempts.length + 1);
        await m.query('SELECT seatVersion FROM `license` WHERE id = ? FOR UPDATE', [licenseId]);
        if (attempts.length === 1) await bump(one);
        await m.query('UPDATE `license` SET seatVersion = seatVersion + 1 WHERE id = ?', [licenseId]);
      });

    const v0 = await version();
    const attempts: number[] = [];
    await collide(two, attempts);
    expect(attempts).toEqual([1, 2]);
    expect(await version()).toBe(v0 + 2);

    useTransactionRetries(two, 0);
    const once: number[] = [];
    await expect(collide(two, once)).rejects.toMatchObject({ errno: 1213 });
    expect(once).toEqual([1]);
    expect(await version()).toBe(v0 + 3);
  });

  it('20 concurrent activations of a 5-seat license over three hubs on three nodes: exactly 5 activations and 15 CONFLICTs, 5 in use on every node', async () => {
    const licenseId = await allocatedLicense(5);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => activate(i % 3, licenseId, `GALERA-HOST-${i}`)));
    const ok = results.filter((r) => r.body.data?.activateLicense?.activation);
    const conflicts = results.filter((r) => codes(r).join() === 'CONFLICT');
    expect({ ok: ok.length, conflicts: conflicts.length, others: results.filter((r) => !ok.includes(r) && !conflicts.includes(r)).map((r) => r.body) }).toEqual({ ok: 5, conflicts: 15, others: [] });
    for (const c of conflicts) expect(c.body.errors![0].message).toMatch(/^seat limit reached: 5 of 5 seats are in use/);
    for (const node of [0, 1, 2]) expect(await count(node, '`activation` WHERE licenseId = ? AND deactivatedAt IS NULL', [dbIdOf(licenseId)])).toBe(5);
    for (const n of [0, 1, 2]) expect((await (await as(n, PERSONAS.vendorAdmin)).data(SEATS, { id: licenseId })).license).toEqual({ seats: 5, seatsUsed: 5 });
  });

  it('replays an Idempotency-Key retried on another hub and node with the first answer, and writes nothing new', async () => {
    const licenseId = await allocatedLicense(3);
    const headers = { 'Idempotency-Key': 'galera-retry-on-another-node' };
    const user = PERSONAS.customer(RHEIN_C1).user;
    const first = await activate(0, licenseId, 'GALERA-IDEM-1', headers, user);
    expect(first.body.errors).toBeUndefined();
    expect(first.headers.get('idempotency-replayed')).toBeNull();
    const activationId = dbIdOf(first.body.data.activateLicense.activation.id);
    const writes = async (node: number) => ({
      activations: await count(node, '`activation` WHERE licenseId = ?', [dbIdOf(licenseId)]),
      audit: await count(node, "`audit_event` WHERE action = 'license.activated' AND subjectId = ?", [activationId]),
      events: await count(node, '`hub_event` WHERE licenseId = ?', [dbIdOf(licenseId)]),
      records: await count(node, '`idempotency_record` WHERE idempotencyKey = ?', [headers['Idempotency-Key']]),
    });
    const before = await writes(1);
    expect(before).toMatchObject({ activations: 1, audit: 1, records: 1 });

    // The same request (same person, same document and variables), retried on hub 2 (node 2), then on hub 3 (node 3).
    for (const n of [1, 2]) {
      const retry = await activate(n, licenseId, 'GALERA-IDEM-1', headers, user);
      expect({ hub: n + 1, replayed: retry.headers.get('idempotency-replayed') }).toEqual({ hub: n + 1, replayed: 'true' });
      expect({ status: retry.status, body: retry.body }).toEqual({ status: first.status, body: first.body });
    }
    for (const node of [0, 1, 2]) expect(await writes(node)).toEqual(before);
  });

  it('acts once when one Idempotency-Key reaches two hubs on two nodes at the same moment', async () => {
    const licenseId = await allocatedLicense(3);
    const headers = { 'Idempotency-Key': 'galera-same-moment' };
    // Hubs 1 and 3 (nodes 1 and 3), both as the same person.
    const answers = await Promise.all([0, 2].map((n) => activate(n, licenseId, 'GALERA-IDEM-2', headers, PERSONAS.customer(RHEIN_C1).user)));
    const acted = answers.filter((r) => r.body.data?.activateLicense?.activation && r.headers.get('idempotency-replayed') === null);
    const others = answers.filter((r) => !acted.includes(r));
    expect(acted).toHaveLength(1);
    // The other: a replay of the same activation, or "still running" (409 CONFLICT), never a second activation.
    for (const r of others) {
      if (r.status === 409)
        expect(r.body.errors![0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringMatching(/^Idempotency-Key: the first request with this key is still running/) });
      else expect(r.body).toEqual(acted[0].body);
    }
    for (const node of [0, 1, 2]) expect(await count(node, '`activation` WHERE licenseId = ?', [dbIdOf(licenseId)])).toBe(1);
  });

  it('keeps an admin when the last two step down at once on two nodes: one is refused (the organization row is claimed)', async () => {
    const org = 'alpen-c1';
    const { admin, user } = PERSONAS.customer(org);
    const UPDATE = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { id role } } }`;
    const vendor = await Promise.all([0, 1, 2].map((n) => as(n, PERSONAS.vendorAdmin)));
    await vendor[0].data(UPDATE, { input: { userId: toGlobalId('PortalUser', userId(user)), role: 'CUSTOMER_ADMIN' } });
    const admins = (node: number) => count(node, "`portal_user` WHERE organizationId = ? AND role = 'CUSTOMER_ADMIN' AND status = 'ACTIVE'", [orgId(org)]);
    expect(await admins(2)).toBe(2);

    const answers = await Promise.all([admin, user].map((email, i) => vendor[i + 1].gql(UPDATE, { input: { userId: toGlobalId('PortalUser', userId(email)), role: 'CUSTOMER_USER' } })));
    const done = answers.filter((r) => r.body.data?.updateUser?.user?.role === 'CUSTOMER_USER');
    const refused = answers.filter((r) => codes(r).join() === 'CONFLICT');
    expect({ done: done.length, refused: refused.map((r) => r.body.errors![0].extensions?.rule) }).toEqual({ done: 1, refused: ['organization.keeps_an_admin'] });
    for (const node of [0, 1, 2]) expect(await admins(node)).toBe(1);
  });

  describe('a node killed mid-run', () => {
    interface Write {
      hub: number;
      at: number;
      kind: 'activate' | 'deactivate';
      activationId: string;
    }
    const committed: Write[] = [];
    const failures: { hub: number; at: number; what: string }[] = [];
    let killedAt = 0;
    let licenses: string[] = [];

    /** One worker on hub `n`: activate, then deactivate what it activated, until stopped. Every answered write is kept. */
    async function worker(n: number, w: number, t0: number, stopped: () => boolean): Promise<void> {
      for (let k = 0; !stopped(); k++) {
        const licenseId = licenses[w];
        try {
          const a = await activate(n, licenseId, `KILL-${w}-${k}`);
          const activation = a.body.data?.activateLicense?.activation;
          if (!activation) {
            if (codes(a).join() === 'CONFLICT') continue; // all seats of this license in use right now
            failures.push({ hub: n, at: Date.now() - t0, what: `${a.status} ${codes(a).join()}` });
            await sleep(200);
            continue;
          }
          committed.push({ hub: n, at: Date.now() - t0, kind: 'activate', activationId: dbIdOf(activation.id) });
          const customer = await as(n, PERSONAS.customer(RHEIN_C1).admin);
          const d = await customer.gql(DEACTIVATE, { input: { activationId: activation.id } });
          if (d.body.data?.deactivateActivation?.activation?.deactivatedAt) committed.push({ hub: n, at: Date.now() - t0, kind: 'deactivate', activationId: dbIdOf(activation.id) });
          else {
            failures.push({ hub: n, at: Date.now() - t0, what: `${d.status} ${codes(d).join()}` });
            await sleep(200);
          }
        } catch (e) {
          failures.push({ hub: n, at: Date.now() - t0, what: (e as Error).message });
          await sleep(200);
        }
      }
    }

    beforeAll(async () => {
      // A license per worker: this run is about the node failure, not about contention (the tests above are).
      licenses = await Promise.all([0, 1, 2, 3, 4, 5].map(() => allocatedLicense(2)));
      const t0 = Date.now();
      let stop = false;
      const workers = [0, 1, 2, 3, 4, 5].map((w) => worker(w % 3, w, t0, () => stop));
      await sleep(4000);
      killedAt = Date.now() - t0;
      await cluster!.kill(2);
      await sleep(6000);
      stop = true;
      await Promise.all(workers);
    }, 90_000);

    it('loses no write a hub answered as committed: every one is on both surviving nodes', async () => {
      expect(committed.filter((c) => c.at < killedAt).length).toBeGreaterThan(0);
      for (const node of [0, 1]) {
        const activated = committed.filter((c) => c.kind === 'activate').map((c) => c.activationId);
        const deactivated = committed.filter((c) => c.kind === 'deactivate').map((c) => c.activationId);
        const rows = await cluster!.query<{ id: string; deactivatedAt: unknown }>(
          node,
          database,
          `SELECT id, deactivatedAt FROM \`activation\` WHERE licenseId IN (${licenses.map(() => '?').join(', ')})`,
          licenses.map(dbIdOf),
        );
        const byId = new Map(rows.map((r): [string, unknown] => [r.id, r.deactivatedAt]));
        expect({ node, missing: activated.filter((id) => !byId.has(id)) }).toEqual({ node, missing: [] });
        expect({ node, stillActive: deactivated.filter((id) => byId.get(id) === null) }).toEqual({ node, stillActive: [] });
      }
      for (const id of licenses.map(dbIdOf)) {
        const active = await Promise.all([0, 1].map((node) => count(node, '`activation` WHERE licenseId = ? AND deactivatedAt IS NULL', [id])));
        expect(active[0]).toBe(active[1]);
        expect(active[0]).toBeLessThanOrEqual(2);
      }
    });

    it('the hubs on the surviving nodes keep answering: writes committed after the kill, and reads now', async () => {
      for (const hub of [0, 1]) {
        expect({ hub, afterKill: committed.some((c) => c.hub === hub && c.at > killedAt) }).toEqual({ hub, afterKill: true });
        expect((await (await as(hub, PERSONAS.vendorAdmin)).gql(SEATS, { id: licenses[0] })).body.errors).toBeUndefined();
        expect((await fetch(`${hubs[hub].url}/ready`)).status).toBe(200);
      }
      // The hub whose node is gone says so, and fails fast rather than hanging.
      expect((await fetch(`${hubs[2].url}/ready`, { signal: AbortSignal.timeout(5000) })).status).toBe(503);
      expect({ failures: failures.filter((f) => f.hub !== 2), logged: [0, 1].flatMap((n) => hubs[n].errors) }).toEqual({ failures: [], logged: [] });
    });

    it('the killed node rejoins, holds every committed write, and its hub answers again', async () => {
      await cluster!.restart(2);
      const rows = await cluster!.query<{ id: string; deactivatedAt: unknown }>(
        2,
        database,
        `SELECT id, deactivatedAt FROM \`activation\` WHERE licenseId IN (${licenses.map(() => '?').join(', ')})`,
        licenses.map(dbIdOf),
      );
      const byId = new Map(rows.map((r): [string, unknown] => [r.id, r.deactivatedAt]));
      expect(committed.filter((c) => !byId.has(c.activationId) || (c.kind === 'deactivate' && byId.get(c.activationId) === null))).toEqual([]);
      const deadline = Date.now() + 30_000;
      let answer: GraphQLResponse | undefined;
      while (Date.now() < deadline) {
        answer = await activate(2, licenses[0], 'KILL-REJOINED');
        if (answer.body.data?.activateLicense?.activation) break;
        await sleep(500);
      }
      expect(answer?.body.errors).toBeUndefined();
    }, 150_000);
  });
});
