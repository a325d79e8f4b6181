import { QueryFailedError } from 'typeorm';
import { DEFAULT_RETRY_POLICY, isRetryableTransactionError, retryDelayMs, retryingDeadlocks, RetryPolicy } from '../../src/common/transaction';
import { conflict } from '../../src/common/errors';
import { loadConfig } from '../../src/config';

/** A driver error as mysql2 reports it, wrapped as TypeORM throws it. */
function dbError(errno: number, code: string, message: string): QueryFailedError {
  return new QueryFailedError('COMMIT', [], Object.assign(new Error(message), { errno, code, sqlState: '40001' }));
}
const deadlock = () => dbError(1213, 'ER_LOCK_DEADLOCK', 'Deadlock found when trying to get lock; try restarting transaction');

/** The retry rule of inTransaction (src/common/transaction.ts), without a database: which errors, how often, how long between. */
describe('transaction retries: which errors', () => {
  it('retries a deadlock (InnoDB, or a Galera certification failure or brute-force abort), as TypeORM wraps it or as mysql2 throws it', () => {
    expect(isRetryableTransactionError(deadlock())).toBe(true);
    expect(isRetryableTransactionError(Object.assign(new Error('Deadlock found'), { errno: 1213, code: 'ER_LOCK_DEADLOCK' }))).toBe(true);
  });

  it('does not retry a lock wait timeout, a node outside the primary component, a lost connection, a duplicate key, or a refusal of the work', () => {
    expect(isRetryableTransactionError(dbError(1205, 'ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction'))).toBe(false);
    expect(isRetryableTransactionError(dbError(1047, 'ER_UNKNOWN_COM_ERROR', 'WSREP has not yet prepared node for application use'))).toBe(false);
    expect(isRetryableTransactionError(Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true }))).toBe(false);
    expect(isRetryableTransactionError(dbError(1062, 'ER_DUP_ENTRY', "Duplicate entry 'x' for key 'PRIMARY'"))).toBe(false);
    expect(isRetryableTransactionError(conflict('seat limit reached: 5 of 5 seats are in use'))).toBe(false);
    expect(isRetryableTransactionError(undefined)).toBe(false);
    expect(isRetryableTransactionError('deadlock')).toBe(false);
  });
});

describe('transaction retries: how often', () => {
  const policy: RetryPolicy = { retries: 3, baseDelayMs: 20, maxDelayMs: 500 };

  /** An attempt that fails with `errors` in turn, then returns 'done'. */
  function attempts(errors: unknown[]) {
    const calls: number[] = [];
    const pauses: number[] = [];
    const run = () =>
      retryingDeadlocks(
        async () => {
          calls.push(calls.length + 1);
          if (calls.length <= errors.length) throw errors[calls.length - 1];
          return 'done';
        },
        policy,
        async (ms) => {
          pauses.push(ms);
        },
        () => 0.5,
      );
    return { run, calls, pauses };
  }

  it('runs the whole attempt again after a deadlock, and answers with the attempt that committed', async () => {
    const a = attempts([deadlock(), deadlock()]);
    await expect(a.run()).resolves.toBe('done');
    expect(a.calls).toEqual([1, 2, 3]);
    expect(a.pauses).toEqual([15, 30]);
  });

  it('gives up after TRANSACTION_RETRIES retries and throws the last deadlock as it is', async () => {
    const last = deadlock();
    const a = attempts([deadlock(), deadlock(), deadlock(), last]);
    await expect(a.run()).rejects.toBe(last);
    expect(a.calls).toEqual([1, 2, 3, 4]);
    expect(a.pauses).toHaveLength(3);
  });

  it('never retries another error: it is thrown after the first attempt', async () => {
    const refused = conflict('seat limit reached: 5 of 5 seats are in use');
    const a = attempts([refused]);
    await expect(a.run()).rejects.toBe(refused);
    expect(a.calls).toEqual([1]);
    expect(a.pauses).toEqual([]);
  });

  it('with no retries a deadlock fails at once', async () => {
    const calls: number[] = [];
    const run = retryingDeadlocks(
      async () => {
        calls.push(1);
        throw deadlock();
      },
      { ...policy, retries: 0 },
      async () => undefined,
    );
    await expect(run).rejects.toMatchObject({ errno: 1213 });
    expect(calls).toEqual([1]);
  });

  it('takes TRANSACTION_RETRIES from the environment: 3 by default, 0 to 10', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).transactionRetries).toBe(DEFAULT_RETRY_POLICY.retries);
    expect(loadConfig({ NODE_ENV: 'development', TRANSACTION_RETRIES: '0' }).transactionRetries).toBe(0);
    expect(() => loadConfig({ NODE_ENV: 'development', TRANSACTION_RETRIES: '11' })).toThrow('TRANSACTION_RETRIES must be at most 10');
    expect(() => loadConfig({ NODE_ENV: 'development', TRANSACTION_RETRIES: 'many' })).toThrow('TRANSACTION_RETRIES must be a non-negative integer');
  });
});

describe('transaction retries: the pauses (jitter)', () => {
  const policy: RetryPolicy = { retries: 10, baseDelayMs: 20, maxDelayMs: 500 };

  it('draws each pause from the upper half of its slot, the slot doubling from the base up to the cap', () => {
    const slots = [20, 40, 80, 160, 320, 500, 500];
    slots.forEach((slot, i) => {
      expect(retryDelayMs(i + 1, policy, () => 0)).toBe(slot / 2);
      expect(retryDelayMs(i + 1, policy, () => 0.999999)).toBeCloseTo(slot, 3);
    });
  });

  it('spreads the pauses of transactions that collided: random draws stay within the bounds and differ', () => {
    const drawn = Array.from({ length: 200 }, () => retryDelayMs(2, policy));
    for (const ms of drawn) {
      expect(ms).toBeGreaterThanOrEqual(20);
      expect(ms).toBeLessThanOrEqual(40);
    }
    expect(new Set(drawn.map((ms) => Math.round(ms))).size).toBeGreaterThan(10);
  });
});
