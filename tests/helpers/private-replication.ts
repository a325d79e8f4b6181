import { createConnection } from 'mysql2/promise';
import { PrivateMariaDb } from './private-mariadb';

/** The replica's reader: what the hub logs in as on the replica (SELECT and the replication status only). */
export const READER = { user: 'hub_reader', password: 'reader-secret-7f3a' };
const REPLICATION = { user: 'repl', password: 'repl-secret-91c2' };

/** Options both servers run with: a binary log of row events and GTIDs in strict mode. */
const serverArgs = (serverId: number) => ['--log-bin=mariadb-bin', `--server-id=${serverId}`, '--gtid-strict-mode=ON', '--binlog-format=ROW'];

/**
 * A private primary and a private replica for one test: two mariadbd processes with their own
 * data folders and ports (PrivateMariaDb), the replica following the primary by GTID
 * (`CHANGE MASTER TO … MASTER_USE_GTID=slave_pos; START SLAVE`). Everything written on the
 * primary after create() (the database, the hub's schema, the seed, the reader's account)
 * reaches the replica by replication. The shared server on 3306 is never touched.
 */
export class PrivateReplication {
  private constructor(
    readonly primary: PrivateMariaDb,
    readonly replica: PrivateMariaDb,
  ) {}

  static async create(database: string): Promise<PrivateReplication> {
    const primary = await PrivateMariaDb.create({ serverArgs: serverArgs(1) });
    let replica: PrivateMariaDb | undefined;
    try {
      replica = await PrivateMariaDb.create({ serverArgs: serverArgs(2) });
      const set = new PrivateReplication(primary, replica);
      await primary.exec(`CREATE USER '${REPLICATION.user}'@'127.0.0.1' IDENTIFIED BY '${REPLICATION.password}'`);
      await primary.exec(`GRANT REPLICATION SLAVE ON *.* TO '${REPLICATION.user}'@'127.0.0.1'`);
      await replica.exec(
        `CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=${primary.port}, MASTER_USER='${REPLICATION.user}', MASTER_PASSWORD='${REPLICATION.password}', MASTER_CONNECT_RETRY=1, MASTER_USE_GTID=slave_pos`,
      );
      await replica.exec('START SLAVE');
      // Made on the primary, so that the replica has them by replication like any other change.
      await primary.exec(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      await primary.exec(`CREATE USER '${READER.user}'@'127.0.0.1' IDENTIFIED BY '${READER.password}'`);
      await primary.exec(`GRANT SELECT, SLAVE MONITOR ON *.* TO '${READER.user}'@'127.0.0.1'`);
      await set.caughtUp();
      return set;
    } catch (e) {
      await replica?.destroy();
      await primary.destroy();
      throw e;
    }
  }

  /** The replica's URL as the hub's reader (SELECT only: a write sent there would fail). */
  replicaUrl(database: string): string {
    return `mysql://${READER.user}:${READER.password}@127.0.0.1:${this.replica.port}/${database}`;
  }

  /** Waits until the replica has applied everything the primary has written so far. */
  async caughtUp(timeoutSeconds = 30): Promise<void> {
    const [{ pos }] = await this.primary.query<{ pos: string }>('SELECT @@GLOBAL.gtid_binlog_pos AS pos');
    const [{ waited }] = await this.replica.query<{ waited: unknown }>('SELECT MASTER_GTID_WAIT(?, ?) AS waited', [pos, timeoutSeconds]);
    if (Number(waited) !== 0) throw new Error(`the replica did not reach ${pos} within ${timeoutSeconds} s:\n${JSON.stringify(await this.replicaStatus())}`);
  }

  /**
   * A change on the replica alone, not written to its binary log: the replica then holds what
   * the primary does not (what a replica whose lag went unseen would show).
   */
  async onReplicaOnly(sql: string, params: unknown[] = []): Promise<void> {
    const conn = await createConnection({ host: '127.0.0.1', port: this.replica.port, user: 'root', connectTimeout: 5000 });
    try {
      await conn.query('SET SESSION sql_log_bin = 0');
      await conn.query(sql, params);
    } finally {
      await conn.end();
    }
  }

  /** The replica's SHOW SLAVE STATUS row (its threads, Seconds_Behind_Master, last errors). */
  async replicaStatus(): Promise<Record<string, unknown> | undefined> {
    const [row] = await this.replica.query('SHOW SLAVE STATUS');
    return row;
  }

  /** A global status counter of a server (e.g. Com_select: the SELECT statements it ran). */
  static async counter(server: PrivateMariaDb, name: string): Promise<number> {
    const [row] = await server.query<{ Value: string }>('SHOW GLOBAL STATUS LIKE ?', [name]);
    return Number(row?.Value ?? NaN);
  }

  async destroy(): Promise<void> {
    await this.replica.destroy();
    await this.primary.destroy();
  }
}
