import { DataSource, EntityManager } from 'typeorm';

/**
 * Every mutation is one transaction: all of it or nothing of it.
 *
 * MySQL/MariaDB: READ COMMITTED, so that a statement after a `SELECT … FOR UPDATE` sees what
 * the previous holder of the lock committed (the seat count, for instance). A transaction that
 * fails on a deadlock runs again from its start, a bounded number of times (`retryingDeadlocks`):
 * on a Galera cluster that is also how a write refused by certification (another node committed
 * a conflicting write first) ends, and on one server InnoDB picks a deadlock's victim the same
 * way. The work therefore does nothing outside its transaction before it commits: its audit
 * event, outbox entries and idempotency record are written through `manager`, and anything it
 * keeps in memory is rebuilt by the next attempt (docs/deployment-galera.md).
 *
 * SQLite has one connection and one writer: TypeORM would interleave two transactions on it,
 * so write transactions are queued in the process (the embedded mode is single-process).
 */
export async function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb') {
    return retryingDeadlocks(() => dataSource.transaction('READ COMMITTED', work), retryPolicyOf(dataSource));
  }
  return sqliteQueue(dataSource, () => dataSource.transaction(work));
}

const queues = new WeakMap<DataSource, Promise<unknown>>();

function sqliteQueue<T>(dataSource: DataSource, run: () => Promise<T>): Promise<T> {
  const previous = queues.get(dataSource) ?? Promise.resolve();
  const next = previous.then(run, run);
  queues.set(
    dataSource,
    next.catch(() => undefined),
  );
  return next;
}

/** `FOR UPDATE` where the database has row locks; SQLite's single writer needs none. */
export function forUpdate(manager: EntityManager): string {
  return manager.connection.options.type === 'better-sqlite3' ? '' : ' FOR UPDATE';
}

/** The counter each claimable table keeps for claimRow (never shown to clients). */
const CLAIM_COLUMNS = { license: 'seatVersion', organization: 'lockVersion' } as const;

/**
 * Makes a row this transaction locked to check something about other rows (the seats of a
 * license, the admins of an organization) part of what it writes. On one server the lock
 * (`SELECT … FOR UPDATE`) alone makes such transactions wait for each other. On a Galera
 * cluster a lock holds on its own node only: two transactions on two nodes would both pass the
 * check and both commit if their writes had no row in common. Writing the locked row gives them
 * one: certification commits the first, fails the other with a deadlock, and inTransaction runs
 * it again, checking again (docs/deployment-galera.md). updatedAt is set to itself: the row does
 * not look changed to an incremental sync. The embedded database has one writer: nothing to do.
 */
export async function claimRow(manager: EntityManager, table: keyof typeof CLAIM_COLUMNS, id: string): Promise<void> {
  if (manager.connection.options.type === 'better-sqlite3') return;
  const column = CLAIM_COLUMNS[table];
  await manager.query(`UPDATE \`${table}\` SET \`${column}\` = \`${column}\` + 1, updatedAt = updatedAt WHERE id = ?`, [id]);
}

/** How often a transaction that failed on a deadlock runs again, and the pauses between attempts. */
export interface RetryPolicy {
  /** Attempts after the first (TRANSACTION_RETRIES); 0: a deadlock fails the request at once. */
  retries: number;
  /** The pause before the first retry is drawn from [base / 2, base]; each further one doubles. */
  baseDelayMs: number;
  /** No pause is drawn above this. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, baseDelayMs: 20, maxDelayMs: 500 };

const policies = new WeakMap<DataSource, RetryPolicy>();

/** The DataSource's transactions retry deadlocks this many times (ormconfig.ts sets it from TRANSACTION_RETRIES). */
export function useTransactionRetries(dataSource: DataSource, retries: number): void {
  policies.set(dataSource, { ...DEFAULT_RETRY_POLICY, retries });
}

function retryPolicyOf(dataSource: DataSource): RetryPolicy {
  return policies.get(dataSource) ?? DEFAULT_RETRY_POLICY;
}

/** ER_LOCK_DEADLOCK: InnoDB chose this transaction as a deadlock's victim, or Galera refused its write set (certification) or aborted it for a replicated one. */
const ER_LOCK_DEADLOCK = 1213;

/**
 * Whether the failed transaction may run again from its start: only a deadlock, after which the
 * server has rolled the whole transaction back and nothing of it was written. Not retried:
 * 1205 (lock wait timeout: only the statement is rolled back, after innodb_lock_wait_timeout,
 * already past a request's time limit), 1047 (a Galera node outside the primary component:
 * it stays so for longer than a request, and the connection cannot move to another node), a
 * lost connection (a COMMIT may have been applied: running the work again could write twice;
 * the client's Idempotency-Key is the safe retry there), and every error of the work itself.
 */
export function isRetryableTransactionError(e: unknown): boolean {
  const err = e as { errno?: unknown; code?: unknown; driverError?: { errno?: unknown; code?: unknown } } | null;
  if (!err || typeof err !== 'object') return false;
  const errno = err.driverError?.errno ?? err.errno;
  const code = err.driverError?.code ?? err.code;
  return errno === ER_LOCK_DEADLOCK || code === 'ER_LOCK_DEADLOCK';
}

/**
 * The pause before retry number `retry` (1, 2, …): half of the retry's slot (base × 2^(retry-1),
 * at most maxDelayMs) plus a random share of the other half. Transactions that collided draw
 * different pauses, so that they do not collide again in step; the fixed half gives the
 * winner's write set time to be applied on every node.
 */
export function retryDelayMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const slot = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return slot / 2 + random() * (slot / 2);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` and, while it fails on a deadlock and retries are left, again after a
 * jittered pause. Any other error, or the deadlock of the last attempt, is thrown as it is.
 */
export async function retryingDeadlocks<T>(attempt: () => Promise<T>, policy: RetryPolicy, pause: (ms: number) => Promise<void> = sleep, random: () => number = Math.random): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await attempt();
    } catch (e) {
      if (retry > policy.retries || !isRetryableTransactionError(e)) throw e;
      await pause(retryDelayMs(retry, policy, random));
    }
  }
}
