import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { HubEvent } from '../modules/event/event.entity';
import { DeliveryStatus } from '../modules/webhook/webhook.entity';
import type { ReplicaState, ReplicaStatus } from '../common/replicas';

const REPLICA_STATES: ReplicaState[] = ['ok', 'lagging', 'stopped', 'down', 'starting'];

/** Prometheus metrics of one hub instance (its own registry: tests run several hubs in one process). */
export class HubMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'hub_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['route', 'status'], registers: [this.registry] });
  readonly duration = new Histogram({
    name: 'hub_graphql_duration_seconds',
    help: 'GraphQL request duration by operation type',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly errors = new Counter({ name: 'hub_graphql_errors_total', help: 'GraphQL errors by code', labelNames: ['code'], registers: [this.registry] });
  readonly gateDenials = new Counter({ name: 'hub_transfer_gate_denials_total', help: 'Personal-data reads denied by the transfer gate (per subject and request)', registers: [this.registry] });
  readonly rateLimited = new Counter({ name: 'hub_rate_limited_total', help: 'Requests refused by the rate limit', registers: [this.registry] });
  readonly webhookDeliveries = new Counter({
    name: 'hub_webhook_deliveries_total',
    help: 'Webhook delivery attempts of this process by outcome: delivered, retry (failed, tried again later), failed (no attempt left)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  readonly replicaReads = new Counter({
    name: 'hub_db_replica_reads_total',
    help: 'Statements of query operations routed to the read replicas, by where they ran: a replica (host:port) or the primary (no replica usable, or the replica failed the statement)',
    labelNames: ['target'],
    registers: [this.registry],
  });

  /** Each read replica's state (1 for the current one) and measured lag, once the hub has replicas (DATABASE_REPLICA_URLS). */
  watchReplicas(replicas: { statuses(): ReplicaStatus[] }): void {
    new Gauge({
      name: 'hub_db_replica_state',
      help: 'Read replica state by replica (host:port): 1 for its current state (ok: used; lagging, stopped, down, starting: not used)',
      labelNames: ['replica', 'state'],
      registers: [this.registry],
      collect() {
        for (const r of replicas.statuses()) for (const state of REPLICA_STATES) this.set({ replica: r.replica, state }, r.state === state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hub_db_replica_lag_seconds',
      help: 'Replication lag each read replica (host:port) reported at the last check (Seconds_Behind_Master); absent when it reports none',
      labelNames: ['replica'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const r of replicas.statuses()) if (r.lagMs !== null) this.set({ replica: r.replica }, r.lagMs / 1000);
      },
    });
  }

  /** The operations executing and waiting for their turn (src/http/admission.ts), once the hub sets its admission. */
  watchAdmission(admission: { active: number; queued: number }): void {
    new Gauge({
      name: 'hub_graphql_operations',
      help: 'GraphQL operations executing now and waiting for their turn (MAX_CONCURRENT_OPERATIONS)',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        this.set({ state: 'executing' }, admission.active);
        this.set({ state: 'waiting' }, admission.queued);
      },
    });
  }

  /** `clock`: the hub's clock (the age of the oldest undelivered event is measured on it). */
  constructor(dataSource: DataSource, clock: () => Date = () => new Date()) {
    collectDefaultMetrics({ register: this.registry, prefix: 'hub_' });
    new Gauge({
      name: 'hub_webhook_oldest_undelivered_seconds',
      help: 'Age of the oldest event with a webhook delivery still pending (0: none), read from the database at each scrape',
      registers: [this.registry],
      async collect() {
        // /metrics answers whatever the database does (the resilience tests stop and hang it):
        // a figure the database cannot give within a second is left out of this scrape.
        try {
          this.set(await withinMs(oldestUndeliveredSeconds(dataSource, clock()), 1000));
        } catch {
          this.reset();
        }
      },
    });
    const pool = () => (dataSource.driver as unknown as { pool?: { _allConnections?: { length: number }; _freeConnections?: { length: number }; _connectionQueue?: { length: number } } }).pool;
    new Gauge({
      name: 'hub_db_pool_connections',
      help: 'Database pool connections by state (MySQL/MariaDB; the embedded database has one connection)',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const p = pool();
        const all = p?._allConnections?.length ?? (dataSource.isInitialized ? 1 : 0);
        const free = p?._freeConnections?.length ?? 0;
        this.set({ state: 'total' }, all);
        this.set({ state: 'idle' }, free);
        this.set({ state: 'busy' }, all - free);
        this.set({ state: 'waiting' }, p?._connectionQueue?.length ?? 0);
      },
    });
  }
}

/** `work`, or a rejection once `ms` have passed (the timer keeps no process alive). */
function withinMs<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The age, in seconds, at `now` of the oldest event a webhook delivery still waits for; 0 when none waits (or the database is closed). */
export async function oldestUndeliveredSeconds(dataSource: DataSource, now: Date): Promise<number> {
  if (!dataSource.isInitialized) return 0;
  const oldest = await dataSource
    .getRepository(HubEvent)
    .createQueryBuilder('ev')
    .where('ev.id IN (SELECT d.eventId FROM `webhook_delivery` d WHERE d.status = :status)', { status: DeliveryStatus.PENDING })
    .orderBy('ev.occurredAt', 'ASC')
    .getOne();
  return oldest ? Math.max(0, (now.getTime() - oldest.occurredAt.getTime()) / 1000) : 0;
}
