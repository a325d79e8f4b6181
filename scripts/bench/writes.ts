import { createConnection } from 'mysql2/promise';
import { WRITES, writesContendedLicenseId, writesHostId, writesLicenseId } from '../bench-data';
import { canonical, GqlResponse, post } from './queries';
import type { Server } from './server';

/**
 * The write queries of the benchmark (issue #15): W1, W1c, W1r. Each request is ONE mutation:
 * a connection alternates `activateLicense` and `deactivateActivation` of what it activated (so
 * a pair is two requests, and its CPU is twice the figure per request). The mutations carry
 * the customer's token (WRITES.admin, CUSTOMER_ADMIN of the customer the licenses are
 * allocated to).
 *
 * - W1: connection n activates license n (5 seats, none in use) on its own computer
 *   (writesHostId(n)), then deactivates it: no contention, every answer a success.
 * - W1c: every connection on the ONE contended 5-seat license, each on a computer of its own:
 *   an activation answered while 5 are held must be a CONFLICT. A connection that was refused
 *   tries again; one that activated deactivates next. Checked: at no moment did the successes
 *   answered minus the deactivations sent exceed the seats (a lower bound of what the database
 *   held, so a breach of the seat limit cannot hide), the license holds at most 5 active
 *   activations at the end, and every refusal is a CONFLICT (rule license.seat_limit).
 * - W1r: the contended license full (5 activations held by other computers, made through the
 *   server under test before the run): every connection's activation is refused. Its CPU per
 *   request is the cost of a refusal, apart from the successes.
 *
 * Before each run (warm-up and measured) the harness ends, through the server under test, the
 * activations the previous run left active on the licenses it uses (a connection cut at the
 * end of a run may have activated without seeing the answer).
 */

export type WriteQuery = 'W1' | 'W1c' | 'W1r';

export const ACTIVATE = `mutation Activate($input: ActivateLicenseInput!) {
  activateLicense(input: $input) { activation { id activatedAt deactivatedAt computer { os } license { seats seatsUsed } } }
}`;

export const DEACTIVATE = `mutation Deactivate($input: DeactivateActivationInput!) {
  deactivateActivation(input: $input) { activation { id activatedAt deactivatedAt computer { os } license { seats seatsUsed } } }
}`;

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');

export const activateBody = (licenseRawId: string, host: number) =>
  JSON.stringify({
    query: ACTIVATE,
    operationName: 'Activate',
    variables: { input: { licenseId: gid('License', licenseRawId), computer: { name: `W1-PC-${host}`, hostId: writesHostId(host), os: 'Debian 12' } } },
  });
export const deactivateBody = (activationGlobalId: string) => JSON.stringify({ query: DEACTIVATE, operationName: 'Deactivate', variables: { input: { activationId: activationGlobalId } } });

/** What the connections of one run saw. */
export interface WriteTally {
  /** Activations answered with an activation. */
  activated: number;
  /** Activations refused with CONFLICT (rule license.seat_limit). */
  refused: number;
  deactivated: number;
  /** Deactivations sent (counted when sent: the seat may be free before the answer arrives). */
  deactivationsSent: number;
  /** Any other error or answer (a failure of the run). */
  otherErrors: number;
  firstOtherError: string | null;
  /** The largest (activated − deactivationsSent) seen: a lower bound of the seats held at that moment. */
  maxOutstanding: number;
}

export interface WriteOutcome extends WriteTally {
  query: WriteQuery;
  /** Active activations on the contended license (W1c, W1r) or on all W1 licenses, after the run. */
  activeAtEnd: number;
  seats: number;
  /** W1c: the most active activations of the contended license in any of the database snapshots taken during the run, and how many. */
  maxActiveSeen?: number;
  snapshots?: number;
}

/**
 * W1c's watch: the contended license's active activations counted again and again during the
 * run, each count a committed snapshot (READ COMMITTED, its own connection); any count above
 * the seats is a breach. A sample, not every instant: with 32 clients pressing on 5 seats, a
 * broken lock would show in many snapshots. Its statements run on the database (DB ms/req of
 * W1c includes them: one indexed COUNT every 10 ms).
 */
export class SeatWatch {
  private stopped = false;
  private done: Promise<void> = Promise.resolve();
  max = 0;
  snapshots = 0;

  constructor(private readonly databaseUrl: string) {}

  start(): void {
    this.done = (async () => {
      const conn = await createConnection({ uri: this.databaseUrl.replace(/^mariadb:/, 'mysql:') });
      try {
        await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
        while (!this.stopped) {
          const [[row]] = (await conn.query('SELECT COUNT(*) AS n FROM `activation` WHERE licenseId = ? AND deactivatedAt IS NULL', [writesContendedLicenseId()])) as unknown as [{ n: number }[]];
          this.max = Math.max(this.max, Number(row.n));
          this.snapshots++;
          await new Promise((r) => setTimeout(r, 10));
        }
      } finally {
        await conn.end();
      }
    })();
  }

  async stop(): Promise<{ maxActiveSeen: number; snapshots: number }> {
    this.stopped = true;
    await this.done;
    return { maxActiveSeen: this.max, snapshots: this.snapshots };
  }
}

interface Activation {
  id: string;
}

type Answer = { data?: { activateLicense?: { activation: Activation | null } | null; deactivateActivation?: { activation: Activation | null } | null } | null; errors?: GqlResponse['json']['errors'] };

function parse(body: string): Answer | null {
  try {
    return JSON.parse(body) as Answer;
  } catch {
    return null;
  }
}

const conflictOf = (a: Answer | null) => a?.errors?.length === 1 && a.errors[0].extensions?.code === 'CONFLICT';

/** A connection's sequence: the next body, given the last answer. */
export class WriteClient {
  private held: string | null = null;
  private lastWasActivate = true;

  constructor(
    private readonly tally: WriteTally,
    private readonly license: string,
    private readonly host: number,
  ) {}

  first(): string {
    return activateBody(this.license, this.host);
  }

  next(status: number, body: string | null): string {
    const a = body === null ? null : parse(body);
    const t = this.tally;
    const fail = (what: string) => {
      t.otherErrors++;
      t.firstOtherError ??= `${what}: HTTP ${status} ${String(body).slice(0, 300)}`;
    };
    if (this.lastWasActivate) {
      const activation = a?.data?.activateLicense?.activation;
      if (status === 200 && activation && !a?.errors) {
        t.activated++;
        this.held = activation.id;
      } else if (status === 200 && conflictOf(a)) t.refused++;
      else fail('activate');
    } else {
      const activation = a?.data?.deactivateActivation?.activation;
      if (status === 200 && activation && !a?.errors) t.deactivated++;
      else fail('deactivate');
      this.held = null;
    }
    t.maxOutstanding = Math.max(t.maxOutstanding, t.activated - t.deactivationsSent);
    if (this.held) {
      t.deactivationsSent++;
      this.lastWasActivate = false;
      return deactivateBody(this.held);
    }
    this.lastWasActivate = true;
    return activateBody(this.license, this.host);
  }
}

export const newTally = (): WriteTally => ({ activated: 0, refused: 0, deactivated: 0, deactivationsSent: 0, otherErrors: 0, firstOtherError: null, maxOutstanding: 0 });

/** Host ids: W1 uses 0..connections-1; W1c and W1r clients 40..; W1r's holders the last five computers. */
const CONTENDED_HOST = 40;
const HOLDER_HOST = WRITES.computers - WRITES.seats;

/** The license and computer of connection n of a run of the query. */
export function clientOf(query: WriteQuery, tally: WriteTally, n: number): WriteClient {
  if (query === 'W1') return new WriteClient(tally, writesLicenseId(n % (WRITES.licenses - 1)), n);
  return new WriteClient(tally, writesContendedLicenseId(), CONTENDED_HOST + n);
}

/** The write workload of a query: the start state before each run, the checks after it. */
export class WriteWorkload {
  constructor(
    readonly query: WriteQuery,
    private readonly token: string,
    private readonly databaseUrl: string,
  ) {}

  private licenses(): string[] {
    return this.query === 'W1' ? Array.from({ length: WRITES.licenses - 1 }, (_, n) => writesLicenseId(n)) : [writesContendedLicenseId()];
  }

  private async activeOn(licenses: string[]): Promise<string[]> {
    const conn = await createConnection({ uri: this.databaseUrl.replace(/^mariadb:/, 'mysql:') });
    try {
      const [rows] = (await conn.query('SELECT id FROM `activation` WHERE licenseId IN (?) AND deactivatedAt IS NULL ORDER BY id', [licenses])) as unknown as [{ id: string }[]];
      return rows.map((r) => r.id);
    } finally {
      await conn.end();
    }
  }

  private async send(server: Server, body: string): Promise<GqlResponse> {
    return post(server, { token: this.token, body });
  }

  /**
   * The start state, through the server under test: no activation active on the query's
   * licenses; for W1r, then the contended license filled by the five holders.
   */
  async prepare(server: Server): Promise<void> {
    // The previous run's last requests finish first (a cut connection's deactivation may still run).
    await server.idle();
    for (const id of await this.activeOn(this.licenses())) {
      const r = await this.send(server, deactivateBody(gid('Activation', id)));
      const ended = r.json.errors?.length === 1 && r.json.errors[0].extensions?.code === 'CONFLICT' && /already deactivated/.test(r.json.errors[0].message);
      if (!ended && (r.status !== 200 || r.json.errors)) throw new Error(`${this.query} on ${server.variant}: ending a held activation failed: ${JSON.stringify(r.json).slice(0, 300)}`);
    }
    if (this.query !== 'W1r') return;
    for (let h = 0; h < WRITES.seats; h++) {
      const r = await this.send(server, activateBody(writesContendedLicenseId(), HOLDER_HOST + h));
      if (r.status !== 200 || r.json.errors) throw new Error(`W1r on ${server.variant}: filling the license failed: ${JSON.stringify(r.json).slice(0, 300)}`);
    }
  }

  /** Before the measured run: W1c's watch of the contended license (null for the others). */
  watch(): SeatWatch | null {
    if (this.query !== 'W1c') return null;
    const w = new SeatWatch(this.databaseUrl);
    w.start();
    return w;
  }

  /** After the measured run: what the database holds, with the tally (and W1c's watch). */
  async outcome(tally: WriteTally, watch: SeatWatch | null): Promise<WriteOutcome> {
    const seen = watch ? await watch.stop() : {};
    const active = await this.activeOn(this.licenses());
    return { ...tally, query: this.query, activeAtEnd: active.length, seats: WRITES.seats, ...seen };
  }

  /**
   * One logical request, sequentially, for the statement count: W1 an activation and its
   * deactivation (2 requests), W1c the same on the contended license, W1r a refused activation
   * (1 request). Returns the requests sent.
   */
  async once(server: Server): Promise<number> {
    const tally = newTally();
    const client = clientOf(this.query, tally, 0);
    let body = client.first();
    const sends = this.query === 'W1r' ? 1 : 2;
    for (let i = 0; i < sends; i++) {
      const r = await this.send(server, body);
      body = client.next(r.status, JSON.stringify(r.json));
    }
    if (tally.otherErrors) throw new Error(`${this.query} on ${server.variant}: ${tally.firstOtherError}`);
    if (this.query === 'W1r' ? tally.refused !== 1 : tally.activated !== 1 || tally.deactivated !== 1)
      throw new Error(`${this.query} on ${server.variant}: unexpected answers ${JSON.stringify(tally)}`);
    return sends;
  }

  /**
   * The answers of one logical request, for the agreement check: ids and instants replaced by
   * their shape (they differ between servers by nature).
   */
  async answers(server: Server): Promise<{ data: string; bytes: number; errors: number }> {
    await this.prepare(server);
    const out: unknown[] = [];
    let bytes = 0;
    let errors = 0;
    const client = clientOf(this.query, newTally(), 0);
    let body = client.first();
    for (let i = 0; i < (this.query === 'W1r' ? 1 : 2); i++) {
      const r = await this.send(server, body);
      bytes += r.bytes;
      errors += r.json.errors?.length ?? 0;
      out.push({ status: r.status, data: shape(r.json.data), errors: (r.json.errors ?? []).map((e) => ({ code: e.extensions?.code, path: e.path ?? null })) });
      body = client.next(r.status, JSON.stringify(r.json));
    }
    await this.prepare(server);
    return { data: canonical(out), bytes, errors };
  }
}

/** Ids and instants replaced by what they are (the servers write different ones). */
function shape(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data ?? null), (key: string, value: unknown) => {
    if (key === 'id' && typeof value === 'string') return '<id>';
    if ((key === 'activatedAt' || key === 'deactivatedAt') && typeof value === 'string') return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value) ? '<instant>' : value;
    return value;
  });
}
