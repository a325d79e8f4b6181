import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HARBOR, orgId, PERSONAS } from '../../seeds/personas';
import { gid } from '../helpers/authz';
import { ON_MYSQL } from '../helpers/database';
import { codes, GraphQLResponse, takeCost, TestHub } from '../helpers/hub';
import { listening } from '../helpers/hub-process';

/**
 * Issue #11, part 1, the second line of defence: an answer that resolves more than
 * MAX_RESOLVED_FIELDS fields (a refused field counting 20) stops with one coded error
 * (HTTP 400, QUERY_TOO_COMPLEX, limit maxResolvedFields) and no partial answer, and the hub
 * keeps answering; the process started as `npm start` starts it survives the worst queries.
 */

const DASHBOARD =
  '{ viewer { role organization { name transferBasis { allowed basis reason } } } customers(first: 50) { totalCount nodes { name users(first: 5) { nodes { name email } } licenses(first: 20) { nodes { status seats seatsUsed product { sku } activations { nodes { computer { os } } } } } } } }';

function expectStopped(r: GraphQLResponse, max: number): void {
  expect({ status: r.status, data: r.body.data, codes: codes(r) }).toEqual({ status: 400, data: undefined, codes: ['QUERY_TOO_COMPLEX'] });
  const extensions = r.body.errors![0].extensions!;
  expect(extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxResolvedFields', max });
  expect(extensions.actual).toBeGreaterThan(max);
  expect(r.body.errors![0].message).toContain(`more than ${max} fields`);
}

describe(`the bound on an answer's resolved fields (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start('query_limits_bound', { MAX_RESOLVED_FIELDS: '300' });
  });
  afterAll(() => hub?.close());

  it('stops the dashboard over MAX_RESOLVED_FIELDS=300 with one coded error and no data, then answers the next request', async () => {
    const admin = await hub.as(PERSONAS.vendorAdmin);
    expectStopped(await admin.gql(DASHBOARD), 300);
    const next = await admin.gql('{ viewer { role } }');
    expect({ status: next.status, data: next.body.data, errors: next.body.errors }).toEqual({ status: 200, data: { viewer: { role: 'VENDOR_ADMIN' } }, errors: undefined });
  });

  it('counts the items of a list of objects, also when only __typename is asked of them', async () => {
    const admin = await hub.as(PERSONAS.vendorAdmin);
    // 35 organizations × 20 aliases of `nodes`, each item answered with __typename only.
    const aliases = Array.from({ length: 20 }, (_, i) => `n${i}: nodes { __typename }`).join(' ');
    expectStopped(await admin.gql(`{ organizations(first: 100) { ${aliases} } }`), 300);
  });

  it('counts a refused field as 20: the same customer users, answered to an ungated distributor, stop the gated one', async () => {
    // Harbor Logistics is served by rhein (ungated) and mumbai (its SCC expired): the same rows,
    // with name, email and phone answered to rhein and refused (20 each) to mumbai.
    const query = `query($id: ID!) { organization(id: $id) { users(first: 20) { nodes { name email phone } } } }`;
    const id = gid('Organization', orgId(HARBOR));
    const bounded = await TestHub.start('query_limits_bound_refusals', { MAX_RESOLVED_FIELDS: '60' });
    try {
      const open = await (await bounded.as(PERSONAS.distributors.rhein.admin)).gql(query, { id });
      expect({ status: open.status, errors: open.body.errors }).toEqual({ status: 200, errors: undefined });
      const users = open.body.data.organization.users.nodes.length;
      expect(users).toBeGreaterThan(0);
      expect(3 + users + 3 * users).toBeLessThanOrEqual(60); // what rhein's answer counted
      expectStopped(await (await bounded.as(PERSONAS.distributors.mumbai.admin)).gql(query, { id }), 60);
    } finally {
      await bounded.close();
    }
  });

  it('with the default bound, the dashboard answers in full', async () => {
    const defaults = await TestHub.start('query_limits_bound_default');
    try {
      expect(defaults.config.maxResolvedFields).toBe(250_000);
      const r = await (await defaults.as(PERSONAS.vendorAdmin)).gql(DASHBOARD);
      expect({ status: r.status, errors: r.body.errors }).toEqual({ status: 200, errors: undefined });
      expect(r.body.data.customers.nodes.length).toBeGreaterThan(0);
    } finally {
      await defaults.close();
    }
  });
});

// -------------------------------------------------------------------------------------------
// The process as `npm start` runs it (node --max-semi-space-size=48 --max-old-space-size=256).

const MAIN = path.resolve(__dirname, '..', '..', 'src', 'main.js');
const TOKEN = path.resolve(__dirname, '..', '..', 'scripts', 'token.js');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

(ON_MYSQL ? describe.skip : describe)('the hub process with the heap flags of npm start (embedded database)', () => {
  let child: ChildProcess;
  let exitCode: number | null | undefined;
  let stderr = '';
  const port = 4600 + (process.pid % 300);
  const url = `http://127.0.0.1:${port}/graphql`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bound-'));
  // A low bound, so that the seed world's dashboard passes it.
  const env = { ...process.env, NODE_ENV: 'development', DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'silent', MAX_RESOLVED_FIELDS: '300' };
  let token: string;

  beforeAll(async () => {
    child = spawn(process.execPath, ['--max-semi-space-size=48', '--max-old-space-size=256', MAIN], { env: { ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.on('exit', (code) => (exitCode = code));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await listening(child);
    token = await new Promise<string>((resolve, reject) => {
      const p = spawn(process.execPath, [TOKEN, PERSONAS.vendorAdmin], { env });
      let text = '';
      p.stdout.on('data', (c: Buffer) => (text += c.toString()));
      p.on('exit', (code) => (code === 0 ? resolve(text.trim()) : reject(new Error(`token exited ${code}`))));
    });
  }, 60_000);
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  const post = async (body: unknown): Promise<GraphQLResponse> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    return { status: res.status, headers: res.headers, ...takeCost((await res.json()) as GraphQLResponse['body']) };
  };

  it("refuses the issue's heap-exhausting query sent by hash, answers over-bound queries with the coded error, and keeps answering", async () => {
    // The query (7 levels of nested connections; 15 aliases here, the whole document
    // within the token limit), registered behind a cheap operation.
    const level = (k: number): string => (k === 0 ? 'id' : `licenses(first: 100) { nodes { customer { ${level(k - 1)} } } }`);
    const deep = `query B { ${Array.from({ length: 15 }, (_, i) => `a${i}: ${level(7)}`).join(' ')} }`;
    const d = `query A { __typename } ${deep}`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(d) } };
    expect((await post({ query: d, operationName: 'A', extensions })).body).toEqual({ data: { __typename: 'Query' } });

    const answers = await Promise.all([...Array.from({ length: 4 }, () => post({ operationName: 'B', extensions })), ...Array.from({ length: 4 }, () => post({ query: DASHBOARD }))]);
    for (const r of answers.slice(0, 4)) {
      expect(r.status).toBe(400);
      expect(r.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxDepth' });
    }
    for (const r of answers.slice(4)) expectStopped(r, 300);

    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    const small = await post({ query: '{ viewer { role } }' });
    expect(small.body).toEqual({ data: { viewer: { role: 'VENDOR_ADMIN' } } });
    expect({ exitCode, stderr }).toEqual({ exitCode: undefined, stderr: '' });
  }, 60_000);
});
