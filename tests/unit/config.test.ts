import { loadConfig } from '../../src/config';

describe('loadConfig: token lifetimes and keys', () => {
  const base = { NODE_ENV: 'development' };

  it('caps token lifetimes at 24 h and allows 60 s of clock skew by default', () => {
    expect(loadConfig(base).jwt).toMatchObject({ ttlSeconds: 3600, maxLifetimeSeconds: 86400, clockSkewSeconds: 60 });
  });

  it('refuses a JWT_TTL_SECONDS over JWT_MAX_LIFETIME_SECONDS: the hub would refuse its own tokens', () => {
    expect(() => loadConfig({ ...base, JWT_TTL_SECONDS: '7200', JWT_MAX_LIFETIME_SECONDS: '3600' })).toThrow('JWT_TTL_SECONDS must not exceed JWT_MAX_LIFETIME_SECONDS');
    expect(() => loadConfig({ ...base, JWT_MAX_LIFETIME_SECONDS: '0' })).toThrow('JWT_MAX_LIFETIME_SECONDS must be at least 1');
  });

  it('has no published default key: without SECRETS_KEY and JWT_SECRET both are empty (src/local-secrets.ts decides)', () => {
    const config = loadConfig(base);
    expect(config.secretsKey).toBe('');
    expect(config.jwt.secret).toBeUndefined();
  });
});

describe('loadConfig: the executor', () => {
  const base = { NODE_ENV: 'development' };

  it('takes graphql-js or jit, and refuses anything else by name', () => {
    expect(loadConfig({ ...base, GRAPHQL_EXECUTOR: 'graphql-js' }).executor).toBe('graphql-js');
    expect(loadConfig({ ...base, GRAPHQL_EXECUTOR: 'jit' }).executor).toBe('jit');
    expect(() => loadConfig({ ...base, GRAPHQL_EXECUTOR: 'JIT' })).toThrow('GRAPHQL_EXECUTOR must be graphql-js or jit (got "JIT")');
  });
});
