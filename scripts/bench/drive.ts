import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Options, QueryName, VariantName } from './options';
import { post, Request } from './queries';
import type { Server } from './server';
import { clientOf, newTally, WriteOutcome, WriteTally, WriteWorkload } from './writes';

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

export interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}

export type AutocannonInstance = Promise<AutocannonResult> & {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const autocannon = require('autocannon') as (opts: Record<string, unknown>) => AutocannonInstance;

export interface Drive {
  /** Latency (ms) of every 2xx response, in the order they arrived. */
  latencies: number[];
  failed: number;
  seconds: number;
  /** A write query: what its connections were answered. */
  tally?: WriteTally;
}

interface AutocannonClient {
  setBody(body: string): void;
  on(event: 'response', listener: (statusCode: number) => void): void;
}

/**
 * A write query's connections (scripts/bench/writes.ts): each autocannon client gets a
 * WriteClient of its own (setupClient), whose next body follows the last answer. autocannon
 * hands the body of an answer to onResponse just before the client's 'response' event, in the
 * same tick, so the body is passed on through `last`.
 */
function writeOptions(request: Request, tally: WriteTally, base: Record<string, unknown>): Record<string, unknown> {
  let clients = 0;
  let last: string | null = null;
  return {
    ...base,
    requests: [{ method: 'POST', path: '/graphql', body: request.body, onResponse: (_status: number, body: string) => (last = body) }],
    setupClient: (client: AutocannonClient) => {
      const w = clientOf(request.workload!.query, tally, clients++);
      client.setBody(w.first());
      client.on('response', (statusCode) => {
        const body = last;
        last = null;
        client.setBody(w.next(statusCode, body));
      });
    },
  };
}

/** One autocannon run; the latency of each response is kept, for exact percentiles and Little's law. */
export async function drive(server: Server, request: Request, connections: number, seconds: number, acceptEncoding?: string): Promise<Drive> {
  const latencies: number[] = [];
  const base: Record<string, unknown> = {
    url: server.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${request.token}`, 'x-forwarded-proto': 'https', ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) },
    body: request.body,
    connections,
    duration: seconds,
    timeout: 600,
  };
  const tally = request.workload ? newTally() : undefined;
  const instance = autocannon(tally ? writeOptions(request, tally, base) : base);
  let wireBytes = 0;
  instance.on('response', (_client, statusCode, bytes, responseTime) => {
    wireBytes += bytes;
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  if (acceptEncoding && latencies.length)
    process.stdout.write(`       accept-encoding ${acceptEncoding}: ${Math.round(wireBytes / latencies.length)} bytes per response on the wire (headers included)\n`);
  return { latencies, failed: result.errors + result.timeouts + result.non2xx + (tally?.otherErrors ?? 0), seconds: result.duration, tally };
}

export const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** utime + stime of a process, in ms. */
export function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * The MariaDB/MySQL server process, if it runs on this machine: the longest-running process
 * named mariadbd or mysqld (a short-lived one, such as a `mariadbd --version`, is not it).
 */
export function databasePid(databaseUrl: string): number | null {
  const host = new URL(databaseUrl).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) return null;
  let best: { pid: number; start: number } | null = null;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm !== 'mariadbd' && comm !== 'mysqld') continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const start = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
      if (!best || start < best.start) best = { pid: Number(entry), start };
    } catch {
      // gone
    }
  }
  return best?.pid ?? null;
}

/** CPU ms of the database process, or null when it cannot be read. */
export function databaseCpuMs(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    return processCpuMs(pid);
  } catch {
    return null;
  }
}

export interface Run {
  query: QueryName;
  connections: number;
  variant: VariantName;
  /** Closed-loop throughput by Little's law: connections / mean latency of the measured responses. */
  reqPerSec: number;
  /** Responses counted in the measured window / its seconds (biased low by the cold start of the window). */
  countedPerSec: number;
  p50: number;
  p99: number;
  meanLatency: number;
  /** 2xx responses measured, and the measured seconds. */
  responses: number;
  seconds: number;
  failures: number;
  /** Responses slower than the product's execution limit (EXECUTION_TIMEOUT_MS, 10 s by default). */
  overLimit: number;
  serverRequests: number;
  sqlPerRequest: number;
  cpuMsPerRequest: number;
  dbCpuMsPerRequest: number | null;
  serverCpuPercent: number;
  dbCpuPercent: number | null;
  clientCpuPercent: number;
  peakRssMb: number;
  /** A write query: what the measured run's connections were answered, and what the database holds after it. */
  writes?: WriteOutcome;
}

/** The product's default execution limit; the benchmark lifts it (see the environment) and counts the responses beyond it. */
export const PRODUCT_EXECUTION_LIMIT_MS = 10_000;
/** The measured window holds at least this many mean latencies (a saturated hub answers 32 requests in one wave). */
export const WINDOW_LATENCIES = 2.5;
export const MAX_WINDOW_SECONDS = 120;

/**
 * A warm-up run, then the measured run, each ending with the server idle again (its in-flight
 * requests finished). The measured run lasts --duration seconds, or longer when that would not
 * hold WINDOW_LATENCIES mean latencies (estimated from the warm-up when it saw a response per
 * connection, else from the sequential latency times the connections). Server figures (SQL, CPU) cover the window from idle to idle,
 * so every request started in it is counted whole.
 */
export async function measure(server: Server, request: Request, query: QueryName, connections: number, o: Options, dbPid: number | null, sequentialMs: number): Promise<Run> {
  const workload = request.workload;
  if (workload && o.warmup > 0) await workload.prepare(server);
  const warm = o.warmup > 0 ? await drive(server, request, connections, o.warmup, o.acceptEncoding) : null;
  // A write query starts its measured run from its start state too (outside the window).
  if (workload) await workload.prepare(server);
  // A warm-up that saw fewer responses than connections saw only the early ones: too optimistic.
  const estimate = warm && warm.latencies.length >= connections ? mean(warm.latencies) : Math.max(connections * sequentialMs, warm ? o.warmup * 1000 : 0);
  const seconds = Math.min(MAX_WINDOW_SECONDS, Math.max(o.duration, Math.ceil((WINDOW_LATENCIES * estimate) / 1000)));
  const before = await server.idle();
  const dbBefore = databaseCpuMs(dbPid);
  const clientBefore = process.cpuUsage();
  const watch = workload?.watch() ?? null;
  const measured = await drive(server, request, connections, seconds, o.acceptEncoding);
  const clientCpu = process.cpuUsage(clientBefore);
  const after = await server.idle();
  const dbAfter = databaseCpuMs(dbPid);
  const writes = workload && measured.tally ? await workload.outcome(measured.tally, watch) : undefined;
  const dbCpu = dbBefore !== null && dbAfter !== null ? dbAfter - dbBefore : null;
  const served = after.completed - before.completed;
  const wall = after.at - before.at;
  const cpuMs = (after.cpuUser + after.cpuSystem - before.cpuUser - before.cpuSystem) / 1000;
  const lat = measured.latencies;
  return {
    query,
    connections,
    variant: server.variant,
    reqPerSec: lat.length ? (connections * 1000) / mean(lat) : 0,
    countedPerSec: lat.length / measured.seconds,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    meanLatency: lat.length ? mean(lat) : NaN,
    responses: lat.length,
    seconds: measured.seconds,
    failures: measured.failed,
    overLimit: lat.filter((l) => l > PRODUCT_EXECUTION_LIMIT_MS).length,
    serverRequests: served,
    sqlPerRequest: served ? (after.statements - before.statements) / served : NaN,
    cpuMsPerRequest: served ? cpuMs / served : NaN,
    dbCpuMsPerRequest: dbCpu !== null && served ? dbCpu / served : null,
    serverCpuPercent: (cpuMs / wall) * 100,
    dbCpuPercent: dbCpu !== null ? (dbCpu / wall) * 100 : null,
    clientCpuPercent: ((clientCpu.user + clientCpu.system) / 1000 / wall) * 100,
    peakRssMb: server.peakRss() / 2 ** 20,
    ...(writes ? { writes } : {}),
  };
}

/**
 * Statements per request, exactly: sequential requests between two reads of an idle server's
 * counter. Also returns the mean latency of those requests.
 */
export async function countStatements(server: Server, request: Request, n: number): Promise<{ statements: number; ms: number }> {
  if (request.workload) return countWriteStatements(server, request.workload, n);
  await post(server, request);
  const before = await server.idle();
  const started = Date.now();
  for (let i = 0; i < n; i++) {
    const r = await post(server, request);
    if (r.status !== 200) throw new Error(`${server.variant}: HTTP ${r.status}`);
  }
  const ms = (Date.now() - started) / n;
  const after = await server.idle();
  return { statements: (after.statements - before.statements) / n, ms };
}

/** countStatements() of a write query: n logical requests (W1: an activation and its deactivation), per request sent. */
async function countWriteStatements(server: Server, workload: WriteWorkload, n: number): Promise<{ statements: number; ms: number }> {
  await workload.prepare(server);
  await workload.once(server);
  const before = await server.idle();
  const started = Date.now();
  let sent = 0;
  // W1r: the license stays full (prepare() filled it), so every activation is refused.
  for (let i = 0; i < n; i++) sent += await workload.once(server);
  const ms = (Date.now() - started) / sent;
  const after = await server.idle();
  await workload.prepare(server);
  return { statements: (after.statements - before.statements) / sent, ms };
}
