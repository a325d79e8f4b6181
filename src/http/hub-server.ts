import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { HeaderMap } from '@apollo/server';
import { DataSource } from 'typeorm';
import { HubConfig } from '../config';
import { DomainError, ErrorCode } from '../common/errors';
import { SecretBox } from '../common/secret-box';
import { SqlRunner } from '../common/sql';
import { Authenticator } from '../context/authenticate';
import { createRequestContext, RequestContext } from '../context/request-context';
import { abandonIdempotent, finishIdempotent, purgeIdempotency, startIdempotent } from '../modules/idempotency/idempotency.service';
import { inTransaction } from '../common/transaction';
import { createLogger, Logger } from '../observability/logger';
import { HubMetrics } from '../observability/metrics';
import { buildHubSchema } from '../schema';
import { createGraphQLServer } from '../server';
import { Admission } from './admission';
import { AnswerBound } from './answer-bound';
import { PersistedQueryStore, resolveOperationSource } from './persisted-queries';
import { checkQuery, GraphQLParams } from './query-limits';
import { clientAddress, RateDecision, RateLimiter } from './rate-limit';
import { createTransport, enforceTransport } from './transport';

export const MAX_BODY_BYTES = 100 * 1024;
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;
/**
 * How long a request waits for the database to authenticate its caller. A hung database (or a
 * pool whose connections all hang) answers 503 after this instead of holding the request open;
 * queries during execution are bounded by the execution timeout.
 */
const AUTHENTICATION_TIMEOUT_MS = 4000;
const IDEMPOTENCY_PURGE_MS = 3600 * 1000;

export interface HubOptions {
  config: HubConfig;
  /** An initialized DataSource; the hub closes it on shutdown. */
  dataSource: DataSource;
  /** The clock of every request; tests move it instead of waiting. */
  clock?: () => Date;
  logger?: Logger;
  /** How often expired Idempotency-Key records are deleted (default hourly). */
  idempotencyPurgeMs?: number;
}

export interface Hub {
  server: http.Server;
  metrics: HubMetrics;
  /** The turns of GraphQL operations (MAX_CONCURRENT_OPERATIONS). */
  admission: Admission;
  listen(port?: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** What one /graphql request did, for the log line and the metrics. */
interface Outcome {
  status: number;
  operation?: string;
  operationName?: string;
  actorId?: string;
  /** The distinct error codes of the answer, in order of first appearance. */
  codes?: string[];
  /** How many errors of each code. */
  codeCounts?: Map<string, number>;
}

/**
 * The HTTP face of the hub. /graphql goes through, in order: transport (HTTPS), body size,
 * authentication (failed ones limited per client address), the document that executes (an APQ
 * hash resolved to its text), static query limits on that document's operation, the rate limit,
 * idempotency, a turn among the operations executing at once, Apollo (with a time limit and a
 * bound on the answer's resolved fields), the audit batch; /health, /ready and /metrics answer
 * on their own.
 */
export async function createHub(options: HubOptions): Promise<Hub> {
  const { config, dataSource } = options;
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? createLogger(config.logLevel);
  // The transport first: a hub that must not serve plain HTTP fails before it opens anything.
  let dispatch: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
  const transport = createTransport(config, (req, res) => dispatch(req, res));
  const secrets = new SecretBox(config.secretsKey);
  const authenticator = new Authenticator(config, dataSource);
  const metrics = new HubMetrics(dataSource);
  const rateLimiter = new RateLimiter(config.rateLimit);
  const admission = new Admission(config.maxConcurrentOperations);
  metrics.watchAdmission(admission);
  await rateLimiter.ready(); // with REDIS_URL: the first requests already share the budget
  const schema = buildHubSchema();
  const persistedQueries = new PersistedQueryStore();
  const apollo = createGraphQLServer(
    config,
    (error, requestId) => logger.error({ requestId, err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) }, 'unexpected error'),
    persistedQueries,
  );
  await apollo.start();
  // Stored Idempotency-Key records name people: they go when they expire, whether or not the
  // retention job runs. The timer keeps no process alive and stops with the hub.
  let purging: Promise<unknown> = Promise.resolve();
  const purgeTimer = setInterval(() => {
    purging = inTransaction(dataSource, (manager) => purgeIdempotency(manager, clock())).catch((e) =>
      logger.error({ err: (e as Error).message }, 'idempotency purge failed'),
    );
  }, options.idempotencyPurgeMs ?? IDEMPOTENCY_PURGE_MS);
  purgeTimer.unref();

  const graphql = async (req: IncomingMessage, res: ServerResponse, requestId: string, url: URL, clientRequestId: string | null): Promise<Outcome> => {
    let params: GraphQLParams = {};
    let body: unknown;
    if (req.method === 'POST') {
      const read = await readBody(req);
      if (read.tooLarge) {
        // We stopped reading mid-body: the connection cannot carry another request.
        res.setHeader('connection', 'close');
        return reject(res, 413, ErrorCode.QUERY_TOO_COMPLEX, `request body over the limit of ${MAX_BODY_BYTES} bytes`, { limit: 'maxBodyBytes', max: MAX_BODY_BYTES });
      }
      const type = String(req.headers['content-type'] ?? '');
      if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
        try {
          body = read.text.length ? JSON.parse(read.text) : undefined;
        } catch {
          return reject(res, 400, 'BAD_REQUEST', 'request body is not valid JSON');
        }
        if (body && typeof body === 'object' && !Array.isArray(body)) params = body;
      } else {
        body = read.text; // Apollo's CSRF prevention answers text/plain and forms with 400
      }
    } else {
      params = { query: url.searchParams.get('query') ?? undefined, operationName: url.searchParams.get('operationName') ?? undefined };
      for (const name of ['variables', 'extensions'] as const) {
        const text = url.searchParams.get(name);
        if (!text) continue;
        try {
          params[name] = JSON.parse(text);
        } catch {
          return reject(res, 400, 'BAD_REQUEST', `${name} is not valid JSON`);
        }
      }
    }

    const now = clock();
    // An address over its failed authentications is refused before its credential costs a lookup.
    const address = clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], config.trustProxy);
    const locked = rateLimiter.failedAuthentication.retryAfter(address);
    if (locked) {
      metrics.rateLimited.inc();
      return refuseFailedAuthentication(res, locked);
    }
    let context: RequestContext;
    try {
      const actor = await withTimeout(authenticator.authenticate(req.headers.authorization, now), AUTHENTICATION_TIMEOUT_MS);
      context = createRequestContext({ requestId, clientRequestId, now, actor, config, dataSource, sql: new SqlRunner(dataSource), secrets });
    } catch (e) {
      if (e instanceof DomainError) {
        const wait = await rateLimiter.failedAuthentication.failed(address);
        if (!wait) return reject(res, 401, e.code, e.message);
        metrics.rateLimited.inc();
        return refuseFailedAuthentication(res, wait);
      }
      logger.error({ requestId, err: (e as Error).message }, 'authentication failed unexpectedly');
      return reject(res, 503, ErrorCode.INTERNAL_SERVER_ERROR, `Service unavailable (request ${requestId})`);
    }
    const outcome: Outcome = { status: 200, actorId: context.actor.id, operationName: typeof params.operationName === 'string' ? params.operationName : undefined };

    const actorKey = `${context.actor.type}:${context.actor.id}`;
    // The limits measure the document that executes: the request's text, or the one registered
    // under its APQ hash; Apollo is then given exactly that text (apolloRequest below).
    const source = resolveOperationSource(params, persistedQueries);
    const check = checkQuery(schema, source.kind === 'text' ? { ...params, query: source.query } : params);
    const cost = check.kind === 'ok' ? RateLimiter.cost(check.operation, check.nodeEstimate) : 1;
    // A cost above the whole budget can never be paid: a limit of the query, not a wait.
    const overBudget = cost > rateLimiter.budget;
    // Every request of an actor costs at least 1 point ("at least 1"), the refused and the
    // unreadable ones too: a flood of garbage spends the budget like any other flood. A request
    // refused for the rate limit itself costs nothing.
    const rate = await rateLimiter.consume(actorKey, check.kind === 'ok' && !overBudget ? cost : 1);
    setRateHeaders(res, rate);
    if (!rate.allowed) {
      metrics.rateLimited.inc();
      res.setHeader('retry-after', String(rate.retryAfterSeconds));
      return { ...outcome, ...reject(res, 429, ErrorCode.RATE_LIMITED, `rate limit of ${rate.limit} points per ${config.rateLimit.windowSeconds} s reached; retry after ${rate.retryAfterSeconds} s`) };
    }
    if (check.kind === 'rejected') {
      return { ...outcome, ...reject(res, 400, ErrorCode.QUERY_TOO_COMPLEX, check.message, { limit: check.limit, max: check.max, actual: check.actual }) };
    }
    if (overBudget) {
      const message = `query cost of ${cost} points exceeds the whole rate-limit budget of ${rateLimiter.budget} points per ${config.rateLimit.windowSeconds} s; ask for less (fewer or smaller pages)`;
      return { ...outcome, ...reject(res, 400, ErrorCode.QUERY_TOO_COMPLEX, message, { limit: 'maxCost', max: rateLimiter.budget, actual: cost }) };
    }
    if (source.kind === 'not-found') {
      // Apollo's answer to an unknown hash (HTTP 200): the client registers the document and retries.
      sendJson(res, 200, { errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
      return { ...outcome, status: 200, codes: ['PERSISTED_QUERY_NOT_FOUND'] };
    }
    if (check.kind === 'ok' && source.kind === 'text') {
      outcome.operation = check.operation;
      context.measured = { source: source.query, operationName: check.operationName };
    }

    const idempotencyHeader = req.headers['idempotency-key'];
    // Keyed on the document that executes: a mutation sent by its APQ hash alone is the same
    // request as the one that sent its text, and a retry by hash never acts twice.
    const executed = source.kind === 'text' ? { query: source.query, variables: params.variables, operationName: params.operationName } : body ?? params;
    const idem = await startIdempotent(dataSource, secrets, context.actor, Array.isArray(idempotencyHeader) ? idempotencyHeader.join(',') : idempotencyHeader, executed, now);
    switch (idem.kind) {
      case 'invalid-key':
        return { ...outcome, ...reject(res, 400, ErrorCode.BAD_USER_INPUT, 'Idempotency-Key: must be 1 to 255 printable ASCII characters', { field: 'Idempotency-Key' }) };
      case 'mismatch':
        return { ...outcome, ...reject(res, 400, ErrorCode.BAD_USER_INPUT, 'Idempotency-Key: this key was used with a different request in the last 24 hours', { field: 'Idempotency-Key' }) };
      case 'in-progress':
        return { ...outcome, ...reject(res, 409, ErrorCode.CONFLICT, 'Idempotency-Key: the first request with this key is still running; retry later') };
      case 'answered':
        res.setHeader('idempotency-replayed', 'true');
        sendJson(res, idem.status, idem.body);
        return { ...outcome, status: idem.status };
      case 'replay':
      case 'started':
        // A replay executes the same request on the normal path (limits, time, audit, field
        // rules, the gate) with the stored outcome in place of the mutations: nothing acts twice.
        if (idem.kind === 'replay') res.setHeader('idempotency-replayed', 'true');
        context.idempotency = idem.run;
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    // The time limit: the answer is a coded error, and the context's signal stops the SQL behind it.
    const abort = new AbortController();
    context.signal = abort.signal;
    // The answer's size: past MAX_RESOLVED_FIELDS it stops with one coded error.
    context.answerBound = new AnswerBound(config.maxResolvedFields);
    // The embedded database (better-sqlite3) answers synchronously: an execution that never waits
    // never lets the timer below fire, so the SQL also reads the clock before each statement.
    const deadline = Date.now() + config.executionTimeoutMs;
    context.sql.signal = {
      get aborted() {
        if (!abort.signal.aborted && Date.now() >= deadline) abort.abort();
        return abort.signal.aborted;
      },
    } as AbortSignal;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        abort.abort();
        resolve('timeout');
      }, config.executionTimeoutMs);
    });
    // Wait for a slot (the time limit runs already: a request that waited too long is a TIMEOUT).
    const release = await admission.acquire(abort.signal);
    if (!release) {
      clearTimeout(timer);
      if (idem.kind === 'started') await abandonIdempotent(dataSource, idem.recordId);
      // The same answer as a time-out during execution: to the client both took too long.
      return { ...outcome, ...reject(res, 503, 'TIMEOUT', `the request took longer than ${config.executionTimeoutMs} ms and was stopped (request ${requestId})`) };
    }
    let result;
    const method = (req.method ?? 'GET').toUpperCase();
    const execution = apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, ...apolloRequest(method, url, body, source) },
      context: async () => context,
    });
    // The slot is freed when the execution ends, also one abandoned at its time limit.
    execution.then(release, release);
    try {
      result = await Promise.race([execution, timedOut]);
    } catch (e) {
      if (idem.kind === 'started') await abandonIdempotent(dataSource, idem.recordId);
      throw e;
    } finally {
      clearTimeout(timer);
    }
    if (result === 'timeout' || abort.signal.aborted) {
      if (idem.kind === 'started') {
        // A mutation's transaction may still commit after the client got TIMEOUT: the key stays
        // claimed until the work ends, then holds its real answer, so a retry never acts twice.
        const { recordId, onceOnly } = idem;
        execution
          .then((late) =>
            late.body.kind === 'complete'
              ? finishIdempotent(dataSource, secrets, recordId, late.status ?? 200, idem.run, onceOnly)
              : abandonIdempotent(dataSource, recordId),
          )
          .catch(() => abandonIdempotent(dataSource, recordId).catch(() => undefined));
      }
      return { ...outcome, ...reject(res, 503, 'TIMEOUT', `the request took longer than ${config.executionTimeoutMs} ms and was stopped (request ${requestId})`) };
    }

    // The reads of personal data are recorded before the data leaves: no record, no answer.
    try {
      metrics.gateDenials.inc(context.auditReads.deniedCount);
      await context.auditReads.flush(context);
    } catch (e) {
      logger.error({ requestId, err: (e as Error).message }, 'audit write failed');
      if (idem.kind === 'started') await abandonIdempotent(dataSource, idem.recordId);
      return { ...outcome, ...reject(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, `Internal server error (request ${requestId})`) };
    }
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      if (idem.kind === 'started') await finishIdempotent(dataSource, secrets, idem.recordId, res.statusCode, idem.run, idem.onceOnly);
      res.end(result.body.string);
      return { ...outcome, status: res.statusCode, ...codesOf(context) };
    }
    if (idem.kind === 'started') await abandonIdempotent(dataSource, idem.recordId);
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
    return { ...outcome, status: res.statusCode };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = process.hrtime.bigint();
    // The hub names every request itself (response, audit, logs): a client could otherwise give
    // its requests someone else's id. A sane id the client sent is kept beside it.
    const incoming = req.headers['x-request-id'];
    const clientRequestId = typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : null;
    const requestId = randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'http://hub.invalid');
    const route = ['/graphql', '/health', '/ready', '/metrics'].includes(url.pathname) ? url.pathname : 'other';
    let outcome: Outcome;
    // Liveness and readiness stay answerable by a load balancer's plain-HTTP probe behind the proxy.
    const probe = route === '/health' || route === '/ready';
    if (!enforceTransport(req, res, config, transport.secure) && !probe) {
      outcome = reject(res, 403, ErrorCode.FORBIDDEN, 'HTTPS required');
    } else if (route === '/health') {
      outcome = send(res, 200, { status: 'ok' });
    } else if (route === '/ready') {
      outcome = await ready(res);
    } else if (route === '/metrics') {
      const refused = metricsRefusal(req, config);
      if (refused) {
        outcome = reject(res, refused.status, refused.status === 401 ? ErrorCode.UNAUTHENTICATED : ErrorCode.FORBIDDEN, refused.message);
      } else {
        res.setHeader('content-type', metrics.registry.contentType);
        res.end(await metrics.registry.metrics());
        outcome = { status: 200 };
      }
    } else if (route === '/graphql') {
      outcome = await graphql(req, res, requestId, url, clientRequestId);
    } else {
      outcome = send(res, 404, { error: 'not found' });
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.requests.inc({ route, status: String(outcome.status) });
    if (route === '/graphql') {
      metrics.duration.observe({ operation: outcome.operation ?? 'unknown' }, seconds);
      for (const code of outcome.codes ?? []) metrics.errors.inc({ code }, outcome.codeCounts?.get(code) ?? 1);
      logger.info(
        { requestId, clientRequestId: clientRequestId ?? undefined, actorId: outcome.actorId, operation: outcome.operation, operationName: outcome.operationName, status: outcome.status, codes: outcome.codes, durationMs: Math.round(seconds * 1000) },
        'graphql request',
      );
    }
  };

  const ready = async (res: ServerResponse): Promise<Outcome> => {
    try {
      await withTimeout(dataSource.query('SELECT 1'), 2000);
      return send(res, 200, { status: 'ready' });
    } catch {
      return send(res, 503, { status: 'not ready', reason: 'database unreachable' });
    }
  };

  dispatch = (req, res) => {
    handle(req, res).catch((e) => {
      logger.error({ err: { message: (e as Error).message, stack: (e as Error).stack } }, 'request failed');
      if (!res.headersSent) reject(res, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error');
      else res.destroy();
    });
  };
  const server = transport.server;
  // Requests Node's HTTP parser refuses (headers or URL over 16 KB, malformed HTTP) get a coded
  // JSON error too, instead of Node's bare 431/400 without a body.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const message = status === 431 ? 'request line and headers over 16 KB (send a long query with POST)' : status === 408 ? 'request timeout' : 'malformed HTTP request';
    const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  return {
    server,
    metrics,
    admission,
    listen: (port = config.port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: async () => {
      // Finish in-flight requests, then stop Apollo, the rate limiter and the pool.
      clearInterval(purgeTimer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections?.();
      await closed;
      await purging;
      await apollo.stop();
      await rateLimiter.close();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

/**
 * /metrics is for the operator's scraper: with METRICS_TOKEN it needs that bearer token
 * (compared in constant time); without one it is open outside production and closed in it.
 */
function metricsRefusal(req: IncomingMessage, config: HubConfig): { status: number; message: string } | null {
  if (!config.metricsToken) {
    return config.nodeEnv === 'production' ? { status: 403, message: 'metrics are closed in production unless METRICS_TOKEN is set' } : null;
  }
  const match = /^Bearer (\S+)$/i.exec(String(req.headers.authorization ?? '').trim());
  const given = createHash('sha256').update(match?.[1] ?? '').digest();
  const expected = createHash('sha256').update(config.metricsToken).digest();
  return match && timingSafeEqual(given, expected) ? null : { status: 401, message: 'metrics need the bearer token of METRICS_TOKEN' };
}

function codesOf(context: RequestContext): Pick<Outcome, 'codes' | 'codeCounts'> {
  const counts = context.answer.errorCodes;
  return counts?.size ? { codes: [...counts.keys()], codeCounts: counts } : {};
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

async function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    req.resume();
    return { text: '', tooLarge: true };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      return { text: '', tooLarge: true };
    }
    chunks.push(chunk as Buffer);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: false };
}

/**
 * The request Apollo executes: the text the limits measured in place of the request's `query`
 * (an APQ hash resolved already; Apollo checks the hash against the text and keeps registering
 * it), and without extensions when there is no text, so Apollo never looks up a hash itself.
 */
function apolloRequest(method: string, url: URL, body: unknown, source: ReturnType<typeof resolveOperationSource>): { search: string; body: unknown } {
  if (method !== 'POST') {
    const search = new URLSearchParams(url.search);
    if (source.kind === 'text') search.set('query', source.query);
    else search.delete('extensions');
    return { search: `?${search}`, body };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { search: url.search, body }; // Apollo refuses it
  if (source.kind === 'text') return { search: url.search, body: { ...body, query: source.query } };
  const { extensions: _dropped, ...rest } = body as Record<string, unknown>;
  return { search: url.search, body: rest };
}

/** Too many failed authentications from this client address: 429, whatever the credential. */
function refuseFailedAuthentication(res: ServerResponse, retryAfterSeconds: number): Outcome {
  res.setHeader('retry-after', String(retryAfterSeconds));
  return reject(res, 429, ErrorCode.RATE_LIMITED, `too many failed authentications from this address; retry after ${retryAfterSeconds} s`);
}

function setRateHeaders(res: ServerResponse, rate: RateDecision): void {
  res.setHeader('x-ratelimit-limit', String(rate.limit));
  res.setHeader('x-ratelimit-remaining', String(rate.remaining));
  res.setHeader('x-ratelimit-reset', String(rate.reset));
}

function send(res: ServerResponse, status: number, payload: unknown): Outcome {
  sendJson(res, status, payload);
  return { status };
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(payload));
}

/** A refusal in GraphQL's response shape, with its code. */
function reject(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, unknown> = {}): Outcome {
  sendJson(res, status, { errors: [{ message, extensions: { code, ...extra } }] });
  return { status, codes: [code] };
}
