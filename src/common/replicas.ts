import { DataSource, DataSourceOptions } from 'typeorm';

/**
 * What the monitor last found out about a replica (docs/deployment-replicas.md):
 * - `ok`: replicating (IO and SQL threads running) within the lag bound: used;
 * - `lagging`: replicating, but further behind than DATABASE_REPLICA_MAX_LAG_MS;
 * - `stopped`: a replication thread is not running, or the server replicates from nobody;
 * - `down`: unreachable, or a statement failed on it (until the monitor finds it answering);
 * - `starting`: not checked yet.
 * Only `ok` is used.
 */
export type ReplicaState = 'ok' | 'lagging' | 'stopped' | 'down' | 'starting';

/** A replica as /ready shows it: host:port only, never the URL (it may hold a password). */
export interface ReplicaStatus {
  replica: string;
  state: ReplicaState;
  /** The lag the server reported (Seconds_Behind_Master, in ms); null when it reports none. */
  lagMs: number | null;
  /** Whether query operations' reads go to it now (state `ok`). */
  used: boolean;
}

/** How often the monitor asks each replica for its replication status. */
export const REPLICA_CHECK_INTERVAL_MS = 1000;
/** A replica that does not answer the monitor within this is `down`. */
const CHECK_TIMEOUT_MS = 1000;

/** Reads of one request, on the replica chosen for it (see ReplicaSet.forRequest). */
export interface ReadRoute {
  /** host:port of the replica the request was given; `primary` when none was usable. */
  readonly replica: string;
  query(sql: string, params: unknown[]): Promise<unknown>;
}

interface Replica {
  /** host:port */
  name: string;
  dataSource: DataSource;
  state: ReplicaState;
  lagMs: number | null;
  checking: boolean;
}

export interface ReplicaSetOptions {
  /** The primary's DataSource: its options are the replicas' (but the URL), and it takes every read a replica cannot. */
  primary: DataSource;
  urls: string[];
  maxLagMs: number;
  poolSize: number;
  /** Told of each state change (for the log); never given a URL. */
  onChange?: (replica: string, from: ReplicaState, to: ReplicaState, detail: string) => void;
  /** Told of each routed read: where it ran (host:port, or `primary` when no replica could serve it). */
  onRead?: (target: string) => void;
}

/**
 * The read replicas of the hub (DATABASE_REPLICA_URLS) and their monitor. A query operation's
 * reads are given one replica per request, round-robin over the usable ones; a statement that
 * fails there is run again on the primary (the client never sees a replica's failure) and the
 * replica is skipped until the monitor finds it answering again. The monitor asks every replica
 * each second for its replication status: a replica behind by more than the bound, with a
 * replication thread stopped, or unreachable, is not used.
 */
export class ReplicaSet {
  private readonly replicas: Replica[];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: ReplicaSetOptions) {
    this.replicas = options.urls.map((url) => ({
      name: hostPort(url),
      dataSource: new DataSource(replicaOptions(options.primary, url, options.poolSize)),
      state: 'starting',
      lagMs: null,
      checking: false,
    }));
  }

  /** Checks every replica once (so that the first requests already use the healthy ones), then every second. */
  async start(): Promise<void> {
    await this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), REPLICA_CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.all(this.replicas.filter((r) => r.dataSource.isInitialized).map((r) => r.dataSource.destroy().catch(() => undefined)));
  }

  statuses(): ReplicaStatus[] {
    return this.replicas.map((r) => ({ replica: r.name, state: r.state, lagMs: r.lagMs, used: r.state === 'ok' }));
  }

  /** The replica for one request's reads, round-robin over the usable ones; the primary (`primary`) when none is usable. */
  forRequest(): ReadRoute {
    const n = this.replicas.length;
    for (let i = 0; i < n; i++) {
      const replica = this.replicas[(this.next + i) % n];
      if (replica.state !== 'ok') continue;
      this.next = (this.next + i + 1) % n;
      return { replica: replica.name, query: (sql, params) => this.read(replica, sql, params) };
    }
    return { replica: 'primary', query: (sql, params) => this.onPrimary(sql, params) };
  }

  /** A statement on the replica; on the primary when the replica has become unusable meanwhile, or fails it. */
  private async read(replica: Replica, sql: string, params: unknown[]): Promise<unknown> {
    if (replica.state === 'ok') {
      try {
        const rows: unknown = await replica.dataSource.query(sql, params);
        this.options.onRead?.(replica.name);
        return rows;
      } catch (e) {
        this.change(replica, 'down', null, `a statement failed: ${(e as Error).message}`);
      }
    }
    return this.onPrimary(sql, params);
  }

  private onPrimary(sql: string, params: unknown[]): Promise<unknown> {
    this.options.onRead?.('primary');
    return this.options.primary.query(sql, params);
  }

  private async checkAll(): Promise<void> {
    await Promise.all(this.replicas.map((r) => this.check(r)));
  }

  /** One look at a replica's replication status (not two at once for the same replica). */
  private async check(replica: Replica): Promise<void> {
    if (replica.checking || this.stopped) return;
    replica.checking = true;
    // A hung replica's status query may outlive the time limit: no second one until it ends.
    const asked = this.replicationStatus(replica);
    void asked.then(
      () => (replica.checking = false),
      () => (replica.checking = false),
    );
    try {
      const judged = judge(await within(asked, CHECK_TIMEOUT_MS), this.options.maxLagMs);
      this.change(replica, judged.state, judged.lagMs, judged.detail);
    } catch (e) {
      this.change(replica, 'down', null, `unreachable: ${(e as Error).message}`);
    }
  }

  private async replicationStatus(replica: Replica): Promise<Record<string, unknown> | undefined> {
    // A replica unreachable when the hub started is connected once it answers.
    if (!replica.dataSource.isInitialized) await replica.dataSource.initialize();
    let rows: Record<string, unknown>[];
    try {
      rows = await replica.dataSource.query('SHOW REPLICA STATUS');
    } catch (e) {
      // MariaDB before 10.5 and MySQL before 8.0.22 know only the older name.
      if ((e as { driverError?: { code?: string } }).driverError?.code !== 'ER_PARSE_ERROR') throw e;
      rows = await replica.dataSource.query('SHOW SLAVE STATUS');
    }
    return rows[0];
  }

  private change(replica: Replica, state: ReplicaState, lagMs: number | null, detail: string): void {
    const from = replica.state;
    replica.state = state;
    replica.lagMs = lagMs;
    if (from !== state) this.options.onChange?.(replica.name, from, state, detail);
  }
}

/**
 * A replica's state from its SHOW REPLICA STATUS row (MariaDB and MySQL before 8.0.22 name the
 * columns Slave_… and …_Master, MySQL since then Replica_… and …_Source). Seconds_Behind_Master
 * counts whole seconds, so the bound is compared with whole seconds too.
 */
export function judge(row: Record<string, unknown> | undefined, maxLagMs: number): { state: ReplicaState; lagMs: number | null; detail: string } {
  if (!row) return { state: 'stopped', lagMs: null, detail: 'the server replicates from no primary' };
  const io = row.Slave_IO_Running ?? row.Replica_IO_Running;
  const sql = row.Slave_SQL_Running ?? row.Replica_SQL_Running;
  const seconds = row.Seconds_Behind_Master ?? row.Seconds_Behind_Source;
  const lagMs = seconds === null || seconds === undefined ? null : Number(seconds) * 1000;
  if (io !== 'Yes' || sql !== 'Yes') return { state: 'stopped', lagMs, detail: `IO thread ${String(io)}, SQL thread ${String(sql)}` };
  if (lagMs === null) return { state: 'stopped', lagMs, detail: 'no lag reported' };
  if (lagMs > maxLagMs) return { state: 'lagging', lagMs, detail: `${lagMs} ms behind (bound ${maxLagMs} ms)` };
  return { state: 'ok', lagMs, detail: `${lagMs} ms behind` };
}

/** host:port of a database URL: what the hub shows of a replica (never its user or password). */
export function hostPort(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '3306'}`;
}

/** The primary's options with the replica's URL: the same entities, time zone and charset; no migrations (replication brings the schema). */
function replicaOptions(primary: DataSource, url: string, poolSize: number): DataSourceOptions {
  const { migrations: _migrations, ...rest } = primary.options as DataSourceOptions & { url?: string; extra?: Record<string, unknown> };
  return {
    ...rest,
    url: url.replace(/^mariadb:/, 'mysql:'),
    poolSize,
    migrationsRun: false,
    synchronize: false,
    // A replica that went away must not hold a request for long: its statement then runs on the primary.
    extra: { ...(rest as { extra?: Record<string, unknown> }).extra, connectTimeout: 2000 },
  } as DataSourceOptions;
}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
