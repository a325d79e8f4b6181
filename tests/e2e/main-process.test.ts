import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ON_MYSQL } from '../helpers/database';
import { takeCost } from '../helpers/hub';
import { listening } from '../helpers/hub-process';

const MAIN = path.resolve(__dirname, '..', '..', 'src', 'main.js');
const TOKEN = path.resolve(__dirname, '..', '..', 'scripts', 'token.js');

/** The first command of the README, as a new user runs it: the embedded database, seeded on first start. */
(ON_MYSQL ? describe.skip : describe)('the hub process on the embedded database', () => {
  let child: ChildProcess;
  let exited: Promise<number | null>;
  const port = 4100 + (process.pid % 500);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-main-'));
  // As on a fresh clone: no key of any kind in the environment (the tests' own keys removed).
  // No webhook delivery loop here: on the embedded database a delivery round runs synchronously on
  // the event loop. What this file proves is start-up and draining.
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info', WEBHOOK_DELIVERY_INTERVAL_MS: '0' };
  delete env.SECRETS_KEY;
  delete env.JWT_SECRET;

  beforeAll(async () => {
    child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    await listening(child);
  }, 60_000);
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('creates, migrates and seeds the database on first start, and lists the 35 organizations to the vendor admin', async () => {
    expect(fs.existsSync(path.join(dataDir, 'hub.sqlite'))).toBe(true);
    const token = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, [TOKEN, 'admin@mobotix.example'], { env });
      let out = '';
      p.stdout.on('data', (c: Buffer) => (out += c.toString()));
      p.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`token exited ${code}`))));
    });
    const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ organizations(first: 100) { totalCount } }' }),
    });
    expect(takeCost(await res.json()).body).toEqual({ data: { organizations: { totalCount: 35 } } });
  });

  it('made keys of its own on first start, readable by its owner only, rather than a published development key', () => {
    for (const name of ['secrets.key', 'jwt-secret.key']) {
      const file = path.join(dataDir, name);
      expect({ name, mode: (fs.statSync(file).mode & 0o777).toString(8) }).toEqual({ name, mode: '600' });
      expect(fs.readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    }
    expect(fs.readFileSync(path.join(dataDir, 'secrets.key'), 'utf8')).not.toBe(fs.readFileSync(path.join(dataDir, 'jwt-secret.key'), 'utf8'));
  });

  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    // In flight for sure: the request's headers and a first part of its body reach the hub well
    // before the signal, the rest after it. Its real answer (not Fastify's 503 for requests that
    // arrive while closing, nor a reset connection) proves the request was finished.
    const body = JSON.stringify({ query: '{ __typename }' });
    const request = http.request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      request.on('error', reject);
    });
    request.write(body.slice(0, 5));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    request.end(body.slice(5));
    const res = await answered;
    // No token: the hub's own answer to an unauthenticated request, after the signal.
    expect({ status: res.status, code: (JSON.parse(res.text) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });
});
