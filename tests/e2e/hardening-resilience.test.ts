import { PERSONAS } from '../../seeds/personas';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';
import { PrivateMariaDb, privateMariaDbPrograms } from '../helpers/private-mariadb';

/**
 * Issue #6, part 7 (resilience): MariaDB stopped under load. The hub runs on a MariaDB server
 * of its own that this test starts, kills and starts again on its own port and data folder
 * (tests/helpers/private-mariadb.ts); the shared server of DATABASE_URL is never touched.
 *
 * While the database is down every request fails fast with a coded error (no hang, no crash,
 * no bare 5xx), /ready says not ready and /health stays up; when it returns, the hub recovers
 * by itself, without a restart.
 */

const programs = privateMariaDbPrograms();
const skipReason = !ON_MYSQL
  ? 'MariaDB only: DATABASE_URL is not set (runs in the MariaDB pass of CI)'
  : 'missing' in programs
    ? `needs a local MariaDB installation to start a private server: ${programs.missing}`
    : undefined;
const describeOnMariaDb = skipReason ? describe.skip : describe;

/** Every request of the load answers within this, database up or down. */
const ANSWER_WITHIN_MS = 6000;
/** /ready answers within this (its SELECT 1 has a 2 s limit). */
const READY_WITHIN_MS = 3000;
/** The hub serves again within this after the database is back. */
const RECOVER_WITHIN_MS = 20_000;
const CLIENTS = 10;

const QUERY = '{ viewer { role organization { name } } products { sku } }';

interface Sample {
  client: number;
  /** Milliseconds since the start of the load. */
  start: number;
  end: number;
  status: number;
  ok: boolean;
  codes: (string | undefined)[];
  messages: string[];
  /** A network error, a hang (no answer within 15 s) or a body that is not JSON. */
  failure?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeOnMariaDb(`resilience: MariaDB stopped under load${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let db: PrivateMariaDb | undefined;
  let hub: TestHub | undefined;

  beforeAll(async () => {
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
  }, 90_000);

  afterAll(async () => {
    try {
      if (db && !db.running) await db.start().catch(() => undefined); // a clean pool shutdown
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

  it('fails fast with coded errors while the database is down, says not ready, and recovers by itself', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const token = await hub!.tokenFor(PERSONAS.vendorAdmin);

    // The load: CLIENTS clients, each sending the query in a loop until told to stop.
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
            signal: AbortSignal.timeout(15_000),
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
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
    const describeSample = (s: Sample) => JSON.stringify(s);

    try {
      // 1. Database up: the load is served.
      await sleep(1500);
      const before = samples.filter((s) => s.end < now());
      expect(before.length).toBeGreaterThan(CLIENTS);
      expect(before.filter((s) => !s.ok).map(describeSample)).toEqual([]);

      // 2. The database dies under the load.
      const killedAt = now();
      await db!.stop('SIGKILL');
      const stoppedAt = now();

      const ready = await timed('/ready');
      expect(ready.ms).toBeLessThan(READY_WITHIN_MS);
      expect({ status: ready.status, body: ready.body }).toMatchObject({ status: 503, body: { status: 'not ready' } });
      const health = await timed('/health');
      expect({ status: health.status, body: health.body }).toEqual({ status: 200, body: { status: 'ok' } });
      expect(health.ms).toBeLessThan(1000);
      const metrics = await fetch(`${hub!.url}/metrics`, { signal: AbortSignal.timeout(5000) });
      expect(metrics.status).toBe(200);

      await sleep(5000); // down for a while, under load
      const readyStill = await timed('/ready');
      expect({ status: readyStill.status, body: readyStill.body }).toMatchObject({ status: 503, body: { status: 'not ready' } });
      expect(readyStill.ms).toBeLessThan(READY_WITHIN_MS);

      // 3. The database returns on the same port and data folder; the hub was not restarted.
      const restartedAt = now();
      await db!.start();
      let recovered: number | undefined;
      while (now() - restartedAt < RECOVER_WITHIN_MS) {
        const r = await timed('/ready');
        if (r.status === 200) {
          expect(r.body).toEqual({ status: 'ready' });
          const latest = samples.filter((s) => s.start > now() - 200 && s.ok);
          if (latest.length > 0 || (await hub!.withToken(token).gql(QUERY)).body.data?.products) {
            recovered = now();
            break;
          }
        }
        await sleep(200);
      }
      expect({ recoveredWithinMs: recovered === undefined ? 'never' : recovered - restartedAt }).toEqual({ recoveredWithinMs: expect.any(Number) });
      await sleep(1500); // the load goes on after the recovery
      stopping = true;
      await load;
      const end = now();

      // 4. What every request of the load got.
      expect(hub!.hub.server.listening).toBe(true);
      expect(unhandled.map(String)).toEqual([]);
      expect(samples.filter((s) => s.failure).map(describeSample)).toEqual([]);
      expect(samples.filter((s) => s.end - s.start >= ANSWER_WITHIN_MS).map(describeSample)).toEqual([]);
      // No 5xx without a code; every error is coded and masked (no SQL, no driver message).
      const bare = samples.filter((s) => (s.status >= 500 || !s.ok) && (s.codes.length === 0 || s.codes.some((c) => typeof c !== 'string')));
      expect(bare.map(describeSample)).toEqual([]);
      const uncoded = samples.filter((s) => s.codes.some((c) => c !== 'INTERNAL_SERVER_ERROR'));
      expect(uncoded.map(describeSample)).toEqual([]);
      const leaky = samples.filter((s) => s.messages.some((m) => !/^(Internal server error|Service unavailable) \(request [A-Za-z0-9._:-]+\)$/.test(m)));
      expect(leaky.map(describeSample)).toEqual([]);
      expect(samples.filter((s) => !s.ok && ![200, 500, 503].includes(s.status)).map(describeSample)).toEqual([]);

      // While it was down (started after the process ended, answered before it was back): all failed.
      const down = samples.filter((s) => s.start >= stoppedAt && s.end <= restartedAt);
      expect(down.length).toBeGreaterThanOrEqual(CLIENTS * 5);
      expect(down.filter((s) => s.ok).map(describeSample)).toEqual([]);
      // After the recovery: all served again.
      const after = samples.filter((s) => s.start >= recovered! + 100);
      expect(after.length).toBeGreaterThan(CLIENTS);
      expect(after.filter((s) => !s.ok).map(describeSample)).toEqual([]);

      const slowest = Math.max(...down.map((s) => s.end - s.start));
      const statuses = [...new Set(down.map((s) => s.status))].sort();
      // eslint-disable-next-line no-console
      console.log(
        `resilience: ${samples.length} requests in ${end} ms (${CLIENTS} clients); killed at ${killedAt} ms, stopped at ${stoppedAt} ms; ` +
          `/ready 503 in ${ready.ms} ms; ${down.length} requests while down, statuses ${statuses.join('/')}, slowest ${slowest} ms; ` +
          `restarted at ${restartedAt} ms, recovered ${recovered! - restartedAt} ms later; ${after.length} requests after`,
      );
    } finally {
      stopping = true;
      await load;
      process.removeListener('unhandledRejection', onUnhandled);
    }
  }, 60_000);
});
