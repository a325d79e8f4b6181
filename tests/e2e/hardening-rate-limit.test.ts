import Redis from 'ioredis';
import { PERSONAS, userId } from '../../seeds/personas';
import { ApiKey } from '../../src/modules/api-key/api-key.entity';
import { createApiKey, StoredApiKey } from '../helpers/api-keys';
import { gid } from '../helpers/authz';
import { ON_MYSQL } from '../helpers/database';
import { ensureRedisSync, REDIS_URL, sleep } from '../helpers/hardening';
import { Client, codes, GraphQLResponse, TestHub } from '../helpers/hub';

/**
 * Rate limits of issue #6, part 2: points per actor (a user or an API key) and window,
 * GitHub-style (a query costs its node estimate / 100, at least 1; a mutation 5); 5,000 points
 * per hour by default (RATE_LIMIT_POINTS, RATE_LIMIT_WINDOW_SECONDS); X-RateLimit-Limit,
 * -Remaining and -Reset on every response; over the limit HTTP 429, code RATE_LIMITED and
 * Retry-After. In memory by default, shared by every instance through Redis with REDIS_URL.
 */

const SMALL = `{ viewer { role } }`;
/** Node estimate 100 (one connection of 100): costs 1. */
const HUNDRED = `{ licenses(first: 100) { nodes { seats } } }`;
/** Node estimate 100 × (1 + 2) = 300: costs 3. */
const THREE_HUNDRED = `{ licenses(first: 100) { nodes { activations(first: 2) { nodes { id } } } } }`;
/** The README's distributor dashboard: 50 × (1 + 5 + 20 × (1 + 20)) = 21,300 nodes: costs 213. */
const DASHBOARD =
  '{ viewer { role organization { name transferBasis { allowed basis reason } } } customers(first: 50) { totalCount nodes { name users(first: 5) { nodes { name email } } licenses(first: 20) { nodes { status seats seatsUsed product { sku } activations { nodes { computer { os } } } } } } } }';
/** A mutation costs 5 plus its payload's node estimate / 100; this one rewrites the caller's own name unchanged (payload estimate 0). */
const MUTATION = `mutation($name: String) { updateMyProfile(input: { name: $name }) { user { id } } }`;
/** The same mutation carrying a read: 100 × (1 + 100) = 10,100 nodes in its payload, 101 points. */
const MUTATION_WITH_READ = `mutation($name: String) { updateMyProfile(input: { name: $name }) { user { organization { licenses(first: 100) { nodes { activations(first: 100) { totalCount } } } } } } }`;

interface RateHeaders {
  limit: number;
  remaining: number;
  reset: number;
  retryAfter: number | undefined;
}

/** The rate headers of a response; a missing one fails the test with the response shown. */
function rate(r: GraphQLResponse): RateHeaders {
  const get = (name: string) => r.headers.get(name);
  const shown = `HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`;
  for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
    if (get(name) === null) throw new Error(`${name} missing on ${shown}`);
    if (!/^\d+$/.test(get(name)!)) throw new Error(`${name} is not a non-negative integer (${get(name)}) on ${shown}`);
  }
  const retry = get('retry-after');
  return { limit: Number(get('x-ratelimit-limit')), remaining: Number(get('x-ratelimit-remaining')), reset: Number(get('x-ratelimit-reset')), retryAfter: retry === null ? undefined : Number(retry) };
}

/** The points a request cost, read from X-RateLimit-Remaining before and after. */
async function cost(client: Client, query: string, variables?: Record<string, unknown>): Promise<number> {
  const before = rate(await client.gql(SMALL)).remaining; // itself 1 point
  const r = await client.gql(query, variables);
  expect(r.status).toBe(200);
  return before - rate(r).remaining;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe(`rate limits, in memory (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let limited: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start('hardening_rate');
    limited = await TestHub.start('hardening_rate_limited', { RATE_LIMIT_POINTS: '10', RATE_LIMIT_WINDOW_SECONDS: '60' });
  });
  afterAll(async () => {
    await hub?.close();
    await limited?.close();
  });

  it('by default the budget is 5,000 points per hour: X-RateLimit-Limit 5000, Remaining 4999 after the first small query, Reset within the hour', async () => {
    const client = await hub.as(PERSONAS.distributors.alpen.admin);
    const r = await client.gql(SMALL);
    expect(r.status).toBe(200);
    const h = rate(r);
    expect(h.limit).toBe(5000);
    expect(h.remaining).toBe(4999);
    expect(h.reset).toBeGreaterThanOrEqual(nowSeconds());
    expect(h.reset).toBeLessThanOrEqual(nowSeconds() + 3600 + 1);
    expect(h.reset).toBeGreaterThan(nowSeconds() + 3600 - 60);
    expect(h.retryAfter).toBeUndefined();
  });

  it('every GraphQL response of an authenticated actor carries X-RateLimit-Limit, -Remaining and -Reset: data, field errors, mutations, validation and parse errors, limits exceeded', async () => {
    const client = await hub.as(PERSONAS.distributors.liberty.admin);
    const cases: [string, GraphQLResponse][] = [
      ['a query', await client.gql(SMALL)],
      ['a query with a FORBIDDEN field', await client.gql(`{ auditEvents(first: 1) { totalCount } }`)],
      ['a mutation', await client.gql(MUTATION, { name: 'Liberty Admin' })],
      ['a validation error', await client.gql(`{ viewer { nosuchfield } }`)],
      ['a query with wrong variables', await client.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: { not: 'a list' } })],
      ['a parse error', await client.gql(`{ viewer { role `)],
      [
        'a query over the node estimate (QUERY_TOO_COMPLEX)',
        await client.gql(`{ ${[0, 1, 2, 3, 4, 5].map((i) => `o${i}: organizations(first: 100) { nodes { customers(first: 100) { totalCount } } }`).join(' ')} }`),
      ],
    ];
    const missing: string[] = [];
    for (const [what, r] of cases) {
      for (const name of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) {
        if (r.headers.get(name) === null) missing.push(`${name} on ${what} (HTTP ${r.status}, ${codes(r).join(',') || 'no error'})`);
      }
    }
    expect(missing).toEqual([]);
    // The limit and the window are the same on all of them.
    const limits = new Set(cases.map(([, r]) => r.headers.get('x-ratelimit-limit')));
    expect([...limits]).toEqual(['5000']);
  });

  it('costs are GitHub-style: a small query 1, a node estimate of 100 is 1, of 300 is 3, a mutation 5, the dashboard query (21,300 nodes) 213', async () => {
    const client = await hub.as(PERSONAS.distributors.rhein.admin);
    expect(await cost(client, SMALL)).toBe(1);
    expect(await cost(client, HUNDRED)).toBe(1);
    expect(await cost(client, THREE_HUNDRED)).toBe(3);
    expect(await cost(client, MUTATION, { name: 'Rhein Admin' })).toBe(5);
    expect(await cost(client, DASHBOARD)).toBe(213);
  });

  it('a mutation costs 5 plus the read of its payload selection: 5 + 10,100 nodes / 100 = 106', async () => {
    const client = await hub.as(PERSONAS.distributors.rhein.user);
    expect(await cost(client, MUTATION_WITH_READ, { name: 'Rhein User' })).toBe(106);
  });

  it("the budget is per actor: two users have their own, and an API key has its own apart from its organization's users", async () => {
    const a = await hub.as(PERSONAS.distributors.vigilancia.admin);
    const b = await hub.as(PERSONAS.distributors.vigilancia.user);
    const key = await createApiKey(hub.dataSource, { org: 'vigilancia', scopes: ['licenses:read'] });
    const k = hub.withToken(key.secret);

    const a1 = rate(await a.gql(DASHBOARD));
    expect(a1.remaining).toBe(5000 - 213);
    const a2 = rate(await a.gql(DASHBOARD));
    expect(a2.remaining).toBe(5000 - 426);

    const b1 = await b.gql(SMALL);
    expect(b1.status).toBe(200);
    expect(rate(b1).remaining).toBe(4999);

    const k1 = await k.gql(`{ licenses(first: 1) { totalCount } }`);
    expect(k1.status).toBe(200);
    expect(rate(k1).remaining).toBe(4999);
    expect(rate(await k.gql(`{ licenses(first: 1) { totalCount } }`)).remaining).toBe(4998);

    // And spending by the others did not touch the first user's budget.
    expect(rate(await a.gql(SMALL)).remaining).toBe(5000 - 426 - 1);
  });

  it('RATE_LIMIT_POINTS and RATE_LIMIT_WINDOW_SECONDS set the budget: Limit 10, Reset within 60 s', async () => {
    const client = await limited.as(PERSONAS.distributors.rhein.admin);
    const h = rate(await client.gql(SMALL));
    expect(h.limit).toBe(10);
    expect(h.remaining).toBe(9);
    expect(h.reset).toBeGreaterThanOrEqual(nowSeconds());
    expect(h.reset).toBeLessThanOrEqual(nowSeconds() + 60 + 1);
  });

  it('over the limit: HTTP 429, code RATE_LIMITED, Retry-After in seconds, Remaining 0, no data; the next actor is still served', async () => {
    const client = await limited.as(PERSONAS.distributors.lioncity.admin);
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await client.gql(SMALL);
      expect(r.status).toBe(200);
      seen.push(rate(r).remaining);
    }
    expect(seen).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);

    const over = await client.gql(SMALL);
    expect(over.status).toBe(429);
    expect(codes(over)).toEqual(['RATE_LIMITED']);
    expect(over.body.data).toBeUndefined();
    expect(over.body.errors![0].message).toMatch(/rate limit of 10 points per 60 s/);
    const h = rate(over);
    expect(h.limit).toBe(10);
    expect(h.remaining).toBe(0);
    expect(h.retryAfter).toBeGreaterThanOrEqual(1);
    expect(h.retryAfter).toBeLessThanOrEqual(60);
    expect(Math.abs(h.reset - nowSeconds() - h.retryAfter!)).toBeLessThanOrEqual(2);

    // A mutation is refused as well, and before it runs: the name is not changed.
    const mutation = await client.gql(MUTATION, { name: 'Changed While Over The Limit' });
    expect(mutation.status).toBe(429);
    expect(codes(mutation)).toEqual(['RATE_LIMITED']);
    const other = await limited.as(PERSONAS.distributors.lioncity.user);
    const profile = await other.gql(SMALL);
    expect(profile.status).toBe(200);
    expect(rate(profile).remaining).toBe(9);
    const vendor = await limited.as(PERSONAS.vendorAdmin);
    const user = await vendor.data(`query($id: ID!) { node(id: $id) { ... on PortalUser { name } } }`, { id: gid('PortalUser', userId(PERSONAS.distributors.lioncity.admin)) });
    expect(user.node.name).toEqual(expect.any(String));
    expect(user.node.name).not.toBe('Changed While Over The Limit');
  });

  it('a query that costs more than what is left is refused as a whole (429) and costs nothing: the smaller ones are still allowed', async () => {
    const client = await limited.as(PERSONAS.distributors.gulf.admin);
    expect(rate(await client.gql(MUTATION, { name: 'Gulf Admin' })).remaining).toBe(5);
    const big = await client.gql(THREE_HUNDRED.replace('first: 2', 'first: 9')); // 100 × 10 = 1,000 nodes: 10 points
    expect(big.status).toBe(429);
    expect(codes(big)).toEqual(['RATE_LIMITED']);
    expect(big.body.data).toBeUndefined();
    expect(rate(big)).toMatchObject({ limit: 10, remaining: 5 });
    expect(rate(big).retryAfter).toBeGreaterThanOrEqual(1);
    // Refused again: still nothing spent; the five points left serve five small queries.
    expect((await client.gql(THREE_HUNDRED.replace('first: 2', 'first: 9'))).status).toBe(429);
    const left: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await client.gql(SMALL);
      expect(r.status).toBe(200);
      left.push(rate(r).remaining);
    }
    expect(left).toEqual([4, 3, 2, 1, 0]);
  });

  it('a query that costs more than the whole budget is HTTP 400 QUERY_TOO_COMPLEX with the cost and the budget (it could never run), not a wait', async () => {
    const client = await limited.as(PERSONAS.distributors.andes.admin);
    const fits = await client.gql(THREE_HUNDRED.replace('first: 2', 'first: 9')); // 10 points: the whole budget
    expect(fits.status).toBe(200);
    expect(rate(fits).remaining).toBe(0);
    const fresh = await limited.as(PERSONAS.distributors.andes.user);
    const over = await fresh.gql(THREE_HUNDRED.replace('first: 2', 'first: 10')); // 100 × 11 = 1,100 nodes: 11 points
    expect({ status: over.status, codes: codes(over), data: over.body.data }).toEqual({ status: 400, codes: ['QUERY_TOO_COMPLEX'], data: undefined });
    expect(over.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', max: 10, actual: 11 });
    expect(over.body.errors![0].message).toMatch(/cost of 11 points exceeds the whole rate-limit budget of 10 points per 60 s/);
    expect(rate(over)).toMatchObject({ limit: 10, remaining: 9, retryAfter: undefined }); // refused like any limit: 1 point
    // A mutation whose payload costs more than the budget: refused before it runs.
    const mutation = await fresh.gql(MUTATION_WITH_READ, { name: 'Changed Over Budget' });
    expect(mutation.status).toBe(400);
    expect(mutation.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', max: 10, actual: 106 });
  });

  it('after the window the budget is back (RATE_LIMIT_WINDOW_SECONDS=1)', async () => {
    const short = await TestHub.start('hardening_rate_window', { RATE_LIMIT_POINTS: '2', RATE_LIMIT_WINDOW_SECONDS: '1' });
    try {
      const client = await short.as(PERSONAS.distributors.rhein.user);
      expect((await client.gql(SMALL)).status).toBe(200);
      expect((await client.gql(SMALL)).status).toBe(200);
      const over = await client.gql(SMALL);
      expect(over.status).toBe(429);
      expect(rate(over).retryAfter).toBe(1);
      await sleep(1100);
      const again = await client.gql(SMALL);
      expect(again.status).toBe(200);
      expect(rate(again).remaining).toBe(1);
    } finally {
      await short.close();
    }
  });
});

// -------------------------------------------------------------------------------------------
// Failed authentication, per client address.

describe(`failed authentications per client address (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  const BAD_KEY = `mbxk_${'0'.repeat(43)}`;

  it('AUTH_FAILURE_LIMIT=3: three failures are 401, then the address gets 429 RATE_LIMITED with Retry-After, whatever its credential', async () => {
    const hub = await TestHub.start('hardening_auth_failures', { AUTH_FAILURE_LIMIT: '3', AUTH_FAILURE_WINDOW_SECONDS: '60' });
    try {
      const good = await hub.as(PERSONAS.vendorAdmin);
      const bad = hub.withToken(BAD_KEY);
      for (let i = 0; i < 3; i++) {
        const r = await bad.gql(SMALL);
        expect({ status: r.status, codes: codes(r) }).toEqual({ status: 401, codes: ['UNAUTHENTICATED'] });
      }
      for (const client of [bad, hub.withToken(null), good]) {
        const r = await client.gql(SMALL);
        expect({ status: r.status, codes: codes(r), data: r.body.data }).toEqual({ status: 429, codes: ['RATE_LIMITED'], data: undefined });
        expect(r.body.errors![0].message).toMatch(/too many failed authentications from this address; retry after \d+ s/);
        const retry = Number(r.headers.get('retry-after'));
        expect(retry).toBeGreaterThanOrEqual(1);
        expect(retry).toBeLessThanOrEqual(60);
      }
    } finally {
      await hub.close();
    }
  });

  it('successful requests cost nothing: 30 of them, then three failures are still answered 401', async () => {
    const hub = await TestHub.start('hardening_auth_successes', { AUTH_FAILURE_LIMIT: '3' });
    try {
      const good = await hub.as(PERSONAS.vendorAdmin);
      for (let i = 0; i < 30; i++) expect((await good.gql(SMALL)).status).toBe(200);
      for (let i = 0; i < 3; i++) expect((await hub.withToken(BAD_KEY).gql(SMALL)).status).toBe(401);
      expect((await hub.withToken(BAD_KEY).gql(SMALL)).status).toBe(429);
    } finally {
      await hub.close();
    }
  });

  it('behind a trusted proxy (TRUST_PROXY=true) the address is the right-most X-Forwarded-For entry: entries a client writes to its left do not make a new address', async () => {
    const hub = await TestHub.start('hardening_auth_proxy', { AUTH_FAILURE_LIMIT: '2', TRUST_PROXY: 'true' });
    try {
      const from = (forwardedFor: string) => hub.withToken(BAD_KEY).gql(SMALL, undefined, { 'x-forwarded-for': forwardedFor });
      expect((await from('198.51.100.1, 203.0.113.7')).status).toBe(401);
      expect((await from('198.51.100.2, 203.0.113.7')).status).toBe(401);
      expect((await from('198.51.100.3, 203.0.113.7')).status).toBe(429);
      // Another client address behind the same proxy is not affected.
      expect((await from('203.0.113.8')).status).toBe(401);
      const good = await hub.as(PERSONAS.vendorAdmin);
      expect((await good.gql(SMALL, undefined, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(200);
    } finally {
      await hub.close();
    }
  });
});

// -------------------------------------------------------------------------------------------
// Redis: one budget for every instance.

const redisUnavailable = ensureRedisSync(REDIS_URL);
const describeRedis = redisUnavailable ? describe.skip : describe;
if (redisUnavailable) {
  // eslint-disable-next-line no-console
  console.warn(`hardening-rate-limit: the Redis tests are skipped: ${redisUnavailable}`);
}

describeRedis(`rate limits shared through Redis at ${REDIS_URL} (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let a: TestHub;
  let b: TestHub;
  let redis: Redis;
  /** Redis keys this file wrote: deleted at the end (other runs and instances keep theirs). */
  const written: string[] = [];

  beforeAll(async () => {
    const env = { REDIS_URL, RATE_LIMIT_POINTS: '20', RATE_LIMIT_WINDOW_SECONDS: '600' };
    a = await TestHub.start('hardening_rate_redis_a', env);
    b = await TestHub.start('hardening_rate_redis_b', env);
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    if (written.length) await redis?.del(...written);
    redis?.disconnect();
    await a?.close();
    await b?.close();
  });

  /**
   * The same API key (same id, same secret) in the databases of both hubs, as when two
   * instances share one database. Its id is new on every run, so its Redis key is unused.
   */
  async function sharedKey(): Promise<StoredApiKey> {
    const stored = await createApiKey(a.dataSource, { org: 'rhein', scopes: ['licenses:read'] });
    await b.dataSource.getRepository(ApiKey).insert({ ...stored.key });
    written.push(`hub-rate:API_KEY:${stored.key.id}`);
    return stored;
  }

  const QUERY = `{ licenses(first: 1) { totalCount } }`;

  it('spending on hub A lowers Remaining on hub B (an API key)', async () => {
    const key = await sharedKey();
    const onA = a.withToken(key.secret);
    const onB = b.withToken(key.secret);
    const r1 = await onA.gql(QUERY);
    expect(r1.status).toBe(200);
    expect(rate(r1)).toMatchObject({ limit: 20, remaining: 19 });
    expect(rate(await onB.gql(QUERY)).remaining).toBe(18);
    expect(rate(await onA.gql(MUTATION, { name: 'x' })).remaining).toBe(13); // refused by the policy, but charged: 5
    expect(rate(await onB.gql(QUERY)).remaining).toBe(12);
    // The budget lives in Redis, under the actor.
    expect(Number(await redis.get(`hub-rate:API_KEY:${key.key.id}`))).toBe(8);
  });

  it('hub B refuses with 429 RATE_LIMITED and Retry-After when the budget was spent on hub A', async () => {
    const key = await sharedKey();
    const onA = a.withToken(key.secret);
    const onB = b.withToken(key.secret);
    for (let i = 0; i < 4; i++) expect((await onA.gql(MUTATION, { name: 'x' })).status).toBe(200);
    const spent = await onA.gql(QUERY);
    expect(spent.status).toBe(429);
    const refused = await onB.gql(QUERY);
    expect(refused.status).toBe(429);
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
    const h = rate(refused);
    expect(h).toMatchObject({ limit: 20, remaining: 0 });
    expect(h.retryAfter).toBeGreaterThanOrEqual(1);
    expect(h.retryAfter).toBeLessThanOrEqual(600);
  });

  it('failed authentications on hub A count on hub B (per client address, in Redis)', async () => {
    const env = { REDIS_URL, AUTH_FAILURE_LIMIT: '3', AUTH_FAILURE_WINDOW_SECONDS: '60', TRUST_PROXY: 'true' };
    const c = await TestHub.start('hardening_auth_redis_c', env);
    const d = await TestHub.start('hardening_auth_redis_d', env);
    try {
      // An address of its own for this run (the key lives in Redis for the window).
      const address = `198.18.${process.pid % 250}.${Date.now() % 250}`;
      written.push(`hub-auth-fail:${address}`);
      await redis.del(`hub-auth-fail:${address}`);
      const bad = (hub: TestHub) => hub.withToken(`mbxk_${'1'.repeat(43)}`).gql(SMALL, undefined, { 'x-forwarded-for': address });
      expect((await bad(c)).status).toBe(401);
      expect((await bad(d)).status).toBe(401);
      expect((await bad(c)).status).toBe(401);
      const refused = await bad(d); // the fourth failure of the address, on the other instance
      expect(refused.status).toBe(429);
      expect(codes(refused)).toEqual(['RATE_LIMITED']);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(await redis.get(`hub-auth-fail:${address}`))).toBe(4);
    } finally {
      await c.close();
      await d.close();
    }
  });

  it('a user (the same id on both instances) shares one budget too, and other actors are not touched', async () => {
    const email = PERSONAS.distributors.alpen.user;
    const userKey = `hub-rate:USER:${userId(email)}`;
    written.push(userKey);
    await redis.del(userKey); // left by an earlier run of this file within the window
    const onA = await a.as(email);
    const onB = await b.as(email);
    expect(rate(await onA.gql(DASHBOARD.replace('customers(first: 50)', 'customers(first: 1)'))).remaining).toBe(20 - 5); // 1 × (1 + 5 + 20 × 21) = 426 nodes: 5 points
    expect(rate(await onB.gql(SMALL)).remaining).toBe(14);
    for (let i = 0; i < 14; i++) await onA.gql(SMALL);
    const refused = await onB.gql(SMALL);
    expect(refused.status).toBe(429);
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
    const otherKey = await sharedKey();
    const other = await b.withToken(otherKey.secret).gql(QUERY);
    expect(other.status).toBe(200);
    expect(rate(other).remaining).toBe(19);
  });
});
