import fs from 'node:fs';
import http, { IncomingMessage, RequestListener } from 'node:http';
import https from 'node:https';
import { HubConfig } from '../config';

export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * How long an idle keep-alive connection stays open: Fastify's own default, longer than a load
 * balancer's usual idle timeout (60 s), so the balancer (or a client's pool) closes first and
 * never sends a request on a socket the hub is closing (ECONNRESET). Node's default is 5 s.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/**
 * P6: only encrypted connections. The hub speaks TLS itself when given a certificate; in
 * production it refuses to start on plain HTTP unless a TLS-terminating proxy stands in front
 * (TRUST_PROXY=true), and then refuses what did not reach that proxy over HTTPS.
 */
export function createTransport(config: HubConfig, listener: RequestListener): { server: http.Server; secure: boolean } {
  if (config.tls.certFile && config.tls.keyFile) {
    const server = https.createServer({ cert: fs.readFileSync(config.tls.certFile), key: fs.readFileSync(config.tls.keyFile), minVersion: 'TLSv1.2' }, listener);
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    return { server, secure: true };
  }
  if (config.nodeEnv === 'production' && !config.trustProxy) {
    throw new Error('refusing to serve plain HTTP in production: set TLS_CERT_FILE and TLS_KEY_FILE, or TRUST_PROXY=true behind a TLS-terminating proxy');
  }
  const server = http.createServer(listener);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return { server, secure: false };
}

/** Did this request reach us (or our trusted proxy) over HTTPS? */
export function arrivedOverHttps(req: Pick<IncomingMessage, 'headers'>, config: HubConfig, secure: boolean): boolean {
  if (secure) return true;
  if (!config.trustProxy) return false;
  const proto = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    .trim()
    .toLowerCase();
  return proto === 'https';
}
