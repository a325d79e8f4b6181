import 'reflect-metadata';
import { ChildProcess, execFileSync, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { loadConfig } from '../src/config';
import { issueUserToken } from '../src/context/authenticate';
import { BENCH, benchDatabaseUrl, benchSecretsKey } from './bench-data';
import type { ProbeStats } from './bench-hub';

/** The Node.js flags of `npm start` (package.json), so the benchmark measures the product as it is started. */
const PRODUCT_NODE_FLAGS: string[] = (() => {
  const { start } = (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts;
  const match = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+dist\/src\/main\.js/.exec(start);
  if (!match) throw new Error(`package.json: the start script does not run dist/src/main.js with node: ${start}`);
  return match[1].trim().split(/\s+/).filter(Boolean);
})();

/**
 * The benchmark (docs/benchmarks.md): `npm run bench [-- options]` (after `npm run bench:data`).
 *
 * Three servers on the benchmark's database, each a child process started here with
 * NODE_ENV=production (TRUST_PROXY=true, so requests carry X-Forwarded-Proto: https; a
 * throw-away JWT_SECRET; the SECRETS_KEY the data was sealed with; a rate limit that never
 * bites; LOG_LEVEL=silent):
 *   hub    the product: node dist/src/main.js, with the probe of scripts/bench-hub.ts preloaded;
 *   bare   the same hub without the permission layer (scripts/bench-hub.ts);
 *   floor  node:http + mysql2 + hand-written SQL + JSON.stringify (scripts/bench-floor.ts).
 * Each is driven by autocannon for Q1..Q4 at 1 and 32 connections (warm-up, then the measured
 * run). Before measuring, every variant's answer to every query is checked to be the same data.
 *
 * Measured per run (see measure()): req/s by Little's law from the latencies of the measured
 * run, p50/p99 of those latencies; SQL statements per request (the server's own counter, read
 * over IPC; exact on sequential requests); server CPU ms per request (process.cpuUsage() of the
 * server, over IPC, divided by the requests it ended in a window that starts and ends with the
 * server idle); MariaDB CPU ms per request (/proc/<mariadbd>/stat, when the database runs on
 * this machine); peak RSS (VmHWM of /proc/<pid>/status). Then a `node --cpu-prof` profile of
 * the hub under Q1 (or --profile-queries) at each connection count, summarized by self time. The report goes to
 * docs/benchmarks.md (its hand-written analysis section is kept).
 */

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

interface Options {
  smoke: boolean;
  warmup: number;
  duration: number;
  connections: number[];
  queries: QueryName[];
  variants: VariantName[];
  first: number;
  page: number;
  profileSeconds: number;
  /** The queries profiled (at each connection count). */
  profileQueries: QueryName[];
  sequential: number;
  /** One server per variant for all runs (the smoke run), instead of a fresh process per run. */
  reuseServers: boolean;
  out: string | null;
  json: string | null;
}

type QueryName = 'Q1' | 'Q2' | 'Q3' | 'Q4';
type VariantName = 'hub' | 'bare' | 'floor';
const ALL_QUERIES: QueryName[] = ['Q1', 'Q2', 'Q3', 'Q4'];
const ALL_VARIANTS: VariantName[] = ['hub', 'bare', 'floor'];
const ROOT = path.resolve(__dirname, '..', '..');

const USAGE = `npm run bench -- [--warmup 10] [--duration 20] [--connections 1,32] [--queries Q1,Q2,Q3,Q4]
  [--variants hub,bare,floor] [--first 50] [--page 30] [--profile-seconds 15] [--sequential 3] [--reuse-servers]
  [--out docs/benchmarks.md | --out -] [--json file] [--smoke] [--accept-encoding br|gzip|identity]
--smoke: the database hub_bench_smoke (npm run bench:data -- --smoke), half-second runs at 2 connections on the
  same three servers, no profile, no report file unless --out.`;

function parseOptions(argv: string[]): Options {
  const smoke = argv.includes('--smoke');
  const o: Options = smoke
    ? {
        smoke,
        warmup: 0,
        duration: 0.5,
        connections: [2],
        queries: ALL_QUERIES,
        variants: ALL_VARIANTS,
        first: 6,
        page: 3,
        profileSeconds: 0,
        profileQueries: ['Q1'],
        sequential: 1,
        reuseServers: true,
        out: null,
        json: null,
      }
    : {
        smoke,
        warmup: 10,
        duration: 20,
        connections: [1, 32],
        queries: ALL_QUERIES,
        variants: ALL_VARIANTS,
        first: 50,
        page: 30,
        profileSeconds: 15,
        profileQueries: ['Q1'],
        sequential: 3,
        reuseServers: false,
        out: path.join(ROOT, 'docs', 'benchmarks.md'),
        json: null,
      };
  const num = (i: number) => {
    const n = Number(argv[i]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${argv[i - 1]} needs a non-negative number\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--smoke':
        break;
      case '--warmup':
        o.warmup = num(++i);
        break;
      case '--duration':
        o.duration = num(++i);
        break;
      case '--first':
        o.first = num(++i);
        break;
      case '--page':
        o.page = num(++i);
        break;
      case '--profile-seconds':
        o.profileSeconds = num(++i);
        break;
      case '--profile-queries':
        o.profileQueries = argv[++i].split(',') as QueryName[];
        break;
      case '--sequential':
        o.sequential = Math.max(1, num(++i));
        break;
      case '--reuse-servers':
        o.reuseServers = true;
        break;
      case '--connections':
        o.connections = argv[++i].split(',').map(Number);
        break;
      case '--queries':
        o.queries = argv[++i].split(',') as QueryName[];
        break;
      case '--variants':
        o.variants = argv[++i].split(',') as VariantName[];
        break;
      case '--out':
        o.out = argv[++i] === '-' ? null : path.resolve(argv[i]);
        break;
      case '--json':
        o.json = path.resolve(argv[++i]);
        break;
      // The measured requests accept compressed answers (the hub compresses above 1 KB): the
      // CPU it costs shows in CPU ms/req, the bytes it saves in the log's wire bytes per response.
      case '--accept-encoding':
        acceptEncoding = argv[++i];
        break;
      default:
        throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
    }
  }
  if (o.duration <= 0) throw new Error('--duration must be above 0');
  if (!o.queries.every((q) => ALL_QUERIES.includes(q))) throw new Error(`--queries: of ${ALL_QUERIES.join(',')}`);
  if (!o.variants.every((v) => ALL_VARIANTS.includes(v)) || !o.variants.includes('hub')) throw new Error(`--variants: of ${ALL_VARIANTS.join(',')}, hub included`);
  if (!o.connections.every((c) => Number.isInteger(c) && c >= 1)) throw new Error('--connections: positive integers');
  if (o.page < 2) throw new Error('--page must be at least 2');
  return o;
}

// ---------------------------------------------------------------------------------------------
// The queries
// ---------------------------------------------------------------------------------------------

const CUSTOMER_FIELDS = `id name
      users(first: 5) { nodes { name email } }
      licenses(first: 20) { nodes { status seats seatsUsed product { sku } activations(first: 4) { nodes { activatedAt computer { os name } } } } }`;

export const DASHBOARD = `query Dashboard($first: Int, $after: String) {
  customers(first: $first, after: $after) {
    nodes {
      ${CUSTOMER_FIELDS}
    }
  }
}`;

export const CUSTOMER = `query Customer($id: ID!) {
  node(id: $id) {
    ... on Organization {
      ${CUSTOMER_FIELDS}
    }
  }
}`;

const CURSOR = `query Cursor($first: Int, $after: String) {
  customers(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } }
}`;

interface Request {
  token: string;
  body: string;
}

/** --accept-encoding: sent with every measured request (autocannon sends none otherwise). */
let acceptEncoding: string | undefined;

// ---------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------

const VARIANT_TITLES: Record<VariantName, string> = {
  hub: 'hub (policy on)',
  bare: 'hub without permission layer (policy off)',
  floor: 'floor (hand-written SQL)',
};

class Server {
  private readonly pending = new Map<number, (value: unknown) => void>();
  private nextId = 1;
  private output = '';
  private exited: Promise<number | null>;

  private constructor(
    readonly variant: VariantName,
    readonly port: number,
    readonly child: ChildProcess,
  ) {
    child.on('message', (m: { id: number }) => {
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m);
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(variant: VariantName, env: NodeJS.ProcessEnv, extraExecArgv: string[] = []): Promise<Server> {
    // Every variant runs with the Node.js flags of the product's start command (npm start).
    extraExecArgv = [...PRODUCT_NODE_FLAGS, ...extraExecArgv];
    const port = await freePort();
    const childEnv: NodeJS.ProcessEnv = { ...env, PORT: String(port), HOST: '127.0.0.1' };
    delete childEnv.BENCH_PROBE;
    const dist = path.join(ROOT, 'dist');
    const probe = path.join(dist, 'scripts', 'bench-hub.js');
    const stdio: ('ignore' | 'pipe' | 'ipc')[] = ['ignore', 'pipe', 'pipe', 'ipc'];
    let child: ChildProcess;
    if (variant === 'hub') {
      child = fork(path.join(dist, 'src', 'main.js'), [], { cwd: ROOT, env: { ...childEnv, BENCH_PROBE: 'hub' }, execArgv: [...extraExecArgv, '--require', probe], stdio });
    } else if (variant === 'bare') {
      child = fork(probe, [], { cwd: ROOT, env: childEnv, execArgv: extraExecArgv, stdio });
    } else {
      child = fork(path.join(dist, 'scripts', 'bench-floor.js'), [], { cwd: ROOT, env: childEnv, execArgv: extraExecArgv, stdio });
    }
    const server = new Server(variant, port, child);
    await server.ready();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  private async ready(): Promise<void> {
    const deadline = Date.now() + 90_000;
    let gone = false;
    void this.exited.then(() => (gone = true));
    while (Date.now() < deadline) {
      if (gone) throw new Error(`${this.variant} exited during startup:\n${this.output}`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/health`, { headers: { 'x-forwarded-proto': 'https' } });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${this.variant} did not become ready in 90 s:\n${this.output}`);
  }

  private ask<T>(message: { type: 'stats' } | { type: 'record'; on: boolean }): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.variant}: no answer from the probe`)), 10_000);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m as T);
      });
      this.child.send({ ...message, id });
    });
  }

  async stats(): Promise<ProbeStats & { at: number }> {
    const { stats } = await this.ask<{ stats: ProbeStats }>({ type: 'stats' });
    return { ...stats, at: Date.now() };
  }

  async record(on: boolean): Promise<string[]> {
    return (await this.ask<{ statements: string[] }>({ type: 'record', on })).statements;
  }

  /** Waits until the server has no request in flight (the tail of a run is finished). */
  async idle(): Promise<ProbeStats & { at: number }> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const s = await this.stats();
      if (s.inflight === 0) return s;
      if (Date.now() > deadline) throw new Error(`${this.variant}: ${s.inflight} requests still in flight after 120 s`);
      await sleep(25);
    }
  }

  /** Peak resident set size (VmHWM), bytes. */
  peakRss(): number {
    const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
    return kb * 1024;
  }

  /** Asks the (idle) server to exit; a --cpu-prof profile is written on the way out. SIGKILL after 30 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.send({ id: 0, type: 'exit' });
    else this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }

  log(): string {
    return this.output;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// HTTP, comparison
// ---------------------------------------------------------------------------------------------

interface GqlResponse {
  status: number;
  bytes: number;
  json: { data?: unknown; errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[] };
}

async function post(server: Server, request: Request): Promise<GqlResponse> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${request.token}`, 'x-forwarded-proto': 'https' },
    body: request.body,
  });
  const text = await res.text();
  return { status: res.status, bytes: Buffer.byteLength(text), json: JSON.parse(text) as GqlResponse['json'] };
}

/** JSON with sorted keys: the same data prints the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `at character ${i}:\n  ${a.slice(Math.max(0, i - 120), i + 80)}\n  ${b.slice(Math.max(0, i - 120), i + 80)}`;
}

/** The personal fields of the dashboard (users' name and email, computers' name) set to null. */
function withoutPersonalData(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data), function (this: Record<string, unknown>, key: string, value: unknown): unknown {
    if ((key === 'name' || key === 'email') && this && 'email' in this && 'name' in this && Object.keys(this).length === 2) return null;
    if (key === 'computer' && value && typeof value === 'object') return { ...value, name: null };
    return value;
  });
}

function countPersonal(data: unknown): { present: number; nulls: number } {
  const out = { present: 0, nulls: 0 };
  JSON.parse(JSON.stringify(data), function (this: Record<string, unknown>, key: string, value: unknown): unknown {
    const personal = ((key === 'name' || key === 'email') && this && 'email' in this && Object.keys(this).length === 2) || (key === 'name' && this && 'os' in this);
    if (personal && value === null) out.nulls++;
    else if (personal) out.present++;
    return value;
  });
  return out;
}

const errorKeys = (r: GqlResponse) => (r.json.errors ?? []).map((e) => `${JSON.stringify(e.path ?? [])} ${e.extensions?.code ?? ''} ${e.message}`).sort();

interface Agreement {
  query: QueryName;
  variants: Partial<Record<VariantName, { bytes: number; errors: number; personal: { present: number; nulls: number } }>>;
  notes: string[];
}

async function checkAgreement(servers: Map<VariantName, Server>, requests: Record<QueryName, Request>, queries: QueryName[]): Promise<Agreement[]> {
  const out: Agreement[] = [];
  for (const q of queries) {
    const answers = new Map<VariantName, GqlResponse>();
    for (const [v, s] of servers) {
      const r = await post(s, requests[q]);
      if (r.status !== 200 || r.json.data == null) throw new Error(`${q} on ${v}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 500)}`);
      answers.set(v, r);
    }
    const hub = answers.get('hub')!;
    const agreement: Agreement = { query: q, variants: {}, notes: [] };
    for (const [v, r] of answers) agreement.variants[v] = { bytes: r.bytes, errors: r.json.errors?.length ?? 0, personal: countPersonal(r.json.data) };
    const hubData = canonical(hub.json.data);
    for (const [v, r] of answers) {
      if (v === 'hub') continue;
      let data = canonical(r.json.data);
      if (q === 'Q4' && v === 'bare') {
        // No permission layer, no transfer gate: the gated distributor reads what the gate hides.
        const personal = countPersonal(r.json.data);
        if (personal.nulls > 0 || personal.present === 0 || (r.json.errors?.length ?? 0) > 0) {
          throw new Error(`Q4 on bare: expected the personal data the gate withholds (the permission layer is off), got ${JSON.stringify(personal)}`);
        }
        data = canonical(withoutPersonalData(r.json.data));
        agreement.notes.push(`bare answers the ${personal.present} personal values the gate withholds and no errors (it has no permission layer); with those set to null its data equals the hub's`);
      }
      if (data !== hubData) throw new Error(`${q}: ${v} answers other data than the hub ${firstDifference(hubData, data)}`);
      if (v === 'floor') {
        const [a, b] = [errorKeys(hub), errorKeys(r)];
        if (a.join('\n') !== b.join('\n')) throw new Error(`${q}: the floor's errors differ from the hub's (${a.length} vs ${b.length}) ${firstDifference(a.join('\n'), b.join('\n'))}`);
        if (a.length) agreement.notes.push(`hub and floor: the same ${a.length} errors (path, code, message), personal fields null`);
      }
    }
    if (q !== 'Q4' && (hub.json.errors?.length ?? 0) > 0) throw new Error(`${q}: the hub answered errors: ${JSON.stringify(hub.json.errors!.slice(0, 3))}`);
    out.push(agreement);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}

type AutocannonInstance = Promise<AutocannonResult> & {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => AutocannonInstance;

interface Drive {
  /** Latency (ms) of every 2xx response, in the order they arrived. */
  latencies: number[];
  failed: number;
  seconds: number;
}

/** One autocannon run; the latency of each response is kept, for exact percentiles and Little's law. */
async function drive(server: Server, request: Request, connections: number, seconds: number): Promise<Drive> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: server.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${request.token}`, 'x-forwarded-proto': 'https', ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) },
    body: request.body,
    connections,
    duration: seconds,
    timeout: 600,
  });
  let wireBytes = 0;
  instance.on('response', (_client, statusCode, bytes, responseTime) => {
    wireBytes += bytes;
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  if (acceptEncoding && latencies.length)
    process.stdout.write(`       accept-encoding ${acceptEncoding}: ${Math.round(wireBytes / latencies.length)} bytes per response on the wire (headers included)\n`);
  return { latencies, failed: result.errors + result.timeouts + result.non2xx, seconds: result.duration };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Nearest-rank percentile. */
function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** utime + stime of a process, in ms. */
function processCpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

const CLOCK_TICKS = (() => {
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
function databasePid(databaseUrl: string): number | null {
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
function databaseCpuMs(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    return processCpuMs(pid);
  } catch {
    return null;
  }
}

interface Run {
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
}

/** The product's default execution limit; the benchmark lifts it (see the environment) and counts the responses beyond it. */
const PRODUCT_EXECUTION_LIMIT_MS = 10_000;
/** The measured window holds at least this many mean latencies (a saturated hub answers 32 requests in one wave). */
const WINDOW_LATENCIES = 2.5;
const MAX_WINDOW_SECONDS = 120;

/**
 * A warm-up run, then the measured run, each ending with the server idle again (its in-flight
 * requests finished). The measured run lasts --duration seconds, or longer when that would not
 * hold WINDOW_LATENCIES mean latencies (estimated from the warm-up when it saw a response per
 * connection, else from the sequential latency times the connections). Server figures (SQL, CPU) cover the window from idle to idle,
 * so every request started in it is counted whole.
 */
async function measure(server: Server, request: Request, query: QueryName, connections: number, o: Options, dbPid: number | null, sequentialMs: number): Promise<Run> {
  const warm = o.warmup > 0 ? await drive(server, request, connections, o.warmup) : null;
  // A warm-up that saw fewer responses than connections saw only the early ones: too optimistic.
  const estimate = warm && warm.latencies.length >= connections ? mean(warm.latencies) : Math.max(connections * sequentialMs, warm ? o.warmup * 1000 : 0);
  const seconds = Math.min(MAX_WINDOW_SECONDS, Math.max(o.duration, Math.ceil((WINDOW_LATENCIES * estimate) / 1000)));
  const before = await server.idle();
  const dbBefore = databaseCpuMs(dbPid);
  const clientBefore = process.cpuUsage();
  const measured = await drive(server, request, connections, seconds);
  const clientCpu = process.cpuUsage(clientBefore);
  const after = await server.idle();
  const dbAfter = databaseCpuMs(dbPid);
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
  };
}

/**
 * Statements per request, exactly: sequential requests between two reads of an idle server's
 * counter. Also returns the mean latency of those requests.
 */
async function countStatements(server: Server, request: Request, n: number): Promise<{ statements: number; ms: number }> {
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

// ---------------------------------------------------------------------------------------------
// The profile
// ---------------------------------------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  query: QueryName;
  connections: number;
  seconds: number;
  windowed: boolean;
  top: { fn: string; where: string; selfMs: number; percent: number }[];
  byComponent: { component: string; selfMs: number; percent: number }[];
}

function component(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(V8 / native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'Node.js internals';
  const src = /\/dist\/(src|scripts|ormconfig)(\/[^/]+)?/.exec(url);
  if (src) return src[1] === 'src' ? `hub: src${src[2] ?? ''}` : `hub: ${src[1]}${src[2] ?? ''}`;
  return url;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

/** Self time per function and per component, within [fromUs, toUs] of the profile's clock when it covers it. */
function summarizeProfile(file: string, fromUs: number, toUs: number): Omit<ProfileSummary, 'query'> {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const windowed = fromUs >= profile.startTime && toUs <= profile.endTime + 1_000_000 && fromUs < toUs;
  const self = new Map<number, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (windowed && (t < fromUs || t > toUs)) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const perFn = new Map<string, { fn: string; where: string; us: number }>();
  const perComponent = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    const fn = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${fn}@${where}`;
    const entry = perFn.get(key) ?? { fn, where, us: 0 };
    entry.us += us;
    perFn.set(key, entry);
    const c = component(url, fn);
    perComponent.set(c, (perComponent.get(c) ?? 0) + us);
  }
  const busy = [...perFn.values()].reduce((a, e) => a + e.us, 0) || 1;
  return {
    file,
    connections: 0,
    seconds: total / 1e6,
    windowed,
    top: [...perFn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, 25)
      .map((e) => ({ fn: e.fn, where: e.where, selfMs: e.us / 1000, percent: (e.us / busy) * 100 })),
    byComponent: [...perComponent.entries()].sort((a, b) => b[1] - a[1]).map(([c, us]) => ({ component: c, selfMs: us / 1000, percent: (us / busy) * 100 })),
  };
}

async function profileHub(env: NodeJS.ProcessEnv, query: QueryName, request: Request, connections: number, o: Options): Promise<ProfileSummary> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-prof-'));
  const server = await Server.start('hub', env, ['--cpu-prof', '--cpu-prof-dir', dir]);
  let from: number;
  let to: number;
  try {
    await drive(server, request, connections, Math.max(1, o.warmup));
    await server.idle();
    from = monotonicUs();
    await drive(server, request, connections, o.profileSeconds);
    await server.idle();
    to = monotonicUs();
  } finally {
    await server.stop();
  }
  const file = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))[0];
  if (!file) throw new Error(`no .cpuprofile in ${dir}:\n${server.log()}`);
  const kept = path.join(os.tmpdir(), `hub-bench-${query}-c${connections}.cpuprofile`);
  fs.copyFileSync(file, kept);
  fs.rmSync(dir, { recursive: true, force: true });
  return { ...summarizeProfile(kept, from, to), file: kept, query, connections };
}

/** V8 profiles count microseconds on the monotonic clock, as process.hrtime does. */
function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

interface Machine {
  nproc: number;
  cpu: string;
  ramGb: number;
  node: string;
  database: string;
  bufferPoolMb: number;
  flushLogAtCommit: string;
  kernel: string;
}

interface Target {
  target: string;
  met: boolean;
  measured: string;
  cause?: string;
}

type CountedQuery = QueryName | 'Q1first5';

interface Report {
  startedAt: string;
  finishedAt: string;
  command: string;
  options: Options;
  machine: Machine;
  environment: Record<string, string>;
  rows: Record<string, number>;
  page: { first: number; page: number; customer: string };
  agreement: Agreement[];
  statements: Record<VariantName, Partial<Record<CountedQuery, number>>>;
  sequentialMs: Record<VariantName, Partial<Record<CountedQuery, number>>>;
  statementTexts: Partial<Record<VariantName, string[]>>;
  runs: Run[];
  profiles: ProfileSummary[];
  targets: Target[];
}

const f1 = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(1));
const f0 = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(0));
const fx = (n: number) => (Number.isNaN(n) ? '–' : Number.isInteger(n) ? String(n) : n.toFixed(2));
const pct = (ratio: number) => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(0)}%` : '–');
const points = (delta: number) => `${(delta * 100).toFixed(0)} point${(delta * 100).toFixed(0) === '1' ? '' : 's'}`;
const times = (ratio: number) => (Number.isFinite(ratio) ? `${ratio.toFixed(1)}×` : '–');

function run(report: Report, q: QueryName, c: number, v: VariantName): Run | undefined {
  return report.runs.find((r) => r.query === q && r.connections === c && r.variant === v);
}

function evaluateTargets(report: Report, o: Options): Target[] {
  const targets: Target[] = [];
  const hubSql = report.statements.hub;
  const high = Math.max(...o.connections);
  const low = Math.min(...o.connections);
  const worst = Math.max(...o.queries.map((q) => hubSql[q] ?? 0));
  targets.push({
    target: 'SQL statements per request ≤ 6',
    met: worst <= 6,
    measured: `hub: ${o.queries.map((q) => `${q} ${fx(hubSql[q] ?? NaN)}`).join(', ')}${worst > 6 ? `: ${fx(worst - 6)} over (${pct(worst / 6 - 1)} above)` : ''}`,
  });
  if (hubSql.Q1 !== undefined && hubSql.Q1first5 !== undefined) {
    targets.push({
      target: `the same statements for first: 5 and first: ${o.first}`,
      met: hubSql.Q1 === hubSql.Q1first5,
      measured: `first: 5 → ${fx(hubSql.Q1first5)}, first: ${o.first} → ${fx(hubSql.Q1)}`,
    });
  }
  const q1l = run(report, 'Q1', low, 'hub');
  const q2l = run(report, 'Q2', low, 'hub');
  if (q1l && q2l) {
    const latency = q2l.p50 / q1l.p50;
    const cpu = (r: Run | undefined) => (r ? r.cpuMsPerRequest + (r.dbCpuMsPerRequest ?? 0) : NaN);
    const cost = cpu(q2l) / cpu(q1l);
    const floorCost = cpu(run(report, 'Q2', low, 'floor')) / cpu(run(report, 'Q1', low, 'floor'));
    const sameSql = hubSql.Q1 === hubSql.Q2;
    targets.push({
      target: `page ${o.page} costs no more than page 1 (keyset: same SQL; p50 at ${low} connection${low > 1 ? 's' : ''} and CPU of hub + database at most +10%)`,
      met: sameSql && latency <= 1.1 && cost <= 1.1,
      measured: `SQL ${fx(hubSql.Q2 ?? NaN)} vs ${fx(hubSql.Q1 ?? NaN)}; p50 ${f1(q2l.p50)} vs ${f1(q1l.p50)} ms (${pct(latency)}); CPU ${f1(cpu(q2l))} vs ${f1(cpu(q1l))} ms/request (${pct(cost)}; the floor's page ${o.page} costs ${pct(floorCost)} of its page 1: the pages hold different data)`,
    });
  }
  const hubQ1 = run(report, 'Q1', high, 'hub');
  const floorQ1 = run(report, 'Q1', high, 'floor');
  if (hubQ1 && floorQ1) {
    const ratio = hubQ1.reqPerSec / floorQ1.reqPerSec;
    targets.push({
      target: `Q1 throughput at ${high} connections ≥ 40% of the floor's`,
      met: ratio >= 0.4,
      measured: `${f1(hubQ1.reqPerSec)} vs ${f1(floorQ1.reqPerSec)} req/s = ${pct(ratio)}${ratio < 0.4 ? `: ${points(0.4 - ratio)} short; 40% would be ${f1(0.4 * floorQ1.reqPerSec)} req/s, ${times(0.4 / ratio)} the hub's` : ''}`,
    });
  }
  const bareQ1 = run(report, 'Q1', high, 'bare');
  if (hubQ1 && bareQ1) {
    const ratio = hubQ1.reqPerSec / bareQ1.reqPerSec;
    const slower = 1 - ratio;
    targets.push({
      target: `policy on within 10% of policy off (Q1 throughput at ${high} connections)`,
      met: ratio >= 0.9,
      measured: `${f1(hubQ1.reqPerSec)} vs ${f1(bareQ1.reqPerSec)} req/s: policy on ${slower >= 0 ? `${(slower * 100).toFixed(0)}% slower` : `${(-slower * 100).toFixed(0)}% faster`}${ratio < 0.9 ? ` (${points(0.9 - ratio)} beyond the 10%)` : ''}; CPU ${f1(hubQ1.cpuMsPerRequest)} vs ${f1(bareQ1.cpuMsPerRequest)} ms/request (${pct(hubQ1.cpuMsPerRequest / bareQ1.cpuMsPerRequest - 1)} more)`,
    });
  }
  const tails = o.queries.map((q) => run(report, q, high, 'hub')).filter((r): r is Run => !!r && r.responses > 0);
  if (tails.length) {
    const worstTail = tails.reduce((a, b) => (b.p99 / b.p50 > a.p99 / a.p50 ? b : a));
    targets.push({
      target: `p99 ≤ 3 × p50 at ${high} connections (hub)`,
      met: tails.every((r) => r.p99 <= 3 * r.p50),
      measured:
        tails.map((r) => `${r.query} ${f0(r.p50)} / ${f0(r.p99)} ms (×${(r.p99 / r.p50).toFixed(2)})`).join(', ') +
        (worstTail.p99 > 3 * worstTail.p50 ? `: worst ${worstTail.query}, ${(worstTail.p99 / worstTail.p50 - 3).toFixed(2)} over` : ''),
    });
  }
  const hubRuns = report.runs.filter((r) => r.variant === 'hub');
  if (hubRuns.length) {
    const peak = Math.max(...hubRuns.map((r) => r.peakRssMb));
    const at = hubRuns.find((r) => r.peakRssMb === peak)!;
    targets.push({
      target: 'peak RSS of the hub < 300 MB',
      met: peak < 300,
      measured: `${f0(peak)} MB (reached by ${at.query} at ${at.connections} connection${at.connections > 1 ? 's' : ''})${peak >= 300 ? `: ${f0(peak - 300)} MB over` : ''}; at ${low} connection${low > 1 ? 's' : ''}: ${o.queries.map((q) => `${q} ${f0(run(report, q, low, 'hub')?.peakRssMb)}`).join(', ')} MB`,
    });
  }
  return targets;
}

/** The numbers behind a missed target, from the measurements and the profiles; the reading is in the analysis. */
function causes(report: Report, o: Options): void {
  const high = Math.max(...o.connections);
  const low = Math.min(...o.connections);
  const profileAt = (c: number) => report.profiles.find((p) => p.connections === c) ?? null;
  const share = (p: ProfileSummary | null, name: string) => p?.byComponent.filter((c) => c.component.startsWith(name)).reduce((a, c) => a + c.percent, 0) ?? NaN;
  const components = (p: ProfileSummary | null) =>
    p
      ? p.byComponent
          .slice(0, 8)
          .map((c) => `${c.component} ${c.percent.toFixed(0)}%`)
          .join(', ')
      : 'no profile';
  const topFns = (p: ProfileSummary | null, n: number) =>
    p
      ? p.top
          .filter((t) => !t.fn.startsWith('('))
          .slice(0, n)
          .map((t) => `\`${t.fn}\` (${t.where.split('/').slice(-2).join('/')}) ${t.percent.toFixed(1)}%`)
          .join(', ')
      : '';
  for (const t of report.targets) {
    if (t.met) continue;
    if (t.target.startsWith('SQL statements')) {
      const texts = report.statementTexts.hub ?? [];
      t.cause = `one Q1 request of the hub runs ${texts.length} statements: ${texts.map((s, i) => `${i + 1}. ${describeStatement(s)}`).join('; ')}. The floor answers the same in ${report.statements.floor?.Q1 ?? '–'}`;
    } else if (t.target.startsWith('page ')) {
      const q1 = run(report, 'Q1', low, 'hub');
      const q2 = run(report, 'Q2', low, 'hub');
      t.cause = `the statements are the same (keyset); the difference is in the data of the two pages (Q2's answer is ${f0((report.agreement.find((a) => a.query === 'Q2')?.variants.hub?.bytes ?? 0) / 1024)} KB against Q1's ${f0((report.agreement.find((a) => a.query === 'Q1')?.variants.hub?.bytes ?? 0) / 1024)} KB) and in the database's share (DB ${f1(q2?.dbCpuMsPerRequest)} vs ${f1(q1?.dbCpuMsPerRequest)} ms/request)`;
    } else if (t.target.startsWith('Q1 throughput')) {
      const hub = run(report, 'Q1', high, 'hub');
      const floor = run(report, 'Q1', high, 'floor');
      const p1 = profileAt(low);
      t.cause = `CPU per request: the hub ${f1(hub?.cpuMsPerRequest)} ms in its own process against the floor's ${f1(floor?.cpuMsPerRequest)} ms (${times((hub?.cpuMsPerRequest ?? NaN) / (floor?.cpuMsPerRequest ?? NaN))}); the hub runs at ${f0(hub?.serverCpuPercent)}% of a core, the database at ${f0(hub?.dbCpuPercent)}%: the hub is bound by its one JavaScript thread. Profile at ${low} connection (self time): ${components(p1)}; top functions ${topFns(p1, 6)}`;
    } else if (t.target.startsWith('policy on')) {
      const p1 = profileAt(low);
      const on = report.statements.hub?.Q1;
      const off = report.statements.bare?.Q1;
      t.cause = `the policy adds ${on !== undefined && off !== undefined ? on - off : '–'} statements per request (the viewer's relations and transfer decision, and the audit INSERT of every personal value read) and a rule call on every personal field; in the profile at ${low} connection the permission layer's own code (hub: src/policy) is ${f1(share(p1, 'hub: src/policy'))}% and graphql-middleware ${f1(share(p1, 'graphql-middleware'))}% of the self time`;
    } else if (t.target.startsWith('p99')) {
      const p32 = profileAt(high);
      t.cause = `garbage collection is ${f1(share(p32, '(garbage collector)'))}% of the hub's self time at ${high} connections (${f1(share(profileAt(low), '(garbage collector)'))}% at ${low}); the ${high} requests share one thread, so they progress together and finish in waves, and a full collection stops all of them`;
    } else if (t.target.startsWith('peak RSS')) {
      t.cause = `the hub holds every in-flight request's result tree and its serialized answer in memory (Q1 answers ${f0((report.agreement.find((a) => a.query === 'Q1')?.variants.hub?.bytes ?? 0) / 1024)} KB; Q4 ${f0((report.agreement.find((a) => a.query === 'Q4')?.variants.hub?.bytes ?? 0) / 1024)} KB with its errors), ${high} at once; garbage collection is ${f1(share(profileAt(high), '(garbage collector)'))}% of its time at ${high} connections`;
    }
  }
}

function describeStatement(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  const tables = [...new Set([...s.matchAll(/\b(?:FROM|JOIN|INTO)\s+`?(\w+)`?/g)].map((m) => m[1]))].filter((t) => t.length > 1);
  const verb = /^(\w+)/.exec(s)?.[1]?.toUpperCase() ?? '?';
  const what = /ROW_NUMBER/.test(s) ? ' (a page per parent)' : /COUNT\(/.test(s) ? ' (count per parent)' : /UNION ALL/.test(s) ? ' (union)' : /e\.id IN \(/.test(s) ? ' (by ids)' : '';
  return `${verb} ${tables.join(' + ')}${what}`;
}

const VARIANT_NOTES: Record<VariantName, string> = {
  hub: `The product as \`npm start\` runs it: \`node ${PRODUCT_NODE_FLAGS.join(' ')} dist/src/main.js\`, the probe preloaded (\`--require dist/scripts/bench-hub.js\`), nothing else changed. Every variant runs with these Node.js flags.`,
  bare: "The same entry point and HTTP pipeline (authentication, limits, rate limit, Apollo, audit batch) on `buildBareSchema()`: the same resolvers, loaders and row scoping, no field rules, hence no transfer gate and no audit of reads. scripts/bench-hub.ts points the schema module's buildHubSchema at buildBareSchema in its own process before the hub loads; the product has no switch for it.",
  floor:
    "node:http + mysql2 + hand-written SQL + JSON.stringify (scripts/bench-floor.ts), keeping the hub's obligations: the JWT verified and the user read, rows scoped to the distributor, the transfer gate decided per request from the database (the same pure decideTransfer()), denied fields null with their errors, the reads recorded in audit_event with one INSERT.",
};

const ANALYSIS_START = '<!-- analysis:start -->';
const ANALYSIS_END = '<!-- analysis:end -->';

/** The hand-written analysis (between its markers) is kept when the report is rewritten. */
function preservedAnalysis(file: string | null): string | null {
  if (!file || !fs.existsSync(file)) return null;
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(ANALYSIS_START);
  const b = text.indexOf(ANALYSIS_END);
  return a >= 0 && b > a ? text.slice(a, b + ANALYSIS_END.length) : null;
}

function markdown(report: Report, o: Options, preserved: string | null): string {
  const m = report.machine;
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  const sum = Object.values(report.rows).reduce((a, b) => a + b, 0);
  const hubBytes = (q: QueryName) => report.agreement.find((a) => a.query === q)?.variants.hub?.bytes ?? 0;
  push(
    '# Benchmarks: the dashboard at a million rows',
    '',
    `Issue #7. Written by \`npm run bench\` (scripts/bench.ts), run ${report.startedAt.slice(0, 16).replace('T', ' ')}–${report.finishedAt.slice(11, 16)} UTC. The analysis section is written by hand and kept when the command rewrites the rest.`,
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm run bench:data   # ~2 min: drops and builds hub_bench (DATABASE_URL must name a database with "bench" in it; default mysql://root@127.0.0.1:3306/hub_bench)',
    'npm run bench        # ~25 min: rewrites this file; options: -- --warmup 10 --duration 20 --connections 1,32 --queries Q1,Q2,Q3,Q4 --profile-seconds 15',
    'npm run bench:smoke  # the harness end to end on a tiny data set (hub_bench_smoke), ~30 s; also tests/e2e/bench-smoke.test.ts',
    '```',
    '',
    `This run: \`${report.command}\`.`,
    '',
    '## Machine',
    '',
    '| | |',
    '|---|---|',
    `| CPUs (nproc) | ${m.nproc} |`,
    `| CPU | ${m.cpu} |`,
    `| RAM | ${m.ramGb.toFixed(1)} GB |`,
    `| OS | ${m.kernel} |`,
    `| Node.js | ${m.node} |`,
    `| Database | ${m.database} on the same machine; innodb_buffer_pool_size ${m.bufferPoolMb} MB, innodb_flush_log_at_trx_commit ${m.flushLogAtCommit} (server defaults, untouched) |`,
    '',
    `Server, database and load generator (autocannon, in the benchmark's own process) share these ${m.nproc} CPUs; the CPU columns show who used them.`,
    '',
    `Servers' environment: ${Object.entries(report.environment)
      .map(([k, v]) => `\`${k}=${v}\``)
      .join(
        ', ',
      )}. Requests carry \`X-Forwarded-Proto: https\`. The rate limit and the execution limit are lifted so that they do not cut the measurement; responses slower than the product's default limit of 10 s are counted in the column "> 10 s" (in production they would be \`503 TIMEOUT\`).`,
    '',
    '## Data',
    '',
    `\`npm run bench:data\` (scripts/bench-data.ts; seeded PRNG, fixed dates, UUIDv7-format ids from seedId(); multi-row INSERTs of 2,000 rows, a transaction per 20,000): the seed world plus 20 distributors. The measured distributor \`${BENCH.measured.admin}\` (DE: no transfer basis needed) serves 2,000 customers, each with 3 users, 4 computers, 20 licenses and 0..4 activations per license; the gated distributor \`${BENCH.gated.admin}\` (IN, its SCC expired 2025-01-01) has the same shape; 18 more distributors 200 customers each with 10 licenses; \`audit_event\` was filled with past reads up to a million rows. The benchmark's requests add to \`audit_event\` as they run (the counts are from the start of this run).`,
    '',
    '| table | rows |',
    '|---|---:|',
    ...Object.entries(report.rows).map(([t, n]) => `| ${t} | ${n.toLocaleString('en-US')} |`),
    `| **total** | **${sum.toLocaleString('en-US')}** |`,
    '',
    '## Queries and variants',
    '',
    `- **Q1** the dashboard's first page as the measured distributor: \`customers(first: ${o.first}) { nodes { id name users(first: 5) { nodes { name email } } licenses(first: 20) { nodes { status seats seatsUsed product { sku } activations(first: 4) { nodes { activatedAt computer { os name } } } } } } }\` (answer ${f0(hubBytes('Q1') / 1024)} KB).`,
    `- **Q2** the same at page ${o.page}, after the cursor found by walking the pages once (${f0(hubBytes('Q2') / 1024)} KB).`,
    `- **Q3** one customer (the first of page ${o.page}) by \`node(id:)\`, the same fields (${f0(hubBytes('Q3') / 1024)} KB).`,
    `- **Q4** Q1 as the gated distributor: the personal fields (users' name and email, computers' name) are null, each with a \`TRANSFER_BASIS_REQUIRED\` error (${f0(hubBytes('Q4') / 1024)} KB).`,
    '',
    ...o.variants.map((v) => `- **${v}**: ${VARIANT_TITLES[v]}. ${VARIANT_NOTES[v]}`),
    '',
    `**How it is measured.** For each query, connection count and variant: ${o.reuseServers ? '' : 'a fresh server process, '}a warm-up run (autocannon), then the measured run, each followed by waiting until the server has no request in flight. The measured run lasts the configured seconds, or longer when that would not hold 2.5 mean latencies (the saturated hub answers its 32 requests together, in waves several seconds apart; a window must hold more than one wave). **req/s** is the closed-loop throughput by Little's law, connections ÷ mean latency of the 2xx responses of the measured run (the responses counted over the window, which start cold, are in the JSON as \`countedPerSec\`); **p50/p99** are nearest-rank percentiles of those latencies, **n** their number. **SQL/req** and **CPU ms/req** are the server's own statement counter and \`process.cpuUsage()\`, read over IPC by the probe (scripts/bench-hub.ts, preloaded into the hub; the floor counts its own statements), divided by the requests the server ended in the window from idle to idle, so every request is counted whole; **DB ms/req** the same for the mariadbd process (/proc/&lt;pid&gt;/stat); **CPU %** is of one core over that window; **peak RSS** is the server's VmHWM at the end of the run${o.reuseServers ? ' (the servers were reused across runs: the peak so far)' : "; every run (warm-up and measurement) has a fresh server process of its own, so it is that run's peak"}. The SQL counts in the next table come from sequential requests and are exact.`,
    '',
    '## Agreement',
    '',
    'Before measuring, every query was sent to every variant and the answers compared: the data with sorted keys; for the floor also the errors (path, code, message).',
    '',
    '| query | ' + o.variants.map((v) => `${v}: bytes, errors, personal values (null)`).join(' | ') + ' | notes |',
    '|---|' + o.variants.map(() => '---').join('|') + '|---|',
    ...report.agreement.map(
      (a) =>
        `| ${a.query} | ${o.variants
          .map((v) => {
            const x = a.variants[v];
            return x ? `${x.bytes.toLocaleString('en-US')} B, ${x.errors}, ${x.personal.present} (${x.personal.nulls})` : '–';
          })
          .join(' | ')} | ${a.notes.join('; ') || 'the same data'} |`,
    ),
    '',
    '## SQL statements per request',
    '',
    '| variant | ' + [...o.queries, 'Q1first5'].map((q) => (q === 'Q1first5' ? 'Q1 with first: 5' : q)).join(' | ') + ' |',
    '|---|' + [...o.queries, 'Q1first5'].map(() => '---:').join('|') + '|',
    ...o.variants.map((v) => `| ${v} | ${[...o.queries, 'Q1first5'].map((q) => fx(report.statements[v]?.[q as CountedQuery] ?? NaN)).join(' | ')} |`),
    '',
    ...Object.entries(report.statementTexts).flatMap(([v, texts]) => [`One Q1 request of **${v}**: ${(texts ?? []).map((s, i) => `${i + 1}. ${describeStatement(s)}`).join('; ')}.`, '']),
    '## Results',
    '',
    '| query | conn | variant | req/s | p50 ms | p99 ms | p99/p50 | n | s | > 10 s | SQL/req | CPU ms/req | DB ms/req | CPU % | DB CPU % | client CPU % | peak RSS MB | failed |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...report.runs.map(
      (r) =>
        `| ${r.query} | ${r.connections} | ${r.variant} | ${f1(r.reqPerSec)} | ${f0(r.p50)} | ${f0(r.p99)} | ${(r.p99 / r.p50).toFixed(2)} | ${r.responses} | ${f0(r.seconds)} | ${r.overLimit} | ${fx(Math.round(r.sqlPerRequest * 100) / 100)} | ${f1(r.cpuMsPerRequest)} | ${f1(r.dbCpuMsPerRequest)} | ${f0(r.serverCpuPercent)} | ${f0(r.dbCpuPercent)} | ${f0(r.clientCpuPercent)} | ${f0(r.peakRssMb)} | ${r.failures} |`,
    ),
    '',
    '### Ratios',
    '',
    '| query | conn | hub / floor req/s | policy on / off req/s | hub / floor CPU ms/req | policy on / off CPU ms/req | hub / floor p50 |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...o.queries.flatMap((q) =>
      o.connections.map((c) => {
        const [h, b, fl] = [run(report, q, c, 'hub'), run(report, q, c, 'bare'), run(report, q, c, 'floor')];
        const r = (x: number | undefined, y: number | undefined) => (x !== undefined && y ? pct(x / y) : '–');
        const t = (x: number | undefined, y: number | undefined) => (x !== undefined && y ? times(x / y) : '–');
        return `| ${q} | ${c} | ${r(h?.reqPerSec, fl?.reqPerSec)} | ${r(h?.reqPerSec, b?.reqPerSec)} | ${t(h?.cpuMsPerRequest, fl?.cpuMsPerRequest)} | ${t(h?.cpuMsPerRequest, b?.cpuMsPerRequest)} | ${t(h?.p50, fl?.p50)} |`;
      }),
    ),
    '',
    '## Targets',
    '',
    '| target | | measured |',
    '|---|---|---|',
    ...report.targets.map((t) => `| ${t.target} | ${t.met ? '**met**' : '**missed**'} | ${t.measured} |`),
    '',
  );
  const missed = report.targets.filter((t) => !t.met);
  if (missed.length) {
    push('### Missed targets: the numbers behind them', '');
    for (const t of missed) push(`- **${t.target}**: ${t.cause ?? '–'}.`);
    push('');
  }
  for (const p of report.profiles) {
    push(
      `## Profile: the hub under ${p.query} at ${p.connections} connection${p.connections > 1 ? 's' : ''}`,
      '',
      `\`node --cpu-prof\` of the hub (\`dist/src/main.js\`) under ${p.query} at ${p.connections} connection${p.connections > 1 ? 's' : ''} for ${o.profileSeconds} s after a warm-up: ${f1(p.seconds)} s of samples ${p.windowed ? 'in the measured window (up to the server being idle again)' : "(the whole process: the window could not be matched to the profile's clock)"}, idle time excluded. File: \`${p.file}\` (Chrome DevTools or speedscope).`,
      '',
      '| component (self time) | ms | share |',
      '|---|---:|---:|',
      ...p.byComponent.slice(0, 14).map((c) => `| ${c.component} | ${f0(c.selfMs)} | ${c.percent.toFixed(1)}% |`),
      '',
      '| top functions by self time | where | ms | share |',
      '|---|---|---:|---:|',
      ...p.top.slice(0, 20).map((t) => `| \`${t.fn}\` | ${t.where} | ${f0(t.selfMs)} | ${t.percent.toFixed(1)}% |`),
      '',
    );
  }
  push(
    preserved?.trim() ??
      `${ANALYSIS_START}\n## Analysis\n\n(Not written yet for this run: the hand-written reading of the figures goes here, between the analysis markers, and is kept when \`npm run bench\` rewrites the file.)\n${ANALYSIS_END}`,
    '',
  );
  return lines.join('\n');
}

function printSummary(report: Report): void {
  const out = (l: string) => process.stdout.write(`${l}\n`);
  out('');
  out('query conn variant   req/s    p50 ms   p99 ms     n  SQL/req  CPU ms/req  DB ms/req  RSS MB');
  for (const r of report.runs) {
    out(
      `${r.query.padEnd(5)} ${String(r.connections).padStart(4)} ${r.variant.padEnd(7)} ${f1(r.reqPerSec).padStart(7)} ${f0(r.p50).padStart(9)} ${f0(r.p99).padStart(8)} ${String(r.responses).padStart(5)} ${fx(Math.round(r.sqlPerRequest * 100) / 100).padStart(8)} ${f1(r.cpuMsPerRequest).padStart(11)} ${f1(r.dbCpuMsPerRequest).padStart(10)} ${f0(r.peakRssMb).padStart(7)}${r.failures ? `  FAILED ${r.failures}` : ''}`,
    );
  }
  out('');
  for (const t of report.targets) out(`${t.met ? 'met   ' : 'MISSED'} ${t.target}: ${t.measured}`);
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

export async function runBenchmark(argv: string[]): Promise<Report> {
  const o = parseOptions(argv);
  const startedAt = new Date().toISOString();
  const log = (l: string) => process.stdout.write(`[${((Date.now() - Date.parse(startedAt)) / 1000).toFixed(0).padStart(4)} s] ${l}\n`);
  const databaseUrl = benchDatabaseUrl(process.env, o.smoke);

  // The data set and the machine.
  const conn = await createConnection({ uri: databaseUrl.replace(/^mariadb:/, 'mysql:') });
  let rows: Record<string, number> = {};
  let machine: Machine;
  const ids: Record<string, string> = {};
  try {
    for (const who of [BENCH.measured.admin, BENCH.gated.admin]) {
      const [found] = (await conn.query('SELECT id FROM portal_user WHERE email = ?', [who])) as unknown as [{ id: string }[]];
      if (!found.length) throw new Error(`${who} is not in ${new URL(databaseUrl).pathname.slice(1)}: run \`npm run bench:data${o.smoke ? ' -- --smoke' : ''}\` first`);
      ids[who] = found[0].id;
    }
    const [tables] = (await conn.query('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> ? ORDER BY TABLE_NAME', ['migrations'])) as unknown as [
      { t: string }[],
    ];
    for (const { t } of tables) rows[t] = Number(((await conn.query(`SELECT COUNT(*) AS n FROM \`${t}\``)) as unknown as [{ n: number }[]])[0][0].n);
    const [[v]] = (await conn.query('SELECT VERSION() AS v, @@innodb_buffer_pool_size AS bp, @@innodb_flush_log_at_trx_commit AS fl')) as unknown as [{ v: string; bp: number; fl: number }[]];
    machine = {
      nproc: os.availableParallelism?.() ?? os.cpus().length,
      cpu: /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
      ramGb: os.totalmem() / 2 ** 30,
      node: process.version,
      database: `${String(v.v).toLowerCase().includes('mariadb') ? 'MariaDB' : 'MySQL'} ${v.v}`,
      bufferPoolMb: Math.round(Number(v.bp) / 2 ** 20),
      flushLogAtCommit: String(v.fl),
      kernel: `${os.type()} ${os.release()}`,
    };
  } finally {
    await conn.end();
  }
  rows = Object.fromEntries(Object.entries(rows).filter(([, n]) => n > 0));
  log(`database ${new URL(databaseUrl).pathname.slice(1)}: ${Object.values(rows).reduce((a, b) => a + b, 0)} rows`);

  // The servers' environment: production, behind a (pretended) TLS-terminating proxy.
  const secretsKey = benchSecretsKey();
  const environment: Record<string, string> = {
    NODE_ENV: 'production',
    TRUST_PROXY: 'true',
    RATE_LIMIT_POINTS: '2000000000',
    EXECUTION_TIMEOUT_MS: '600000',
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: process.env.DB_POOL_SIZE ?? '10',
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...environment,
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(32).toString('hex'),
    SECRETS_KEY: secretsKey,
    SEED_ON_FIRST_START: 'false',
  };
  delete env.TLS_CERT_FILE;
  delete env.TLS_KEY_FILE;
  delete env.REDIS_URL;
  const signer = loadConfig({ ...env, JWT_TTL_SECONDS: String(24 * 3600) });
  const measuredToken = await issueUserToken(signer, ids[BENCH.measured.admin]);
  const gatedToken = await issueUserToken(signer, ids[BENCH.gated.admin]);

  const servers = new Map<VariantName, Server>();
  const dbPid = databasePid(databaseUrl);
  const stopAll = async () => {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    servers.clear();
  };
  const onSignal = () => {
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const started = await Promise.all(o.variants.map((v) => Server.start(v, env)));
    started.forEach((s) => servers.set(s.variant, s));
    log(`started ${started.map((s) => `${s.variant} (pid ${s.child.pid}, port ${s.port})`).join(', ')}`);
    const hub = servers.get('hub')!;

    // Walk the pages once: the cursor of page N, and the customer of Q3 (the first of page N).
    let after: string | null = null;
    for (let p = 1; p < o.page; p++) {
      const r = await post(hub, { token: measuredToken, body: JSON.stringify({ query: CURSOR, operationName: 'Cursor', variables: { first: o.first, after } }) });
      const page = (r.json.data as { customers: { pageInfo: { hasNextPage: boolean; endCursor: string } } }).customers;
      if (!page.pageInfo.hasNextPage) throw new Error(`there is no page ${o.page} of ${o.first} customers`);
      after = page.pageInfo.endCursor;
    }
    const last = await post(hub, { token: measuredToken, body: JSON.stringify({ query: CURSOR, operationName: 'Cursor', variables: { first: o.first, after } }) });
    const customer = (last.json.data as { customers: { nodes: { id: string }[] } }).customers.nodes[0].id;
    const dashboard = (first: number, cursor: string | null) => JSON.stringify({ query: DASHBOARD, operationName: 'Dashboard', variables: cursor ? { first, after: cursor } : { first } });
    const requests: Record<CountedQuery, Request> = {
      Q1: { token: measuredToken, body: dashboard(o.first, null) },
      Q2: { token: measuredToken, body: dashboard(o.first, after) },
      Q3: { token: measuredToken, body: JSON.stringify({ query: CUSTOMER, operationName: 'Customer', variables: { id: customer } }) },
      Q4: { token: gatedToken, body: dashboard(o.first, null) },
      Q1first5: { token: measuredToken, body: dashboard(5, null) },
    };
    log(`page ${o.page} cursor found; Q3 customer ${customer}`);

    const agreement = await checkAgreement(servers, requests, o.queries);
    log(
      `agreement: every variant answers the same data for ${o.queries.join(', ')}${agreement.some((a) => a.notes.length) ? ` (${agreement.flatMap((a) => a.notes.map((n) => `${a.query}: ${n}`)).join('; ')})` : ''}`,
    );

    const statements = {} as Report['statements'];
    const sequentialMs = {} as Report['sequentialMs'];
    const statementTexts: Report['statementTexts'] = {};
    for (const [v, s] of servers) {
      statements[v] = {};
      sequentialMs[v] = {};
      for (const q of [...o.queries, 'Q1first5'] as CountedQuery[]) {
        const counted = await countStatements(s, requests[q], o.sequential);
        statements[v][q] = counted.statements;
        sequentialMs[v][q] = counted.ms;
      }
      await s.idle();
      await s.record(true);
      await post(s, requests.Q1);
      await s.idle();
      statementTexts[v] = await s.record(false);
    }
    log(`SQL statements per request: ${JSON.stringify(statements)}`);

    if (!o.reuseServers) await stopAll();

    // Each run on a fresh server process (unless --reuse-servers): its peak RSS is its own, and
    // no run inherits another's heap.
    const runs: Run[] = [];
    for (const q of o.queries) {
      for (const c of o.connections) {
        for (const v of o.variants) {
          const server = o.reuseServers ? servers.get(v)! : await Server.start(v, env);
          servers.set(v, server);
          const r = await measure(server, requests[q], q, c, o, dbPid, sequentialMs[v][q] ?? 1000);
          if (!o.reuseServers) {
            await server.stop();
            servers.delete(v);
          }
          runs.push(r);
          log(
            `${q} ×${c} ${v.padEnd(5)}: ${f1(r.reqPerSec)} req/s, p50 ${f0(r.p50)} ms, p99 ${f0(r.p99)} ms (n ${r.responses} in ${f0(r.seconds)} s), ${fx(Math.round(r.sqlPerRequest * 100) / 100)} SQL, ${f1(r.cpuMsPerRequest)} CPU ms/req, DB ${f1(r.dbCpuMsPerRequest)} ms/req, ${f0(r.peakRssMb)} MB${r.failures ? `, ${r.failures} FAILED` : ''}`,
          );
        }
      }
    }
    await stopAll();

    const profiles: ProfileSummary[] = [];
    if (o.profileSeconds > 0) {
      for (const q of o.profileQueries) {
        for (const c of o.connections) {
          log(`profiling the hub under ${q} at ${c} connection(s) for ${o.profileSeconds} s`);
          const p = await profileHub(env, q, requests[q], c, o);
          profiles.push(p);
          log(
            `profile of ${q} at ${c}: ${p.byComponent
              .slice(0, 6)
              .map((x) => `${x.component} ${x.percent.toFixed(0)}%`)
              .join(', ')}`,
          );
        }
      }
    }

    const extra = argv.filter((a) => a !== '--smoke');
    const report: Report = {
      startedAt,
      finishedAt: new Date().toISOString(),
      command: `npm run ${o.smoke ? 'bench:smoke' : 'bench'}${extra.length ? ` -- ${extra.join(' ')}` : ''}`,
      options: o,
      machine,
      environment,
      rows,
      page: { first: o.first, page: o.page, customer },
      agreement,
      statements,
      sequentialMs,
      statementTexts,
      runs,
      profiles,
      targets: [],
    };
    report.targets = evaluateTargets(report, o);
    causes(report, o);
    printSummary(report);
    if (o.out) {
      fs.mkdirSync(path.dirname(o.out), { recursive: true });
      fs.writeFileSync(o.out, markdown(report, o, preservedAnalysis(o.out)));
      log(`report written to ${o.out}`);
    }
    if (o.json) fs.writeFileSync(o.json, JSON.stringify(report, null, 2));
    const failed = runs.filter((r) => r.failures > 0);
    if (failed.length) log(`WARNING: requests failed (non-2xx or errors) in ${failed.map((r) => `${r.query}×${r.connections} ${r.variant}: ${r.failures}`).join(', ')}`);
    return report;
  } finally {
    await stopAll();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

if (require.main === module) {
  runBenchmark(process.argv.slice(2)).then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
