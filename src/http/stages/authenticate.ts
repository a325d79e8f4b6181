import { DataSource } from 'typeorm';
import { HubConfig } from '../../config';
import { DomainError, ErrorCode } from '../../common/errors';
import { SecretBox } from '../../common/secret-box';
import { SqlRunner } from '../../common/sql';
import { Authenticator } from '../../context/authenticate';
import { createRequestContext } from '../../context/request-context';
import { Logger } from '../../observability/logger';
import { RateLimiter } from '../rate-limit';
import { Exchange, Refusal, refusal } from './exchange';

/**
 * How long a request waits for the database to authenticate its caller. A hung database (or a
 * pool whose connections all hang) answers 503 after this instead of holding the request open;
 * queries during execution are bounded by the execution timeout.
 */
export const AUTHENTICATION_TIMEOUT_MS = 4000;

export interface AuthenticateDeps {
  config: HubConfig;
  dataSource: DataSource;
  secrets: SecretBox;
  clock: () => Date;
  authenticator: Pick<Authenticator, 'authenticate'>;
  rateLimiter: Pick<RateLimiter, 'failedAuthentication'>;
  /** Counts a refusal for too many failed authentications. */
  onRateLimited: () => void;
  logger: Logger;
}

/**
 * authenticate: who asks (a token or an API key), into the request's context. An address over
 * its failed authentications is refused (429) before its credential costs a lookup; a failed
 * one is 401 with the reason, and counts against the address.
 */
export function authenticate(deps: AuthenticateDeps) {
  const { config, dataSource, secrets, authenticator, rateLimiter } = deps;
  return async function authenticate(x: Exchange): Promise<Refusal | undefined> {
    const now = deps.clock();
    x.now = now;
    const locked = rateLimiter.failedAuthentication.retryAfter(x.address);
    if (locked) return tooManyFailures(x, deps, locked);
    try {
      const actor = await withTimeout(authenticator.authenticate(x.headers.authorization, now), AUTHENTICATION_TIMEOUT_MS);
      x.context = createRequestContext({ requestId: x.requestId, clientRequestId: x.clientRequestId, now, actor, config, dataSource, sql: new SqlRunner(dataSource), secrets });
    } catch (e) {
      if (e instanceof DomainError) {
        const wait = await rateLimiter.failedAuthentication.failed(x.address);
        return wait ? tooManyFailures(x, deps, wait) : refusal(401, e.code, e.message);
      }
      deps.logger.error({ requestId: x.requestId, err: (e as Error).message }, 'authentication failed unexpectedly');
      return refusal(503, ErrorCode.INTERNAL_SERVER_ERROR, `Service unavailable (request ${x.requestId})`);
    }
    x.outcome.actorId = x.context.actor.id;
    x.outcome.operationName = typeof x.params.operationName === 'string' ? x.params.operationName : undefined;
    return undefined;
  };
}

/** Too many failed authentications from this client address: 429, whatever the credential. */
function tooManyFailures(x: Exchange, deps: AuthenticateDeps, retryAfterSeconds: number): Refusal {
  deps.onRateLimited();
  x.responseHeaders['retry-after'] = String(retryAfterSeconds);
  return refusal(429, ErrorCode.RATE_LIMITED, `too many failed authentications from this address; retry after ${retryAfterSeconds} s`);
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error('rejected with a value that is not an Error'));
      },
    );
  });
}
