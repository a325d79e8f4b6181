import { createHash, timingSafeEqual } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import { FastifyInstance } from 'fastify';
import { DataSource } from 'typeorm';
import { HubConfig } from '../config';
import { ErrorCode } from '../common/errors';
import { HubMetrics } from '../observability/metrics';
import type { ReplicaSet } from '../common/replicas';
import { withTimeout } from './stages/authenticate';
import { refusal } from './stages/exchange';
import { sendJson, sendRefusal } from './stages/send';

/**
 * /health (the process), /ready (the primary answers; with read replicas, each one's state and
 * lag: a replica out of use does not make the hub unready, its reads go elsewhere), /metrics
 * (Prometheus, for the operator's scraper).
 */
export function probeRoutes(app: FastifyInstance, config: HubConfig, dataSource: DataSource, metrics: HubMetrics, replicas?: ReplicaSet): void {
  app.get('/health', async (_request, reply) => sendJson(reply, 200, { status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const shown = replicas ? { replicas: replicas.statuses() } : {};
    try {
      await withTimeout(dataSource.query('SELECT 1'), 2000);
      return sendJson(reply, 200, { status: 'ready', ...shown });
    } catch {
      return sendJson(reply, 503, { status: 'not ready', reason: 'database unreachable', ...shown });
    }
  });
  app.get('/metrics', async (request, reply) => {
    const refused = metricsRefusal(request.headers, config);
    if (refused) return sendRefusal(undefined, reply, refusal(refused.status, refused.status === 401 ? ErrorCode.UNAUTHENTICATED : ErrorCode.FORBIDDEN, refused.message));
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}

/**
 * /metrics is for the operator's scraper: with METRICS_TOKEN it needs that bearer token
 * (compared in constant time); without one it is open outside production and closed in it.
 */
export function metricsRefusal(headers: IncomingHttpHeaders, config: Pick<HubConfig, 'metricsToken' | 'nodeEnv'>): { status: number; message: string } | null {
  if (!config.metricsToken) {
    return config.nodeEnv === 'production' ? { status: 403, message: 'metrics are closed in production unless METRICS_TOKEN is set' } : null;
  }
  const match = /^Bearer (\S+)$/i.exec(String(headers.authorization ?? '').trim());
  const given = createHash('sha256')
    .update(match?.[1] ?? '')
    .digest();
  const expected = createHash('sha256').update(config.metricsToken).digest();
  return match && timingSafeEqual(given, expected) ? null : { status: 401, message: 'metrics need the bearer token of METRICS_TOKEN' };
}
