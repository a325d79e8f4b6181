import fs from 'node:fs';
import tls from 'node:tls';
import { PERSONAS } from '../../seeds/personas';
import { CountingLogger } from '../../src/common/query-counter';
import { loadConfig } from '../../src/config';
import { createHub } from '../../src/http/hub-server';
import { HSTS } from '../../src/http/transport';
import { ON_MYSQL, seededDatabase } from '../helpers/database';
import { Certificate, hasOpenssl, header, makeSelfSignedCertificate, postGraphQL, rawRequest } from '../helpers/hardening';
import { TestHub } from '../helpers/hub';

/**
 * Transport of issue #6, part 3 (docs/data-model.md P6): HTTPS by the hub itself with TLS_CERT_FILE and
 * TLS_KEY_FILE, Strict-Transport-Security on HTTPS answers, and in production no plain HTTP:
 * the hub refuses to start, unless TRUST_PROXY=true says a TLS-terminating proxy stands in
 * front; then X-Forwarded-Proto decides, and what did not arrive over HTTPS is refused.
 */

const QUERY = { query: '{ viewer { role } }' };
const EXPECTED_HSTS = 'max-age=31536000; includeSubDomains';

/** Production settings (bypass.test.ts): loadConfig wants DATABASE_URL; the hub runs on the test's DataSource. */
const production = (databaseUrl: string | undefined) => ({
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  JWT_SECRET: 'x'.repeat(40),
  SECRETS_KEY: 'y'.repeat(40),
  DATABASE_URL: databaseUrl || 'mysql://placeholder@127.0.0.1:1/unused',
});

describe(`transport (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let cert: Certificate;

  beforeAll(() => {
    if (!hasOpenssl()) throw new Error('these tests make a throwaway certificate with openssl, which is not on this machine');
    cert = makeSelfSignedCertificate();
  });
  afterAll(() => {
    if (cert) fs.rmSync(cert.dir, { recursive: true, force: true });
  });

  it('HSTS is one year with subdomains', () => {
    expect(HSTS).toBe(EXPECTED_HSTS);
  });

  describe('with TLS_CERT_FILE and TLS_KEY_FILE', () => {
    let hub: TestHub;
    let httpsUrl: string;
    let token: string;

    beforeAll(async () => {
      hub = await TestHub.start('hardening_tls', { TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile });
      httpsUrl = hub.url.replace(/^http:/, 'https:');
      token = await hub.tokenFor(PERSONAS.distributors.rhein.admin);
    });
    afterAll(() => hub?.close());

    it('answers over HTTPS, the certificate checked against the throwaway CA, with Strict-Transport-Security', async () => {
      const r = await postGraphQL(httpsUrl, token, QUERY, { ca: cert.cert, servername: 'localhost' });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ data: { viewer: { role: 'DISTRIBUTOR_ADMIN' } } });
      expect(header(r, 'strict-transport-security')).toBe(EXPECTED_HSTS);
      const health = await rawRequest(`${httpsUrl}/health`, { ca: cert.cert, servername: 'localhost' });
      expect(health.status).toBe(200);
      expect(header(health, 'strict-transport-security')).toBe(EXPECTED_HSTS);
    });

    it('a client that does not trust the certificate refuses the connection (it is really TLS, with this certificate)', async () => {
      await expect(postGraphQL(httpsUrl, token, QUERY)).rejects.toThrow(/self[- ]signed|certificate/i);
    });

    it('plain HTTP to the TLS port gets no answer: the connection is dropped', async () => {
      const outcome = await postGraphQL(hub.url, token, QUERY, { timeoutMs: 5000 }).then(
        (r) => `answered HTTP ${r.status}: ${r.text.slice(0, 100)}`,
        (e: NodeJS.ErrnoException) => `failed: ${e.code ?? e.message}`,
      );
      expect(outcome).toMatch(/^failed: (ECONNRESET|socket hang up|EPIPE)/);
    });

    it('TLS 1.0 and 1.1 are refused by the server (minVersion TLSv1.2); 1.2 and 1.3 are spoken', async () => {
      const handshake = (version: tls.SecureVersion) =>
        new Promise<string>((resolve) => {
          // SECLEVEL=0 lets this client offer the old versions: the refusal must come from the hub.
          const socket = tls.connect(
            { host: '127.0.0.1', port: Number(new URL(httpsUrl).port), ca: cert.cert, servername: 'localhost', minVersion: version, maxVersion: version, ciphers: 'DEFAULT:@SECLEVEL=0' },
            () => {
              resolve(`spoke ${socket.getProtocol()}`);
              socket.end();
            },
          );
          socket.on('error', (e: NodeJS.ErrnoException) => resolve(`refused: ${e.code}`));
        });
      expect(await handshake('TLSv1')).toBe('refused: ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
      expect(await handshake('TLSv1.1')).toBe('refused: ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
      expect(await handshake('TLSv1.2')).toBe('spoke TLSv1.2');
      expect(await handshake('TLSv1.3')).toBe('spoke TLSv1.3');
    });
  });

  describe('with TLS in production (no proxy)', () => {
    it('starts, answers over HTTPS with HSTS', async () => {
      const hub = await TestHub.start('hardening_tls_production', { ...production(process.env.DATABASE_URL), TLS_CERT_FILE: cert.certFile, TLS_KEY_FILE: cert.keyFile });
      try {
        expect(hub.config.nodeEnv).toBe('production');
        expect(hub.config.trustProxy).toBe(false);
        const r = await postGraphQL(hub.url.replace(/^http:/, 'https:'), await hub.tokenFor(PERSONAS.vendorAdmin), QUERY, { ca: cert.cert, servername: 'localhost' });
        expect(r.status).toBe(200);
        expect(r.json).toEqual({ data: { viewer: { role: 'VENDOR_ADMIN' } } });
        expect(header(r, 'strict-transport-security')).toBe(EXPECTED_HSTS);
      } finally {
        await hub.close();
      }
    });
  });

  it('NODE_ENV=production without TLS and without TRUST_PROXY: the hub refuses to start, naming TLS_CERT_FILE and TRUST_PROXY', async () => {
    const db = await seededDatabase('hardening_plain_production');
    try {
      const config = loadConfig({ ...db.env, ...production(db.env.DATABASE_URL) });
      expect(config.tls.certFile).toBeUndefined();
      expect(config.trustProxy).toBe(false);
      const attempt = createHub({ config, dataSource: db.dataSource });
      await expect(attempt).rejects.toThrow(/TLS_CERT_FILE/);
      await expect(attempt).rejects.toThrow(/TRUST_PROXY/);
      await expect(attempt).rejects.toThrow(/plain HTTP/);
    } finally {
      if (db.dataSource.isInitialized) await db.dataSource.destroy();
    }
  });

  it('TLS_CERT_FILE without TLS_KEY_FILE is a configuration error', () => {
    expect(() => loadConfig({ TLS_CERT_FILE: cert.certFile })).toThrow(/TLS_CERT_FILE and TLS_KEY_FILE/);
    expect(() => loadConfig({ TLS_KEY_FILE: cert.keyFile })).toThrow(/TLS_CERT_FILE and TLS_KEY_FILE/);
  });

  describe('in development without TLS', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await TestHub.start('hardening_plain_dev');
    });
    afterAll(() => hub?.close());

    it('plain HTTP is served, without Strict-Transport-Security (HSTS over plain HTTP means nothing and is not sent)', async () => {
      const r = await postGraphQL(hub.url, await hub.tokenFor(PERSONAS.distributors.rhein.admin), QUERY);
      expect(r.status).toBe(200);
      expect(header(r, 'strict-transport-security')).toBeUndefined();
    });

    it('X-Forwarded-Proto is not trusted without TRUST_PROXY: no HSTS for a forged "https"', async () => {
      const r = await postGraphQL(hub.url, await hub.tokenFor(PERSONAS.distributors.rhein.admin), QUERY, { headers: { 'x-forwarded-proto': 'https' } });
      expect(r.status).toBe(200);
      expect(header(r, 'strict-transport-security')).toBeUndefined();
    });
  });

  describe('in production behind a TLS-terminating proxy (TRUST_PROXY=true)', () => {
    let hub: TestHub;
    let token: string;

    beforeAll(async () => {
      hub = await TestHub.start('hardening_proxy', { ...production(process.env.DATABASE_URL), TRUST_PROXY: 'true' });
      token = await hub.tokenFor(PERSONAS.distributors.rhein.admin);
    });
    afterAll(() => hub?.close());

    it('the hub starts on plain HTTP', () => {
      expect(hub.config.nodeEnv).toBe('production');
      expect(hub.config.trustProxy).toBe(true);
      expect(hub.url).toMatch(/^http:/);
    });

    it('a request the proxy received over HTTPS (X-Forwarded-Proto: https) is answered, with HSTS', async () => {
      for (const proto of ['https', 'HTTPS', 'https, http']) {
        const r = await postGraphQL(hub.url, token, QUERY, { headers: { 'x-forwarded-proto': proto } });
        expect({ proto, status: r.status }).toEqual({ proto, status: 200 });
        expect(r.json).toEqual({ data: { viewer: { role: 'DISTRIBUTOR_ADMIN' } } });
        expect(header(r, 'strict-transport-security')).toBe(EXPECTED_HSTS);
      }
    });

    it('without X-Forwarded-Proto, or with http, the request is refused: 403 FORBIDDEN "HTTPS required", nothing executed', async () => {
      for (const headers of [{}, { 'x-forwarded-proto': 'http' }, { 'x-forwarded-proto': 'http, https' }, { 'x-forwarded-proto': '' }] as Record<string, string>[]) {
        const statements = CountingLogger.statements;
        const r = await postGraphQL(hub.url, token, QUERY, { headers });
        expect(CountingLogger.statements).toBe(statements); // not even the token was looked at
        expect({ headers, status: r.status }).toEqual({ headers, status: 403 });
        expect(r.json).toEqual({ errors: [{ message: 'HTTPS required', extensions: { code: 'FORBIDDEN' } }] });
        expect(header(r, 'strict-transport-security')).toBeUndefined();
      }
    });

    it('the refusal comes before authentication: a request without a token over plain HTTP is 403, not 401', async () => {
      const r = await postGraphQL(hub.url, null, QUERY, { headers: { 'x-forwarded-proto': 'http' } });
      expect(r.status).toBe(403);
      expect(r.json.errors[0].extensions.code).toBe('FORBIDDEN');
    });
  });
});
