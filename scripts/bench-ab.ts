import 'reflect-metadata';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { loadConfig } from '../src/config';
import { issueUserToken } from '../src/context/authenticate';
import { BENCH, benchDatabaseUrl, benchSecretsKey } from './bench-data';
import { CUSTOMER, DASHBOARD } from './bench/queries';

/**
 * An A/B comparison of two builds of the hub on one query, for a difference of a few percent
 * on a machine that is not quiet (docs/benchmarks.md, "Q3 before and after Fastify").
 *
 *   node dist/scripts/bench-ab.js --baseline /path/to/other/clone [--requests 2000] [--rounds 5] [--warmup 300]
 *   node dist/scripts/bench-ab.js --env-b GRAPHQL_EXECUTOR=jit [--query Q1|Q3|Q4] (one build, two settings)
 *
 * Both hubs run at once on the benchmark's database (`npm run bench:data`), started as
 * `npm start` starts them, and the requests alternate between them one at a time (A, B, A, B…),
 * so whatever else the machine does falls on both alike. Per round: each process's CPU time
 * (utime + stime from /proc) over its requests, and their median latency; the ratio B/A of CPU
 * per request is the figure, one per round (fresh processes each round), and their median.
 * A is the baseline (another clone, built; this checkout without --baseline), B this checkout;
 * --env-a/--env-b K=V,K=V add settings to one side. The query (--query) is Q3 by default: one
 * customer (the 50th of the first page) by node(id:) as the measured distributor, where the fixed
 * cost of a request dominates; Q1 is the dashboard's first page, Q4 the same as the gated distributor.
 */

interface Hub {
  name: string;
  child: ChildProcess;
  port: number;
}

const args = process.argv.slice(2);
const opt = (name: string, fallback?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const here = path.resolve(__dirname, '..', '..');
const baseline = opt('baseline') ?? here;
const query = opt('query', 'Q3')!;
const sideEnv = (spec: string | undefined): NodeJS.ProcessEnv =>
  Object.fromEntries(
    (spec ?? '')
      .split(',')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
const envA = sideEnv(opt('env-a'));
const envB = sideEnv(opt('env-b'));
const requests = Number(opt('requests', '2000'));
const rounds = Number(opt('rounds', '5'));
const warmup = Number(opt('warmup', '300'));
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

function post(port: number, token: string, body: string): Promise<{ status: number; ms: number; text: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-forwarded-proto': 'https', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - started) / 1e6, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function start(name: string, root: string, port: number, env: NodeJS.ProcessEnv): Promise<Hub> {
  const child = spawn(process.execPath, ['--max-semi-space-size=48', '--max-old-space-size=256', path.join(root, 'dist/src/main.js')], {
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    const up = await new Promise<boolean>((resolve) => {
      http
        .get({ host: '127.0.0.1', port, path: '/health' }, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        })
        .on('error', () => resolve(false));
    });
    if (up) return { name, child, port };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start`);
}

async function stop(hub: Hub): Promise<void> {
  if (hub.child.exitCode !== null) return;
  const exited = new Promise((r) => hub.child.once('exit', r));
  hub.child.kill('SIGTERM');
  await exited;
}

/** An answer without its extensions.cost (the budget left differs between the two processes). */
const withoutCost = (text: string) => text.replace(/"cost":\{[^}]*\}/, '');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  if (!['Q1', 'Q3', 'Q4'].includes(query)) throw new Error('--query is Q1, Q3 or Q4');
  const databaseUrl = benchDatabaseUrl(process.env, false);
  const conn = await createConnection({ uri: databaseUrl });
  const [found] = (await conn.query('SELECT id FROM portal_user WHERE email = ?', [query === 'Q4' ? BENCH.gated.admin : BENCH.measured.admin])) as unknown as [{ id: string }[]];
  await conn.end();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    TRUST_PROXY: 'true',
    RATE_LIMIT_POINTS: '2000000000',
    EXECUTION_TIMEOUT_MS: '600000',
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '10',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(32).toString('hex'),
    SECRETS_KEY: benchSecretsKey(),
    SEED_ON_FIRST_START: 'false',
  };
  const token = await issueUserToken(loadConfig({ ...env, JWT_TTL_SECONDS: String(24 * 3600) }), found[0].id);
  let body = '';
  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    // Which starts first and which port it gets alternate by round: an A/A run showed a bias of
    // about 2% for the process started first.
    const flip = round % 2 === 0;
    const a = { ...env, ...envA };
    const b = { ...env, ...envB };
    const started = flip ? [await start('B', here, 4101, b), await start('A', baseline, 4102, a)] : [await start('A', baseline, 4101, a), await start('B', here, 4102, b)];
    const hubs = flip ? [started[1], started[0]] : started;
    try {
      if (!body && query !== 'Q3') {
        body = JSON.stringify({ query: DASHBOARD, operationName: 'Dashboard', variables: { first: 50 } });
        console.log(`A = ${baseline} ${JSON.stringify(envA)}, B = ${here} ${JSON.stringify(envB)}; ${query}; ${rounds} rounds of ${requests} requests each, alternating\n`);
        console.log('| round | A CPU ms/req | B CPU ms/req | B/A CPU | A p50 ms | B p50 ms |');
        console.log('|---|---:|---:|---:|---:|---:|');
      }
      if (!body) {
        // Q3's customer: the 50th of the first page, found through the API.
        const page = await post(hubs[1].port, token, JSON.stringify({ query: '{ customers(first: 100) { nodes { id } } }' }));
        const id = (JSON.parse(page.text) as { data: { customers: { nodes: { id: string }[] } } }).data.customers.nodes[49].id;
        body = JSON.stringify({ query: CUSTOMER, operationName: 'Customer', variables: { id } });
        console.log(`A = ${baseline} ${JSON.stringify(envA)}, B = ${here} ${JSON.stringify(envB)}; Q3 on customer ${id}; ${rounds} rounds of ${requests} requests each, alternating\n`);
        console.log('| round | A CPU ms/req | B CPU ms/req | B/A CPU | A p50 ms | B p50 ms |');
        console.log('|---|---:|---:|---:|---:|---:|');
      }
      const first = await Promise.all(hubs.map((h) => post(h.port, token, body)));
      if (withoutCost(first[0].text) !== withoutCost(first[1].text) || first[0].status !== 200 || !first[0].text.includes('"licenses"'))
        throw new Error(`the two builds answer differently:\n${first[0].text.slice(0, 300)}\n${first[1].text.slice(0, 300)}`);
      for (let i = 0; i < warmup; i++) for (const h of hubs) await post(h.port, token, body);
      const before = hubs.map((h) => cpuMs(h.child.pid!));
      const latencies: number[][] = [[], []];
      for (let i = 0; i < requests; i++) {
        // Alternate which goes first, so neither always follows the other's garbage.
        const order = i % 2 ? [1, 0] : [0, 1];
        for (const k of order) {
          const r = await post(hubs[k].port, token, body);
          if (r.status !== 200) throw new Error(`${hubs[k].name} answered ${r.status}`);
          latencies[k].push(r.ms);
        }
      }
      const per = hubs.map((h, k) => (cpuMs(h.child.pid!) - before[k]) / requests);
      ratios.push(per[1] / per[0]);
      console.log(`| ${round} | ${per[0].toFixed(2)} | ${per[1].toFixed(2)} | ${(per[1] / per[0]).toFixed(3)} | ${median(latencies[0]).toFixed(2)} | ${median(latencies[1]).toFixed(2)} |`);
    } finally {
      await Promise.all(hubs.map(stop));
    }
  }
  console.log(`median B/A CPU per request: ${median(ratios).toFixed(3)} (rounds: ${ratios.map((r) => r.toFixed(3)).join(', ')})`);
  agent.destroy();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
