import fs from 'node:fs';
import zlib from 'node:zlib';
import compress from '@fastify/compress';
import cors from '@fastify/cors';
import helmet from 'helmet';
import fastifyStatic from '@fastify/static';
import { FastifyInstance } from 'fastify';
import { HubConfig } from '../config';

/** Answers below this size go out as they are: compressing them costs more than it saves. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/** Headers a browser dashboard on another origin may read (CORS_ORIGINS). */
const EXPOSED_HEADERS = ['x-request-id', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after', 'idempotency-replayed'];

/**
 * The explorer's page (GraphiQL): still everything from 'self' only, plus what its editor
 * (Monaco) needs: the <style> elements it inserts at run time ('unsafe-inline' styles), the
 * fonts GraphiQL's stylesheet carries as data: URIs, and its web workers (from /assets/).
 */
const EXPLORER_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** /explorer and what is under it (its page is web/dist/explorer/index.html). */
function isExplorerPath(url: string): boolean {
  const pathname = url.split('?')[0];
  return pathname === '/explorer' || pathname.startsWith('/explorer/');
}

/**
 * What every server framework does, by Fastify's maintained plugins: security headers suited to
 * a JSON API (HSTS stays with transport.ts: only over HTTPS), compression when the client
 * accepts it (gzip, or brotli at a moderate quality: at brotli's default quality 11 a 390 KB
 * answer would cost more CPU than the query), and the console's static files when their folder exists.
 */
export async function registerWebPlugins(app: FastifyInstance, config: HubConfig): Promise<void> {
  // helmet's middleware, built once: @fastify/helmet 13 builds it again on every request (its
  // options parsed, the CSP directives normalised), which was 14% of the CPU of a one-customer
  // request (docs/benchmarks.md, Q3). A synchronous hook: no promise per request either.
  const securityHeaders = helmet({
    hsts: false,
    frameguard: { action: 'deny' },
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'self'"] } },
  });
  app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (err) => done(err as Error | undefined)));
  await app.register(compress, {
    threshold: COMPRESSION_THRESHOLD_BYTES,
    // gzip first: on the 400 KB dashboard it saves as much as brotli at quality 4 (24 KB against
    // 22 KB) for less than half its CPU (docs/benchmarks.md); a client accepting only br gets br.
    encodings: ['gzip', 'br'],
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
    // Answers are compressed; request bodies are read as they come (100 KB at most).
    zlibOptions: { level: 6 },
  });
  if (config.staticDir && fs.existsSync(config.staticDir)) {
    registerExplorerRoutes(app, config);
    await app.register(fastifyStatic, {
      root: config.staticDir,
      prefix: '/',
      wildcard: true,
      // Built assets carry their hash in their name: cached for a day, revalidated by ETag;
      // index.html is always revalidated, so a new console is seen at once.
      cacheControl: false, // set below, per kind of file
      etag: true,
      lastModified: true,
      setHeaders: (res, file) => {
        res.setHeader('cache-control', file.endsWith('.html') ? 'no-cache' : 'public, max-age=86400');
      },
    });
  }
}

/**
 * The explorer: /explorer redirects to /explorer/ (the page, served with the static files) with
 * its own CSP; when it is off (production without EXPLORER_ENABLED=true) /explorer and what is
 * under it answer 404 as any unknown path.
 */
function registerExplorerRoutes(app: FastifyInstance, config: HubConfig): void {
  if (!config.explorerEnabled) {
    app.addHook('onRequest', async (request, reply) => {
      if (isExplorerPath(request.url)) return reply.code(404).type('application/json; charset=utf-8').send({ error: 'not found' });
    });
    return;
  }
  app.addHook('onSend', async (request, reply, payload) => {
    if (isExplorerPath(request.url)) reply.header('content-security-policy', EXPLORER_CSP);
    return payload;
  });
  app.get('/explorer', async (request, reply) => {
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    return reply.redirect(`/explorer/${query}`, 302);
  });
}

/** CORS for /graphql, when CORS_ORIGINS names the browser origins allowed (exact matches). */
export async function registerCors(scope: FastifyInstance, config: HubConfig): Promise<void> {
  if (!config.corsOrigins.length) return;
  await scope.register(cors, {
    origin: config.corsOrigins,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id', 'apollo-require-preflight', 'x-apollo-operation-name', 'see-as', 'see-as-at', 'see-as-purpose'],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
