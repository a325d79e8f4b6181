import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The benchmark harness of issues #7 and #15 end to end, tiny: `bench:data --smoke` (50
 * customers per large distributor and the write customer, in the database hub_bench_smoke of
 * the DATABASE_URL server, never the test databases), then `bench --smoke` (the hub, the hub
 * without its permission layer and the hand-written floor as child processes; half-second
 * runs). It proves the harness works, that the three variants answer the same data (reads, the
 * writes W1/W1c/W1r, the summary A1, the first sweep), and that the contended write W1c kept
 * the seat limit exact on every variant; it asserts no performance figure.
 * Needs MariaDB: skipped on the embedded database.
 */
const onMysql = !!process.env.DATABASE_URL;
const ROOT = path.resolve(__dirname, '..', '..', '..');

function node(script: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'dist', 'scripts', script), ...args], { cwd: ROOT, env: process.env, maxBuffer: 20 * 2 ** 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, output: `${stdout}\n${stderr}` });
    });
  });
}

interface Writes {
  activated: number;
  refused: number;
  deactivated: number;
  otherErrors: number;
  firstOtherError: string | null;
  maxOutstanding: number;
  activeAtEnd: number;
  seats: number;
  maxActiveSeen?: number;
  snapshots?: number;
}
interface Run {
  query: string;
  variant: string;
  connections: number;
  serverRequests: number;
  failures: number;
  cpuMsPerRequest: number;
  peakRssMb: number;
  writes?: Writes;
}

const QUERIES = ['Q1', 'Q2', 'Q3', 'Q4', 'W1', 'W1c', 'W1r', 'A1', 'Q1x2', 'Q1x6'];
const VARIANTS = ['hub', 'bare', 'floor'];

(onMysql ? describe : describe.skip)('the benchmark harness (smoke run on MariaDB)', () => {
  it('builds the small data set, runs every query on every variant, the variants agree and the contended write keeps the seat limit', async () => {
    const data = await node('bench-data.js', ['--smoke']);
    expect({ code: data.code, output: data.code ? data.output : '' }).toEqual({ code: 0, output: '' });
    expect(data.output).toContain('hub_bench_smoke');

    const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-smoke-')), 'report.json');
    const bench = await node('bench.js', ['--smoke', '--json', json]);
    expect({ code: bench.code, output: bench.code ? bench.output : '' }).toEqual({ code: 0, output: '' });
    expect(bench.output).toContain(`agreement: every variant answers the same data for ${QUERIES.join(', ')}`);

    const report = JSON.parse(fs.readFileSync(json, 'utf8')) as {
      agreement: { query: string; variants: Record<string, { bytes: number; errors: number; personal: { present: number; nulls: number } }> }[];
      runs: Run[];
      options: { connections: number[]; contendedConnections: number };
      statements: Record<string, Record<string, number>>;
      targets: { target: string; met: boolean }[];
    };
    expect(report.agreement.map((a) => a.query)).toEqual(QUERIES);
    // Q4: the gate withholds personal data from the hub and the floor, not from the bare schema.
    const q4 = report.agreement.find((a) => a.query === 'Q4')!;
    expect(q4.variants.hub.personal.present).toBe(0);
    expect(q4.variants.hub.errors).toBeGreaterThan(0);
    expect(q4.variants.floor.errors).toBe(q4.variants.hub.errors);
    expect(q4.variants.bare.personal.nulls).toBe(0);
    // W1r: every variant answered the refusal (one error); W1 and A1: no error.
    for (const v of VARIANTS) {
      expect(report.agreement.find((a) => a.query === 'W1r')!.variants[v].errors).toBe(1);
      expect(report.agreement.find((a) => a.query === 'W1')!.variants[v].errors).toBe(0);
      expect(report.agreement.find((a) => a.query === 'A1')!.variants[v].errors).toBe(0);
    }

    // Every query on every variant measured (W1c and W1r at the contended count, the sweep at
    // the lowest), with requests served and none failed.
    const perVariant = (4 + 2) * report.options.connections.length + 2 + 2;
    expect(report.runs).toHaveLength(perVariant * VARIANTS.length);
    for (const run of report.runs) {
      expect({ run: `${run.query} ${run.variant}`, served: run.serverRequests > 0, failures: run.failures }).toEqual({ run: `${run.query} ${run.variant}`, served: true, failures: 0 });
      expect(run.cpuMsPerRequest).toBeGreaterThan(0);
      expect(run.peakRssMb).toBeGreaterThan(0);
    }
    for (const variant of VARIANTS) {
      for (const q of [...QUERIES, 'Q1first5']) expect(report.statements[variant][q]).toBeGreaterThanOrEqual(1);
    }

    const writes = (q: string, v: string) => report.runs.find((r) => r.query === q && r.variant === v)!.writes!;
    for (const v of VARIANTS) {
      // W1: no contention: every activation succeeded and was deactivated (the last maybe cut by the end of the run).
      const w1 = writes('W1', v);
      expect({ v, refused: w1.refused, otherErrors: w1.otherErrors, error: w1.firstOtherError }).toEqual({ v, refused: 0, otherErrors: 0, error: null });
      expect(w1.activated).toBeGreaterThan(0);
      expect(w1.activated - w1.deactivated).toBeLessThanOrEqual(report.options.connections[0]);

      // W1c: more clients than seats on one license; refused ones are CONFLICT (anything else
      // counts in otherErrors), and the seats were never exceeded: not in any database snapshot
      // taken during the run, not at the end, not as seen by the clients.
      const w1c = writes('W1c', v);
      expect(report.options.contendedConnections).toBeGreaterThan(w1c.seats);
      expect({ v, otherErrors: w1c.otherErrors, error: w1c.firstOtherError }).toEqual({ v, otherErrors: 0, error: null });
      expect(w1c.activated).toBeGreaterThan(0);
      expect(w1c.refused).toBeGreaterThan(0);
      expect(w1c.snapshots).toBeGreaterThan(0);
      expect(w1c.maxActiveSeen).toBeLessThanOrEqual(5);
      expect(w1c.activeAtEnd).toBeLessThanOrEqual(5);
      expect(w1c.maxOutstanding).toBeLessThanOrEqual(5);

      // W1r: the license full: every activation refused with CONFLICT, the five holders kept.
      const w1r = writes('W1r', v);
      expect({ v, activated: w1r.activated, otherErrors: w1r.otherErrors, activeAtEnd: w1r.activeAtEnd }).toEqual({ v, activated: 0, otherErrors: 0, activeAtEnd: 5 });
      expect(w1r.refused).toBeGreaterThan(0);
    }
    expect(report.targets.find((t) => t.target.startsWith('W1c: the seat limit'))?.met).toBe(true);
    expect(report.targets.length).toBeGreaterThanOrEqual(7);
  }, 180_000);
});
