import fs from 'node:fs';
import { BENCH, WRITES } from '../bench-data';
import type { Run } from './drive';
import { connectionsOf, isSweep, Options, PRODUCT_NODE_FLAGS, QueryName, sweepFirst, VariantName } from './options';
import type { ProfileSummary } from './profile';
import type { ScaleResult } from './scale';
import type { SqliteResult } from './sqlite';
import type { Agreement } from './queries';
import { VARIANT_TITLES } from './server';

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

export interface Machine {
  nproc: number;
  cpu: string;
  ramGb: number;
  node: string;
  database: string;
  bufferPoolMb: number;
  flushLogAtCommit: string;
  kernel: string;
}

export interface Target {
  target: string;
  met: boolean;
  measured: string;
  cause?: string;
}

export type CountedQuery = QueryName | 'Q1first5';

/** Not a statement in the counts (the hub's CountingLogger skips these too). */
const TRANSACTION_CONTROL = /^\s*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SET TRANSACTION)\b/i;

/** The reads of issue #7, whose targets are issue #7's. */
const READS: QueryName[] = ['Q1', 'Q2', 'Q3', 'Q4'];

/** A W1c run held the seat limit: no snapshot and no end state above the seats, no error but CONFLICT refusals. */
export function seatLimitHeld(r: Run): boolean {
  const w = r.writes;
  return !!w && (w.maxActiveSeen ?? 0) <= w.seats && w.activeAtEnd <= w.seats && w.otherErrors === 0 && w.maxOutstanding <= w.seats;
}

export interface Report {
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
  /** The statements of one W1 pair, one W1r refusal and one A1 request, per variant. */
  statementTextsOf: Partial<Record<VariantName, Partial<Record<QueryName, string[]>>>>;
  runs: Run[];
  /** Q3 on the second data set (--scale-database). */
  scale?: ScaleResult;
  /** Q1 and Q3 on the embedded database (--sqlite-dir). */
  sqlite?: SqliteResult;
  profiles: ProfileSummary[];
  targets: Target[];
}

export const f1 = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(1));
export const f0 = (n: number | null | undefined) => (n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(0));
export const fx = (n: number) => (Number.isNaN(n) ? '–' : Number.isInteger(n) ? String(n) : n.toFixed(2));
export const pct = (ratio: number) => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(0)}%` : '–');
export const points = (delta: number) => `${(delta * 100).toFixed(0)} point${(delta * 100).toFixed(0) === '1' ? '' : 's'}`;
export const times = (ratio: number) => (Number.isFinite(ratio) ? `${ratio.toFixed(1)}×` : '–');

export function run(report: Report, q: QueryName, c: number, v: VariantName): Run | undefined {
  return report.runs.find((r) => r.query === q && r.connections === c && r.variant === v);
}

export function evaluateTargets(report: Report, o: Options): Target[] {
  const targets: Target[] = [];
  const hubSql = report.statements.hub;
  const high = Math.max(...o.connections);
  const low = Math.min(...o.connections);
  // Issue #7's statement target is about the reads (Q1..Q4); the writes' and A1's counts are in the table.
  const reads = o.queries.filter((q) => READS.includes(q));
  const worst = Math.max(...reads.map((q) => hubSql[q] ?? 0));
  targets.push({
    target: 'SQL statements per request ≤ 6',
    met: worst <= 6,
    measured: `hub: ${reads.map((q) => `${q} ${fx(hubSql[q] ?? NaN)}`).join(', ')}${worst > 6 ? `: ${fx(worst - 6)} over (${pct(worst / 6 - 1)} above)` : ''}`,
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
      measured: `${f0(peak)} MB (reached by ${at.query} at ${at.connections} connection${at.connections > 1 ? 's' : ''})${peak >= 300 ? `: ${f0(peak - 300)} MB over` : ''}; at ${low} connection${low > 1 ? 's' : ''}: ${o.queries
        .filter((q) => run(report, q, low, 'hub'))
        .map((q) => `${q} ${f0(run(report, q, low, 'hub')?.peakRssMb)}`)
        .join(', ')} MB`,
    });
  }
  const contended = report.runs.filter((r) => r.query === 'W1c' && r.writes);
  if (contended.length) {
    const bad = contended.filter((r) => !seatLimitHeld(r));
    targets.push({
      target: 'W1c: the seat limit is exact (no snapshot and no end state above the seats; every refusal CONFLICT)',
      met: bad.length === 0,
      measured: contended
        .map(
          (r) =>
            `${r.variant}: ${r.writes!.activated} activated, ${r.writes!.refused} refused, at most ${r.writes!.maxActiveSeen ?? '–'} of ${r.writes!.seats} active in ${r.writes!.snapshots ?? 0} snapshots, ${r.writes!.activeAtEnd} at the end, ${r.writes!.otherErrors} other errors`,
        )
        .join('; '),
    });
  }
  targets.push(...issue15Targets(report, o));
  return targets;
}

/**
 * Issue #15's targets: CPU per request at most 2× the floor's on Q1, Q3 and Q4 (every connection
 * count); throughput at the highest count at least 60% of the floor's on Q1, 50% on Q3 and Q4;
 * the permission layer (hub against bare) at most 10% on every read; the statements of the Q1
 * sweep constant in its page size; Q3 flat from the small data set to the large one.
 */
function issue15Targets(report: Report, o: Options): Target[] {
  const targets: Target[] = [];
  const high = Math.max(...o.connections);
  const cpuPairs = (['Q1', 'Q3', 'Q4'] as QueryName[]).flatMap((q) =>
    o.connections.map((c) => ({ q, c, hub: run(report, q, c, 'hub'), floor: run(report, q, c, 'floor') })).filter((x) => x.hub && x.floor),
  );
  if (cpuPairs.length) {
    const ratio = (x: (typeof cpuPairs)[number]) => x.hub!.cpuMsPerRequest / x.floor!.cpuMsPerRequest;
    targets.push({
      target: "CPU per request ≤ 2× the floor's (Q1, Q3, Q4; issue #15)",
      met: cpuPairs.every((x) => ratio(x) <= 2),
      measured: cpuPairs.map((x) => `${x.q}×${x.c} ${f1(x.hub!.cpuMsPerRequest)} vs ${f1(x.floor!.cpuMsPerRequest)} ms (${times(ratio(x))})`).join(', '),
    });
  }
  const share: [QueryName, number][] = [
    ['Q1', 0.6],
    ['Q3', 0.5],
    ['Q4', 0.5],
  ];
  const throughput = share.map(([q, min]) => ({ q, min, hub: run(report, q, high, 'hub'), floor: run(report, q, high, 'floor') })).filter((x) => x.hub && x.floor);
  if (throughput.length) {
    targets.push({
      target: `throughput at ${high} connections ≥ 60% of the floor's on Q1, ≥ 50% on Q3 and Q4 (issue #15)`,
      met: throughput.every((x) => x.hub!.reqPerSec / x.floor!.reqPerSec >= x.min),
      measured: throughput.map((x) => `${x.q} ${f1(x.hub!.reqPerSec)} vs ${f1(x.floor!.reqPerSec)} req/s = ${pct(x.hub!.reqPerSec / x.floor!.reqPerSec)} (target ${pct(x.min)})`).join(', '),
    });
  }
  const policy = o.queries
    .filter((q) => READS.includes(q) || q === 'A1')
    .flatMap((q) => o.connections.map((c) => ({ q, c, hub: run(report, q, c, 'hub'), bare: run(report, q, c, 'bare') })))
    .filter((x) => x.hub && x.bare);
  if (policy.length) {
    const cost = (x: (typeof policy)[number]) => x.hub!.cpuMsPerRequest / x.bare!.cpuMsPerRequest - 1;
    targets.push({
      target: 'the permission layer costs ≤ 10% of CPU per request on every read (hub against bare; issue #15)',
      met: policy.every((x) => cost(x) <= 0.1),
      measured: policy.map((x) => `${x.q}×${x.c} ${cost(x) >= 0 ? '+' : ''}${pct(cost(x))}`).join(', '),
    });
  }
  const sweep = o.queries.filter(isSweep);
  if (sweep.length > 1) {
    const counts = sweep.map((q) => report.statements.hub[q] ?? NaN);
    targets.push({
      target: 'statements per request constant in the page size (the Q1 sweep, hub; issue #15)',
      met: counts.every((n) => n === counts[0]),
      measured: sweep.map((q, i) => `first ${sweepFirst(q)}: ${fx(counts[i])}`).join(', '),
    });
  }
  if (report.scale) {
    const side = (s: typeof report.scale.small) => s.runs.filter((r) => r.variant === 'hub');
    const pairs = side(report.scale.small)
      .map((small) => ({ small, large: side(report.scale!.large).find((r) => r.connections === small.connections) }))
      .filter((x) => x.large);
    if (pairs.length) {
      targets.push({
        target: `Q3 flat in the data's size (${report.scale.small.rows.toLocaleString('en')} against ${report.scale.large.rows.toLocaleString('en')} rows: CPU per request within 10%; issue #15)`,
        met: pairs.every((x) => x.large!.cpuMsPerRequest <= 1.1 * x.small.cpuMsPerRequest),
        measured: pairs.map((x) => `×${x.small.connections}: ${f1(x.small.cpuMsPerRequest)} vs ${f1(x.large!.cpuMsPerRequest)} CPU ms`).join(', '),
      });
    }
  }
  return targets;
}

/** The numbers behind a missed target, from the measurements and the profiles; the reading is in the analysis. */
export function causes(report: Report, o: Options): void {
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
    } else if (t.target.startsWith('CPU per request ≤ 2×') || t.target.startsWith('throughput at')) {
      const p1 = profileAt(low);
      const hub = run(report, 'Q1', high, 'hub');
      t.cause = `the hub is bound by its one JavaScript thread (Q1 at ${high} connections: the hub at ${f0(hub?.serverCpuPercent)}% of a core, the database at ${f0(hub?.dbCpuPercent)}%), and its CPU per request is spread over the layers a GraphQL answer crosses; profile at ${low} connection (self time): ${components(p1)}; top functions ${topFns(p1, 6)}`;
    } else if (t.target.startsWith('the permission layer')) {
      const extra = (report.statements.hub?.Q1 ?? NaN) - (report.statements.bare?.Q1 ?? NaN);
      t.cause = `the policy's fixed cost is ${fx(extra)} statement${extra === 1 ? '' : 's'} per request (the viewer's relations, contracts and gate facts) and the audit INSERT of the personal values read, which weighs most on the smallest answer (Q3); on the gated answer (Q4) every withheld value is a located error that Apollo copies and the answer serializes (Q4's answer is ${f0((report.agreement.find((a) => a.query === 'Q4')?.variants.hub?.bytes ?? 0) / 1024)} KB against bare's ${f0((report.agreement.find((a) => a.query === 'Q4')?.variants.bare?.bytes ?? 0) / 1024)} KB)`;
    } else if (t.target.startsWith('statements per request constant')) {
      t.cause = 'the audit batch of the personal values read was written 500 subjects per INSERT (a transaction of several statements above that); the answer of first: 100 has more subjects';
    } else if (t.target.startsWith('peak RSS')) {
      t.cause = `the hub holds every in-flight request's result tree and its serialized answer in memory (Q1 answers ${f0((report.agreement.find((a) => a.query === 'Q1')?.variants.hub?.bytes ?? 0) / 1024)} KB; Q4 ${f0((report.agreement.find((a) => a.query === 'Q4')?.variants.hub?.bytes ?? 0) / 1024)} KB with its errors), ${high} at once; garbage collection is ${f1(share(profileAt(high), '(garbage collector)'))}% of its time at ${high} connections`;
    }
  }
}

export function describeStatement(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  const tables = [...new Set([...s.matchAll(/\b(?:FROM|JOIN|INTO)\s+`?(\w+)`?/g)].map((m) => m[1]))].filter((t) => t.length > 1);
  const verb = /^(\w+)/.exec(s)?.[1]?.toUpperCase() ?? '?';
  const what = /FOR UPDATE$/.test(s)
    ? ' (locked: FOR UPDATE)'
    : /ROW_NUMBER/.test(s)
      ? ' (a page per parent)'
      : /COUNT\(/.test(s)
        ? ' (count per parent)'
        : /UNION ALL/.test(s)
          ? ' (union)'
          : /e\.id IN \(/.test(s)
            ? ' (by ids)'
            : '';
  return `${verb} ${tables.join(' + ')}${what}`;
}

export const VARIANT_NOTES: Record<VariantName, string> = {
  hub: `The product as \`npm start\` runs it: \`node ${PRODUCT_NODE_FLAGS.join(' ')} dist/src/main.js\`, the probe preloaded (\`--require dist/scripts/bench-hub.js\`), nothing else changed. Every variant runs with these Node.js flags.`,
  bare: "The same entry point and HTTP pipeline (authentication, limits, rate limit, Apollo, audit batch) on `buildBareSchema()`: the same resolvers, loaders and row scoping, no field rules, hence no transfer gate and no audit of reads. scripts/bench-hub.ts points the schema module's buildHubSchema at buildBareSchema in its own process before the hub loads; the product has no switch for it.",
  floor:
    "node:http + mysql2 + hand-written SQL + JSON.stringify (scripts/bench-floor.ts), keeping the hub's obligations: the JWT verified and the user read, rows scoped to the distributor, the transfer gate decided per request from the database (the same pure decideTransfer()), denied fields null with their errors, the reads recorded in audit_event with one INSERT.",
};

export const ANALYSIS_START = '<!-- analysis:start -->';
export const ANALYSIS_END = '<!-- analysis:end -->';

/** The hand-written analysis (between its markers) is kept when the report is rewritten. */
export function preservedAnalysis(file: string | null): string | null {
  if (!file || !fs.existsSync(file)) return null;
  const text = fs.readFileSync(file, 'utf8');
  const a = text.indexOf(ANALYSIS_START);
  const b = text.indexOf(ANALYSIS_END);
  return a >= 0 && b > a ? text.slice(a, b + ANALYSIS_END.length) : null;
}

export function markdown(report: Report, o: Options, preserved: string | null): string {
  const m = report.machine;
  const lines: string[] = [];
  const push = (...l: string[]) => lines.push(...l);
  const sum = Object.values(report.rows).reduce((a, b) => a + b, 0);
  const hubBytes = (q: QueryName) => report.agreement.find((a) => a.query === q)?.variants.hub?.bytes ?? 0;
  push(
    '# Benchmarks: the dashboard at a million rows',
    '',
    `Issues #7 and #15. Written by \`npm run bench\` (scripts/bench.ts), run ${report.startedAt.slice(0, 16).replace('T', ' ')}–${report.finishedAt.slice(11, 16)} UTC. The analysis section is written by hand and kept when the command rewrites the rest.`,
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm run bench:data   # ~2 min: drops and builds hub_bench (DATABASE_URL must name a database with "bench" in it; default mysql://root@127.0.0.1:3306/hub_bench)',
    'npm run bench        # ~1 h: rewrites this file; options: -- --warmup 10 --duration 20 --connections 1,32 --queries Q1,Q2,Q3,Q4,W1,W1c,W1r,A1 --first-sweep 10,25,50,100 --contended-connections 32 --profile-seconds 15',
    'npm run bench:smoke  # the harness end to end on a tiny data set (hub_bench_smoke), ~1 min; also tests/e2e/bench-smoke.test.ts',
    'npm run bench:data -- --scale 0.1          # hub_bench_100k, a tenth of the rows: Q3 at 100k rows with npm run bench -- --scale-database hub_bench_100k',
    'npm run bench:data -- --sqlite data/bench  # the same world in data/bench/hub.sqlite (~4 min): Q1 and Q3 on SQLite with npm run bench -- --sqlite-dir data/bench',
    'npm run bench:data -- --add-writes         # the write customer of W1 added to a data set made before it (no rebuild)',
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
    `\`npm run bench:data\` (scripts/bench-data.ts; seeded PRNG, fixed dates, UUIDv7-format ids from seedId(); multi-row INSERTs of 2,000 rows, a transaction per 20,000): the seed world plus 20 distributors. The measured distributor \`${BENCH.measured.admin}\` (DE: no transfer basis needed) serves 2,000 customers, each with 3 users, 4 computers, 20 licenses and 0..4 activations per license; the gated distributor \`${BENCH.gated.admin}\` (IN, its SCC expired 2025-01-01) has the same shape; 18 more distributors 200 customers each with 10 licenses; the write customer of W1 (\`${WRITES.admin}\`, a customer of the measured distributor whose name sorts last, so the pages of Q1..Q4 are the same with it: ${WRITES.licenses} perpetual ${WRITES.seats}-seat licenses with no activation, ${WRITES.computers} computers with known host ids); \`audit_event\` was filled with past reads up to a million rows. The benchmark's requests add to \`audit_event\` as they run (the counts are from the start of this run).`,
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
    ...newQueryNotes(o),
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
    ...Object.entries(report.statementTextsOf ?? {}).flatMap(([v, byQuery]) =>
      Object.entries(byQuery ?? {}).flatMap(([q, texts]) => [
        `One ${q === 'W1' ? 'W1 pair (activation, then deactivation; each in one transaction)' : q === 'W1r' ? 'W1r refusal (in one transaction, rolled back)' : `${q} request`} of **${v}**: ${(
          texts ?? []
        )
          .filter((s) => !TRANSACTION_CONTROL.test(s))
          .map((s, i) => `${i + 1}. ${describeStatement(s)}`)
          .join('; ')}.`,
        '',
      ]),
    ),
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
      connectionsOf(q, o).map((c) => {
        const [h, b, fl] = [run(report, q, c, 'hub'), run(report, q, c, 'bare'), run(report, q, c, 'floor')];
        const r = (x: number | undefined, y: number | undefined) => (x !== undefined && y ? pct(x / y) : '–');
        const t = (x: number | undefined, y: number | undefined) => (x !== undefined && y ? times(x / y) : '–');
        return `| ${q} | ${c} | ${r(h?.reqPerSec, fl?.reqPerSec)} | ${r(h?.reqPerSec, b?.reqPerSec)} | ${t(h?.cpuMsPerRequest, fl?.cpuMsPerRequest)} | ${t(h?.cpuMsPerRequest, b?.cpuMsPerRequest)} | ${t(h?.p50, fl?.p50)} |`;
      }),
    ),
    '',
    ...writesSection(report),
    ...growthSection(report, o),
    ...scaleSection(report),
    ...sqliteSection(report),
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

export function printSummary(report: Report): void {
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

/** The Queries section's lines for the queries of issue #15 that this run has. */
function newQueryNotes(o: Options): string[] {
  const has = (q: QueryName) => o.queries.includes(q);
  const sweep = o.queries.filter(isSweep);
  return [
    ...(has('W1')
      ? [
          "- **W1** a write path as the customer's admin (`admin@writes.bench-de.bench.example`, CUSTOMER_ADMIN of a customer of the measured distributor whose 32 licenses have 5 free seats each): each connection activates its own license on its own computer (`activateLicense(input: { licenseId, computer: { name hostId os } }) { activation { id activatedAt deactivatedAt computer { os } license { seats seatsUsed } } }`), then deactivates what it activated (`deactivateActivation`, the same selection), and again. **Each request is one mutation**: a pair (activate, deactivate) is two requests, so its CPU is twice the CPU ms/req shown. The answers of an activation and of its deactivation are compared across variants with ids and instants by shape.",
        ]
      : []),
    ...(has('W1c')
      ? [
          `- **W1c** the contended write: ${o.contendedConnections} connections on ONE 5-seat license, each with a computer of its own; a connection that activated deactivates next, one that was refused (\`CONFLICT\`, rule \`license.seat_limit\`) tries again. Checked after the run: the license's active activations counted every 10 ms during the run in database snapshots (READ COMMITTED, a connection of its own; its statements add to W1c's DB ms/req) never above 5, at most 5 at the end, the successes answered minus the deactivations sent never above 5, every error a CONFLICT. Its CPU ms/req mixes successes (two requests a pair) and refusals: the table of writes gives the counts.`,
        ]
      : []),
    ...(has('W1r')
      ? [
          `- **W1r** the cost of a refusal: the same license held full by five other computers (activated through the server under test before the run), ${o.contendedConnections} connections activating: every answer is a refusal (\`CONFLICT\`, data null), so CPU ms/req is the CPU of one refused request.`,
        ]
      : []),
    ...(has('A1')
      ? [
          "- **A1** the dashboards' license summary as the measured distributor: `licenseSummary(expiringWithinDays: 30) { total expiringSoon expiringWithinDays seats { total used } byStatus { status count } byProduct { product { sku } licenses seats seatsUsed } }` over all its licenses (the floor: one aggregate statement with the same status and seat arithmetic; counts only, nothing to audit).",
        ]
      : []),
    ...(sweep.length ? [`- **${sweep.join(', ')}** Q1 with \`first\` ${sweep.map(sweepFirst).join(', ')} customers (how cost grows with the answer), at the lowest connection count.`] : []),
  ];
}

/** Least squares: y = slope × x + intercept, and r². */
export function leastSquares(points: { x: number; y: number }[]): { slope: number; intercept: number; r2: number } {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const syy = points.reduce((a, p) => a + (p.y - my) ** 2, 0);
  const slope = sxx ? sxy / sxx : NaN;
  return { slope, intercept: my - slope * mx, r2: sxx && syy ? (sxy * sxy) / (sxx * syy) : NaN };
}

/** The writes: what the connections were answered and what the database held. */
function writesSection(report: Report): string[] {
  const runs = report.runs.filter((r) => r.writes);
  if (!runs.length) return [];
  const refusal = (v: VariantName) => report.runs.find((r) => r.query === 'W1r' && r.variant === v);
  const [hubR, floorR] = [refusal('hub'), refusal('floor')];
  return [
    '### Writes',
    '',
    '| query | conn | variant | activated | refused (CONFLICT) | deactivated | other errors | most active in a snapshot | active at the end | seats | CPU ms/req |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runs.map((r) => {
      const w = r.writes!;
      return `| ${r.query} | ${r.connections} | ${r.variant} | ${w.activated} | ${w.refused} | ${w.deactivated} | ${w.otherErrors} | ${w.maxActiveSeen ?? '–'}${w.snapshots ? ` (${w.snapshots} snapshots)` : ''} | ${w.activeAtEnd} | ${w.query === 'W1' ? `${w.seats} each` : w.seats} | ${f1(r.cpuMsPerRequest)} |`;
    }),
    '',
    ...(hubR && floorR
      ? [
          `A refused activation (W1r) costs the hub ${f1(hubR.cpuMsPerRequest)} CPU ms and ${fx(Math.round(hubR.sqlPerRequest * 100) / 100)} statements (the floor ${f1(floorR.cpuMsPerRequest)} ms, ${fx(Math.round(floorR.sqlPerRequest * 100) / 100)}: ${times(hubR.cpuMsPerRequest / floorR.cpuMsPerRequest)}); the database ${f1(hubR.dbCpuMsPerRequest)} ms (floor ${f1(floorR.dbCpuMsPerRequest)}). "active at the end" of W1 counts the activations of connections cut at the end of the run; the next run's start state ends them.`,
          '',
        ]
      : []),
  ];
}

/** How cost grows: CPU per request against the answer's size (the Q1x<N> sweep), with least-squares slopes. */
function growthSection(report: Report, o: Options): string[] {
  const sweep = o.queries.filter(isSweep);
  if (sweep.length < 2) return [];
  const low = Math.min(...o.connections);
  const bytes = (q: QueryName, v: VariantName) => report.agreement.find((a) => a.query === q)?.variants[v]?.bytes ?? NaN;
  const rows = sweep.map((q) => ({ q, first: sweepFirst(q) }));
  const fit = (v: VariantName, x: (q: QueryName) => number) =>
    leastSquares(rows.map((r) => ({ x: x(r.q), y: run(report, r.q, low, v)?.cpuMsPerRequest ?? NaN })).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)));
  return [
    '### How cost grows with the answer',
    '',
    `Q1 with \`first\` ${rows.map((r) => r.first).join(', ')} customers at ${low} connection${low > 1 ? 's' : ''}: server CPU ms per request against the answer's size, and the least-squares line through the points (slope per customer and per KB of the answer; intercept: the fixed cost per request; r²: how straight).`,
    '',
    '| first | ' + o.variants.map((v) => `${v}: KB, CPU ms/req, SQL/req`).join(' | ') + ' |',
    '|---:|' + o.variants.map(() => '---:').join('|') + '|',
    ...rows.map(
      (r) => `| ${r.first} | ${o.variants.map((v) => `${f0(bytes(r.q, v) / 1024)}, ${f1(run(report, r.q, low, v)?.cpuMsPerRequest)}, ${fx(report.statements[v]?.[r.q] ?? NaN)}`).join(' | ')} |`,
    ),
    '',
    '| variant | CPU ms per customer | intercept ms | r² | CPU ms per KB | intercept ms | r² |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...o.variants.map((v) => {
      const [c, k] = [fit(v, (q) => sweepFirst(q)), fit(v, (q) => bytes(q, v) / 1024)];
      return `| ${v} | ${c.slope.toFixed(3)} | ${f1(c.intercept)} | ${c.r2.toFixed(3)} | ${k.slope.toFixed(3)} | ${f1(k.intercept)} | ${k.r2.toFixed(3)} |`;
    }),
    '',
  ];
}

/** How cost grows with the data: Q3 for the same customer on the --scale-database data set and on the main one. */
function scaleSection(report: Report): string[] {
  const s = report.scale;
  if (!s) return [];
  return [
    '### How cost grows with the data',
    '',
    `Q3 for the same customer (the first of page ${s.page} of the small data set, ${f0(s.bytes / 1024)} KB; its rows are the same in both, checked: the same answer) on \`${s.small.database}\` (${s.small.rows.toLocaleString('en-US')} rows, \`npm run bench:data -- --scale 0.1\`) and on \`${s.large.database}\` (${s.large.rows.toLocaleString('en-US')} rows), each measured as the other queries, the variants' answers compared on each. Flat means the same CPU per request and the same statements.`,
    '',
    '| conn | variant | CPU ms/req (small / large) | large ÷ small | DB ms/req (small / large) | p50 ms (small / large) | SQL/req (small / large) |',
    '|---:|---|---:|---:|---:|---:|---:|',
    ...s.small.runs.map((small) => {
      const large = s.large.runs.find((r) => r.connections === small.connections && r.variant === small.variant);
      return `| ${small.connections} | ${small.variant} | ${f1(small.cpuMsPerRequest)} / ${f1(large?.cpuMsPerRequest)} | ${pct((large?.cpuMsPerRequest ?? NaN) / small.cpuMsPerRequest)} | ${f1(small.dbCpuMsPerRequest)} / ${f1(large?.dbCpuMsPerRequest)} | ${f0(small.p50)} / ${f0(large?.p50)} | ${fx(s.small.statements[small.variant] ?? NaN)} / ${fx(s.large.statements[small.variant] ?? NaN)} |`;
    }),
    '',
  ];
}

/** The embedded database beside MariaDB: Q1 and Q3 of the hub (and bare). */
function sqliteSection(report: Report): string[] {
  const s = report.sqlite;
  if (!s) return [];
  return [
    '### The embedded database (SQLite) beside MariaDB',
    '',
    `Q1 and Q3 on \`${s.dir}/hub.sqlite\` (\`npm run bench:data -- --sqlite DIR\`: the same world, the same answers as on MariaDB, checked before measuring), the hub as \`npm start\` runs it on a fresh clone (\`DATABASE_URL\` and \`NODE_ENV\` unset: the product runs the embedded database outside production only) with \`DATA_DIR\` there; ${s.variants.join(' and ')} only (the floor is written for MariaDB). SQLite runs inside the server's process: its CPU ms/req holds the database's work, to be read against MariaDB's CPU + DB ms/req.`,
    '',
    '| query | conn | variant | SQLite req/s | p50 ms | CPU ms/req | SQL/req | peak RSS MB | MariaDB req/s | p50 ms | CPU + DB ms/req |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...s.runs.map((r) => {
      const m = run(report, r.query, r.connections, r.variant);
      return `| ${r.query} | ${r.connections} | ${r.variant} | ${f1(r.reqPerSec)} | ${f0(r.p50)} | ${f1(r.cpuMsPerRequest)} | ${fx(s.statements[r.variant]?.[r.query] ?? NaN)} | ${f0(r.peakRssMb)} | ${f1(m?.reqPerSec)} | ${f0(m?.p50)} | ${m ? f1(m.cpuMsPerRequest + (m.dbCpuMsPerRequest ?? 0)) : '–'} |`;
    }),
    '',
  ];
}
