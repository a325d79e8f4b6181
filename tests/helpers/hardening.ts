import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { AnswerCost, takeCost } from './hub';

/**
 * Helpers for the hardening tests (issue #6): raw HTTP(S) requests that show the status and
 * headers exactly as a client sees them, a throwaway TLS certificate, a log sink in memory,
 * and the Redis server of the development and CI machines.
 */

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON; without extensions.cost (see takeCost). */
  json: any;
  /** The answer's extensions.cost, when it had one. */
  cost?: AnswerCost;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** For https: the certificate authority to trust (the throwaway certificate itself). */
  ca?: string | Buffer;
  /** For https: the name the certificate is checked against. */
  servername?: string;
  timeoutMs?: number;
}

/** One request through node's http or https client: nothing added, nothing hidden. */
export function rawRequest(url: string, options: RawRequest = {}): Promise<RawResponse> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const request = (secure ? https : http).request(
      target,
      {
        method: options.method ?? 'GET',
        headers: { ...(options.body !== undefined ? { 'content-length': String(Buffer.byteLength(options.body)) } : {}), ...options.headers },
        ...(secure ? { ca: options.ca, servername: options.servername, agent: false } : { agent: false }),
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          // The budget left (extensions.cost) differs per request: `json` is compared without it, `cost` keeps it.
          const { body, cost } = takeCost(json);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: body, cost });
        });
        res.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('request timed out')));
    request.on('error', reject);
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

/** A GraphQL POST (JSON) through rawRequest. */
export function postGraphQL(url: string, token: string | null, payload: unknown, extra: RawRequest = {}): Promise<RawResponse> {
  return rawRequest(`${url}/graphql`, {
    ...extra,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra.headers },
    body: JSON.stringify(payload),
  });
}

export interface Certificate {
  dir: string;
  certFile: string;
  keyFile: string;
  cert: string;
}

/**
 * A throwaway self-signed certificate for localhost and 127.0.0.1, valid for one day, made by
 * openssl in a temporary folder.
 */
export function makeSelfSignedCertificate(): Certificate {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { stdio: 'pipe' },
  );
  return { dir, certFile, keyFile, cert: fs.readFileSync(certFile, 'utf8') };
}

/** Is openssl on this machine? */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** A pino destination in memory: every line written, parsed as JSON where it is JSON. */
export class MemoryLog extends Writable {
  readonly lines: string[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    for (const line of chunk.toString().split('\n')) if (line.trim()) this.lines.push(line);
    done();
  }

  /** The lines as objects (a line that is not JSON fails the test that reads it). */
  entries(): Record<string, any>[] {
    return this.lines.map((line) => JSON.parse(line));
  }

  clear(): void {
    this.lines.length = 0;
  }
}

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Header value as one string (node gives string | string[] | undefined). */
export function header(res: { headers: http.IncomingHttpHeaders }, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Makes sure a Redis server answers at REDIS_URL (127.0.0.1:6379 on development and CI machines),
 * starting one without persistence if none does; synchronous, for choosing at load time between `describe` and
 * `describe.skip`: null when Redis answers (starting a local one if needed), else the reason.
 */
export function ensureRedisSync(url = REDIS_URL): string | null {
  const { hostname, port } = new URL(url);
  // A Redis PING, not only a TCP connection: some networks accept any connection.
  const probe = `const s=require('net').connect({host:${JSON.stringify(hostname)},port:${Number(port || 6379)}});s.on('connect',()=>s.write('PING\\r\\n'));s.on('data',(d)=>process.exit(String(d).startsWith('+PONG')?0:1));s.on('error',()=>process.exit(1));s.setTimeout(1000,()=>process.exit(1))`;
  const answers = () => spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore' }).status === 0;
  if (answers()) return null;
  if (hostname !== '127.0.0.1' && hostname !== 'localhost') return `no Redis server answers at ${url}`;
  const started = spawnSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', String(Number(port || 6379)), '--save', '', '--appendonly', 'no'], { stdio: 'pipe' });
  if (started.status !== 0) return `no Redis server answers at ${url}, and redis-server could not be started (${started.error?.message ?? started.stderr?.toString().trim()})`;
  for (let i = 0; i < 50; i++) {
    if (answers()) return null;
    spawnSync('sleep', ['0.1']);
  }
  return `redis-server was started but does not answer at ${url}`;
}
