import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { loadConfig } from '../src/config';
import { issueUserToken } from '../src/context/authenticate';
import { BENCH, benchDatabaseUrl, benchSecretsKey, WRITES } from './bench-data';
import { countStatements, databasePid, measure, Run } from './bench/drive';
import { connectionsOf, parseOptions, QueryName, VariantName } from './bench/options';
import { profileHub, ProfileSummary } from './bench/profile';
import { buildRequests, canonical, checkAgreement, CURSOR, CUSTOMER, DASHBOARD, post } from './bench/queries';
import { causes, CountedQuery, evaluateTargets, f0, f1, fx, Machine, markdown, preservedAnalysis, printSummary, Report } from './bench/report';
import { measureAtScale } from './bench/scale';
import { measureOnSqlite, SQLITE_QUERIES } from './bench/sqlite';
import { Server } from './bench/server';

export { CUSTOMER, DASHBOARD };

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
 * Each is driven by autocannon for Q1..Q4 (reads), W1, W1c, W1r (writes: scripts/bench/writes.ts),
 * A1 (the license summary) at 1 and 32 connections, and the first sweep Q1x<N> (warm-up, then the
 * measured run); optionally Q3 on a second data size (--scale-database) and Q1, Q3 on the embedded
 * database (--sqlite-dir). Before measuring, every variant's answer to every query is checked to
 * be the same data.
 *
 * Measured per run (see measure()): req/s by Little's law from the latencies of the measured
 * run, p50/p99 of those latencies; SQL statements per request (the server's own counter, read
 * over IPC; exact on sequential requests); server CPU ms per request (process.cpuUsage() of the
 * server, over IPC, divided by the requests it ended in a window that starts and ends with the
 * server idle); MariaDB CPU ms per request (/proc/<mariadbd>/stat, when the database runs on
 * this machine); peak RSS (VmHWM of /proc/<pid>/status). Then a `node --cpu-prof` profile of
 * the hub under Q1 (or --profile-queries) at each connection count, summarized by self time. The report goes to
 * docs/benchmarks.md (its hand-written analysis section is kept).
 *
 * The parts, by domain, in scripts/bench/: options.ts (the command line), server.ts (the server
 * processes and their probe), queries.ts (the requests and the agreement check), drive.ts
 * (autocannon and the measurement of a run), profile.ts (--cpu-prof and its summary), report.ts
 * (targets, docs/benchmarks.md). This file runs them in order.
 */

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

/**
 * The whole run, in order (one sequence read top to bottom, hence its length): the data set and
 * the machine, the servers, the agreement, the statement counts, the measured runs, the second
 * data size and the embedded database, the profiles, the report.
 */
/**
 * `--from-json FILE`: writes the report of a saved run (`--json FILE`) again, with the targets
 * and their causes evaluated by this build, and the analysis section of the output file kept.
 * For a report whose targets changed after the run; nothing is measured.
 */
function rewriteReport(argv: string[]): Report {
  const at = argv.indexOf('--from-json');
  const report = JSON.parse(fs.readFileSync(path.resolve(argv[at + 1]), 'utf8')) as Report;
  const o = { ...report.options, out: parseOptions(argv.filter((_, i) => i !== at && i !== at + 1)).out };
  report.targets = evaluateTargets(report, o);
  causes(report, o);
  printSummary(report);
  if (o.out) fs.writeFileSync(o.out, markdown(report, o, preservedAnalysis(o.out)));
  return report;
}

export async function runBenchmark(argv: string[]): Promise<Report> {
  if (argv.includes('--from-json')) return rewriteReport(argv);
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
    const writer = o.queries.some((q) => q.startsWith('W')) ? [WRITES.admin] : [];
    for (const who of [BENCH.measured.admin, BENCH.gated.admin, ...writer]) {
      const [found] = (await conn.query('SELECT id FROM portal_user WHERE email = ?', [who])) as unknown as [{ id: string }[]];
      if (!found.length)
        throw new Error(
          `${who} is not in ${new URL(databaseUrl).pathname.slice(1)}: run \`npm run bench:data${o.smoke ? ' -- --smoke' : ''}\` first${who === WRITES.admin ? ' (or `npm run bench:data -- --add-writes` to add the write customer of W1 to this data set)' : ''}`,
        );
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
  const writerToken = ids[WRITES.admin] ? await issueUserToken(signer, ids[WRITES.admin]) : '';

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
    const requests = buildRequests(o, { measured: measuredToken, gated: gatedToken, writer: writerToken }, { after, customer }, databaseUrl);
    log(`page ${o.page} cursor found; Q3 customer ${customer}`);

    const agreement = await checkAgreement(servers, requests, o.queries);
    log(
      `agreement: every variant answers the same data for ${o.queries.join(', ')}${agreement.some((a) => a.notes.length) ? ` (${agreement.flatMap((a) => a.notes.map((n) => `${a.query}: ${n}`)).join('; ')})` : ''}`,
    );

    // The hub's answers on MariaDB, for the SQLite runs' agreement (--sqlite-dir).
    const mariadbAnswers: Partial<Record<QueryName, string>> = {};
    if (o.sqliteDir) for (const q of SQLITE_QUERIES.filter((x) => o.queries.includes(x))) mariadbAnswers[q] = canonical((await post(hub, requests[q]!)).json.data);

    const statements = {} as Report['statements'];
    const sequentialMs = {} as Report['sequentialMs'];
    const statementTexts: Report['statementTexts'] = {};
    const statementTextsOf: Report['statementTextsOf'] = {};
    for (const [v, s] of servers) {
      statements[v] = {};
      sequentialMs[v] = {};
      for (const q of [...o.queries, 'Q1first5'] as CountedQuery[]) {
        const counted = await countStatements(s, requests[q]!, o.sequential);
        statements[v][q] = counted.statements;
        sequentialMs[v][q] = counted.ms;
      }
      await s.idle();
      await s.record(true);
      await post(s, requests.Q1!);
      await s.idle();
      statementTexts[v] = await s.record(false);
      // The statements of one write (W1: an activation and its deactivation; W1r: a refusal) and of A1.
      for (const q of o.queries.filter((x) => ['W1', 'W1r', 'A1'].includes(x))) {
        const request = requests[q]!;
        if (request.workload) await request.workload.prepare(s);
        await s.idle();
        await s.record(true);
        if (request.workload) await request.workload.once(s);
        else await post(s, request);
        await s.idle();
        (statementTextsOf[v] ??= {})[q] = await s.record(false);
        if (request.workload) await request.workload.prepare(s);
      }
    }
    log(`SQL statements per request: ${JSON.stringify(statements)}`);

    if (!o.reuseServers) await stopAll();

    // Each run on a fresh server process (unless --reuse-servers): its peak RSS is its own, and
    // no run inherits another's heap.
    const runs: Run[] = [];
    for (const q of o.queries) {
      for (const c of connectionsOf(q, o)) {
        for (const v of o.variants) {
          const server = o.reuseServers ? servers.get(v)! : await Server.start(v, env);
          servers.set(v, server);
          const r = await measure(server, requests[q]!, q, c, o, dbPid, sequentialMs[v][q] ?? 1000);
          if (!o.reuseServers) {
            await server.stop();
            servers.delete(v);
          }
          runs.push(r);
          log(
            `${q} ×${c} ${v.padEnd(5)}: ${f1(r.reqPerSec)} req/s, p50 ${f0(r.p50)} ms, p99 ${f0(r.p99)} ms (n ${r.responses} in ${f0(r.seconds)} s), ${fx(Math.round(r.sqlPerRequest * 100) / 100)} SQL, ${f1(r.cpuMsPerRequest)} CPU ms/req, DB ${f1(r.dbCpuMsPerRequest)} ms/req, ${f0(r.peakRssMb)} MB${r.failures ? `, ${r.failures} FAILED` : ''}${
              r.writes
                ? `; ${r.writes.activated} activated, ${r.writes.refused} refused, ${r.writes.deactivated} deactivated, most active seen ${r.writes.maxActiveSeen ?? '–'}, ${r.writes.activeAtEnd} at the end`
                : ''
            }`,
          );
        }
      }
    }
    await stopAll();

    // Q3 at a second size of the data (--scale-database), after the main runs.
    const scale = o.scaleDatabase && o.queries.includes('Q3') ? await measureAtScale(o, env, databaseUrl, o.scaleDatabase, measuredToken, dbPid, log) : undefined;

    // Q1 and Q3 on the embedded database (--sqlite-dir), after the main runs.
    const sqlite = o.sqliteDir ? await measureOnSqlite(o, env, o.sqliteDir, requests, mariadbAnswers, log) : undefined;

    const profiles: ProfileSummary[] = [];
    if (o.profileSeconds > 0) {
      for (const q of o.profileQueries) {
        for (const c of o.connections) {
          log(`profiling the hub under ${q} at ${c} connection(s) for ${o.profileSeconds} s`);
          const p = await profileHub(env, q, requests[q]!, c, o);
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
      statementTextsOf,
      runs,
      ...(scale ? { scale } : {}),
      ...(sqlite ? { sqlite } : {}),
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
