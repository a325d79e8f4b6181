import { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../../common/errors';
import { RateStatus, RequestContext } from '../../context/request-context';
import { RateLimiter } from '../rate-limit';
import { costExtension, Exchange, Refusal, refusal } from './exchange';

export interface RateDeps {
  rateLimiter: Pick<RateLimiter, 'consume'>;
  windowSeconds: number;
  onRateLimited: () => void;
}

/**
 * rate: the actor pays the request's cost (1 point when the limits refused it or it cannot be
 * read: a flood of garbage spends the budget like any other flood; nothing when it is refused
 * for the rate limit itself). Every answer from here on carries the X-RateLimit-* headers. Then
 * the limits' refusal, if any, and Apollo's answer to an unknown APQ hash. The decision is kept
 * for the answer: Query.rateLimit reads it, and every answer from here on says it in
 * extensions.cost (refusals through refusalBody, Apollo's answers through costInExtensions).
 */
export function rate(deps: RateDeps) {
  return async function rate(x: Exchange): Promise<Refusal | undefined> {
    const actor = x.context!.actor;
    const charged = x.overLimits ? 1 : x.cost!;
    const decision = await deps.rateLimiter.consume(`${actor.type}:${actor.id}`, charged);
    x.responseHeaders['x-ratelimit-limit'] = String(decision.limit);
    x.responseHeaders['x-ratelimit-remaining'] = String(decision.remaining);
    x.responseHeaders['x-ratelimit-reset'] = String(decision.reset);
    const status: RateStatus = { cost: decision.allowed ? charged : 0, limit: decision.limit, remaining: decision.remaining, resetAt: new Date(decision.reset * 1000) };
    x.rateStatus = status;
    x.context!.rateStatus = status;
    if (!decision.allowed) {
      deps.onRateLimited();
      x.responseHeaders['retry-after'] = String(decision.retryAfterSeconds);
      return refusal(429, ErrorCode.RATE_LIMITED, `rate limit of ${decision.limit} points per ${deps.windowSeconds} s reached; retry after ${decision.retryAfterSeconds} s`);
    }
    if (x.overLimits) return x.overLimits;
    if (x.source!.kind === 'not-found') {
      // Apollo's answer to an unknown hash (HTTP 200): the client registers the document and retries.
      return refusal(200, 'PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound');
    }
    return undefined;
  };
}

/**
 * extensions.cost on every answer Apollo gives (src/server.ts, the last of its plugins so that
 * an answer replaced by another plugin carries it too): merged into the answer's extensions,
 * beside what other plugins put there.
 */
export function costInExtensions(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const status = contextValue.rateStatus;
          if (!status || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost: costExtension(status) };
        },
      };
    },
  };
}
