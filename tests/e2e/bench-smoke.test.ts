import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The benchmark harness of issue #7 end to end, tiny: `bench:data --smoke` (50 customers per
 * large distributor, in the database hub_bench_smoke of the DATABASE_URL server, never the test
 * databases), then `bench --smoke` (the hub, the hub without its permission layer and the
 * hand-written floor as child processes; half-second runs). It proves the harness works and
 * that the three variants answer the same data; it asserts no performance figure.
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

(onMysql ? describe : describe.skip)('the benchmark harness (smoke run on MariaDB)', () => {
  it('builds the small data set, runs every query on every variant, and the variants agree', async () => {
    const data = await node('bench-data.js', ['--smoke']);
    expect({ code: data.code, output: data.code ? data.output : '' }).toEqual({ code: 0, output: '' });
    expect(data.output).toContain('hub_bench_smoke');

    const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-smoke-')), 'report.json');
    const bench = await node('bench.js', ['--smoke', '--json', json]);
    expect({ code: bench.code, output: bench.code ? bench.output : '' }).toEqual({ code: 0, output: '' });
    expect(bench.output).toContain('agreement: every variant answers the same data for Q1, Q2, Q3, Q4');

    const report = JSON.parse(fs.readFileSync(json, 'utf8'));
    expect(report.agreement.map((a: { query: string }) => a.query)).toEqual(['Q1', 'Q2', 'Q3', 'Q4']);
    // Q4: the gate withholds personal data from the hub and the floor, not from the bare schema.
    const q4 = report.agreement.find((a: { query: string }) => a.query === 'Q4');
    expect(q4.variants.hub.personal.present).toBe(0);
    expect(q4.variants.hub.errors).toBeGreaterThan(0);
    expect(q4.variants.floor.errors).toBe(q4.variants.hub.errors);
    expect(q4.variants.bare.personal.nulls).toBe(0);

    // Every query on every variant measured, with requests served and none failed.
    expect(report.runs).toHaveLength(4 * 3 * report.options.connections.length);
    for (const run of report.runs) {
      expect({ run: `${run.query} ${run.variant}`, served: run.serverRequests > 0, failures: run.failures }).toEqual({ run: `${run.query} ${run.variant}`, served: true, failures: 0 });
      expect(run.cpuMsPerRequest).toBeGreaterThan(0);
      expect(run.peakRssMb).toBeGreaterThan(0);
    }
    for (const variant of ['hub', 'bare', 'floor']) {
      for (const q of ['Q1', 'Q2', 'Q3', 'Q4', 'Q1first5']) expect(report.statements[variant][q]).toBeGreaterThanOrEqual(1);
    }
    expect(report.targets.length).toBeGreaterThanOrEqual(6);
  }, 120_000);
});
