import pino from 'pino';
import { PERSONAS, userId } from '../../seeds/personas';
import { issueUserToken } from '../../src/context/authenticate';
import { loadConfig } from '../../src/config';
import { createHub, Hub } from '../../src/http/hub-server';
import { createApiKey, StoredApiKey } from '../helpers/api-keys';
import { valuesAtKeys } from '../helpers/authz';
import { ON_MYSQL, seededDatabase, TestDatabase } from '../helpers/database';
import { header, MemoryLog, postGraphQL, rawRequest, RawResponse } from '../helpers/hardening';

/**
 * Logs and metrics of issue #6, part 6: one structured JSON log line per GraphQL request (pino)
 * with the request id, the actor id, the operation and its name, the status and the duration,
 * and never a token, a key, a variable or a personal value; GET /metrics in Prometheus' text
 * format (prom-client) with request counts, latencies, errors by code, transfer-gate denials,
 * the database pool and the process.
 *
 * The hub is built here with createHub (TestHub does not take a logger): the logger writes to
 * memory, so the test reads every line the hub wrote.
 */

const NOW = new Date('2026-11-27T12:00:00.000Z');
/** Activation keys were sealed by the seed under the development key: with this one, opening one is an unexpected error. */
const OTHER_SECRETS_KEY = 'o'.repeat(40);

/** A sample's value in Prometheus text: `name{a="x",b="y"} value`; labels given must all match. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) have[l[1]] = l[2];
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe(`logs and metrics (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let db: TestDatabase;
  let hub: Hub;
  let url: string;
  const log = new MemoryLog();
  let userToken: string;
  let mumbaiToken: string;
  let apiKey: StoredApiKey;

  /** Every value a test sent or read that is a secret or personal: none may be in a log line. */
  const secrets: string[] = [];

  beforeAll(async () => {
    db = await seededDatabase('hardening_observability');
    const config = loadConfig({ ...db.env, SECRETS_KEY: OTHER_SECRETS_KEY, LOG_LEVEL: 'info' });
    hub = await createHub({ config, dataSource: db.dataSource, clock: () => NOW, logger: pino({ level: 'info' }, log) });
    url = `http://127.0.0.1:${await hub.listen(0)}`;
    userToken = await issueUserToken(config, userId(PERSONAS.distributors.rhein.admin), NOW);
    mumbaiToken = await issueUserToken(config, userId(PERSONAS.distributors.mumbai.admin), NOW);
    apiKey = await createApiKey(db.dataSource, { org: 'rhein', scopes: ['licenses:read', 'customers:read', 'personal_data:read'] });
    secrets.push(userToken, mumbaiToken, apiKey.secret, apiKey.secret.slice(12));
  });
  afterAll(() => hub?.close());

  const gql = (token: string | null, payload: unknown, requestId: string): Promise<RawResponse> => postGraphQL(url, token, payload, { headers: { 'x-request-id': requestId } });

  /** The one 'graphql request' line of the request sent with this x-request-id (the client's id; the hub names the request itself). */
  function lineOf(requestId: string): Record<string, any> {
    const lines = log.entries().filter((e) => e.clientRequestId === requestId && e.msg === 'graphql request');
    expect({ requestId, lines: lines.length }).toEqual({ requestId, lines: 1 });
    return lines[0];
  }

  describe('logs', () => {
    const requests: Record<string, RawResponse> = {};

    beforeAll(async () => {
      log.clear();
      // A user reads personal data of its customers (allowed for rhein: EEA).
      requests.userQuery = await gql(
        userToken,
        { query: 'query CustomerContacts { customers(first: 10) { nodes { name email phone users(first: 5) { nodes { name email phone } } } } }', operationName: 'CustomerContacts' },
        'obs-user-query',
      );
      // An API key reads licenses.
      requests.keyQuery = await gql(
        apiKey.secret,
        { query: 'query KeyLicenses { licenses(first: 5) { totalCount nodes { seats licensee { name email } } } }', operationName: 'KeyLicenses' },
        'obs-key-query',
      );
      // A mutation whose variables hold personal values, and one with them inline.
      requests.mutation = await gql(
        userToken,
        {
          query: 'mutation UpdateProfile($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { user { name email phone } } }',
          operationName: 'UpdateProfile',
          variables: { input: { email: 'ruth.obs-secret@rhein.example', phone: '+49 30 5550 9911', name: 'Ruth Obs-Secret' } },
        },
        'obs-mutation',
      );
      requests.inlineMutation = await gql(
        userToken,
        { query: 'mutation InlineProfile { updateMyProfile(input: { phone: "+49 30 5550 7722" }) { user { phone } } }', operationName: 'InlineProfile' },
        'obs-inline-mutation',
      );
      // Errors: a field the role may not read, an unexpected error, a validation error, a bad token.
      requests.forbidden = await gql(userToken, { query: 'query Audit { auditEvents(first: 1) { totalCount } }', operationName: 'Audit' }, 'obs-forbidden');
      requests.internal = await gql(userToken, { query: 'query Keys { licenses(first: 2) { nodes { activationKey } } }', operationName: 'Keys' }, 'obs-internal');
      requests.invalid = await gql(userToken, { query: 'query Invalid { viewer { nosuchfield } }', operationName: 'Invalid' }, 'obs-invalid');
      requests.badToken = await gql(`${userToken}x`, { query: 'query Bad { viewer { role } }', operationName: 'Bad' }, 'obs-bad-token');
      requests.badKey = await gql(`${apiKey.secret}x`, { query: 'query BadKey { viewer { role } }', operationName: 'BadKey' }, 'obs-bad-key');
      for (const r of Object.values(requests)) secrets.push(...(valuesAtKeys(r.json?.data, ['email', 'phone', 'name']).filter((v) => typeof v === 'string' && v.length >= 6) as string[]));
      secrets.push('ruth.obs-secret@rhein.example', '+49 30 5550 9911', 'Ruth Obs-Secret', '+49 30 5550 7722');
    });

    it('the requests did what they should (so that the log has something to hide)', () => {
      expect(requests.userQuery.status).toBe(200);
      expect(requests.userQuery.json.errors).toBeUndefined();
      expect(valuesAtKeys(requests.userQuery.json.data, ['email']).length).toBeGreaterThan(3);
      expect(requests.keyQuery.status).toBe(200);
      expect(requests.mutation.json).toEqual({ data: { updateMyProfile: { user: { name: 'Ruth Obs-Secret', email: 'ruth.obs-secret@rhein.example', phone: '+49 30 5550 9911' } } } });
      expect(requests.inlineMutation.status).toBe(200);
      expect(requests.forbidden.json.errors[0].extensions.code).toBe('FORBIDDEN');
      expect(requests.internal.json.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(requests.invalid.status).toBe(400);
      expect(requests.badToken.status).toBe(401);
      expect(requests.badKey.status).toBe(401);
    });

    it('every line is JSON', () => {
      expect(log.lines.length).toBeGreaterThanOrEqual(9);
      for (const line of log.lines) expect(() => JSON.parse(line)).not.toThrow();
    });

    it('each GraphQL request has one line with requestId, actorId, operation, operationName, status and durationMs', () => {
      const expected: [string, string, string, string, number][] = [
        ['obs-user-query', userId(PERSONAS.distributors.rhein.admin), 'query', 'CustomerContacts', 200],
        ['obs-key-query', apiKey.key.id, 'query', 'KeyLicenses', 200],
        ['obs-mutation', userId(PERSONAS.distributors.rhein.admin), 'mutation', 'UpdateProfile', 200],
        ['obs-inline-mutation', userId(PERSONAS.distributors.rhein.admin), 'mutation', 'InlineProfile', 200],
        ['obs-forbidden', userId(PERSONAS.distributors.rhein.admin), 'query', 'Audit', 200],
        ['obs-internal', userId(PERSONAS.distributors.rhein.admin), 'query', 'Keys', 200],
        ['obs-invalid', userId(PERSONAS.distributors.rhein.admin), 'query', 'Invalid', 400],
      ];
      for (const [requestId, actorId, operation, operationName, status] of expected) {
        const line = lineOf(requestId);
        expect(line).toMatchObject({ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), clientRequestId: requestId, actorId, operation, operationName, status, msg: 'graphql request' });
        expect(typeof line.durationMs).toBe('number');
        expect(line.durationMs).toBeGreaterThanOrEqual(0);
        expect(line.level).toBe(30);
        expect(typeof line.time).toBe('number');
      }
    });

    it('the outcome is logged: error codes of the response', () => {
      expect(lineOf('obs-user-query').codes).toBeUndefined();
      expect(lineOf('obs-forbidden').codes).toEqual(['FORBIDDEN']);
      expect(lineOf('obs-internal').codes).toEqual(expect.arrayContaining(['INTERNAL_SERVER_ERROR']));
      expect(lineOf('obs-invalid').codes).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(lineOf('obs-bad-token')).toMatchObject({ status: 401, codes: ['UNAUTHENTICATED'] });
      expect(lineOf('obs-bad-key')).toMatchObject({ status: 401, codes: ['UNAUTHENTICATED'] });
      expect(lineOf('obs-bad-token').actorId).toBeUndefined();
    });

    it('the unexpected error goes to the log in full (error level, with its request id and stack), while the client saw only the request id', () => {
      const hubId = lineOf('obs-internal').requestId;
      const errors = log.entries().filter((e) => e.requestId === hubId && e.level === 50);
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(errors[0].msg).toBe('unexpected error');
      expect(typeof errors[0].err?.message).toBe('string');
      expect(errors[0].err.stack).toMatch(/\n\s+at /);
      expect(requests.internal.json.errors[0].message).toBe(`Internal server error (request ${hubId})`);
    });

    it('no line holds a bearer token, an API key, a variable, or a personal value sent or read', () => {
      expect(secrets.length).toBeGreaterThan(10);
      const found: string[] = [];
      for (const line of log.lines) {
        for (const s of secrets) if (line.includes(s)) found.push(`${s.slice(0, 24)}… in ${line.slice(0, 160)}`);
        if (/"variables"|Bearer |authorization/i.test(line)) found.push(`a variable or header in ${line.slice(0, 160)}`);
        if (/@[a-z0-9-]+\.example/.test(line)) found.push(`an e-mail address in ${line.slice(0, 160)}`);
      }
      expect(found).toEqual([]);
    });

    it("the request id of each response (x-request-id) is the hub's one in its log line, the client's id beside it", () => {
      for (const [id, r] of [
        ['obs-user-query', requests.userQuery],
        ['obs-bad-token', requests.badToken],
      ] as const) {
        expect(header(r, 'x-request-id')).toBe(lineOf(id).requestId);
        expect(header(r, 'x-request-id')).not.toBe(id);
      }
    });
  });

  describe('GET /metrics', () => {
    let before: string;

    beforeAll(async () => {
      before = (await rawRequest(`${url}/metrics`)).text;
    });

    async function scrape(): Promise<RawResponse> {
      const r = await rawRequest(`${url}/metrics`);
      expect(r.status).toBe(200);
      return r;
    }

    it('answers Prometheus text (text/plain; version=0.0.4)', async () => {
      const r = await scrape();
      expect(header(r, 'content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(r.text).toMatch(/^# HELP hub_http_requests_total /m);
      expect(r.text).toMatch(/^# TYPE hub_http_requests_total counter$/m);
    });

    it('hub_http_requests_total counts requests by route and status', async () => {
      const count = (text: string, labels: Record<string, string>) => metric(text, 'hub_http_requests_total', labels) ?? 0;
      const token = userToken;
      await gql(token, { query: '{ viewer { role } }' }, 'obs-m-1');
      await gql(token, { query: '{ viewer { role } }' }, 'obs-m-2');
      await gql(null, { query: '{ viewer { role } }' }, 'obs-m-3');
      await rawRequest(`${url}/health`);
      await rawRequest(`${url}/no/such/path/${Date.now()}`);
      const after = (await scrape()).text;
      expect(count(after, { route: '/graphql', status: '200' }) - count(before, { route: '/graphql', status: '200' })).toBe(2);
      expect(count(after, { route: '/graphql', status: '401' }) - count(before, { route: '/graphql', status: '401' })).toBe(1);
      expect(count(after, { route: '/health', status: '200' }) - count(before, { route: '/health', status: '200' })).toBe(1);
      // Unknown paths share one label: a client cannot create new series.
      expect(count(after, { route: 'other', status: '404' }) - count(before, { route: 'other', status: '404' })).toBe(1);
      expect(after).not.toMatch(/no\/such\/path/);
    });

    it('hub_graphql_duration_seconds is a histogram by operation type', async () => {
      await gql(userToken, { query: 'mutation M { updateMyProfile(input: { name: "Rhein Admin" }) { user { id } } }' }, 'obs-m-4');
      const text = (await scrape()).text;
      expect(text).toMatch(/^# TYPE hub_graphql_duration_seconds histogram$/m);
      expect(metric(text, 'hub_graphql_duration_seconds_count', { operation: 'query' })).toBeGreaterThanOrEqual(1);
      expect(metric(text, 'hub_graphql_duration_seconds_count', { operation: 'mutation' })).toBeGreaterThanOrEqual(1);
      expect(metric(text, 'hub_graphql_duration_seconds_bucket', { operation: 'query', le: '+Inf' })).toBe(metric(text, 'hub_graphql_duration_seconds_count', { operation: 'query' }));
      expect(metric(text, 'hub_graphql_duration_seconds_sum', { operation: 'query' })).toBeGreaterThan(0);
    });

    it('hub_graphql_errors_total{code} counts errors by code after they happen', async () => {
      const errors = (text: string, code: string) => metric(text, 'hub_graphql_errors_total', { code }) ?? 0;
      const start = (await scrape()).text;
      await gql(userToken, { query: '{ auditEvents(first: 1) { totalCount } }' }, 'obs-m-5');
      await gql(userToken, { query: '{ viewer { nosuchfield } }' }, 'obs-m-6');
      await gql(userToken, { query: '{ licenses(first: 1) { nodes { activationKey } } }' }, 'obs-m-7');
      await gql('nonsense', { query: '{ viewer { role } }' }, 'obs-m-8');
      const text = (await scrape()).text;
      expect(errors(text, 'FORBIDDEN') - errors(start, 'FORBIDDEN')).toBe(1);
      expect(errors(text, 'GRAPHQL_VALIDATION_FAILED') - errors(start, 'GRAPHQL_VALIDATION_FAILED')).toBe(1);
      expect(errors(text, 'INTERNAL_SERVER_ERROR') - errors(start, 'INTERNAL_SERVER_ERROR')).toBe(1);
      expect(errors(text, 'UNAUTHENTICATED') - errors(start, 'UNAUTHENTICATED')).toBe(1);
    });

    it("hub_transfer_gate_denials_total grows when admin@mumbai.example reads a customer's e-mail (gate denied)", async () => {
      const denials = (text: string) => metric(text, 'hub_transfer_gate_denials_total') ?? 0;
      const start = (await scrape()).text;
      expect(metric(start, 'hub_transfer_gate_denials_total')).toBeDefined();
      const r = await gql(mumbaiToken, { query: '{ customers(first: 1) { nodes { email users(first: 1) { nodes { email } } } } }' }, 'obs-m-9');
      expect(r.json.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain('TRANSFER_BASIS_REQUIRED');
      const text = (await scrape()).text;
      expect(denials(text) - denials(start)).toBeGreaterThanOrEqual(1);
      // An allowed read (rhein, EEA) adds none.
      await gql(userToken, { query: '{ customers(first: 1) { nodes { email } } }' }, 'obs-m-10');
      expect(denials((await scrape()).text)).toBe(denials(text));
    });

    it('hub_db_pool_connections reports the pool by state', async () => {
      const text = (await scrape()).text;
      const total = metric(text, 'hub_db_pool_connections', { state: 'total' });
      expect(total).toBeGreaterThanOrEqual(1);
      for (const state of ['idle', 'busy', 'waiting']) expect(metric(text, 'hub_db_pool_connections', { state })).toBeGreaterThanOrEqual(0);
      expect(metric(text, 'hub_db_pool_connections', { state: 'idle' })! + metric(text, 'hub_db_pool_connections', { state: 'busy' })!).toBe(total);
    });

    it('default process metrics are there (prefixed hub_)', async () => {
      const text = (await scrape()).text;
      for (const name of ['hub_process_cpu_user_seconds_total', 'hub_process_start_time_seconds', 'hub_nodejs_heap_size_used_bytes', 'hub_nodejs_eventloop_lag_seconds', 'hub_nodejs_version_info']) {
        expect({ name, present: new RegExp(`^${name}(\\{[^}]*\\})? `, 'm').test(text) }).toEqual({ name, present: true });
      }
      if (process.platform === 'linux') expect(metric(text, 'hub_process_resident_memory_bytes')).toBeGreaterThan(0);
      expect(text).toMatch(/^# TYPE hub_rate_limited_total counter$/m);
    });

    it('the metrics hold no token, key or personal value', async () => {
      const text = (await scrape()).text;
      for (const s of secrets) expect(text.includes(s) ? s : null).toBeNull();
      expect(text).not.toMatch(/@[a-z0-9-]+\.example/);
    });
  });
});

/**
 * Who may scrape /metrics: with METRICS_TOKEN only that bearer token; without one, anyone in
 * development and nobody in production (a hub does not publish its figures by default).
 */
describe(`GET /metrics access (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let db: TestDatabase;
  const hubs: Hub[] = [];
  const METRICS_TOKEN = 'scrape-me-0123456789abcdef';

  beforeAll(async () => {
    db = await seededDatabase('hardening_metrics_access');
  });
  afterAll(async () => {
    for (const h of hubs) await h.close().catch(() => undefined);
  });

  async function start(env: Record<string, string>): Promise<string> {
    const config = loadConfig({ ...db.env, LOG_LEVEL: 'silent', ...env });
    const hub = await createHub({ config, dataSource: db.dataSource, clock: () => NOW });
    hubs.push(hub);
    return `http://127.0.0.1:${await hub.listen(0)}`;
  }

  it('with METRICS_TOKEN: 401 without it or with another token, 200 with it', async () => {
    const url = await start({ METRICS_TOKEN });
    const none = await rawRequest(`${url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.json.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(none.text).not.toMatch(/hub_http_requests_total/);
    expect((await rawRequest(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}x` } })).status).toBe(401);
    expect((await rawRequest(`${url}/metrics`, { headers: { authorization: 'Bearer ' } })).status).toBe(401);
    const ok = await rawRequest(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.text).toMatch(/^# TYPE hub_http_requests_total counter$/m);
  });

  it('in production without METRICS_TOKEN: 403, and health stays open', async () => {
    const url = await start({
      NODE_ENV: 'production',
      TRUST_PROXY: 'true',
      DATABASE_URL: db.env.DATABASE_URL || 'mysql://unused@127.0.0.1:1/unused',
      JWT_SECRET: 'j'.repeat(40),
      SECRETS_KEY: 's'.repeat(40),
    });
    const https = { 'x-forwarded-proto': 'https' };
    const closed = await rawRequest(`${url}/metrics`, { headers: https });
    expect(closed.status).toBe(403);
    expect(closed.json.errors[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringMatching(/METRICS_TOKEN/) });
    expect((await rawRequest(`${url}/health`)).status).toBe(200);
  });

  it('refuses a METRICS_TOKEN shorter than 16 characters at startup', () => {
    expect(() => loadConfig({ ...db.env, METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
  });
});
