import { licenseId, PERSONAS } from '../../seeds/personas';
import { CountingLogger } from '../../src/common/query-counter';
import { gid } from '../helpers/authz';
import { ON_MYSQL } from '../helpers/database';
import { header, postGraphQL, rawRequest, RawResponse, sleep } from '../helpers/hardening';
import { TestHub } from '../helpers/hub';

/**
 * Errors of issue #6, part 5: in production no stack trace, SQL, file path or internal message
 * reaches a client; an unexpected error is INTERNAL_SERVER_ERROR with the request id. The
 * execution time limit (EXECUTION_TIMEOUT_MS, 10 s by default) answers HTTP 503 with code
 * TIMEOUT, and the work behind it stops: no further SQL statement is sent.
 */

/** Production behind a TLS-terminating proxy; SECRETS_KEY differs from the one the seed sealed the activation keys with. */
const production = (databaseUrl: string | undefined) => ({
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  TRUST_PROXY: 'true',
  JWT_SECRET: 'x'.repeat(40),
  SECRETS_KEY: 'y'.repeat(40),
  DATABASE_URL: databaseUrl || 'mysql://placeholder@127.0.0.1:1/unused',
});

const ACTIVATION_KEY = `query($id: ID!) { license(id: $id) { seats activationKey } }`;
/** Many activation keys at once: every one fails to open. */
const ACTIVATION_KEYS = `{ licenses(first: 30) { nodes { seats activationKey } } }`;
/** The vendor admin's big read: 100 × (1 + 20 × (1 + 20)) = 42,100 nodes, inside the 50,000 limit; a chain of dependent statements. */
const HEAVY = `{ licenses(first: 100) { nodes { activations { nodes { computer { organization { users { nodes { email } } } } } } } } }`;

/** What must never be in a response body in production. */
const INTERNALS: [string, RegExp][] = [
  ['a stack trace', /\n?\s{2,}at [\w.<>]+ \(| {4}at /],
  ['SQL', /\b(SELECT|INSERT|UPDATE|DELETE)\b.*\b(FROM|INTO|SET|WHERE)\b|\bSQLITE_|\bER_[A-Z_]+\b|syntax error at/i],
  ['a file path', /\/work\/|\/home\/|\/usr\/|node_modules|\.ts:\d|\.js:\d|[A-Z]:\\/],
  ['the internal message of the failure', /Unsupported state|unable to authenticate data|decipher|not a sealed secret/i],
  ['an exception object', /"exception"|"stacktrace"/],
];

function internalsIn(text: string): string[] {
  return INTERNALS.filter(([, re]) => re.test(text)).map(([what]) => what);
}

describe(`errors (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  describe('in production', () => {
    let prod: TestHub;
    let vendorToken: string;

    beforeAll(async () => {
      prod = await TestHub.start('hardening_errors_production', production(process.env.DATABASE_URL));
      vendorToken = await prod.tokenFor(PERSONAS.vendorAdmin);
    });
    afterAll(() => prod?.close());

    const post = (payload: unknown, headers: Record<string, string> = {}) => postGraphQL(prod.url, vendorToken, payload, { headers: { ...prod.defaultHeaders(), ...headers } });

    it('an unexpected error in a resolver (an activation key sealed under another SECRETS_KEY) answers INTERNAL_SERVER_ERROR "Internal server error (request <id>)", <id> = the x-request-id header', async () => {
      expect(prod.config.nodeEnv).toBe('production');
      const r = await post({ query: ACTIVATION_KEY, variables: { id: gid('License', licenseId('rhein', 1)) } });
      const requestId = header(r, 'x-request-id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(r.status).toBe(200);
      expect(r.json).toEqual({
        data: { license: { seats: 4, activationKey: null } },
        errors: [{ message: `Internal server error (request ${requestId})`, path: ['license', 'activationKey'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }],
      });
      expect(internalsIn(r.text)).toEqual([]);
    });

    it("the error names the hub's request id (the response's x-request-id), never the one a client sends; a malformed one is ignored", async () => {
      const mine = await post({ query: ACTIVATION_KEY, variables: { id: gid('License', licenseId('rhein', 1)) } }, { 'x-request-id': 'integrator-trace.42' });
      const hubId = header(mine, 'x-request-id');
      expect(hubId).toMatch(/^[0-9a-f-]{36}$/);
      expect(mine.json.errors[0].message).toBe(`Internal server error (request ${hubId})`);
      const bad = await post({ query: ACTIVATION_KEY, variables: { id: gid('License', licenseId('rhein', 1)) } }, { 'x-request-id': 'x'.repeat(65) });
      const replaced = header(bad, 'x-request-id');
      expect(replaced).not.toBe('x'.repeat(65));
      expect(bad.json.errors[0].message).toBe(`Internal server error (request ${replaced})`);
    });

    it('many failures in one response: each error is the same masked message, nothing internal', async () => {
      const r = await post({ query: ACTIVATION_KEYS });
      expect(r.status).toBe(200);
      const errors = r.json.errors as { message: string; extensions: { code: string } }[];
      expect(errors.length).toBeGreaterThan(1);
      expect(new Set(errors.map((e) => `${e.extensions.code}: ${e.message}`))).toEqual(new Set([`INTERNAL_SERVER_ERROR: Internal server error (request ${header(r, 'x-request-id')})`]));
      expect(internalsIn(r.text)).toEqual([]);
    });

    it('no answer to malformed or hostile requests carries a stack trace, SQL, a file path or an internal message', async () => {
      const auth = { authorization: `Bearer ${vendorToken}`, ...prod.defaultHeaders() };
      const json = { ...auth, 'content-type': 'application/json' };
      const url = `${prod.url}/graphql`;
      const answers: [string, RawResponse][] = [
        ['broken JSON', await rawRequest(url, { method: 'POST', headers: json, body: '{"query": "{ viewer {' })],
        ['JSON that is not an object', await rawRequest(url, { method: 'POST', headers: json, body: '"just a string"' })],
        ['no query', await rawRequest(url, { method: 'POST', headers: json, body: '{}' })],
        ['a parse error', await post({ query: '{ viewer { role ' })],
        ['an unknown field', await post({ query: '{ viewer { secret } }' })],
        ['a variable of the wrong type', await post({ query: 'query($n: Int) { licenses(first: $n) { totalCount } }', variables: { n: 'DROP TABLE licenses' } })],
        ['an invalid id', await post({ query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id: "' OR 1=1 --" } })],
        ['a forged cursor', await post({ query: 'query($a: String) { licenses(after: $a) { totalCount } }', variables: { a: Buffer.from('["c1",1e400]').toString('base64url') } })],
        ['first out of range', await post({ query: '{ licenses(first: 100000) { totalCount } }' })],
        ['an unknown operation name', await post({ query: '{ viewer { role } }', operationName: 'Nope' })],
        ['a bad token', await postGraphQL(prod.url, 'not.a.jwt', { query: '{ viewer { role } }' }, { headers: prod.defaultHeaders() })],
        ['an unknown route', await rawRequest(`${prod.url}/graphql/../../etc/passwd`, { headers: auth })],
        ['a huge string variable', await post({ query: 'query($s: String) { organizations(search: $s) { totalCount } }', variables: { s: 'é'.repeat(5000) } })],
      ];
      const found = answers.flatMap(([what, r]) => internalsIn(r.text).map((i) => `${what} (HTTP ${r.status}): ${i}: ${r.text.slice(0, 200)}`));
      expect(found).toEqual([]);
      // Each is a coded answer, never a 5xx.
      for (const [what, r] of answers) {
        expect({ what, status5xx: r.status >= 500 }).toEqual({ what, status5xx: false });
      }
    });
  });

  describe('the execution time limit', () => {
    let hub: TestHub;
    let baseline: TestHub;
    let token: string;

    beforeAll(async () => {
      // EXECUTION_TIMEOUT_MS=1: any execution that waits for the database is over the limit.
      hub = await TestHub.start('hardening_timeout', { EXECUTION_TIMEOUT_MS: '1', RATE_LIMIT_POINTS: '100000' });
      baseline = await TestHub.start('hardening_timeout_baseline', { RATE_LIMIT_POINTS: '100000' });
      token = await hub.tokenFor(PERSONAS.vendorAdmin);
    });
    afterAll(async () => {
      await hub?.close();
      await baseline?.close();
    });

    it('the default limit is 10 seconds', () => {
      expect(baseline.config.executionTimeoutMs).toBe(10_000);
      expect(hub.config.executionTimeoutMs).toBe(1);
    });

    it('a request over the limit answers HTTP 503, code TIMEOUT, a message naming the limit and the request id, no data', async () => {
      const r = await postGraphQL(hub.url, token, { query: HEAVY });
      expect(r.status).toBe(503);
      const requestId = header(r, 'x-request-id');
      expect(r.json).toEqual({ errors: [{ message: expect.stringContaining('1 ms'), extensions: { code: 'TIMEOUT' } }] });
      expect(r.json.errors[0].message).toContain(`(request ${requestId})`);
      expect(internalsIn(r.text)).toEqual([]);
    });

    it('the work behind it stops: fewer statements than the full request, and none after the answer', async () => {
      const full = await (async () => {
        const vendor = await baseline.tokenFor(PERSONAS.vendorAdmin);
        const before = CountingLogger.statements;
        const r = await postGraphQL(baseline.url, vendor, { query: HEAVY });
        expect(r.status).toBe(200);
        expect(r.json.errors).toBeUndefined();
        await sleep(100);
        return CountingLogger.statements - before;
      })();

      const before = CountingLogger.statements;
      const r = await postGraphQL(hub.url, token, { query: HEAVY });
      expect(r.status).toBe(503);
      const atAnswer = CountingLogger.statements;
      const samples: number[] = [];
      for (let i = 0; i < 6; i++) {
        await sleep(50);
        samples.push(CountingLogger.statements - atAnswer);
      }
      // Within 200 ms of the answer the count is still (at most a statement already on its way when the limit struck).
      expect(samples.slice(4)).toEqual([samples[3], samples[3]]);
      expect(samples[5]).toBeLessThanOrEqual(1);
      const spent = CountingLogger.statements - before;
      expect({ spent, lessThanFull: spent < full }).toEqual({ spent, lessThanFull: true });
    });

    it('the hub keeps answering: the next request is served normally, and the database is ready', async () => {
      await postGraphQL(hub.url, token, { query: HEAVY }); // times out
      const next = await postGraphQL(hub.url, token, { query: '{ viewer { role } }' });
      expect(next.status).toBe(200);
      expect(next.json).toEqual({ data: { viewer: { role: 'VENDOR_ADMIN' } } });
      const ready = await rawRequest(`${hub.url}/ready`);
      expect(ready.status).toBe(200);
      expect(ready.json).toEqual({ status: 'ready' });
      // Several timed-out requests at once leave no connection behind: the pool still serves.
      const burst = await Promise.all(Array.from({ length: 12 }, () => postGraphQL(hub.url, token, { query: HEAVY })));
      expect(burst.map((b) => b.status)).toEqual(burst.map(() => 503));
      const after = await postGraphQL(hub.url, token, { query: '{ viewer { role } }' });
      expect(after.status).toBe(200);
      expect((await rawRequest(`${hub.url}/ready`)).status).toBe(200);
    });

    it('a timed-out mutation keeps its Idempotency-Key while its work may still commit, then answers retries with the first result: never acting twice, never stuck', async () => {
      const mutation = `mutation { updateMyProfile(input: { name: "Vendor Admin" }) { user { name } } }`;
      const headers = { headers: { 'idempotency-key': 'hardening-timeout-1' } };
      const first = await postGraphQL(hub.url, token, { query: mutation }, headers);
      expect(first.status).toBe(503);
      // While the work of the first request may still be running, a retry is told so (409);
      // once it has ended, the retry gets the stored first result.
      let retry = await postGraphQL(hub.url, token, { query: mutation }, headers);
      for (let i = 0; i < 50 && retry.status === 409; i++) {
        await new Promise((r) => setTimeout(r, 100));
        retry = await postGraphQL(hub.url, token, { query: mutation }, headers);
      }
      expect(retry.status).not.toBe(409);
      expect(retry.status).toBeLessThan(500);
      const again = await postGraphQL(hub.url, token, { query: mutation }, headers);
      expect(again.headers['idempotency-replayed']).toBe('true');
    });
  });
});
