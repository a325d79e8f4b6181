import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { PERSONAS } from '../../seeds/personas';
import { ON_MYSQL } from '../helpers/database';
import { takeCost, TestHub } from '../helpers/hub';

/**
 * CORS as a browser sees it (issue #13): Debian's chromium, driven by playwright-core, loads a
 * page from another origin (a second small HTTP server) that calls the hub with fetch and a
 * bearer token. The browser itself sends the preflight, caches it, enforces the allowlist and
 * hides the headers the hub does not expose: what http-framework.test.ts checks header by
 * header, proven here end to end.
 *
 * It runs once, on the embedded database: the browser does not care which database the hub
 * uses, and CI runs the suite per database (it is skipped when DATABASE_URL is set).
 * CI installs chromium (.ci/run) when /usr/bin/chromium is missing.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const describeOnce = ON_MYSQL ? describe.skip : describe;

describeOnce('a browser page on another origin calling the hub (embedded database only)', () => {
  let hub: TestHub;
  let pages: http.Server;
  let pageOrigin: string;
  let otherOrigin: string;
  let context: BrowserContext;
  let userDataDir: string;
  let token: string;
  const preflights: string[] = [];

  beforeAll(async () => {
    pages = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>partner console</title>'));
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    const port = (pages.address() as AddressInfo).port;
    pageOrigin = `http://127.0.0.1:${port}`;
    // The same server under another host name is another origin, and not in the allowlist.
    otherOrigin = `http://localhost:${port}`;
    hub = await TestHub.start('browser_cors', { CORS_ORIGINS: pageOrigin });
    hub.hub.server.on('request', (req: http.IncomingMessage) => {
      if (req.method === 'OPTIONS') preflights.push(String(req.headers.origin));
    });
    token = await hub.tokenFor(PERSONAS.vendorAdmin);
    expect(fs.existsSync(CHROMIUM)).toBe(true);
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await hub?.close();
    await new Promise((resolve) => pages?.close(resolve));
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  });

  async function pageAt(origin: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${origin}/`);
    return page;
  }

  interface Called {
    status: number;
    body: any;
    headers: Record<string, string | null>;
    error: string | null;
  }

  /** fetch() in the page: the status, the body and the headers as the page's JavaScript can read them, or the error it got. */
  function call(page: Page, init: { method: string; query: string; variables?: unknown; headers?: Record<string, string> }) {
    return page.evaluate(
      async ({ url, token, init }): Promise<Called> => {
        const headers: Record<string, string> = { authorization: `Bearer ${token}`, ...(init.headers ?? {}) };
        try {
          let res: Response;
          if (init.method === 'GET') {
            res = await fetch(`${url}/graphql?${new URLSearchParams({ query: init.query }).toString()}`, { headers });
          } else {
            res = await fetch(`${url}/graphql`, {
              method: 'POST',
              headers: { ...headers, 'content-type': 'application/json' },
              body: JSON.stringify({ query: init.query, variables: init.variables }),
            });
          }
          const read = ['x-request-id', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'idempotency-replayed', 'content-security-policy'];
          return { status: res.status, body: await res.json(), headers: Object.fromEntries(read.map((h) => [h, res.headers.get(h)])), error: null };
        } catch (e) {
          return { status: 0, body: null, headers: {}, error: String(e) };
        }
      },
      { url: hub.url, token, init },
    );
  }

  it('preflights a POST once (cached for the next), and the answer and the exposed headers are readable from JavaScript', async () => {
    const page = await pageAt(pageOrigin);
    preflights.length = 0;
    const first = await call(page, { method: 'POST', query: '{ viewer { role } }' });
    const second = await call(page, { method: 'POST', query: '{ viewer { organization { name } } }' });
    expect(preflights).toEqual([pageOrigin]);
    expect(first).toMatchObject({ status: 200, body: { data: { viewer: { role: 'VENDOR_ADMIN' } } }, error: null });
    // extensions.cost (the budget left) differs per request: the data is compared.
    expect(takeCost(second.body).body).toEqual({ data: { viewer: { organization: { name: expect.any(String) } } } });
    expect(first.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(first.headers['x-ratelimit-limit'])).toBeGreaterThan(0);
    expect(Number(second.headers['x-ratelimit-remaining'])).toBeLessThan(Number(first.headers['x-ratelimit-remaining']));
    expect(first.headers['x-ratelimit-reset']).toMatch(/^\d+$/);
    // A header the hub does not expose stays hidden from the page (the browser filters it).
    expect(first.headers['content-security-policy']).toBeNull();
    await page.close();
  });

  it('a GET query with the bearer token works from the page too', async () => {
    const page = await pageAt(pageOrigin);
    const r = await call(page, { method: 'GET', query: '{ viewer { role } }' });
    expect(r).toMatchObject({ status: 200, body: { data: { viewer: { role: 'VENDOR_ADMIN' } } }, error: null });
    await page.close();
  });

  it('reads Idempotency-Replayed on the retry of a mutation with the same Idempotency-Key', async () => {
    const page = await pageAt(pageOrigin);
    const mutation = { method: 'POST', query: 'mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { user { phone } } }', variables: { input: { phone: '+49 30 1234' } } };
    const first = await call(page, { ...mutation, headers: { 'idempotency-key': 'browser-profile-1' } });
    const retry = await call(page, { ...mutation, headers: { 'idempotency-key': 'browser-profile-1' } });
    expect(first).toMatchObject({ status: 200, body: { data: { updateMyProfile: { user: { phone: '+49 30 1234' } } } }, error: null });
    expect([first.headers['idempotency-replayed'], retry.headers['idempotency-replayed']]).toEqual([null, 'true']);
    expect(takeCost(retry.body).body).toEqual(takeCost(first.body).body);
    await page.close();
  });

  it('blocks a page of an origin not in CORS_ORIGINS: its fetch fails after the preflight (which the hub answered without Access-Control-Allow-Origin)', async () => {
    const page = await pageAt(otherOrigin);
    preflights.length = 0;
    const r = await call(page, { method: 'POST', query: '{ viewer { role } }' });
    expect(r).toEqual({ status: 0, body: null, headers: {}, error: expect.stringMatching(/TypeError: Failed to fetch/) });
    expect(preflights).toEqual([otherOrigin]);
    await page.close();
  });
});
