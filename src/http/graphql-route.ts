import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientAddress } from './rate-limit';
import { admit, AdmitDeps } from './stages/admit';
import { audit, AuditDeps } from './stages/audit';
import { authenticate, AuthenticateDeps } from './stages/authenticate';
import { Exchange, newExchange, Stage } from './stages/exchange';
import { execute, ExecuteDeps } from './stages/execute';
import { idempotency } from './stages/idempotency';
import { limits, LimitsDeps } from './stages/limits';
import { MAX_BODY_BYTES, parse } from './stages/parse';
import { rate, RateDeps } from './stages/rate';
import { route, RouteDeps } from './stages/route';
import { seeAs, SeeAsDeps } from './stages/see-as';
import { send, sendRefusal } from './stages/send';

export type PipelineDeps = AuthenticateDeps & LimitsDeps & RateDeps & SeeAsDeps & RouteDeps & AdmitDeps & ExecuteDeps & AuditDeps;

declare module 'fastify' {
  interface FastifyRequest {
    /** The /graphql request on its way through the stages (null on other routes). */
    exchange: Exchange | null;
  }
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * POST|GET /graphql, as the list of its stages, in order, each a function of src/http/stages/
 * that refuses (the answer, and the request goes no further) or lets the request go on:
 *
 *   open → parse → authenticate → limits → rate → seeAs → idempotency → route → admit → execute → audit → send
 *
 * (before them, for every route: the request id and the transport, hub-server.ts; after send:
 * compression, CORS and security headers by their plugins, then the log line and the metrics).
 * A new concern gets its slot here: a persisted-query allow-list after limits, a webhook's
 * signature after parse.
 */
export function graphqlRoute(app: FastifyInstance, deps: PipelineDeps): void {
  const preHandler = [authenticate(deps), limits(deps), rate(deps), seeAs(deps), idempotency(deps), route(deps), admit(deps)];
  const handler = [execute(deps), audit(deps)];
  app.route({
    url: '/graphql',
    // Apollo answers other methods with 405 itself (HEAD comes with GET).
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    bodyLimit: MAX_BODY_BYTES,
    onRequest: async (request) => void (request.exchange = open(request, deps)),
    preValidation: step(parse),
    // One hook runs the seven stages in order (seven hooks cost seven promise round trips a request).
    preHandler: steps(preHandler),
    handler: async (request, reply) => {
      const x = request.exchange!;
      if (x.answered) return reply;
      for (const stage of handler) {
        const refused = await stage(x);
        if (refused) return sendRefusal(x, reply, refused);
      }
      return send(deps, x, reply);
    },
  });
}

/** open: the exchange of a request: the hub's request id, the client's, the client's address. */
function open(request: FastifyRequest, deps: PipelineDeps): Exchange {
  const incoming = request.headers['x-request-id'];
  const raw = request.raw;
  const query = raw.url?.indexOf('?') ?? -1;
  return newExchange({
    requestId: request.id,
    clientRequestId: typeof incoming === 'string' && REQUEST_ID_RE.test(incoming) ? incoming : null,
    method: request.method,
    headers: request.headers,
    search: query >= 0 ? raw.url!.slice(query) : '',
    address: clientAddress(raw.socket.remoteAddress, request.headers['x-forwarded-for'], deps.config.trustProxy),
    rawBody: undefined,
  });
}

/** Stages in order as one Fastify hook: the first refusal is answered and ends the request's way. */
function steps(stages: Stage[]) {
  return async function (request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const x = request.exchange!;
    for (const stage of stages) {
      if (x.answered) return;
      const refused = await stage(x);
      if (refused) return void (await sendRefusal(x, reply, refused));
    }
  };
}

/** A stage as a Fastify hook: a refusal is answered at once and ends the request's way. */
function step(stage: Stage) {
  return async function (request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const x = request.exchange!;
    // Fastify skips the hooks after an answer once it has left; one still being compressed has
    // not, so the exchange remembers that it was answered.
    if (x.answered) return;
    if (stage === parse && typeof request.body === 'string') (x as { rawBody?: string }).rawBody = request.body;
    const refused = await stage(x);
    if (refused) await sendRefusal(x, reply, refused);
  };
}
