import http from 'node:http';
import { PERSONAS } from '../../seeds/personas';
import { ON_MYSQL } from '../helpers/database';
import { Client, GraphQLResponse, TestHub } from '../helpers/hub';

/**
 * The static query limits of issue #6, part 1, over HTTP: every limit is checked before
 * execution and answered with HTTP 400, code QUERY_TOO_COMPLEX, the limit named and the
 * numbers (`extensions: { code, limit, max, actual }`), without data; a request body over
 * 100 KB is answered with HTTP 413, code QUERY_TOO_COMPLEX, limit maxBodyBytes.
 */

const MAX_BODY_BYTES = 100 * 1024;

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const chain = (k: number, leaf = 'name') => `${'distributors { '.repeat(k)}${leaf}${' }'.repeat(k)}`;
/** organization › distributors × (depth − 2) › name: exactly `depth` levels. */
const deepQuery = (depth: number) => `{ organization(id: "x") { ${chain(depth - 2)} } }`;
/** Exactly `n` tokens. */
/** n tokens: 18 of structure and a default list of n - 18 numbers (no repeated fields, aliases or directives). */
const tokenQuery = (n: number) => `query($x: [Int] = [${'1 '.repeat(n - 18)}]) { viewer { role } }`;
/** 5 × organizations(first: 100) › customers(first: 99) = 5 × (100 + 100 × 99) = 50,000 nodes. */
const FIFTY_THOUSAND = range(5)
  .map((i) => `o${i}: organizations(first: 100) { nodes { customers(first: 99) { totalCount } } }`)
  .join(' ');

/** The README's distributor dashboard query. */
const DASHBOARD =
  '{ viewer { role organization { name transferBasis { allowed basis reason } } } customers(first: 50) { totalCount nodes { name users(first: 5) { nodes { name email } } licenses(first: 20) { nodes { status seats seatsUsed product { sku } activations { nodes { computer { os } } } } } } } }';

describe(`query limits over HTTP (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;

  beforeAll(async () => {
    hub = await TestHub.start('query_limits');
    admin = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());

  /** A POST of raw bytes as the vendor admin. */
  async function post(body: string): Promise<GraphQLResponse> {
    const res = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` },
      body,
    });
    const text = await res.text();
    let parsed: GraphQLResponse['body'];
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`not JSON (HTTP ${res.status}): ${text.slice(0, 200)}`);
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  /** A POST as the vendor admin over node:http, written in chunks without a content-length (chunked encoding), on `agent`. */
  function postChunked(agent: http.Agent, chunks: string[]): Promise<{ status: number; body: GraphQLResponse['body'] }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${hub.url}/graphql`, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.token}` } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          } catch {
            reject(new Error(`not JSON (HTTP ${res.statusCode}): ${text.slice(0, 200)}`));
          }
        });
      });
      req.on('error', reject);
      req.setTimeout(3000, () => req.destroy(new Error('no answer within 3 s')));
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  }

  /** A JSON body of about 144 KB in 16 KB chunks. */
  const oversizedChunks = () => ['{"query":"{ viewer { role } }","variables":{"pad":"', ...range(9).map(() => 'x'.repeat(16 * 1024)), '"}}'];

  /** The one error of a rejection: HTTP 400, QUERY_TOO_COMPLEX, this limit and these numbers, no data. */
  function expectTooComplex(r: GraphQLResponse, limit: string, max: number, actual: number, message?: string): void {
    expect({ status: r.status, errors: r.body.errors?.length, data: r.body.data }).toEqual({ status: 400, errors: 1, data: undefined });
    const [error] = r.body.errors!;
    expect(error.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit, max, actual });
    expect(error.message).toContain(String(actual));
    expect(error.message).toContain(String(max));
    if (message) expect(error.message).toBe(message);
  }

  it('rejects a document over 15,000 characters (maxDocumentChars)', async () => {
    const query = `${' '.repeat(15001 - '{ viewer { role } }'.length)}{ viewer { role } }`;
    expect(query).toHaveLength(15001);
    expectTooComplex(await admin.gql(query), 'maxDocumentChars', 15000, 15001, 'query document of 15001 characters exceeds the limit of 15000');
  });

  it('rejects a document of more than 2,000 tokens (maxTokens)', async () => {
    expectTooComplex(await admin.gql(tokenQuery(2001)), 'maxTokens', 2000, 2001, 'query document of 2001 tokens exceeds the limit of 2000');
  });

  it('rejects a query deeper than 12 levels (maxDepth), fragments expanded', async () => {
    expectTooComplex(await admin.gql(deepQuery(13)), 'maxDepth', 12, 13, 'query depth 13 exceeds the limit of 12');
    const viaFragment = `{ organization(id: "x") { ...F } } fragment F on Organization { ${chain(11)} }`;
    expectTooComplex(await admin.gql(viaFragment), 'maxDepth', 12, 13);
  });

  it('rejects more than 20 aliases (maxAliases), __typename aliases included', async () => {
    const typenames = `{ ${range(21)
      .map((i) => `t${i}: __typename`)
      .join(' ')} }`;
    expectTooComplex(await admin.gql(typenames), 'maxAliases', 20, 21, 'query with 21 aliases exceeds the limit of 20');
  });

  it('rejects more than 10 directives (maxDirectives)', async () => {
    const query = `{ products { ${'id @include(if: true) sku @include(if: true) name @include(if: true) '.repeat(3)} licenseModel @include(if: true) licenseModel @include(if: true) } }`;
    expectTooComplex(await admin.gql(query), 'maxDirectives', 10, 11, 'query with 11 directives exceeds the limit of 10');
  });

  it('rejects an ids list over 100 (maxIds), literal or from variables', async () => {
    const ids = range(101).map((i) => `id-${i}`);
    expectTooComplex(await admin.gql('query Lookup($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids }), 'maxIds', 100, 101, 'ids list of 101 items exceeds the limit of 100');
    expectTooComplex(await admin.gql(`{ nodes(ids: ${JSON.stringify(ids)}) { id } }`), 'maxIds', 100, 101);
  });

  it('rejects a node estimate over 50,000 (maxNodes)', async () => {
    // 50,000 (see FIFTY_THOUSAND) + licenses(first: 1) = 50,001
    const r = await admin.gql(`{ ${FIFTY_THOUSAND} licenses(first: 1) { totalCount } }`);
    expectTooComplex(r, 'maxNodes', 50000, 50001, 'query node estimate 50001 exceeds the limit of 50000');
    const bomb = await admin.gql('{ organizations(first: 100) { nodes { customers(first: 100) { nodes { licenses(first: 100) { nodes { activations(first: 100) { totalCount } } } } } } } }');
    expectTooComplex(bomb, 'maxNodes', 50000, 100 + 100 ** 2 + 100 ** 3 + 100 ** 4);
  });

  it('answers a query of exactly 50,000 estimated nodes', async () => {
    const r = await admin.gql(`{ ${FIFTY_THOUSAND} }`);
    expect({ status: r.status, errors: r.body.errors }).toEqual({ status: 200, errors: undefined });
    expect(r.body.data.o0.nodes.length).toBeGreaterThan(0);
  });

  it('rejects over GET too (variables in the query string)', async () => {
    const ids = range(101).map((i) => `id-${i}`);
    const search = new URLSearchParams({ query: 'query Lookup($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: JSON.stringify({ ids }) });
    const res = await fetch(`${hub.url}/graphql?${search.toString()}`, { headers: { authorization: `Bearer ${admin.token}`, 'apollo-require-preflight': 'true' } });
    expectTooComplex({ status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse['body'] }, 'maxIds', 100, 101);
  });

  it('rejects a request body over 100 KB with 413 (maxBodyBytes), and answers one of exactly 100 KB', async () => {
    const bodyOf = (bytes: number) => {
      const shell = (pad: string) => JSON.stringify({ query: '{ viewer { role } }', variables: { pad } });
      const body = shell('x'.repeat(bytes - shell('').length));
      expect(Buffer.byteLength(body)).toBe(bytes);
      return body;
    };
    const over = await post(bodyOf(MAX_BODY_BYTES + 1));
    expect(over.status).toBe(413);
    expect(over.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxBodyBytes' });
    expect(over.body.data).toBeUndefined();

    const exactly = await post(bodyOf(MAX_BODY_BYTES));
    expect({ status: exactly.status, errors: exactly.body.errors, data: exactly.body.data }).toEqual({ status: 200, errors: undefined, data: { viewer: { role: 'VENDOR_ADMIN' } } });
  });

  it('rejects a chunked body over 100 KB that declares no length (413, maxBodyBytes)', async () => {
    const agent = new http.Agent({ keepAlive: false });
    try {
      const r = await postChunked(agent, oversizedChunks());
      expect(r.status).toBe(413);
      expect(r.body.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxBodyBytes' });
    } finally {
      agent.destroy();
    }
  });

  it('answers the next request on the same keep-alive connection after a 413 on a chunked body', async () => {
    // One socket only: the second request must go over the connection of the first (or a new
    // one, if the hub closed it with `connection: close`), and be answered, not hang and reset.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await postChunked(agent, oversizedChunks())).status).toBe(413);
      const next = await postChunked(agent, [JSON.stringify({ query: '{ viewer { role } }' })]);
      expect({ status: next.status, data: next.body.data }).toEqual({ status: 200, data: { viewer: { role: 'VENDOR_ADMIN' } } });
    } finally {
      agent.destroy();
    }
  });

  it('answers the seed dashboard query, for the distributor and for the vendor admin', async () => {
    const distributor = await hub.as('admin@vigilancia.example');
    for (const client of [distributor, admin]) {
      const r = await client.gql(DASHBOARD);
      expect({ status: r.status, errors: r.body.errors }).toEqual({ status: 200, errors: undefined });
      expect(r.body.data.customers.totalCount).toBeGreaterThan(0);
      expect(r.body.data.customers.nodes.length).toBe(Math.min(50, r.body.data.customers.totalCount));
    }
  });
});
