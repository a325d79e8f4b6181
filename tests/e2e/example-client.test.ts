import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ON_MYSQL } from '../helpers/database';
import { listening } from '../helpers/hub-process';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'main.js');
const TOKEN = path.join(ROOT, 'dist', 'scripts', 'token.js');
const CODEGEN = path.join(ROOT, 'node_modules', '@graphql-codegen', 'cli', 'cjs', 'bin.js');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const EXAMPLE = path.join(ROOT, 'examples', 'dist', 'sync-licenses.js');

/** A command of the repository, its exit code and output. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [command, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The `<step> key=value …` lines the example prints, by step. */
function steps(out: string): Record<string, Record<string, string>> {
  const lines = out.split('\n').filter((l) => /^[a-z]+ \w+=/.test(l));
  return Object.fromEntries(
    lines.map((l) => [
      l.split(' ')[0],
      Object.fromEntries(
        l
          .split(' ')
          .slice(1)
          .map((kv) => kv.split('=') as [string, string]),
      ),
    ]),
  );
}

/**
 * The integrator's example (examples/, issue #13) built as CI builds it (codegen from the
 * committed schema, then tsc) and run as an integrator runs it, against a hub process on the
 * embedded database with a small rate budget (20 points in 5 s), so that it must honour 429
 * and Retry-After to finish. It runs once: the hub process uses the embedded database whatever
 * DATABASE_URL says, so it is skipped in the MariaDB run.
 */
(ON_MYSQL ? describe.skip : describe)('the example client against a hub process (embedded database)', () => {
  let child: ChildProcess;
  const port = 4600 + (process.pid % 300);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-example-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: '',
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'info',
    RATE_LIMIT_POINTS: '20',
    RATE_LIMIT_WINDOW_SECONDS: '5',
  };
  delete env.SECRETS_KEY;
  delete env.JWT_SECRET;

  beforeAll(async () => {
    const codegen = run(CODEGEN, ['--config', 'codegen.ts', '--silent']);
    expect(codegen).toMatchObject({ status: 0 });
    const tsc = run(TSC, ['-p', 'examples']);
    expect(tsc).toEqual({ status: 0, out: '' });
    child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    await listening(child);
  }, 180_000);
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('pages through every license, allocates and activates once despite a retry, and waits out 429 as Retry-After says', async () => {
    const token = run(TOKEN, ['admin@mobotix.example'], env);
    expect(token.status).toBe(0);
    const started = Date.now();
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn(process.execPath, [EXAMPLE], {
        cwd: ROOT,
        env: { ...env, HUB_URL: `http://127.0.0.1:${port}`, TOKEN: token.out.trim(), PAGE_SIZE: '10', RUN_ID: 'jest', SINCE: new Date(started).toISOString() },
      });
      let out = '';
      p.stdout.on('data', (c: Buffer) => (out += c.toString()));
      p.stderr.on('data', (c: Buffer) => (out += c.toString()));
      p.on('exit', (code) => resolve({ code, out }));
    });
    const elapsedMs = Date.now() - started;
    expect(result).toMatchObject({ code: 0 });
    const s = steps(result.out);

    // Pages: every license once, as many as totalCount says, in ceil(total / 10) pages.
    const total = Number(s.pages.totalCount);
    expect(total).toBeGreaterThan(20);
    expect(s.pages).toEqual({ pages: String(Math.ceil(total / 10)), licenses: String(total), totalCount: String(total), distinct: String(total) });

    // The writes: the retry with the same key was replayed, and the license holds one activation.
    expect(s.allocate).toMatchObject({ status: 'ALLOCATED', replayed: 'true' });
    expect(s.activate).toMatchObject({ sameActivation: 'true', replayed: 'true', seatsUsed: '1' });

    // The sync since the run began sees only what the run changed: the license it allocated.
    expect(s.sync).toMatchObject({ mode: 'updatedSince', licenses: '1' });

    // 429: the budget of 20 points cannot pay for the run, so it waited, as long as Retry-After said.
    expect(Number(s.ratelimit.waits)).toBeGreaterThanOrEqual(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(Number(s.ratelimit.seconds) * 1000);
  }, 120_000);

  it('fails the build (codegen) against a schema that breaks the example: a field it selects is gone', () => {
    const broken = path.join(dataDir, 'broken.graphql');
    const sdl = fs.readFileSync(path.join(ROOT, 'schema', 'schema.graphql'), 'utf8');
    const withoutSeatsUsed = sdl.replace(/\n\s*"""[^"]*"""\n\s*seatsUsed: Int!\n/g, '\n');
    expect(withoutSeatsUsed).not.toMatch(/seatsUsed: Int!/);
    fs.writeFileSync(broken, withoutSeatsUsed);
    // NODE_ENV=test (jest's) makes codegen's renderer silent: the errors are shown with development.
    const r = run(CODEGEN, ['--config', 'codegen.ts'], { ...process.env, NODE_ENV: 'development', EXAMPLE_SCHEMA: broken });
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/Cannot query field "seatsUsed" on type "License"/);
  });
});
