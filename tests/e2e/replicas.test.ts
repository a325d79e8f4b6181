import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createConnection, Connection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { openDatabase } from '../../src/bootstrap';
import { loadConfig } from '../../src/config';
import { issueUserToken } from '../../src/context/authenticate';
import { toGlobalId } from '../../src/common/global-id';
import { SecretBox } from '../../src/common/secret-box';
import { seedWorld } from '../../seeds/seed-world';
import { contractId, DISTRIBUTOR_SLUGS, PERSONAS, userId } from '../../seeds/personas';
import { ON_MYSQL } from '../helpers/database';
import { takeCost } from '../helpers/hub';
import { listening } from '../helpers/hub-process';
import { freePort, privateMariaDbPrograms } from '../helpers/private-mariadb';
import { PrivateReplication, READER } from '../helpers/private-replication';

/**
 * Issue #17, read replicas: hubs started as processes on a private primary and a private
 * replica (tests/helpers/private-replication.ts). Query operations read from the replica,
 * writes land on the primary, the transfer gate reads its facts from the primary whatever the
 * replica holds, and a lagging, stopped or killed replica is not used (and is used again once
 * it is back), as /ready and /metrics say.
 */

const programs = privateMariaDbPrograms();
const skipReason = !ON_MYSQL
  ? 'MariaDB only: DATABASE_URL is not set (runs in the MariaDB pass of CI)'
  : 'missing' in programs
    ? `needs a local MariaDB installation to start a private primary and replica: ${programs.missing}`
    : undefined;
const describeOnMariaDb = skipReason ? describe.skip : describe;

const MAIN = path.resolve(__dirname, '..', '..', 'src', 'main.js');
const DATABASE = 'hub_rep';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A vigilancia-like dashboard: the customers' personal fields, under the transfer gate. */
const DASHBOARD = `{ viewer { organization { transferBasis { allowed basis reason } } } customers(first: 50) { totalCount nodes { name email users(first: 5) { nodes { name email } } } } }`;
/** The distributor's own contracts as rows (data, not the gate): read from the replica. */
const CONTRACTS = `{ viewer { organization { contracts { type status terminatedAt } } } }`;
const TERMINATE = `mutation($input: TerminateContractInput!) { terminateContract(input: $input) { contract { status terminatedAt } } }`;

interface HubProcess {
  url: string;
  child: ChildProcess;
}

describeOnMariaDb(`read replicas: a private primary and replica${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let set: PrivateReplication;
  let seeded: DataSource;
  let env: NodeJS.ProcessEnv;
  /** Reads from the replica (DATABASE_REPLICA_URLS). */
  let hub: HubProcess;
  /** The same primary without replicas: the answers to compare with. */
  let plain: HubProcess;
  const replicaName = () => `127.0.0.1:${set.replica.port}`;

  async function startHub(extra: NodeJS.ProcessEnv): Promise<HubProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], { env: { ...env, PORT: String(port), LOG_LEVEL: 'info', ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Drained, or a hub that writes much there would block; kept for a failure's message.
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
    await listening(child).catch((e: Error) => {
      throw new Error(`${e.message}\n${errors}`);
    });
    return { url: `http://127.0.0.1:${port}`, child };
  }

  beforeAll(async () => {
    set = await PrivateReplication.create(DATABASE);
    env = { ...process.env, DATABASE_URL: set.primary.url(DATABASE), SEED_ON_FIRST_START: 'false', WEBHOOK_DELIVERY_INTERVAL_MS: '0', RATE_LIMIT_POINTS: '10000000', AUTH_FAILURE_LIMIT: '1000000' };
    // The schema and the seed world on the primary; the replica gets them by replication.
    seeded = (await openDatabase(loadConfig(env), env)).dataSource;
    await seedWorld(seeded, new SecretBox(loadConfig(env).secretsKey));
    await set.caughtUp();
    [hub, plain] = await Promise.all([startHub({ DATABASE_REPLICA_URLS: set.replicaUrl(DATABASE) }), startHub({ DATABASE_REPLICA_URLS: '' })]);
  }, 170_000);

  afterAll(async () => {
    for (const h of [hub, plain]) if (h && h.child.exitCode === null) h.child.kill('SIGKILL');
    await seeded?.destroy();
    await set?.destroy();
  }, 30_000);

  async function gql(on: HubProcess, email: string, query: string, variables?: Record<string, unknown>) {
    const token = await issueUserToken(loadConfig(env), userId(email), new Date());
    const res = await fetch(`${on.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, body: takeCost(await res.json()).body as { data?: any; errors?: any[]; extensions?: any } };
  }

  async function ready(on: HubProcess = hub): Promise<{ status: number; body: any }> {
    const res = await fetch(`${on.url}/ready`);
    return { status: res.status, body: await res.json() };
  }

  async function metrics(): Promise<string> {
    return (await fetch(`${hub.url}/metrics`)).text();
  }

  /** A metric's value in the Prometheus text (0 when absent). */
  const metric = (text: string, name: string) => Number(new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);

  /** Polls /ready until the replica is in `state` (the monitor looks every second). */
  async function replicaState(state: string, withinMs = 15_000): Promise<any> {
    const deadline = Date.now() + withinMs;
    let last: any;
    while (Date.now() < deadline) {
      last = (await ready()).body.replicas?.[0];
      if (last?.state === state) return last;
      await sleep(200);
    }
    throw new Error(`the replica did not become ${state} within ${withinMs} ms: ${JSON.stringify(last)}`);
  }

  /** An answer with its errors in one order (the fields of an answer resolve in whatever order their statements return). */
  const inOrder = <A extends { body: { errors?: any[] } }>(answer: A): A => {
    const key = (e: any) => JSON.stringify([e.path, e.message]);
    return { ...answer, body: { ...answer.body, errors: answer.body.errors && [...answer.body.errors].sort((a, b) => key(a).localeCompare(key(b))) } };
  };

  const comSelect = () => PrivateReplication.counter(set.replica, 'Com_select');

  it('/ready shows the replica in use, by host:port only, and /metrics its state and lag', async () => {
    const shown = await replicaState('ok');
    expect(shown).toEqual({ replica: replicaName(), state: 'ok', lagMs: expect.any(Number), used: true });
    const text = await metrics();
    expect(metric(text, `hub_db_replica_state{replica="${replicaName()}",state="ok"}`)).toBe(1);
    expect(metric(text, `hub_db_replica_state{replica="${replicaName()}",state="down"}`)).toBe(0);
    expect(text).toMatch(new RegExp(`^hub_db_replica_lag_seconds\\{replica="${replicaName()}"\\} \\d`, 'm'));
    // The reader's password never leaves the hub (nor its user name).
    for (const body of [JSON.stringify((await ready()).body), text]) {
      expect(body).not.toContain(READER.password);
      expect(body).not.toContain(READER.user);
    }
    // Without replicas /ready says what it always said.
    expect((await ready(plain)).body).toEqual({ status: 'ready' });
  });

  it("serves a query's reads from the replica: a row changed on the replica alone shows, and the replica's SELECTs grow", async () => {
    const sku = 'MX-VMS-PRO';
    const before = await comSelect();
    const servedBefore = metric(await metrics(), `hub_db_replica_reads_total{target="${replicaName()}"}`);
    // Not replicated (sql_log_bin=0): only a read from the replica can see it.
    await set.onReplicaOnly(`UPDATE \`${DATABASE}\`.product SET name = CONCAT(name, ' (replica)') WHERE sku = ?`, [sku]);
    try {
      const viaReplica = await gql(hub, PERSONAS.vendorAdmin, '{ products { sku name } }');
      const viaPrimary = await gql(plain, PERSONAS.vendorAdmin, '{ products { sku name } }');
      const name = (r: typeof viaReplica) => r.body.data.products.find((p: { sku: string }) => p.sku === sku).name;
      expect(name(viaReplica)).toMatch(/ \(replica\)$/);
      expect(name(viaPrimary)).not.toMatch(/replica/);
    } finally {
      await set.onReplicaOnly(`UPDATE \`${DATABASE}\`.product SET name = REPLACE(name, ' (replica)', '') WHERE sku = ?`, [sku]);
    }
    expect(await comSelect()).toBeGreaterThan(before);
    expect(metric(await metrics(), `hub_db_replica_reads_total{target="${replicaName()}"}`)).toBeGreaterThan(servedBefore);
  });

  it('writes a mutation, and reads its payload, on the primary (the replica account may only SELECT)', async () => {
    const made = await gql(hub, PERSONAS.vendorAdmin, `mutation { createOrganization(input: { kind: CUSTOMER, name: "Replica Probe GmbH", country: "DE" }) { organization { name country } } }`);
    expect(made.body).toEqual({ data: { createOrganization: { organization: { name: 'Replica Probe GmbH', country: 'DE' } } } });
    const onPrimary = await set.primary.query(`SELECT name FROM \`${DATABASE}\`.organization WHERE name = 'Replica Probe GmbH'`);
    expect(onPrimary).toHaveLength(1);
    await set.caughtUp();
    expect(await set.replica.query(`SELECT name FROM \`${DATABASE}\`.organization WHERE name = 'Replica Probe GmbH'`)).toHaveLength(1);
  });

  it("answers the seed scenario's dashboards through the replica exactly as the primary does", async () => {
    await replicaState('ok');
    const servedBefore = metric(await metrics(), `hub_db_replica_reads_total{target="${replicaName()}"}`);
    for (const email of [PERSONAS.vendorAdmin, ...DISTRIBUTOR_SLUGS.map((s) => PERSONAS.distributors[s].admin)]) {
      const query = email === PERSONAS.vendorAdmin ? '{ organizations(first: 100) { totalCount nodes { name kind transferBasis { allowed basis reason } } } licenseSummary { total } }' : DASHBOARD;
      const [viaReplica, viaPrimary] = [await gql(hub, email, query), await gql(plain, email, query)];
      expect({ email, ...inOrder(viaReplica) }).toEqual({ email, ...inOrder(viaPrimary) });
    }
    expect(metric(await metrics(), `hub_db_replica_reads_total{target="${replicaName()}"}`)).toBeGreaterThan(servedBefore + 12);
  });

  it("closes the gate on the very next request after a termination on the primary, with the replica's SQL thread stopped", async () => {
    const vigilancia = PERSONAS.distributors.vigilancia.admin;
    const open = await gql(hub, vigilancia, DASHBOARD);
    expect(open.body.data.viewer.organization.transferBasis).toMatchObject({ allowed: true, basis: 'SCC_2021' });
    expect(open.body.data.customers.nodes[0].users.nodes[0].email).toEqual(expect.stringContaining('@'));

    await set.replica.exec('STOP SLAVE SQL_THREAD');
    try {
      const ended = await gql(hub, PERSONAS.vendorAdmin, TERMINATE, {
        input: { contractId: toGlobalId('Contract', contractId('vigilancia')), terminatedAt: new Date(Date.now() - 60_000).toISOString() },
      });
      expect(ended.body.data.terminateContract.contract.status).toBe('TERMINATED');
      for (const on of [hub, plain]) {
        const closed = await gql(on, vigilancia, DASHBOARD);
        expect(closed.body.data.viewer.organization.transferBasis).toMatchObject({ allowed: false, basis: 'NONE' });
        const users = closed.body.data.customers.nodes.flatMap((c: any) => c.users.nodes);
        expect(users.length).toBeGreaterThan(0);
        expect(users.every((u: any) => u.email === null)).toBe(true);
        expect(closed.body.errors?.map((e: any) => e.extensions.code)).toEqual(expect.arrayContaining(['TRANSFER_BASIS_REQUIRED']));
        expect(closed.body.errors?.every((e: any) => e.extensions.code === 'TRANSFER_BASIS_REQUIRED')).toBe(true);
      }
      // The replica still has the contract in force.
      const [onReplica] = await set.replica.query<{ terminatedAt: unknown }>(`SELECT terminatedAt FROM \`${DATABASE}\`.contract WHERE id = ?`, [contractId('vigilancia')]);
      expect(onReplica.terminatedAt).toBeNull();
      // A stopped SQL thread takes the replica out of use.
      expect(await replicaState('stopped')).toMatchObject({ state: 'stopped', used: false });
    } finally {
      await set.replica.exec('START SLAVE SQL_THREAD');
    }
    await set.caughtUp();
    await replicaState('ok');
  });

  it('reads the gate from the primary while the replica in use still has the contract in force (a replica whose lag went unseen)', async () => {
    const lioncity = PERSONAS.distributors.lioncity.admin;
    const ended = await gql(hub, PERSONAS.vendorAdmin, TERMINATE, { input: { contractId: toGlobalId('Contract', contractId('lioncity')), terminatedAt: new Date(Date.now() - 60_000).toISOString() } });
    expect(ended.body.data.terminateContract.contract.status).toBe('TERMINATED');
    await set.caughtUp();
    // The worst case of lag: the replica is healthy by every measure, yet holds the old contract.
    await set.onReplicaOnly(`UPDATE \`${DATABASE}\`.contract SET status = 'SIGNED', terminatedAt = NULL WHERE id = ?`, [contractId('lioncity')]);
    try {
      expect(await replicaState('ok')).toMatchObject({ used: true });
      const rows = await gql(hub, lioncity, CONTRACTS);
      expect(rows.body.data.viewer.organization.contracts).toEqual([expect.objectContaining({ type: 'DPA', status: 'SIGNED', terminatedAt: null })]);
      const closed = await gql(hub, lioncity, DASHBOARD);
      expect(closed.body.data.viewer.organization.transferBasis).toMatchObject({ allowed: false, basis: 'NONE' });
      const users = closed.body.data.customers.nodes.flatMap((c: any) => c.users.nodes);
      expect(users.length).toBeGreaterThan(0);
      expect(users.every((u: any) => u.email === null)).toBe(true);
      // The vendor's view of the same gate (another distributor's contracts) is the primary's too.
      const vendor = await gql(hub, PERSONAS.vendorAdmin, '{ organizations(first: 100) { nodes { name transferBasis { allowed } } } }');
      expect(vendor.body.data.organizations.nodes.find((d: any) => /Lion City/.test(d.name)).transferBasis.allowed).toBe(false);
    } finally {
      const [row] = await set.primary.query<{ status: string; terminatedAt: Date }>(`SELECT status, terminatedAt FROM \`${DATABASE}\`.contract WHERE id = ?`, [contractId('lioncity')]);
      await set.onReplicaOnly(`UPDATE \`${DATABASE}\`.contract SET status = ?, terminatedAt = ? WHERE id = ?`, [row.status, row.terminatedAt, contractId('lioncity')]);
    }
  });

  it('does not use a replica lagging beyond the bound, and /ready and /metrics say so', async () => {
    await replicaState('ok');
    // A global read lock on the replica holds its SQL thread (reads still run): it falls behind.
    const lock: Connection = await createConnection({ host: '127.0.0.1', port: set.replica.port, user: 'root' });
    try {
      await lock.query('FLUSH TABLES WITH READ LOCK');
      await set.primary.exec(`CREATE TABLE \`${DATABASE}\`.lag_probe (id INT PRIMARY KEY)`);
      await set.primary.exec(`INSERT INTO \`${DATABASE}\`.lag_probe VALUES (1)`);
      const lagging = await replicaState('lagging');
      expect(lagging).toEqual({ replica: replicaName(), state: 'lagging', lagMs: expect.any(Number), used: false });
      expect(lagging.lagMs).toBeGreaterThan(2000);
      expect((await ready()).status).toBe(200);
      const text = await metrics();
      expect(metric(text, `hub_db_replica_state{replica="${replicaName()}",state="lagging"}`)).toBe(1);
      expect(metric(text, `hub_db_replica_lag_seconds{replica="${replicaName()}"}`)).toBeGreaterThan(2);

      const before = await comSelect();
      const onPrimaryBefore = metric(text, 'hub_db_replica_reads_total{target="primary"}');
      const r = await gql(hub, PERSONAS.vendorAdmin, '{ products { sku } organizations(first: 5) { totalCount } }');
      expect(r.body.errors).toBeUndefined();
      expect(await comSelect()).toBe(before);
      expect(metric(await metrics(), 'hub_db_replica_reads_total{target="primary"}')).toBeGreaterThan(onPrimaryBefore);
    } finally {
      await lock.query('UNLOCK TABLES').catch(() => undefined);
      await lock.end();
    }
    await set.caughtUp();
    await replicaState('ok');
  });

  it('skips a killed replica (every request still succeeds) and uses it again once it is restarted', async () => {
    await replicaState('ok');
    const query = '{ products { sku } organizations(first: 100) { totalCount } }';
    const expected = (await gql(plain, PERSONAS.vendorAdmin, query)).body;
    await set.replica.stop('SIGKILL');
    // The first requests may reach the dead replica before the monitor does: retried on the primary.
    for (let i = 0; i < 5; i++) expect((await gql(hub, PERSONAS.vendorAdmin, query)).body).toEqual(expected);
    expect(await replicaState('down')).toMatchObject({ state: 'down', used: false, lagMs: null });
    expect((await ready()).status).toBe(200);
    expect(metric(await metrics(), `hub_db_replica_state{replica="${replicaName()}",state="down"}`)).toBe(1);
    expect((await gql(hub, PERSONAS.vendorAdmin, query)).body).toEqual(expected);

    await set.replica.start();
    await replicaState('ok', 30_000);
    const before = await comSelect();
    expect((await gql(hub, PERSONAS.vendorAdmin, query)).body).toEqual(expected);
    expect(await comSelect()).toBeGreaterThan(before);
  }, 90_000);
});
