import { ErrorCode } from '../../common/errors';
import { RateLimiter } from '../rate-limit';
import { Exchange, Refusal, refusal } from './exchange';

export interface RateDeps {
  rateLimiter: Pick<RateLimiter, 'consume'>;
  windowSeconds: number;
  onRateLimited: () => void;
}

/**
 * rate: the actor pays the request's cost (1 point when the limits refused it or it cannot be
 * read: a flood of garbage spends the budget like any other flood; nothing when it is refused
 * for the rate limit itself). Every answer from here on carries the X-RateLimit-* headers. Then
 * the limits' refusal, if any, and Apollo's answer to an unknown APQ hash.
 */
export function rate(deps: RateDeps) {
  return async function rate(x: Exchange): Promise<Refusal | undefined> {
    const actor = x.context!.actor;
    const decision = await deps.rateLimiter.consume(`${actor.type}:${actor.id}`, x.overLimits ? 1 : x.cost!);
    x.responseHeaders['x-ratelimit-limit'] = String(decision.limit);
    x.responseHeaders['x-ratelimit-remaining'] = String(decision.remaining);
    x.responseHeaders['x-ratelimit-reset'] = String(decision.reset);
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
