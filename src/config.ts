import path from 'node:path';

/**
 * Every setting comes from the environment. Defaults are for development only; in production
 * the ones marked `required in production` must be set or the process refuses to start.
 */
export interface HubConfig {
  nodeEnv: string;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  jwt: {
    secret: string | undefined;
    publicKey: string | undefined;
    jwksUrl: string | undefined;
    algorithms: string[];
    issuer: string;
    audience: string;
    ttlSeconds: number;
    /** The longest lifetime a token may claim: exp - iat, or exp - now without iat. */
    maxLifetimeSeconds: number;
    /** Clock skew allowed for a token's iat and nbf (never for exp). */
    clockSkewSeconds: number;
  };
  /**
   * Key (≥ 32 characters) that encrypts activation keys at rest. Empty when SECRETS_KEY is not
   * set: src/local-secrets.ts then makes the embedded demo's own key, or refuses.
   */
  secretsKey: string;
  dbPoolSize: number;
  /**
   * How often a transaction that failed on a deadlock (on a Galera cluster: a certification
   * conflict) runs again from its start before the request fails (TRANSACTION_RETRIES, default 3).
   */
  transactionRetries: number;
  /**
   * Read replicas of DATABASE_URL (DATABASE_REPLICA_URLS, comma-separated; empty: none): query
   * operations read from them (docs/deployment-replicas.md). Ignored on the embedded database.
   */
  databaseReplicaUrls: string[];
  /** A replica further behind than this is not used (DATABASE_REPLICA_MAX_LAG_MS, default 2000). */
  databaseReplicaMaxLagMs: number;
  logLevel: string;
  rateLimit: {
    points: number;
    windowSeconds: number;
    redisUrl: string | undefined;
    /** Failed authentications per client address and window; beyond: 429 before any lookup. */
    authFailures: { points: number; windowSeconds: number };
  };
  tls: { certFile: string | undefined; keyFile: string | undefined };
  /** A TLS-terminating proxy stands in front: trust its X-Forwarded-Proto. */
  trustProxy: boolean;
  executionTimeoutMs: number;
  /**
   * Bearer token GET /metrics requires. Unset: /metrics is open outside production and
   * closed (403) in production, where operational figures are not for the public.
   */
  metricsToken: string | undefined;
  /** GraphQL operations executing at once; more wait their turn (src/http/admission.ts). */
  maxConcurrentOperations: number;
  /** Fields (and items of lists of objects) one answer may resolve; beyond, it stops with QUERY_TOO_COMPLEX (src/http/answer-bound.ts). */
  maxResolvedFields: number;
  introspection: boolean;
  /** Who executes operations (GRAPHQL_EXECUTOR): graphql-js, or graphql-jit's compiled operations (src/executor.ts). */
  executor: 'graphql-js' | 'jit';
  /** Browser origins allowed to call /graphql (CORS), exact matches; empty: CORS is off. */
  corsOrigins: string[];
  /** The console's static files, served at / when the folder exists (STATIC_DIR, default web/dist). */
  staticDir: string;
  /** The explorer (GraphiQL) at /explorer/: on in development, in production only with EXPLORER_ENABLED=true. */
  explorerEnabled: boolean;
  /** Webhook deliveries (docs/events.md): the loop's interval and the address rules of endpoints. */
  webhooks: {
    /** How often the delivery loop runs a round (WEBHOOK_DELIVERY_INTERVAL_MS, default 5000); 0: the hub does not deliver (a separate `npm run worker` does). */
    deliveryIntervalMs: number;
    /** Deliveries one round claims at most (WEBHOOK_DELIVERY_BATCH, default 20). */
    batch: number;
    /** Only https:// endpoint URLs: in production. */
    httpsOnly: boolean;
    /** Loopback addresses allowed (WEBHOOK_ALLOW_LOOPBACK=true): tests and local development only, never in production. */
    allowLoopback: boolean;
    /** Time limit of one attempt (WEBHOOK_TIMEOUT_MS, default 10000). */
    timeoutMs: number;
  };
  /** The clock-driven events (docs/events.md), published by the scheduler in the delivery loop. */
  clockEvents: {
    /** Days before validUntil a license.expiring is published (LICENSE_EXPIRING_DAYS, default 30). */
    licenseExpiringDays: number;
    /** Days before expiresAt a contract.expiring is published (CONTRACT_EXPIRING_DAYS, default 30). */
    contractExpiringDays: number;
  };
}

/**
 * The settings from the environment, then their checks. Over 60 lines on purpose: a flat table,
 * one line per setting, reads better than the same lines scattered over helpers.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';
  const config: HubConfig = {
    nodeEnv,
    port: intFrom(env.PORT, 4000, 'PORT'),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR ?? 'data'),
    jwt: {
      // No published default: the embedded demo makes its own (src/local-secrets.ts).
      secret: env.JWT_SECRET || undefined,
      publicKey: env.JWT_PUBLIC_KEY || undefined,
      jwksUrl: env.JWT_JWKS_URL || undefined,
      algorithms: (env.JWT_ALGORITHMS ?? (env.JWT_PUBLIC_KEY || env.JWT_JWKS_URL ? 'RS256,ES256' : 'HS256'))
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
      issuer: env.JWT_ISSUER ?? 'license-portal',
      audience: env.JWT_AUDIENCE ?? 'partner-hub',
      ttlSeconds: intFrom(env.JWT_TTL_SECONDS, 3600, 'JWT_TTL_SECONDS'),
      maxLifetimeSeconds: intFrom(env.JWT_MAX_LIFETIME_SECONDS, 24 * 3600, 'JWT_MAX_LIFETIME_SECONDS'),
      clockSkewSeconds: intFrom(env.JWT_CLOCK_SKEW_SECONDS, 60, 'JWT_CLOCK_SKEW_SECONDS'),
    },
    secretsKey: env.SECRETS_KEY ?? '',
    dbPoolSize: intFrom(env.DB_POOL_SIZE, 10, 'DB_POOL_SIZE'),
    transactionRetries: intFrom(env.TRANSACTION_RETRIES, 3, 'TRANSACTION_RETRIES'),
    databaseReplicaUrls: (env.DATABASE_REPLICA_URLS ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
    databaseReplicaMaxLagMs: intFrom(env.DATABASE_REPLICA_MAX_LAG_MS, 2000, 'DATABASE_REPLICA_MAX_LAG_MS'),
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    rateLimit: {
      points: intFrom(env.RATE_LIMIT_POINTS, 5000, 'RATE_LIMIT_POINTS'),
      windowSeconds: intFrom(env.RATE_LIMIT_WINDOW_SECONDS, 3600, 'RATE_LIMIT_WINDOW_SECONDS'),
      redisUrl: env.REDIS_URL || undefined,
      authFailures: {
        points: intFrom(env.AUTH_FAILURE_LIMIT, 20, 'AUTH_FAILURE_LIMIT'),
        windowSeconds: intFrom(env.AUTH_FAILURE_WINDOW_SECONDS, 60, 'AUTH_FAILURE_WINDOW_SECONDS'),
      },
    },
    tls: { certFile: env.TLS_CERT_FILE || undefined, keyFile: env.TLS_KEY_FILE || undefined },
    trustProxy: env.TRUST_PROXY === 'true',
    executionTimeoutMs: intFrom(env.EXECUTION_TIMEOUT_MS, 10_000, 'EXECUTION_TIMEOUT_MS'),
    metricsToken: env.METRICS_TOKEN || undefined,
    maxConcurrentOperations: intFrom(env.MAX_CONCURRENT_OPERATIONS, 2, 'MAX_CONCURRENT_OPERATIONS'),
    maxResolvedFields: intFrom(env.MAX_RESOLVED_FIELDS, 250_000, 'MAX_RESOLVED_FIELDS'),
    introspection: !production || env.GRAPHQL_INTROSPECTION === 'true',
    executor: executorFrom(env.GRAPHQL_EXECUTOR),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    staticDir: path.resolve(env.STATIC_DIR ?? 'web/dist'),
    explorerEnabled: !production || env.EXPLORER_ENABLED === 'true',
    webhooks: {
      deliveryIntervalMs: intFrom(env.WEBHOOK_DELIVERY_INTERVAL_MS, 5000, 'WEBHOOK_DELIVERY_INTERVAL_MS'),
      batch: intFrom(env.WEBHOOK_DELIVERY_BATCH, 20, 'WEBHOOK_DELIVERY_BATCH'),
      httpsOnly: production,
      allowLoopback: env.WEBHOOK_ALLOW_LOOPBACK === 'true',
      timeoutMs: intFrom(env.WEBHOOK_TIMEOUT_MS, 10_000, 'WEBHOOK_TIMEOUT_MS'),
    },
    clockEvents: {
      licenseExpiringDays: intFrom(env.LICENSE_EXPIRING_DAYS, 30, 'LICENSE_EXPIRING_DAYS'),
      contractExpiringDays: intFrom(env.CONTRACT_EXPIRING_DAYS, 30, 'CONTRACT_EXPIRING_DAYS'),
    },
  };
  if (production) {
    const missing: string[] = [];
    if (!config.jwt.secret && !config.jwt.publicKey && !config.jwt.jwksUrl) missing.push('JWT_SECRET (or JWT_PUBLIC_KEY / JWT_JWKS_URL)');
    if (!config.secretsKey) missing.push('SECRETS_KEY');
    if (!config.databaseUrl) missing.push('DATABASE_URL');
    if (missing.length) throw new Error(`Missing required settings for production: ${missing.join(', ')}`);
  }
  if (config.jwt.maxLifetimeSeconds < 1) throw new Error('JWT_MAX_LIFETIME_SECONDS must be at least 1');
  if (config.jwt.ttlSeconds > config.jwt.maxLifetimeSeconds) throw new Error('JWT_TTL_SECONDS must not exceed JWT_MAX_LIFETIME_SECONDS (the hub would refuse its own tokens)');
  if (!!config.tls.certFile !== !!config.tls.keyFile) throw new Error('TLS_CERT_FILE and TLS_KEY_FILE go together');
  if (config.metricsToken !== undefined && config.metricsToken.length < 16) throw new Error('METRICS_TOKEN must be at least 16 characters');
  if (config.maxConcurrentOperations < 1) throw new Error('MAX_CONCURRENT_OPERATIONS must be at least 1');
  if (config.rateLimit.points < 1 || config.rateLimit.windowSeconds < 1) throw new Error('RATE_LIMIT_POINTS and RATE_LIMIT_WINDOW_SECONDS must be at least 1');
  if (config.rateLimit.authFailures.points < 1 || config.rateLimit.authFailures.windowSeconds < 1) throw new Error('AUTH_FAILURE_LIMIT and AUTH_FAILURE_WINDOW_SECONDS must be at least 1');
  const badOrigin = config.corsOrigins.find((o) => !/^https?:\/\/[^/\s]+$/.test(o));
  if (badOrigin) throw new Error(`CORS_ORIGINS: ${badOrigin} is not an origin (scheme://host[:port], no path)`);
  if (production && config.webhooks.allowLoopback) throw new Error('WEBHOOK_ALLOW_LOOPBACK is for tests and local development, never in production');
  if (config.webhooks.batch < 1 || config.webhooks.timeoutMs < 1) throw new Error('WEBHOOK_DELIVERY_BATCH and WEBHOOK_TIMEOUT_MS must be at least 1');
  if (config.maxResolvedFields < 1) throw new Error('MAX_RESOLVED_FIELDS must be at least 1');
  // Each retry runs the whole transaction again: more than a few only keep a request longer under contention.
  if (config.transactionRetries > 10) throw new Error('TRANSACTION_RETRIES must be at most 10');
  checkReplicaUrls(config.databaseReplicaUrls);
  return config;
}

/** Each replica URL is a MySQL/MariaDB URL; a refusal names its position, never the URL (it may hold a password). */
function checkReplicaUrls(urls: string[]): void {
  urls.forEach((url, i) => {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw new Error(`DATABASE_REPLICA_URLS: entry ${i + 1} is not a URL`);
    }
    if (protocol !== 'mysql:' && protocol !== 'mariadb:') throw new Error(`DATABASE_REPLICA_URLS: entry ${i + 1} must be mysql:// or mariadb:// (got ${protocol})`);
  });
}

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
}

function executorFrom(value: string | undefined): HubConfig['executor'] {
  if (value === undefined || value === '' || value === 'graphql-js') return 'graphql-js';
  if (value === 'jit') return 'jit';
  throw new Error(`GRAPHQL_EXECUTOR must be graphql-js or jit (got ${JSON.stringify(value)})`);
}
