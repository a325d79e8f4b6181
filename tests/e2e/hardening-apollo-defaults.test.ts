import fs from 'node:fs';
import path from 'node:path';
import { PERSONAS } from '../../seeds/personas';
import { printHubSchema } from '../../src/schema';
import { ON_MYSQL } from '../helpers/database';
import { postGraphQL, rawRequest, RawResponse } from '../helpers/hardening';
import { Client, codes, TestHub } from '../helpers/hub';

/**
 * Apollo's defaults of issue #6, part 4, kept and proven over HTTP: CSRF prevention (a request
 * a browser could send cross-site without a preflight is refused), no mutations over GET, no
 * batched requests, and in production no introspection and no field suggestions unless
 * GRAPHQL_INTROSPECTION=true; integrators read the SDL in schema/schema.graphql instead
 * (its equality with the code is tests/unit/schema-drift.test.ts; checked here once more).
 */

const QUERY = '{ viewer { role } }';
const INTROSPECTION = '{ __schema { types { name } } }';
const TYPE_INTROSPECTION = '{ __type(name: "License") { fields { name } } }';
const MISSPELLED_ROOT = '{ viewr { role } }';
const MISSPELLED_FIELD = '{ viewer { rol } }';

/** Production settings as bypass.test.ts starts them: behind a TLS-terminating proxy. */
const production = (databaseUrl: string | undefined, extra: NodeJS.ProcessEnv = {}) => ({
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  TRUST_PROXY: 'true',
  JWT_SECRET: 'x'.repeat(40),
  SECRETS_KEY: 'y'.repeat(40),
  DATABASE_URL: databaseUrl || 'mysql://placeholder@127.0.0.1:1/unused',
  ...extra,
});

describe(`Apollo's defaults (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let dev: TestHub;
  let token: string;

  beforeAll(async () => {
    dev = await TestHub.start('hardening_apollo');
    token = await dev.tokenFor(PERSONAS.distributors.rhein.admin);
  });
  afterAll(() => dev?.close());

  const auth = () => ({ authorization: `Bearer ${token}` });
  const get = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    rawRequest(`${dev.url}/graphql?${new URLSearchParams(params).toString()}`, { method: 'GET', headers: { ...auth(), ...headers } });
  const post = (body: string, contentType: string) => rawRequest(`${dev.url}/graphql`, { method: 'POST', headers: { ...auth(), 'content-type': contentType }, body });

  /** A refusal by Apollo: the status, a JSON body with errors and no data, or Apollo's plain-text message. */
  function expectRefused(r: RawResponse, status: number, message: RegExp): void {
    expect({ status: r.status, text: r.text.slice(0, 300) }).toEqual({ status, text: expect.stringMatching(message) });
    expect(r.text).not.toContain('"role"');
    expect(r.text).not.toContain('DISTRIBUTOR_ADMIN');
  }

  describe('CSRF prevention', () => {
    it('a plain GET query with a bearer token (curl -G, no preflight header) → 200 with data: Authorization is not CORS-safelisted, so a browser cannot forge it cross-site', async () => {
      const r = await get({ query: QUERY });
      expect({ status: r.status, json: r.json }).toEqual({ status: 200, json: { data: { viewer: { role: 'DISTRIBUTOR_ADMIN' } } } });
    });

    it('a GET without Authorization and without a preflight header (what a cross-site <img> or link sends) → 401, no data', async () => {
      const r = await rawRequest(`${dev.url}/graphql?${new URLSearchParams({ query: QUERY }).toString()}`, { method: 'GET', headers: {} });
      expect(r.status).toBe(401);
      expect(r.text).not.toContain('"role"');
      expect(r.text).not.toContain('DISTRIBUTOR_ADMIN');
    });

    it('a POST with content-type text/plain → 400', async () => {
      expectRefused(await post(JSON.stringify({ query: QUERY }), 'text/plain'), 400, /Cross-Site Request Forgery|CSRF/i);
    });

    it('a form POST (application/x-www-form-urlencoded, and multipart/form-data) → 400', async () => {
      expectRefused(await post(new URLSearchParams({ query: QUERY }).toString(), 'application/x-www-form-urlencoded'), 400, /Cross-Site Request Forgery|CSRF/i);
      expectRefused(await post(`--b\r\ncontent-disposition: form-data; name="query"\r\n\r\n${QUERY}\r\n--b--\r\n`, 'multipart/form-data; boundary=b'), 400, /Cross-Site Request Forgery|CSRF/i);
    });

    it('a POST without any content-type → 400', async () => {
      const r = await rawRequest(`${dev.url}/graphql`, { method: 'POST', headers: auth(), body: JSON.stringify({ query: QUERY }) });
      expectRefused(r, 400, /Cross-Site Request Forgery|CSRF/i);
    });

    it('a GET with apollo-require-preflight: true, or with x-apollo-operation-name → 200 with data', async () => {
      for (const headers of [{ 'apollo-require-preflight': 'true' }, { 'x-apollo-operation-name': 'Viewer' }] as Record<string, string>[]) {
        const r = await get({ query: 'query Viewer { viewer { role } }' }, headers);
        expect({ headers, status: r.status }).toEqual({ headers, status: 200 });
        expect(r.json).toEqual({ data: { viewer: { role: 'DISTRIBUTOR_ADMIN' } } });
      }
    });

    it('a JSON POST (what every integrator sends) → 200', async () => {
      const r = await postGraphQL(dev.url, token, { query: QUERY });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ data: { viewer: { role: 'DISTRIBUTOR_ADMIN' } } });
    });
  });

  it('a mutation over GET → 405 (with the preflight header, and with only the bearer token), and nothing changes', async () => {
    const mutation = `mutation { updateMyProfile(input: { name: "Changed Over GET" }) { user { name } } }`;
    for (const headers of [{ 'apollo-require-preflight': 'true' }, {}] as Record<string, string>[]) {
      const r = await get({ query: mutation }, headers);
      expectRefused(r, 405, /GET|mutation/i);
      expect(r.headers.allow ?? '').toMatch(/POST/);
    }
    const me = await new Client(dev.url, token).data(`{ viewer { user { name } } }`);
    expect(me.viewer.user.name).not.toBe('Changed Over GET');
  });

  it('a batched request (a JSON array body) → 400: batching is off', async () => {
    const r = await post(JSON.stringify([{ query: QUERY }, { query: '{ viewer { organization { name } } }' }]), 'application/json');
    expectRefused(r, 400, /batch/i);
  });

  it('in development, introspection answers and validation errors suggest fields ("Did you mean")', async () => {
    const client = new Client(dev.url, token);
    const schema = await client.gql(INTROSPECTION);
    expect(schema.status).toBe(200);
    expect(schema.body.data.__schema.types.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['Query', 'Mutation', 'License', 'PortalUser']));
    const misspelled = await client.gql(MISSPELLED_FIELD);
    expect(codes(misspelled)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(JSON.stringify(misspelled.body)).toMatch(/Did you mean/);
  });

  describe('with NODE_ENV=production', () => {
    let prod: TestHub;
    let client: Client;

    beforeAll(async () => {
      prod = await TestHub.start('hardening_apollo_production', production(dev.env.DATABASE_URL));
      client = await prod.as(PERSONAS.distributors.rhein.admin);
    });
    afterAll(() => prod?.close());

    it('introspection is refused (__schema and __type): 400 GRAPHQL_VALIDATION_FAILED, no schema in the answer', async () => {
      expect(prod.config.nodeEnv).toBe('production');
      expect(prod.config.introspection).toBe(false);
      for (const query of [INTROSPECTION, TYPE_INTROSPECTION]) {
        const r = await client.gql(query);
        expect({ query, status: r.status, codes: codes(r) }).toEqual({ query, status: 400, codes: ['GRAPHQL_VALIDATION_FAILED'] });
        expect(r.body.data).toBeUndefined();
        expect(JSON.stringify(r.body)).not.toMatch(/PortalUser|activationKey/);
      }
    });

    it('validation errors carry no "Did you mean" suggestion', async () => {
      for (const query of [MISSPELLED_ROOT, MISSPELLED_FIELD, '{ viewer { organization { nam } } }']) {
        const r = await client.gql(query);
        expect({ query, status: r.status, codes: codes(r) }).toEqual({ query, status: 400, codes: ['GRAPHQL_VALIDATION_FAILED'] });
        expect(JSON.stringify(r.body)).not.toMatch(/Did you mean/i);
        expect(JSON.stringify(r.body)).not.toMatch(/"viewer"|"role"|"name"/);
      }
    });

    it('__typename still answers (it is not introspection of the schema)', async () => {
      const r = await client.gql('{ __typename viewer { __typename role } }');
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual({ __typename: 'Query', viewer: { __typename: 'Viewer', role: 'DISTRIBUTOR_ADMIN' } });
    });

    it('CSRF prevention (a GET with a bearer token passes), the GET rule for mutations and the batch rule hold in production too', async () => {
      const headers = { authorization: `Bearer ${client.token}`, ...prod.defaultHeaders() };
      const getWithToken = await rawRequest(`${prod.url}/graphql?${new URLSearchParams({ query: QUERY }).toString()}`, { headers });
      expect(getWithToken.status).toBe(200);
      const textPlain = await rawRequest(`${prod.url}/graphql`, { method: 'POST', headers: { ...headers, 'content-type': 'text/plain' }, body: JSON.stringify({ query: QUERY }) });
      expect(textPlain.status).toBe(400);
      const mutation = await rawRequest(`${prod.url}/graphql?${new URLSearchParams({ query: 'mutation { updateMyProfile(input: { name: "x" }) { user { id } } }' }).toString()}`, {
        headers: { ...headers, 'apollo-require-preflight': 'true' },
      });
      expect(mutation.status).toBe(405);
      const batch = await rawRequest(`${prod.url}/graphql`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify([{ query: QUERY }]) });
      expect(batch.status).toBe(400);
    });
  });

  describe('with NODE_ENV=production and GRAPHQL_INTROSPECTION=true', () => {
    let prod: TestHub;
    beforeAll(async () => {
      prod = await TestHub.start('hardening_apollo_introspection', production(dev.env.DATABASE_URL, { GRAPHQL_INTROSPECTION: 'true' }));
    });
    afterAll(() => prod?.close());

    it('introspection answers', async () => {
      expect(prod.config.nodeEnv).toBe('production');
      const client = await prod.as(PERSONAS.distributors.rhein.admin);
      const r = await client.gql(INTROSPECTION);
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.__schema.types.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['Query', 'Mutation', 'License', 'PortalUser']));
      const type = await client.gql(TYPE_INTROSPECTION);
      expect(type.body.data.__type.fields.map((f: { name: string }) => f.name)).toContain('activationKey');
    });
  });

  it('the SDL is published for integrators: schema/schema.graphql is the schema the hub serves', () => {
    const file = path.join(__dirname, '..', '..', '..', 'schema', 'schema.graphql');
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe(printHubSchema());
  });
});
