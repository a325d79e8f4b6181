import Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimitConfig {
  points: number;
  windowSeconds: number;
  redisUrl: string | undefined;
  /** Failed authentications allowed per client address and window (AUTH_FAILURE_*). */
  authFailures: { points: number; windowSeconds: number };
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds when the window resets. */
  reset: number;
  retryAfterSeconds: number;
}

/**
 * Points per actor and window, GitHub-style: a query costs its node estimate / 100 (at least
 * 1), a mutation 5 plus the node estimate of its payload selection / 100. A refused request
 * (429) costs nothing. In memory by default; shared by every instance through Redis when
 * REDIS_URL is set. The same store counts failed authentications per client address
 * (`failedAuthentication`).
 */
export class RateLimiter {
  private readonly limiter: RateLimiterAbstract;
  private readonly redis: Redis | null;
  readonly failedAuthentication: FailedAuthentication;

  constructor(private readonly config: RateLimitConfig) {
    this.redis = config.redisUrl ? new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }) : null;
    this.redis?.on('error', () => undefined); // reported through the decisions (insurance limiter below)
    this.limiter = store(this.redis, 'hub-rate', config.points, config.windowSeconds);
    this.failedAuthentication = new FailedAuthentication(store(this.redis, 'hub-auth-fail', config.authFailures.points, config.authFailures.windowSeconds), config.authFailures);
  }

  /** The points an operation costs: the node estimate of the operation that executes / 100; a mutation 5 more, at least 1. */
  static cost(operation: 'query' | 'mutation' | 'subscription', nodeEstimate: number): number {
    const read = Math.ceil(nodeEstimate / 100);
    return operation === 'mutation' ? 5 + read : Math.max(1, read);
  }

  /** The whole budget of a window (RATE_LIMIT_POINTS): a cost above it can never be paid. */
  get budget(): number {
    return this.config.points;
  }

  /**
   * Resolves once the Redis client is ready (or after timeoutMs, or at once without Redis):
   * until then every decision falls to this instance's insurance limiter, which shares nothing.
   */
  async ready(timeoutMs = 2000): Promise<void> {
    const redis = this.redis;
    if (!redis || redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      redis.once('ready', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The actor's budget as it stands, without charging anything (requests refused before the charge). */
  async peek(actorKey: string): Promise<RateDecision> {
    const res = await this.limiter.get(actorKey);
    if (!res) return { allowed: true, limit: this.config.points, remaining: this.config.points, reset: Math.ceil(Date.now() / 1000) + this.config.windowSeconds, retryAfterSeconds: 0 };
    return this.decision(res.remainingPoints > 0, res);
  }

  /** Charges the points, or refuses (allowed: false) and charges nothing. */
  async consume(actorKey: string, points: number): Promise<RateDecision> {
    try {
      const res = await this.limiter.consume(actorKey, points);
      return this.decision(true, res);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      // The store counted the refused points already: give them back, a 429 costs nothing.
      const restored = await this.limiter.reward(actorKey, points).catch(() => e);
      return this.decision(false, restored);
    }
  }

  private decision(allowed: boolean, res: RateLimiterRes): RateDecision {
    const retry = Math.ceil(res.msBeforeNext / 1000);
    return {
      allowed,
      limit: this.config.points,
      remaining: Math.max(0, res.remainingPoints),
      reset: Math.ceil((Date.now() + res.msBeforeNext) / 1000),
      retryAfterSeconds: Math.max(1, retry),
    };
  }

  async close(): Promise<void> {
    if (this.redis) this.redis.disconnect();
  }
}

/** One budget of points per key and window, in Redis (with this instance's memory as insurance) or in memory. */
function store(redis: Redis | null, keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
  if (!redis) return new RateLimiterMemory({ keyPrefix, points, duration });
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration,
    // Redis down: fall back to this instance's memory rather than refusing everyone.
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${keyPrefix}-insurance`, points, duration }),
  });
}

/**
 * Failed authentications per client address (AUTH_FAILURE_LIMIT per AUTH_FAILURE_WINDOW_SECONDS):
 * an address over the bound is refused (429) before its credential is looked at, whatever the
 * credential, until the window ends. A successful authentication costs nothing and is never
 * counted. Checking costs no I/O: the store (memory or Redis, shared by every instance) is
 * written on failures only, and an address's refusal is remembered here until its window ends.
 * With Redis, another instance learns of a refused address on that address's next failure there.
 */
export class FailedAuthentication {
  /** Refused addresses → end of their window (epoch ms). */
  private readonly refused = new Map<string, number>();

  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly config: { points: number; windowSeconds: number },
  ) {}

  /** Seconds until this address may try again, or 0 when it may try now. */
  retryAfter(address: string, nowMs = Date.now()): number {
    const until = this.refused.get(address);
    if (until === undefined) return 0;
    if (until <= nowMs) {
      this.refused.delete(address);
      return 0;
    }
    return Math.max(1, Math.ceil((until - nowMs) / 1000));
  }

  /** Counts one failure of this address; resolves with the seconds it must now wait (0: it may try again). */
  async failed(address: string): Promise<number> {
    let res: RateLimiterRes;
    try {
      res = await this.limiter.consume(address, 1);
    } catch (e) {
      // A store that cannot count (Redis down and its insurance failing) does not turn the 401 into a 500.
      if (!(e instanceof RateLimiterRes)) return 0;
      res = e;
    }
    if (res.remainingPoints > 0) return 0;
    const nowMs = Date.now();
    if (this.refused.size >= 10_000) for (const [key, until] of this.refused) if (until <= nowMs) this.refused.delete(key);
    this.refused.set(address, nowMs + res.msBeforeNext);
    // The failure that reached the bound was answered as such; the ones beyond it are refused.
    return res.consumedPoints > this.config.points ? Math.max(1, Math.ceil(res.msBeforeNext / 1000)) : 0;
  }
}

/**
 * The client's address: the socket's peer, or behind a trusted proxy (TRUST_PROXY=true) the
 * right-most X-Forwarded-For entry, the address the proxy itself saw (entries left of it are
 * whatever the client wrote, so a client could pick a fresh one per request).
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustProxy: boolean): string {
  if (trustProxy && forwardedFor) {
    const entries = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
    const last = entries[entries.length - 1].trim();
    if (last) return last;
  }
  return socketAddress ?? 'unknown';
}
