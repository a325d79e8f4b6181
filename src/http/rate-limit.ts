import Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface RateLimitConfig {
  points: number;
  windowSeconds: number;
  redisUrl: string | undefined;
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
 * 1), a mutation 5. In memory by default; shared by every instance through Redis when
 * REDIS_URL is set.
 */
export class RateLimiter {
  private readonly limiter: RateLimiterAbstract;
  private readonly redis: Redis | null;

  constructor(private readonly config: RateLimitConfig) {
    if (config.redisUrl) {
      this.redis = new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
      this.redis.on('error', () => undefined); // reported through the decisions (insurance limiter below)
      this.limiter = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: 'hub-rate',
        points: config.points,
        duration: config.windowSeconds,
        // Redis down: fall back to this instance's memory rather than refusing everyone.
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: 'hub-rate-insurance', points: config.points, duration: config.windowSeconds }),
      });
    } else {
      this.redis = null;
      this.limiter = new RateLimiterMemory({ keyPrefix: 'hub-rate', points: config.points, duration: config.windowSeconds });
    }
  }

  static cost(operation: 'query' | 'mutation' | 'subscription', nodeEstimate: number): number {
    return operation === 'mutation' ? 5 : Math.max(1, Math.ceil(nodeEstimate / 100));
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

  async consume(actorKey: string, points: number): Promise<RateDecision> {
    try {
      const res = await this.limiter.consume(actorKey, points);
      return this.decision(true, res);
    } catch (e) {
      if (e instanceof RateLimiterRes) return this.decision(false, e);
      throw e;
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
