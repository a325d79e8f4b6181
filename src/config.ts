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
  };
  /** 32-byte key (hex or base64) that encrypts activation keys at rest. */
  secretsKey: string;
  dbPoolSize: number;
  logLevel: string;
}

const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789abcdef';
const DEV_SECRETS_KEY = 'dev-only-secrets-key-change-me-0123456789abcdef';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const production = nodeEnv === 'production';
  const config: HubConfig = {
    nodeEnv,
    port: intFrom(env.PORT, 4000, 'PORT'),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR ?? 'data'),
    jwt: {
      secret: env.JWT_SECRET ?? (production || env.JWT_PUBLIC_KEY || env.JWT_JWKS_URL ? undefined : DEV_JWT_SECRET),
      publicKey: env.JWT_PUBLIC_KEY || undefined,
      jwksUrl: env.JWT_JWKS_URL || undefined,
      algorithms: (env.JWT_ALGORITHMS ?? (env.JWT_PUBLIC_KEY || env.JWT_JWKS_URL ? 'RS256,ES256' : 'HS256'))
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
      issuer: env.JWT_ISSUER ?? 'license-portal',
      audience: env.JWT_AUDIENCE ?? 'partner-hub',
      ttlSeconds: intFrom(env.JWT_TTL_SECONDS, 3600, 'JWT_TTL_SECONDS'),
    },
    secretsKey: env.SECRETS_KEY ?? (production ? '' : DEV_SECRETS_KEY),
    dbPoolSize: intFrom(env.DB_POOL_SIZE, 10, 'DB_POOL_SIZE'),
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
  };
  if (production) {
    const missing: string[] = [];
    if (!config.jwt.secret && !config.jwt.publicKey && !config.jwt.jwksUrl) missing.push('JWT_SECRET (or JWT_PUBLIC_KEY / JWT_JWKS_URL)');
    if (!config.secretsKey) missing.push('SECRETS_KEY');
    if (!config.databaseUrl) missing.push('DATABASE_URL');
    if (missing.length) throw new Error(`Missing required settings for production: ${missing.join(', ')}`);
  }
  return config;
}

function intFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
}
