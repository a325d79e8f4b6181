import { Readable } from 'node:stream';
import { FastifyReply } from 'fastify';
import { finishIdempotent } from '../../modules/idempotency/idempotency.service';
import { abandon, IdempotencyDeps } from './idempotency';
import { Exchange, Refusal, refusalBody } from './exchange';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * send: Apollo's answer goes out, with the headers of the stages before (rate limit, replay).
 * An Idempotency-Key's record keeps the answer (the outcome of its mutations) before it leaves.
 * Compression, CORS and the security headers are added on the way out by their plugins.
 */
export async function send(deps: IdempotencyDeps, x: Exchange, reply: FastifyReply): Promise<FastifyReply> {
  const result = x.result!;
  const status = result.status ?? 200;
  reply.headers(x.responseHeaders);
  for (const [key, value] of result.headers) reply.header(key, value);
  reply.code(status);
  x.outcome.status = status;
  const idem = x.idempotency;
  if (result.body.kind === 'complete') {
    if (idem?.kind === 'started') await finishIdempotent(deps.dataSource, deps.secrets, idem.recordId, status, idem.run, idem.onceOnly);
    const counts = x.context!.answer.errorCodes;
    if (counts?.size) {
      x.outcome.codes = [...counts.keys()];
      x.outcome.codeCounts = counts;
    }
    return reply.send(result.body.string);
  }
  await abandon(deps, x);
  return reply.send(Readable.from(result.body.asyncIterator));
}

/** A stage's refusal goes out (with the headers of the stages before it). */
export function sendRefusal(x: Exchange | undefined, reply: FastifyReply, r: Refusal): FastifyReply {
  if (x) {
    x.answered = true;
    reply.headers(x.responseHeaders);
    x.outcome.status = r.status;
    x.outcome.codes = r.stored === undefined ? [r.code] : undefined;
  }
  return reply.code(r.status).type(JSON_TYPE).send(refusalBody(r, x?.rateStatus));
}

/** A JSON answer of the hub's own (probes, not found). */
export function sendJson(reply: FastifyReply, status: number, payload: unknown): FastifyReply {
  return reply.code(status).type(JSON_TYPE).send(JSON.stringify(payload));
}
