import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rawRequest } from '../helpers/hardening';
import { TestHub } from '../helpers/hub';

/**
 * The explorer (/explorer/, issue #16) over HTTP, on both databases: in production it is 404
 * unless EXPLORER_ENABLED=true; when served, its page has its own CSP (GraphiQL's needs, from
 * 'self' only) while the API keeps its strict one. The browser side: console-explorer.test.ts.
 */
const production = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  TRUST_PROXY: 'true',
  JWT_SECRET: 'x'.repeat(40),
  SECRETS_KEY: 'y'.repeat(40),
  DATABASE_URL: process.env.DATABASE_URL || 'mysql://placeholder@127.0.0.1:1/unused',
};
const HTTPS = { 'x-forwarded-proto': 'https' };
const API_CSP = "default-src 'self';frame-ancestors 'none';base-uri 'none';form-action 'self'";

describe('the explorer in production', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-explorer-'));
    fs.mkdirSync(path.join(dir, 'explorer'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
    fs.writeFileSync(path.join(dir, 'explorer', 'index.html'), '<!doctype html><title>explorer</title>');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is 404 with EXPLORER_ENABLED unset (the console at / is served)', async () => {
    const hub = await TestHub.start('explorer_off', { ...production, STATIC_DIR: dir });
    try {
      for (const p of ['/explorer', '/explorer/', '/explorer/index.html', '/explorer?query=%7Bviewer%7Brole%7D%7D']) {
        const r = await rawRequest(`${hub.url}${p}`, { headers: HTTPS });
        expect([p, r.status, r.text]).toEqual([p, 404, JSON.stringify({ error: 'not found' })]);
      }
      expect((await rawRequest(`${hub.url}/`, { headers: HTTPS })).status).toBe(200);
    } finally {
      await hub.close();
    }
  });

  it("with EXPLORER_ENABLED=true, serves /explorer/ with its own CSP; /explorer redirects there; the API's CSP stays strict", async () => {
    const hub = await TestHub.start('explorer_on', { ...production, STATIC_DIR: dir, EXPLORER_ENABLED: 'true' });
    try {
      const page = await rawRequest(`${hub.url}/explorer/`, { headers: HTTPS });
      expect([page.status, page.text]).toEqual([200, '<!doctype html><title>explorer</title>']);
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/https?:|\*|'unsafe-eval'/);
      const bare = await rawRequest(`${hub.url}/explorer?query=%7B%7D`, { headers: HTTPS });
      expect([bare.status, bare.headers.location]).toEqual([302, '/explorer/?query=%7B%7D']);
      for (const p of ['/', '/health']) expect([p, (await rawRequest(`${hub.url}${p}`, { headers: HTTPS })).headers['content-security-policy']]).toEqual([p, API_CSP]);
    } finally {
      await hub.close();
    }
  });
});
