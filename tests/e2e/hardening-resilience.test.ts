import { PERSONAS } from '../../seeds/personas';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';
import { PrivateMariaDb, privateMariaDbPrograms } from '../helpers/private-mariadb';

/**
 * Issue #6, part 7 (resilience): MariaDB stopped under load. The hub runs on a MariaDB server
 * of its own that this test starts, kills, freezes and starts again on its own port and data
 * folder (tests/helpers/private-mariadb.ts); the shared server of DATABASE_URL is never touched.
 *
 * While the database is down (killed) or hung (frozen with SIGSTOP: connections open but
 * nothing answers) every request fails fast with a coded error (no hang, no crash, no bare
 * 5xx), /ready says not ready and /health stays up; when the database returns, the hub
 * recovers by itself, without a restart.
 */

const programs = privateMariaDbPrograms();
const skipReason = !ON_MYSQL
  ? 'MariaDB only: DATABASE_URL is not set (runs in the MariaDB pass of CI)'
  : 'missing' in programs
    ? `needs a local MariaDB installation to start a private server: ${programs.missing}`
    : undefined;
const describeOnMariaDb = skipReason ? describe.skip : describe;

/** A request that reaches the database after it went away answers within this. */
const ANSWER_WITHIN_MS = 6000;
/** A request already running when the database hangs: the 10 s execution limit, and a margin. */
const IN_FLIGHT_ANSWER_WITHIN_MS = 12_000;
/** /ready answers within this (its SELECT 1 has a 2 s limit). */
const READY_WITHIN_MS = 3000;
/** The hub serves again within this after the database is back. */
const RECOVER_WITHIN_MS = 20_000;
const CLIENTS = 10;

const QUERY = '{ viewer { role organization { name } } products { sku } }';
/** The masked messages of the hub's coded errors (server.ts, hub-server.ts). */
const MASKED = /^(Internal server error|Service unavailable) \(request [A-Za-z0-9._:-]+\)$|^the request took longer than \d+ ms and was stopped \(request [A-Za-z0-9._:-]+\)$/;

interface Sample {
  client: number;
  /** Milliseconds since the start of the load. */
  start: number;
  end: number;
  status: number;
  ok: boolean;
  codes: (string | undefined)[];
  messages: string[];
  /** A network error, no answer within 20 s, or a body that is not JSON. */
  failure?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const show = (samples: Sample[]) => samples.slice(0, 5).map((s) => JSON.stringify(s));

describeOnMariaDb(`resilience: MariaDB stopped under load${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let db: PrivateMariaDb | undefined;
  let hub: TestHub | undefined;
  let token: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    db = await PrivateMariaDb.create();
    // TestHub.start makes its schema on the server of DATABASE_URL (freshEnv): point it at the
    // private server for the time of the start only.
    const shared = process.env.DATABASE_URL;
    process.env.DATABASE_URL = db.url('hub');
    try {
      hub = await TestHub.start('resilience', { RATE_LIMIT_POINTS: '10000000' });
    } finally {
      process.env.DATABASE_URL = shared;
    }
    expect(hub.env.DATABASE_URL).toContain(`127.0.0.1:${db.port}/`);
    token = await hub.tokenFor(PERSONAS.vendorAdmin);
  }, 90_000);

  afterAll(async () => {
    process.removeListener('unhandledRejection', onUnhandled);
    try {
      db?.thaw();
      if (db && !db.running) await db.start().catch(() => undefined); // for a clean pool shutdown
      await hub?.close();
    } finally {
      await db?.destroy();
    }
  }, 30_000);

  async function timed(path: string): Promise<{ status: number; body: any; ms: number }> {
    const started = Date.now();
    const res = await fetch(`${hub!.url}${path}`, { signal: AbortSignal.timeout(15_000) });
    const body = await res.json();
    return { status: res.status, body, ms: Date.now() - started };
  }

  /** CLIENTS clients, each sending QUERY in a loop until stop(). */
  function startLoad() {
    const t0 = Date.now();
    const now = () => Date.now() - t0;
    const samples: Sample[] = [];
    let stopping = false;
    const client = async (n: number) => {
      while (!stopping) {
        const start = now();
        const sample: Sample = { client: n, start, end: start, status: 0, ok: false, codes: [], messages: [] };
        try {
          const res = await fetch(`${hub!.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: QUERY }),
            signal: AbortSignal.timeout(20_000),
          });
          sample.status = res.status;
          const text = await res.text();
          try {
            const body = JSON.parse(text);
            sample.codes = (body.errors ?? []).map((e: any) => e?.extensions?.code);
            sample.messages = (body.errors ?? []).map((e: any) => String(e?.message));
            sample.ok = res.status === 200 && !body.errors && Array.isArray(body.data?.products);
          } catch {
            sample.failure = `not JSON: ${text.slice(0, 200)}`;
          }
        } catch (e) {
          sample.failure = `no answer: ${(e as Error).message}`;
        }
        sample.end = now();
        samples.push(sample);
        await sleep(20);
      }
    };
    const running = Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
    return {
      samples,
      now,
      stop: async () => {
        stopping = true;
        await running;
      },
    };
  }

  /** Polls until /ready says ready and the query is served; the time it took. */
  async function waitForRecovery(): Promise<number> {
    const since = Date.now();
    while (Date.now() - since < RECOVER_WITHIN_MS) {
      const r = await timed('/ready');
      if (r.status === 200) {
        expect(r.body).toEqual({ status: 'ready' });
        if ((await hub!.withToken(token).gql(QUERY)).body.data?.products) return Date.now() - since;
      }
      await sleep(200);
    }
    throw new Error(`the hub did not recover within ${RECOVER_WITHIN_MS} ms of the database's return`);
  }

  /** What every request of a load got, database up or down. */
  function expectCodedAndBounded(samples: Sample[]): void {
    expect(show(samples.filter((s) => s.failure))).toEqual([]);
    // No 5xx without a code; no error but the masked internal ones (no SQL, no driver message).
    expect(show(samples.filter((s) => !s.ok && s.codes.length === 0))).toEqual([]);
    expect(show(samples.filter((s) => s.codes.some((c) => c !== 'INTERNAL_SERVER_ERROR' && c !== 'TIMEOUT')))).toEqual([]);
    expect(show(samples.filter((s) => s.messages.some((m) => !MASKED.test(m))))).toEqual([]);
    expect(show(samples.filter((s) => !s.ok && ![200, 500, 503].includes(s.status)))).toEqual([]);
  }

  async function expectHealthAndNotReady(): Promise<number> {
    const ready = await timed('/ready');
    expect({ status: ready.status, body: ready.body }).toMatchObject({ status: 503, body: { status: 'not ready' } });
    expect(ready.ms).toBeLessThan(READY_WITHIN_MS);
    const health = await timed('/health');
    expect({ status: health.status, body: health.body }).toEqual({ status: 200, body: { status: 'ok' } });
    expect(health.ms).toBeLessThan(1000);
    const metrics = await fetch(`${hub!.url}/metrics`, { signal: AbortSignal.timeout(5000) });
    expect(metrics.status).toBe(200);
    return ready.ms;
  }

  it('database killed under load: requests fail fast with coded errors, /ready says not ready, the hub recovers by itself', async () => {
    const load = startLoad();
    try {
      // 1. Database up: the load is served.
      await sleep(1500);
      const before = load.samples.slice();
      expect(before.length).toBeGreaterThan(CLIENTS);
      expect(show(before.filter((s) => !s.ok))).toEqual([]);

      // 2. The database dies under the load (SIGKILL: a crash).
      await db!.stop('SIGKILL');
      const stoppedAt = load.now();
      const readyMs = await expectHealthAndNotReady();
      await sleep(5000); // down for a while, under load
      await expectHealthAndNotReady();

      // 3. The database returns on the same port and data folder; the hub is not restarted.
      const restartedAt = load.now();
      await db!.start();
      const recoveredIn = await waitForRecovery();
      const recoveredAt = load.now();
      await sleep(1500); // the load goes on after the recovery
      await load.stop();

      // 4. What the requests got.
      expect(hub!.hub.server.listening).toBe(true);
      expect(unhandled.map(String)).toEqual([]);
      expectCodedAndBounded(load.samples);
      expect(show(load.samples.filter((s) => s.end - s.start >= ANSWER_WITHIN_MS))).toEqual([]);
      // While it was down (sent after the process ended, answered before it was back): all failed.
      const down = load.samples.filter((s) => s.start >= stoppedAt && s.end <= restartedAt);
      expect(down.length).toBeGreaterThanOrEqual(CLIENTS * 5);
      expect(show(down.filter((s) => s.ok))).toEqual([]);
      // After the recovery: all served again.
      const after = load.samples.filter((s) => s.start >= recoveredAt + 100);
      expect(after.length).toBeGreaterThan(CLIENTS);
      expect(show(after.filter((s) => !s.ok))).toEqual([]);

      // eslint-disable-next-line no-console
      console.log(
        `resilience (killed): ${load.samples.length} requests, ${CLIENTS} clients; /ready 503 in ${readyMs} ms; ` +
          `${down.length} requests while down, statuses ${[...new Set(down.map((s) => s.status))].join('/')}, slowest ${Math.max(...down.map((s) => s.end - s.start))} ms; ` +
          `recovered ${recoveredIn} ms after the restart; ${after.length} requests after, all served`,
      );
    } finally {
      await load.stop();
    }
  }, 60_000);

  it('database hung under load (SIGSTOP): requests still answer in bounded time with coded errors, and the hub recovers when it resumes', async () => {
    await waitForRecovery();
    const load = startLoad();
    try {
      await sleep(1000);
      expect(show(load.samples.filter((s) => !s.ok))).toEqual([]);

      // The server hangs: TCP connections are accepted by the kernel, nothing answers.
      const frozenAt = load.now();
      db!.freeze();
      const readyMs = await expectHealthAndNotReady();
      await sleep(8000); // longer than any answer may take
      await expectHealthAndNotReady();
      const thawedAt = load.now();
      db!.thaw();
      const recoveredIn = await waitForRecovery();
      const recoveredAt = load.now();
      await sleep(1000);
      await load.stop();

      expect(hub!.hub.server.listening).toBe(true);
      expect(unhandled.map(String)).toEqual([]);
      expectCodedAndBounded(load.samples);
      // Sent while it hung: answered in time, with an error (none can be served without the database).
      const sentWhileHung = load.samples.filter((s) => s.start >= frozenAt + 50 && s.start < thawedAt);
      expect(show(sentWhileHung.filter((s) => s.end - s.start >= ANSWER_WITHIN_MS))).toEqual([]);
      expect(sentWhileHung.length).toBeGreaterThanOrEqual(CLIENTS);
      expect(show(sentWhileHung.filter((s) => s.ok && s.end < thawedAt))).toEqual([]);
      // Already running when it hung: bounded by the execution time limit.
      expect(show(load.samples.filter((s) => s.end - s.start >= IN_FLIGHT_ANSWER_WITHIN_MS))).toEqual([]);
      const after = load.samples.filter((s) => s.start >= recoveredAt + 100);
      expect(after.length).toBeGreaterThan(CLIENTS);
      expect(show(after.filter((s) => !s.ok))).toEqual([]);

      // eslint-disable-next-line no-console
      console.log(
        `resilience (hung): ${load.samples.length} requests; /ready 503 in ${readyMs} ms; ${sentWhileHung.length} requests sent while hung, ` +
          `statuses ${[...new Set(sentWhileHung.map((s) => s.status))].join('/')}, slowest ${Math.max(...sentWhileHung.map((s) => s.end - s.start))} ms; ` +
          `recovered ${recoveredIn} ms after it resumed`,
      );
    } finally {
      db!.thaw();
      await load.stop();
    }
  }, 60_000);
});
