import { DataSource, EntityManager } from 'typeorm';

/**
 * Every mutation is one transaction: all of it or nothing of it.
 *
 * MySQL/MariaDB: READ COMMITTED, so that a statement after a `SELECT … FOR UPDATE` sees what
 * the previous holder of the lock committed (the seat count, for instance).
 * SQLite has one connection and one writer: TypeORM would interleave two transactions on it,
 * so write transactions are queued in the process (the embedded mode is single-process).
 */
export async function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb') {
    return dataSource.transaction('READ COMMITTED', work);
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
