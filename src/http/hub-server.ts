import { randomUUID } from 'node:crypto';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { HeaderMap } from '@apollo/server';
import { DataSource } from 'typeorm';
import { HubConfig } from '../config';
import { DomainError } from '../common/errors';
import { log } from '../common/log';
import { SecretBox } from '../common/secret-box';
import { SqlRunner } from '../common/sql';
import { Authenticator } from '../context/authenticate';
import { createRequestContext } from '../context/request-context';
import { createGraphQLServer, requestScope } from '../server';
import { abandonIdempotent, finishIdempotent, startIdempotent } from '../modules/idempotency/idempotency.service';

export const MAX_BODY_BYTES = 100 * 1024;
const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;

export interface HubOptions {
  config: HubConfig;
  /** An initialized DataSource; the hub closes it on shutdown. */
  dataSource: DataSource;
  /** The clock of every request; tests move it instead of waiting. */
  clock?: () => Date;
}

export interface Hub {
  server: http.Server;
  listen(port?: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** The HTTP face of the hub: /graphql (Apollo), /health, /ready, request ids, authentication. */
export async function createHub(options: HubOptions): Promise<Hub> {
  const { config, dataSource } = options;
  const clock = options.clock ?? (() => new Date());
  const secrets = new SecretBox(config.secretsKey);
  const sql = new SqlRunner(dataSource);
  const authenticator = new Authenticator(config, dataSource);
  const apollo = createGraphQLServer(config, (error, requestId) =>
    log('error', 'unexpected error', { requestId, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
  await apollo.start();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const incoming = req.headers['x-request-id'];
    const requestId = typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'http://hub.invalid');

    if (url.pathname === '/health') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/ready') {
      try {
        await dataSource.query('SELECT 1');
        return sendJson(res, 200, { status: 'ready' });
      } catch {
        return sendJson(res, 503, { status: 'not ready', reason: 'database unreachable' });
      }
    }
    if (url.pathname !== '/graphql') return sendJson(res, 404, { error: 'not found' });

    let body: unknown;
    if (req.method === 'POST') {
      const read = await readBody(req);
      if (read.tooLarge) return sendGraphQLError(res, 413, 'BAD_REQUEST', `request body over ${MAX_BODY_BYTES} bytes`);
      const type = String(req.headers['content-type'] ?? '');
      if (type.startsWith('application/json') || type.startsWith('application/graphql-response+json')) {
        try {
          body = read.text.length ? JSON.parse(read.text) : undefined;
        } catch {
          return sendGraphQLError(res, 400, 'BAD_REQUEST', 'request body is not valid JSON');
        }
      } else {
        body = read.text;
      }
    }

    const now = clock();
    let context;
    try {
      const actor = await authenticator.authenticate(req.headers.authorization, now);
      context = createRequestContext({ requestId, now, actor, config, dataSource, sql, secrets });
    } catch (e) {
      if (e instanceof DomainError) return sendGraphQLError(res, 401, e.code, e.message);
      log('error', 'authentication failed unexpectedly', { requestId, error: (e as Error).message });
      return sendGraphQLError(res, 503, 'INTERNAL_SERVER_ERROR', `Service unavailable (request ${requestId})`);
    }

    const idempotencyHeader = req.headers['idempotency-key'];
    const idem = await startIdempotent(dataSource, context.actor, Array.isArray(idempotencyHeader) ? idempotencyHeader.join(',') : idempotencyHeader, body, now);
    switch (idem.kind) {
      case 'invalid-key':
        return sendGraphQLError(res, 400, 'BAD_USER_INPUT', 'Idempotency-Key: must be 1 to 255 printable ASCII characters', { field: 'Idempotency-Key' });
      case 'mismatch':
        return sendGraphQLError(res, 400, 'BAD_USER_INPUT', 'Idempotency-Key: this key was used with a different request in the last 24 hours', { field: 'Idempotency-Key' });
      case 'in-progress':
        return sendGraphQLError(res, 409, 'CONFLICT', 'Idempotency-Key: the first request with this key is still running; retry later');
      case 'replay':
        res.setHeader('idempotency-replayed', 'true');
        return sendJson(res, idem.status, idem.body);
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let result;
    try {
      result = await requestScope.run({ requestId }, () =>
        apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: (req.method ?? 'GET').toUpperCase(), headers, search: url.search, body },
          context: async () => context,
        }),
      );
    } catch (e) {
      if (idem.kind === 'started') await abandonIdempotent(dataSource, idem.recordId);
      throw e;
    }
    // The reads of personal data are recorded before the data leaves: no record, no answer.
    try {
      await context.auditReads.flush(context);
    } catch (e) {
      log('error', 'audit write failed', { requestId, error: (e as Error).message });
      if (idem.kind === 'started') await abandonIdempotent(dataSource, idem.recordId);
      return sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', `Internal server error (request ${requestId})`);
    }
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      if (idem.kind === 'started') await finishIdempotent(dataSource, idem.recordId, res.statusCode, result.body.string);
      res.end(result.body.string);
    } else {
      if (idem.kind === 'started') await abandonIdempotent(dataSource, idem.recordId);
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      log('error', 'request failed', { error: (e as Error).stack });
      if (!res.headersSent) sendGraphQLError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      else res.destroy();
    });
  });

  return {
    server,
    listen: (port = config.port, host = '127.0.0.1') =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: async () => {
      // Finish in-flight requests, then stop Apollo and close the pool.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections?.();
      await apollo.stop();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}

async function readBody(req: IncomingMessage): Promise<{ text: string; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      return { text: '', tooLarge: true };
    }
    chunks.push(chunk as Buffer);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: false };
}

function sendJson(res: ServerResponse, status: number, payload: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(payload));
}

function sendGraphQLError(res: ServerResponse, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  sendJson(res, status, { errors: [{ message, extensions: { code, ...extra } }] });
}
