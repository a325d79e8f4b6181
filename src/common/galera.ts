import { DataSource } from 'typeorm';

/**
 * Causal reads on a Galera cluster. A node applies the write sets of the other nodes a moment
 * after they commit there: without this, a hub on node B could read the state before a write
 * that a hub on node A has already answered (an Idempotency-Key still "in progress", a seat
 * count, a contract terminated a moment ago). With wsrep_sync_wait bit 1 (READ) a node first
 * applies everything the cluster committed before the read began, then reads.
 *
 * Every connection of the pool gets it: the pool's 'connection' event for the connections it
 * opens later, and one statement now for the connection TypeORM opened (and released) to test
 * the pool, its only one so far. Nothing happens on MySQL or on a MariaDB server without
 * wsrep. Returns whether the server is a Galera node.
 */
export async function useCausalReads(dataSource: DataSource): Promise<boolean> {
  if (dataSource.options.type !== 'mysql' && dataSource.options.type !== 'mariadb') return false;
  const rows: { Value?: string; value?: string }[] = await dataSource.query("SHOW VARIABLES LIKE 'wsrep_on'");
  if (String(rows[0]?.Value ?? rows[0]?.value ?? 'OFF').toUpperCase() !== 'ON') return false;
  // Keeps whatever the server's own setting asks for, and adds READ.
  const statement = 'SET SESSION wsrep_sync_wait = @@global.wsrep_sync_wait | 1';
  const pool = (dataSource.driver as unknown as { pool?: { on(event: 'connection', listener: (connection: { query(sql: string, callback: (err: unknown) => void): void }) => void): void } }).pool;
  if (!pool) throw new Error('Galera: the MySQL driver has no connection pool to configure');
  // The statement is queued on the new connection before the query it was opened for.
  pool.on('connection', (connection) => connection.query(statement, () => undefined));
  await dataSource.query(statement);
  return true;
}
