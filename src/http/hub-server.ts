import { types } from 'node:util';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import Fastify, { LogController, FastifyServerFactory, FastifyServerOptions, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { HubConfig } from '../config';
import { ErrorCode } from '../common/errors';
import { SecretBox } from '../common/secret-box';
import { inTransaction } from '../common/transaction';
import { ReplicaSet } from '../common/replicas';
import { Authenticator } from '../context/authenticate';
import { KeyUses } from '../modules/api-key/api-key-uses';
import { RequestContext } from '../context/request-context';
import { startDeliveryLoop } from '../modules/webhook/delivery-loop';
import { purgeIdempotency } from '../modules/idempotency/idempotency.service';
import { createLogger, Logger } from '../observability/logger';
import { HubMetrics } from '../observability/metrics';
import { buildHubSchema } from '../schema';
import { createGraphQLServer } from '../server';
import { Admission } from './admission';
import { graphqlRoute, PipelineDeps } from './graphql-route';
import { PersistedQueryStore } from './persisted-queries';
import { probeRoutes } from './probes';
import { RateLimiter } from './rate-limit';
import { bodyTooLarge, MAX_BODY_BYTES } from './stages/parse';
import { refusal } from './stages/exchange';
import { sendJson, sendRefusal } from './stages/send';
import { devSignInRoutes } from './dev-sign-in';
import { arrivedOverHttps, createTransport, HSTS } from './transport';
import { registerCors, registerWebPlugins } from './web-plugins';

export { MAX_BODY_BYTES };
const IDEMPOTENCY_PURGE_MS = 3600 * 1000;
const ROUTES = new Set(['/graphql', '/health', '/ready', '/metrics']);
/** Answered over plain HTTP behind the proxy too: a load balancer's probes. */
const PROBES = new Set(['/health', '/ready']);

export interface HubOptions {
  config: HubConfig;
  /** An initialized DataSource; the hub closes it on shutdown. */
  dataSource: DataSource;
  /** The clock of every request; tests move it instead of waiting. */
  clock?: () => Date;
  logger?: Logger;
  /** How often expired Idempotency-Key records are deleted (default hourly). */
  idempotencyPurgeMs?: number;
  /**
   * Run the webhook delivery loop in this process (every config.webhooks.deliveryIntervalMs;
   * never when that is 0). main.ts asks for it; tests only when they say so.
   */
  deliverWebhooks?: boolean;
}

export interface Hub {
  server: http.Server;
  metrics: HubMetrics;
  /** The turns of GraphQL operations (MAX_CONCURRENT_OPERATIONS). */
  admission: Admission;
  /** The Fastify application (routes, hooks, plugins). */
  app: FastifyInstance;
  listen(port?: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The HTTP face of the hub, on Fastify. Every request: a request id of the hub's own and the
 * transport rule (HTTPS), then its route: /graphql as the list of its stages
 * (graphql-route.ts), /health, /ready and /metrics (probes.ts); on the way out the plugins'
 * security headers and compression (web-plugins.ts), then one log line and the metrics.
 */
export async function createHub(options: HubOptions): Promise<Hub> {
  const { config, dataSource } = options;
  const clock = options.clock ?? (() => new Date());
  const logger = options.logger ?? createLogger(config.logLevel);
  // The transport first: a hub that must not serve plain HTTP fails before it opens anything.
  const transport = { secure: false };
  const app = Fastify(fastifyOptions(config, logger, transport));
  const services = await startServices(options, clock, logger);
  const { metrics, apollo, rateLimiter } = services;
  const stopPurge = purgeIdempotencyRecords(options, clock, logger);
  const deliveries = options.deliverWebhooks && config.webhooks.deliveryIntervalMs > 0 ? startDeliveryLoop({ config, dataSource, secrets: services.secrets, clock, logger, metrics }) : null;

  // Bodies are read as text (within the body limit) and parsed by the parse stage, which knows
  // what a GraphQL request may be; Apollo's CSRF prevention refuses what is not JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.decorateRequest('exchange', null);
  // Before the routes: a scope takes its error handler from its parent when it is registered.
  app.setErrorHandler((error: FastifyError, request, reply) => answerError(error, request, reply, logger));
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Under TRUST_PROXY what did not reach the proxy over HTTPS is refused; over HTTPS, HSTS is
    // sent. Liveness and readiness stay answerable by a load balancer's plain-HTTP probe.
    const overHttps = arrivedOverHttps(request.raw, config, transport.secure);
    if (overHttps) reply.header('strict-transport-security', HSTS);
    else if (config.trustProxy && !PROBES.has(request.routeOptions.url ?? '')) {
      return sendRefusal(undefined, reply, refusal(403, ErrorCode.FORBIDDEN, 'HTTPS required'));
    }
  });
  await registerWebPlugins(app, config);
  await app.register(async (scope) => {
    await registerCors(scope, config);
    graphqlRoute(scope, services);
  });
  probeRoutes(app, config, dataSource, metrics, services.replicas);
  // Development only (never with NODE_ENV=production): the console's persona sign-in.
  devSignInRoutes(app, config, dataSource, clock);
  app.setNotFoundHandler((_request, reply) => sendJson(reply, 404, { error: 'not found' }));
  app.addHook('onResponse', async (request, reply) => record(request, reply, metrics, logger));
  await app.ready();

  const server = app.server;
  return {
    server,
    metrics,
    admission: services.admission,
    app,
    listen: async (port = config.port, host = '127.0.0.1') => {
      await app.listen({ port, host });
      return (server.address() as AddressInfo).port;
    },
    close: async () => {
      // Finish the delivery round and in-flight requests, then stop Apollo, the rate limiter and the pool.
      await deliveries?.stop();
      await stopPurge();
      await app.close();
      await apollo.stop();
      await rateLimiter.close();
      await services.replicas?.stop();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

/** Fastify on the hub's own transport (transport.ts), logger and request ids. */
function fastifyOptions(config: HubConfig, logger: Logger, transport: { secure: boolean }): FastifyServerOptions & { serverFactory: FastifyServerFactory } {
  return {
    serverFactory: (handler) => {
      const made = createTransport(config, handler);
      transport.secure = made.secure;
      return made.server;
    },
    // Fastify's own lines at warn and above: "listening" is main.ts's, requests are ours.
    loggerInstance: logger.child({}, { level: logger.levelVal >= 40 ? logger.level : 'warn' }),
    // One line per /graphql request is the hub's own (record below), with what it did.
    logController: new LogController({ disableRequestLogging: true }),
    // The hub names every request itself (response, audit, logs): a client could otherwise give
    // its requests someone else's id. A sane id the client sent is kept beside it (clientRequestId).
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    bodyLimit: MAX_BODY_BYTES,
    clientErrorHandler,
    frameworkErrors: (_error, _request, reply) => {
      void sendRefusal(undefined, reply, refusal(400, 'BAD_REQUEST', 'malformed request URL'));
    },
  };
}

/** What the stages work with: authentication, limits, rate limit, turns, Apollo, metrics. */
async function startServices(
  options: HubOptions,
  clock: () => Date,
  logger: Logger,
): Promise<PipelineDeps & { metrics: HubMetrics; admission: Admission; rateLimiter: RateLimiter; apollo: ApolloServer<RequestContext>; replicas?: ReplicaSet }> {
  const { config, dataSource } = options;
  const metrics = new HubMetrics(dataSource, clock);
  const rateLimiter = new RateLimiter(config.rateLimit);
  const admission = new Admission(config.maxConcurrentOperations);
  metrics.watchAdmission(admission);
  await rateLimiter.ready(); // with REDIS_URL: the first requests already share the budget
  const replicas = await startReplicas(config, dataSource, metrics, logger);
  const persistedQueries = new PersistedQueryStore();
  const apollo = createGraphQLServer(
    config,
    // isNativeError: also an Error made in another realm (a Node.js core error seen from a test's VM context).
    (error, requestId) => logger.error({ requestId, err: error instanceof Error || types.isNativeError(error) ? { message: error.message, stack: error.stack } : String(error) }, 'unexpected error'),
    persistedQueries,
  );
  await apollo.start();
  const onRateLimited = () => metrics.rateLimited.inc();
  return {
    config,
    dataSource,
    clock,
    logger,
    metrics,
    admission,
    rateLimiter,
    apollo,
    persistedQueries,
    replicas,
    onRateLimited,
    secrets: new SecretBox(config.secretsKey),
    authenticator: new Authenticator(config, dataSource, new KeyUses(dataSource, (failure) => logger.error(failure, 'recording an API key use failed'))),
    schema: buildHubSchema(),
    budget: rateLimiter.budget,
    windowSeconds: config.rateLimit.windowSeconds,
    executionTimeoutMs: config.executionTimeoutMs,
  };
}

/**
 * The read replicas of DATABASE_REPLICA_URLS and their monitor (docs/deployment-replicas.md);
 * none on the embedded database, which has no replicas.
 */
async function startReplicas(config: HubConfig, dataSource: DataSource, metrics: HubMetrics, logger: Logger): Promise<ReplicaSet | undefined> {
  if (config.databaseReplicaUrls.length === 0 || (dataSource.options.type !== 'mysql' && dataSource.options.type !== 'mariadb')) return undefined;
  const replicas = new ReplicaSet({
    primary: dataSource,
    urls: config.databaseReplicaUrls,
    maxLagMs: config.databaseReplicaMaxLagMs,
    poolSize: config.dbPoolSize,
    onChange: (replica, from, to, detail) => logger[to === 'ok' ? 'info' : 'warn']({ replica, from, to, detail }, 'read replica state'),
    onRead: (target) => metrics.replicaReads.inc({ target }),
  });
  await replicas.start();
  metrics.watchReplicas(replicas);
  return replicas;
}

/**
 * Stored Idempotency-Key records name people: they go when they expire, whether or not the
 * retention job runs. The timer keeps no process alive; the returned function stops it.
 */
function purgeIdempotencyRecords(options: HubOptions, clock: () => Date, logger: Logger): () => Promise<unknown> {
  let purging: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    purging = inTransaction(options.dataSource, (manager) => purgeIdempotency(manager, clock())).catch((e) => logger.error({ err: (e as Error).message }, 'idempotency purge failed'));
  }, options.idempotencyPurgeMs ?? IDEMPOTENCY_PURGE_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    return purging;
  };
}

/** An error no stage answered: the body limit (413), a request Fastify refused (400), or ours (500, logged). */
function answerError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, logger: Logger): FastifyReply {
  const x = request.exchange ?? undefined;
  if (reply.sent || reply.raw.headersSent) {
    reply.raw.destroy();
    return reply;
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // The body was not read to its end: the connection cannot carry another request.
    reply.header('connection', 'close');
    return sendRefusal(x, reply, bodyTooLarge());
  }
  if (error.code?.startsWith('FST_') && typeof error.statusCode === 'number' && error.statusCode < 500) {
    return sendRefusal(x, reply, refusal(400, 'BAD_REQUEST', error.message));
  }
  logger.error({ requestId: request.id, err: { message: error.message, stack: error.stack } }, 'request failed');
  return sendRefusal(x, reply, refusal(500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error'));
}

/** The metrics of every request, and the log line of each /graphql request. */
function record(request: FastifyRequest, reply: FastifyReply, metrics: HubMetrics, logger: Logger): void {
  const url = request.routeOptions.url;
  const route = url && ROUTES.has(url) ? url : 'other';
  const status = reply.statusCode;
  metrics.requests.inc({ route, status: String(status) });
  const x = request.exchange;
  if (route !== '/graphql' || !x) return;
  const seconds = reply.elapsedTime / 1000;
  const outcome = x.outcome;
  metrics.duration.observe({ operation: outcome.operation ?? 'unknown' }, seconds);
  for (const code of outcome.codes ?? []) metrics.errors.inc({ code }, outcome.codeCounts?.get(code) ?? 1);
  logger.info(
    {
      requestId: x.requestId,
      clientRequestId: x.clientRequestId ?? undefined,
      actorId: outcome.actorId,
      operation: outcome.operation,
      operationName: outcome.operationName,
      status,
      codes: outcome.codes,
      durationMs: Math.round(seconds * 1000),
    },
    'graphql request',
  );
}

/**
 * Requests Node's HTTP parser refuses (headers or URL over 16 KB, malformed HTTP) get a coded
 * JSON error too, instead of a bare 431/400 without a body.
 */
function clientErrorHandler(err: NodeJS.ErrnoException, socket: import('node:net').Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message = status === 431 ? 'request line and headers over 16 KB (send a long query with POST)' : status === 408 ? 'request timeout' : 'malformed HTTP request';
  const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
