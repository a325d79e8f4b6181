import { orgId, PERSONAS } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { AnswerCost, Client, GraphQLResponse, TestHub } from '../helpers/hub';

/**
 * The cost of a request visible before the 429 (issue #13): Query.rateLimit { cost limit
 * remaining resetAt } (asking for it adds nothing) and extensions.cost on every answer of an
 * authenticated actor, refusals included, agreeing with the X-RateLimit-* headers.
 */

/** Node estimate 100 × (1 + 2) = 300: costs 3. */
const THREE_HUNDRED = `{ licenses(first: 100) { nodes { activations(first: 2) { nodes { id } } } } }`;
const THREE_HUNDRED_WITH_RATE = `{ rateLimit { cost limit remaining resetAt } licenses(first: 100) { nodes { activations(first: 2) { nodes { id } } } } }`;
const RATE = `{ rateLimit { cost limit remaining resetAt } }`;

function headers(r: GraphQLResponse) {
  return { limit: Number(r.headers.get('x-ratelimit-limit')), remaining: Number(r.headers.get('x-ratelimit-remaining')), reset: Number(r.headers.get('x-ratelimit-reset')) };
}

/** extensions.cost as the answer carried it (the client helper takes it out of the body into `cost`). */
function costOf(r: GraphQLResponse): AnswerCost | undefined {
  return r.cost;
}

describe(`Rate limit cost: Query.rateLimit and extensions.cost (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let vendor: Client;

  beforeAll(async () => {
    hub = await TestHub.start('rate_limit_cost', { RATE_LIMIT_POINTS: '20', RATE_LIMIT_WINDOW_SECONDS: '3600' });
    vendor = await hub.as(PERSONAS.vendorStaff);
  });
  afterAll(() => hub?.close());

  it('answers rateLimit with the cost of this request and the budget after it; selecting it adds nothing; extensions.cost says the same as the headers', async () => {
    const plain = await vendor.gql(THREE_HUNDRED);
    expect(plain.body.errors).toBeUndefined();
    expect(costOf(plain)).toEqual({ requestedQueryCost: 3, limit: 20, remaining: 17, resetAt: new Date(headers(plain).reset * 1000).toISOString() });
    expect(headers(plain)).toMatchObject({ limit: 20, remaining: 17 });

    const asked = await vendor.gql(THREE_HUNDRED_WITH_RATE);
    expect(asked.body.errors).toBeUndefined();
    expect(asked.body.data.rateLimit).toEqual({ cost: 3, limit: 20, remaining: 14, resetAt: new Date(headers(asked).reset * 1000).toISOString() });
    expect(costOf(asked)).toEqual({ requestedQueryCost: 3, limit: 20, remaining: 14, resetAt: asked.body.data.rateLimit.resetAt });

    const alone = await vendor.gql(RATE);
    expect(alone.body.data.rateLimit).toMatchObject({ cost: 1, limit: 20, remaining: 13 }); // every request costs at least 1 point
    expect(headers(alone).remaining).toBe(13);
  });

  it('carries extensions.cost on answers with errors, on refusals of the limits, and on the 429 (cost 0: a refused request costs nothing)', async () => {
    const key = hub.withToken((await createApiKey(hub.dataSource, { org: 'mobotix', scopes: ['licenses:read'] })).secret);
    const forbidden = await key.gql(`query($id: ID!) { rateLimit { remaining } node(id: $id) { ... on Organization { contracts { id } } } }`, { id: toGlobalId('Organization', orgId('mobotix')) });
    expect(forbidden.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(forbidden.body.data.rateLimit).toEqual({ remaining: 19 });
    expect(costOf(forbidden)).toMatchObject({ requestedQueryCost: 1, limit: 20, remaining: 19 });

    const tooDeep = await key.gql(`{ licenses(first: 100) { nodes { activations(first: 100) { nodes { license { activations(first: 100) { totalCount } } } } } } }`);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(costOf(tooDeep)).toMatchObject({ requestedQueryCost: 1, limit: 20, remaining: 18 });

    const big = await key.gql(`{ licenses(first: 100) { nodes { activations(first: 5) { nodes { id } } } } }`); // 600 nodes: 6 points
    expect(costOf(big)).toMatchObject({ requestedQueryCost: 6, remaining: 12 });
    await key.gql(`{ licenses(first: 100) { nodes { activations(first: 5) { nodes { id } } } } }`);
    const last = await key.gql(`{ licenses(first: 100) { nodes { activations(first: 5) { nodes { id } } } } }`);
    expect(costOf(last)).toMatchObject({ requestedQueryCost: 6, remaining: 0 });
    const refused = await key.gql(RATE);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(costOf(refused)).toEqual({ requestedQueryCost: 0, limit: 20, remaining: 0, resetAt: new Date(headers(refused).reset * 1000).toISOString() });
  });

  it('sends the cost in the answer itself, as extensions.cost beside data', async () => {
    const res = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${vendor.token}` },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    const body = (await res.json()) as { data: unknown; extensions: { cost: AnswerCost } };
    expect(body.data).toEqual({ viewer: { role: 'VENDOR_STAFF' } });
    expect(body.extensions.cost).toEqual({ requestedQueryCost: 1, limit: 20, remaining: Number(res.headers.get('x-ratelimit-remaining')), resetAt: expect.any(String) });
  });

  it('has no cost to tell before the caller is known (401)', async () => {
    const r = await hub.withToken('mbxk_not-a-key').gql(RATE);
    expect(r.status).toBe(401);
    expect([r.cost, r.body.extensions]).toEqual([undefined, undefined]);
  });
});
