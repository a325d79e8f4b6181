import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { loadConfig } from '../../src/config';
import { ON_MYSQL } from '../helpers/database';
import { takeCost, TestHub } from '../helpers/hub';
import { PERSONAS } from '../../seeds/personas';
import { rawRequest } from '../helpers/hardening';

/**
 * What the hub gets from its server framework (Fastify and its plugins, src/http/web-plugins.ts):
 * compression, security headers, CORS for browser dashboards, the console's static files.
 */
const DASHBOARD = '{ customers(first: 50) { totalCount nodes { name users(first: 5) { nodes { name email } } licenses(first: 20) { nodes { status seats seatsUsed product { sku } } } } } }';

/** A POST whose answer comes back as it travelled (no decompression by the client). */
function post(url: string, token: string, query: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; raw: Buffer }> {
  const body = JSON.stringify({ query });
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${url}/graphql`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), authorization: `Bearer ${token}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe(`the HTTP framework's part (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let token: string;
  let plain: string;
  /** An answer's JSON text without extensions.cost (the budget left differs per request). */
  const withoutCost = (text: string): string => JSON.stringify(takeCost(JSON.parse(text)).body);

  beforeAll(async () => {
    hub = await TestHub.start('http_framework');
    token = await hub.tokenFor(PERSONAS.vendorAdmin);
    const r = await post(hub.url, token, DASHBOARD);
    expect([r.status, r.headers['content-encoding']]).toEqual([200, undefined]);
    plain = r.raw.toString('utf8');
    // The same JSON below, but for the budget left (extensions.cost), which differs per request.
    plain = JSON.stringify(takeCost(JSON.parse(plain)).body);
    expect(plain.length).toBeGreaterThan(1024);
  });
  afterAll(() => hub?.close());

  it('compresses an answer over 1 KB with brotli or gzip when the client accepts it, to the same JSON', async () => {
    const br = await post(hub.url, token, DASHBOARD, { 'accept-encoding': 'br' });
    expect([br.status, br.headers['content-encoding'], br.headers.vary]).toEqual([200, 'br', 'accept-encoding']);
    expect(withoutCost(zlib.brotliDecompressSync(br.raw).toString('utf8'))).toBe(plain);
    expect(br.raw.length).toBeLessThan(plain.length / 3);
    // gzip first when both are accepted: about the same bytes for less CPU.
    const gzip = await post(hub.url, token, DASHBOARD, { 'accept-encoding': 'gzip, deflate, br' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(withoutCost(zlib.gunzipSync(gzip.raw).toString('utf8'))).toBe(plain);
  });

  it('sends a small answer as it is, accepted encodings or not', async () => {
    const r = await post(hub.url, token, '{ viewer { role } }', { 'accept-encoding': 'br' });
    expect([r.status, r.headers['content-encoding'], takeCost(JSON.parse(r.raw.toString('utf8'))).body]).toEqual([200, undefined, { data: { viewer: { role: 'VENDOR_ADMIN' } } }]);
  });

  it('sends security headers suited to a JSON API on every answer, and no HSTS over plain HTTP', async () => {
    for (const r of [await post(hub.url, token, '{ viewer { role } }'), await rawRequest(`${hub.url}/health`), await rawRequest(`${hub.url}/nowhere`)]) {
      expect(r.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' });
      expect(r.headers['content-security-policy']).toContain("default-src 'self'");
      expect(r.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect([r.headers['strict-transport-security'], r.headers['x-powered-by']]).toEqual([undefined, undefined]);
    }
    expect((await rawRequest(`${hub.url}/nowhere`)).json).toEqual({ error: 'not found' });
  });

  it("keeps an idle keep-alive connection open past Node's 5 s default (a pool's next request on it is answered, not reset)", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const ask = () =>
      new Promise<{ status: number; reused: boolean; keepAlive: string | undefined }>((resolve, reject) => {
        const body = JSON.stringify({ query: '{ viewer { role } }' });
        const request = http.request(
          `${hub.url}/graphql`,
          { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), authorization: `Bearer ${token}` } },
          (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: request.reusedSocket, keepAlive: res.headers['keep-alive'] as string | undefined }));
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    try {
      const first = await ask();
      expect(first).toEqual({ status: 200, reused: false, keepAlive: 'timeout=72' });
      await new Promise((r) => setTimeout(r, 6000));
      expect(await ask()).toEqual({ status: 200, reused: true, keepAlive: 'timeout=72' });
    } finally {
      agent.destroy();
    }
  }, 20000);

  it('has CORS off by default: no Access-Control-Allow-Origin, whatever the origin', async () => {
    const r = await post(hub.url, token, '{ viewer { role } }', { origin: 'https://console.example.com' });
    expect([r.status, r.headers['access-control-allow-origin']]).toEqual([200, undefined]);
    const preflight = await rawRequest(`${hub.url}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://console.example.com', 'access-control-request-method': 'POST' } });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS_ORIGINS and STATIC_DIR', () => {
  let hub: TestHub;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-static-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
    fs.writeFileSync(path.join(dir, 'assets', 'app-1a2b.js'), 'console.log("console");\n'.repeat(100));
    hub = await TestHub.start('http_framework_cors', { CORS_ORIGINS: 'https://console.example.com, https://partners.example.com:8443', STATIC_DIR: dir });
  });
  afterAll(async () => {
    await hub?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("answers a listed origin's preflight and requests with its own origin and the readable headers", async () => {
    const preflight = await rawRequest(`${hub.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://console.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, idempotency-key' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({ 'access-control-allow-origin': 'https://console.example.com', 'access-control-allow-methods': 'GET, POST', 'access-control-max-age': '600' });
    expect(preflight.headers['access-control-allow-headers']).toContain('idempotency-key');
    const token = await hub.tokenFor(PERSONAS.vendorAdmin);
    const r = await post(hub.url, token, '{ viewer { role } }', { origin: 'https://partners.example.com:8443' });
    expect([r.status, r.headers['access-control-allow-origin']]).toEqual([200, 'https://partners.example.com:8443']);
    expect(r.headers['access-control-expose-headers']).toContain('x-ratelimit-remaining');
    expect(r.headers['access-control-expose-headers']).toContain('x-request-id');
  });

  it('gives an origin that is not listed no Access-Control-Allow-Origin', async () => {
    const token = await hub.tokenFor(PERSONAS.vendorAdmin);
    const r = await post(hub.url, token, '{ viewer { role } }', { origin: 'https://evil.example.com' });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it("serves the console's files with caching headers (assets a day, HTML revalidated), and /graphql and 404s as before", async () => {
    const asset = await rawRequest(`${hub.url}/assets/app-1a2b.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=86400');
    expect(asset.headers.etag).toBeTruthy();
    expect(asset.headers['last-modified']).toBeTruthy();
    const again = await rawRequest(`${hub.url}/assets/app-1a2b.js`, { headers: { 'if-none-match': String(asset.headers.etag) } });
    expect(again.status).toBe(304);
    const index = await rawRequest(`${hub.url}/`);
    expect([index.status, index.headers['cache-control'], index.text]).toEqual([200, 'no-cache', '<!doctype html><title>console</title>']);
    const missing = await rawRequest(`${hub.url}/assets/none.js`);
    expect([missing.status, missing.json]).toEqual([404, { error: 'not found' }]);
    expect((await rawRequest(`${hub.url}/health`)).json).toEqual({ status: 'ok' });
  });

  it('refuses a CORS_ORIGINS entry that is not an origin', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'https://console.example.com/app' })).toThrow('CORS_ORIGINS: https://console.example.com/app is not an origin');
    expect(() => loadConfig({ CORS_ORIGINS: '*' })).toThrow('CORS_ORIGINS');
  });
});
