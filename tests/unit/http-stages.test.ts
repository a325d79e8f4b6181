import { HeaderMap } from '@apollo/server';
import { buildHubSchema } from '../../src/schema';
import { ErrorCode, DomainError } from '../../src/common/errors';
import { PersistedQueryStore } from '../../src/http/persisted-queries';
import { admit } from '../../src/http/stages/admit';
import { audit } from '../../src/http/stages/audit';
import { authenticate, AuthenticateDeps } from '../../src/http/stages/authenticate';
import { Exchange, newExchange, refusalBody } from '../../src/http/stages/exchange';
import { apolloRequest, execute } from '../../src/http/stages/execute';
import { limits } from '../../src/http/stages/limits';
import { MAX_BODY_BYTES, parse } from '../../src/http/stages/parse';
import { rate } from '../../src/http/stages/rate';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/observability/logger';

/**
 * The stages of /graphql (src/http/graphql-route.ts), each on its own: what it finds out, when it
 * refuses and with what. The e2e tests prove them together over HTTP and a real database; here
 * the neighbours of a stage are stand-ins, so each rule is seen in isolation.
 */
const exchange = (parts: Partial<Pick<Exchange, 'method' | 'headers' | 'search' | 'rawBody'>> = {}): Exchange =>
  newExchange({ requestId: 'req-1', clientRequestId: null, method: 'POST', headers: { 'content-type': 'application/json' }, search: '', address: '10.0.0.1', rawBody: undefined, ...parts });
const actor = { type: 'USER', id: 'u1' };
const config = loadConfig({ NODE_ENV: 'test' });
const logger = createLogger('silent');

describe('parse', () => {
  it('reads the GraphQL parameters of a JSON body', () => {
    const x = exchange({ rawBody: JSON.stringify({ query: '{ viewer { role } }', operationName: 'V', variables: { a: 1 } }) });
    expect(parse(x)).toBeUndefined();
    expect(x.params).toEqual({ query: '{ viewer { role } }', operationName: 'V', variables: { a: 1 } });
  });

  it('refuses a body that is not JSON with 400 BAD_REQUEST', () => {
    expect(parse(exchange({ rawBody: '{"query": ' }))).toEqual({ status: 400, code: 'BAD_REQUEST', message: 'request body is not valid JSON', extensions: undefined });
  });

  it('keeps a body of another type as text (Apollo refuses it as a CSRF risk), with no parameters', () => {
    const x = exchange({ headers: { 'content-type': 'text/plain' }, rawBody: '{"query":"{ viewer { role } }"}' });
    expect(parse(x)).toBeUndefined();
    expect([x.body, x.params]).toEqual(['{"query":"{ viewer { role } }"}', {}]);
  });

  it('reads a GET from the query string, and refuses variables that are not JSON', () => {
    const x = exchange({ method: 'GET', search: '?query=%7B%20viewer%20%7B%20role%20%7D%20%7D&variables=%7B%22a%22%3A1%7D' });
    expect(parse(x)).toBeUndefined();
    expect(x.params).toEqual({ query: '{ viewer { role } }', operationName: undefined, variables: { a: 1 } });
    expect(parse(exchange({ method: 'GET', search: '?query=x&extensions=nope' }))).toMatchObject({ status: 400, message: 'extensions is not valid JSON' });
  });

  it('names the body limit in bytes', () => {
    expect(MAX_BODY_BYTES).toBe(102_400);
  });
});

describe('authenticate', () => {
  const deps = (authenticate_: AuthenticateDeps['authenticator']['authenticate'], locked = 0, failedWait = 0) => {
    const counted: string[] = [];
    const d: AuthenticateDeps = {
      config,
      dataSource: {} as never,
      secrets: {} as never,
      clock: () => new Date('2026-11-27T12:00:00Z'),
      authenticator: { authenticate: authenticate_ },
      rateLimiter: { failedAuthentication: { retryAfter: () => locked, failed: async () => failedWait } as never },
      onRateLimited: () => counted.push('limited'),
      logger,
    };
    return { d, counted };
  };

  it('an address over its failed authentications: 429 with Retry-After, before the credential is looked at', async () => {
    let looked = false;
    const { d, counted } = deps(async () => ((looked = true), actor as never), 30);
    const x = exchange();
    expect(await authenticate(d)(x)).toMatchObject({ status: 429, code: ErrorCode.RATE_LIMITED });
    expect([looked, x.responseHeaders['retry-after'], counted]).toEqual([false, '30', ['limited']]);
  });

  it('a refused credential: 401 with its code and reason; the one that crosses the limit: 429', async () => {
    const refuse = async () => {
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'token expired');
    };
    expect(await authenticate(deps(refuse).d)(exchange())).toMatchObject({ status: 401, code: ErrorCode.UNAUTHENTICATED, message: 'token expired' });
    expect(await authenticate(deps(refuse, 0, 60).d)(exchange())).toMatchObject({ status: 429, code: ErrorCode.RATE_LIMITED });
  });

  it('an authentication that fails unexpectedly (the database): 503 naming the request, no reason', async () => {
    const r = await authenticate(deps(async () => Promise.reject(new Error('ECONNREFUSED 10.0.0.5'))).d)(exchange());
    expect(r).toEqual({ status: 503, code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Service unavailable (request req-1)', extensions: undefined });
  });
});

describe('limits and rate', () => {
  const schema = buildHubSchema();
  const store = new PersistedQueryStore();
  const measured = (query: unknown, extensions?: unknown) => {
    const x = exchange();
    x.params = { query, extensions };
    x.context = { actor, measured: undefined } as never;
    limits({ schema, persistedQueries: store, budget: 50, windowSeconds: 3600 })(x);
    return x;
  };
  const charge = (x: Exchange, allowed = true) => {
    const charged: number[] = [];
    const consume = async (_key: string, points: number) => (charged.push(points), { allowed, limit: 50, remaining: allowed ? 49 : 0, reset: 1700000000, retryAfterSeconds: allowed ? 0 : 12 });
    return { charged, stage: rate({ rateLimiter: { consume }, windowSeconds: 3600, onRateLimited: () => undefined }) };
  };

  it('measures the operation that executes and its cost; the rate stage charges it and sets the headers', async () => {
    const x = measured('{ customers(first: 100) { nodes { id } } }');
    expect([x.check?.kind, x.cost, x.overLimits, x.outcome.operation]).toEqual(['ok', 1, undefined, 'query']);
    const { charged, stage } = charge(x);
    expect(await stage(x)).toBeUndefined();
    expect(charged).toEqual([1]);
    expect(x.responseHeaders).toEqual({ 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '49', 'x-ratelimit-reset': '1700000000' });
  });

  it('a query over a limit is refused (400 QUERY_TOO_COMPLEX) after it was charged 1 point', async () => {
    const x = measured(`{ ${Array.from({ length: 12 }, () => 'viewer { role }').join(' ')} }`);
    expect(x.overLimits).toMatchObject({ status: 400, code: ErrorCode.QUERY_TOO_COMPLEX, extensions: { limit: 'maxRepeatedFields' } });
    const { charged, stage } = charge(x);
    expect(await stage(x)).toBe(x.overLimits);
    expect(charged).toEqual([1]);
  });

  it('a cost above the whole budget is a limit of the query (maxCost), not a wait', () => {
    const x = measured('{ customers(first: 100) { nodes { licenses(first: 100) { nodes { id } } } } }');
    expect(x.overLimits).toMatchObject({ status: 400, extensions: { limit: 'maxCost', max: 50 } });
  });

  it('over the rate limit: 429 with Retry-After, whatever the limits said', async () => {
    const x = measured('{ viewer { role } }');
    const r = await charge(x, false).stage(x);
    expect(r).toMatchObject({ status: 429, code: ErrorCode.RATE_LIMITED, message: 'rate limit of 50 points per 3600 s reached; retry after 12 s' });
    expect(x.responseHeaders['retry-after']).toBe('12');
  });

  it("an unknown APQ hash: Apollo's PERSISTED_QUERY_NOT_FOUND with HTTP 200, charged 1 point", async () => {
    const x = measured(undefined, { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } });
    expect(x.source).toEqual({ kind: 'not-found' });
    const { charged, stage } = charge(x);
    const r = await stage(x);
    expect([r?.status, r && JSON.parse(refusalBody(r)), charged]).toEqual([200, { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] }, [1]]);
  });
});

describe('admit, execute, audit', () => {
  const context = () => ({ actor, sql: {}, auditReads: { deniedCount: 0, flush: async () => undefined } }) as never;

  it('no turn within the time limit: 503 TIMEOUT naming the request', async () => {
    const x = exchange();
    x.context = context();
    const stage = admit({
      config: { executionTimeoutMs: 20, maxResolvedFields: 10 },
      admission: { acquire: (signal) => new Promise((resolve) => signal.addEventListener('abort', () => resolve(null))) },
      dataSource: {} as never,
      secrets: {} as never,
    });
    expect(await stage(x)).toEqual({ status: 503, code: 'TIMEOUT', message: 'the request took longer than 20 ms and was stopped (request req-1)', extensions: undefined });
    expect(x.abort?.signal.aborted).toBe(true);
  });

  it('an execution past its time limit: 503 TIMEOUT, the signal aborted, the turn given back when it ends', async () => {
    const x = exchange();
    x.context = context();
    x.source = { kind: 'text', query: '{ viewer { role } }', byHash: false };
    x.body = { query: '{ viewer { role } }' };
    let released = 0;
    const deps = { config: { executionTimeoutMs: 20, maxResolvedFields: 10 }, admission: { acquire: async () => () => void released++ }, dataSource: {} as never, secrets: {} as never };
    expect(await admit(deps)(x)).toBeUndefined();
    let finish: (v: unknown) => void = () => undefined;
    const apollo = { executeHTTPGraphQLRequest: () => new Promise((resolve) => (finish = resolve)) } as never;
    expect(await execute({ apollo, dataSource: {} as never, secrets: {} as never, executionTimeoutMs: 20 })(x)).toMatchObject({ status: 503, code: 'TIMEOUT' });
    expect([x.abort!.signal.aborted, released]).toEqual([true, 0]);
    finish({ status: 200, headers: new HeaderMap(), body: { kind: 'complete', string: '{}' } });
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(1);
  });

  it('hands Apollo the measured text in place of an APQ hash, and no extensions when there is no text', () => {
    const text = { kind: 'text', query: '{ viewer { role } }', byHash: true } as const;
    const hash = { persistedQuery: { version: 1, sha256Hash: 'ab' } };
    expect(apolloRequest('POST', '', { extensions: hash }, text)).toEqual({ search: '', body: { extensions: hash, query: '{ viewer { role } }' } });
    expect(apolloRequest('POST', '', { extensions: hash }, { kind: 'none' })).toEqual({ search: '', body: {} });
    expect(apolloRequest('GET', '?extensions=x', undefined, text).search).toBe('?extensions=x&query=%7B+viewer+%7B+role+%7D+%7D');
  });

  it('an audit batch that cannot be written: 500 naming the request, and no answer', async () => {
    const x = exchange();
    x.context = { ...(context() as object), auditReads: { deniedCount: 2, flush: async () => Promise.reject(new Error('disk full')) } } as never;
    const denied: number[] = [];
    const stage = audit({ metrics: { gateDenials: { inc: (n: number) => denied.push(n) } as never }, logger, dataSource: {} as never, secrets: {} as never });
    expect(await stage(x)).toEqual({ status: 500, code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Internal server error (request req-1)', extensions: undefined });
    expect(denied).toEqual([2]);
  });
});
