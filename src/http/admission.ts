/**
 * At most `limit` GraphQL operations execute at once; the others wait their turn, first come
 * first served. The hub's work is JavaScript on one thread: running many large answers at once
 * finishes none of them sooner, holds all their result trees in memory together, makes the
 * garbage collector copy them over and over, and delays every request to the pace of the
 * slowest wave (docs/decisions/0002-concurrency-and-heap.md). A few at a time still overlaps one request's database waits with another's
 * JavaScript. The wait counts against the request's execution time limit.
 */
export class Admission {
  private running = 0;
  private readonly waiting: { admit: () => void; signal: AbortSignal }[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error('the operation limit must be a positive integer');
  }

  /** Operations executing now / waiting now (for /metrics and tests). */
  get active(): number {
    return this.running;
  }
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Resolves with the function that frees the slot (call it exactly once) when the operation may
   * run; resolves with null if the signal aborts first (the request ran out of time waiting).
   */
  acquire(signal: AbortSignal): Promise<(() => void) | null> {
    if (signal.aborted) return Promise.resolve(null);
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const entry = {
        signal,
        admit: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
      };
      const onAbort = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(null);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next)
        next.admit(); // the slot passes on: `running` stays
      else this.running--;
    };
  }
}
