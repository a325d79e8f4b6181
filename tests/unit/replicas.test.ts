import { loadConfig } from '../../src/config';
import { hostPort, judge, ReadRoute, ReplicaSet } from '../../src/common/replicas';
import { SqlRunner } from '../../src/common/sql';
import { RequestContext } from '../../src/context/request-context';
import { Exchange, newExchange } from '../../src/http/stages/exchange';
import { route } from '../../src/http/stages/route';

describe('read replicas: the state a replication status means', () => {
  const mariadb = (io: string, sql: string, seconds: number | null) => ({ Slave_IO_Running: io, Slave_SQL_Running: sql, Seconds_Behind_Master: seconds });

  it('uses a replica replicating within the bound, whole seconds compared with the bound', () => {
    expect(judge(mariadb('Yes', 'Yes', 0), 2000)).toMatchObject({ state: 'ok', lagMs: 0 });
    expect(judge(mariadb('Yes', 'Yes', 2), 2000)).toMatchObject({ state: 'ok', lagMs: 2000 });
    expect(judge(mariadb('Yes', 'Yes', 3), 2000)).toMatchObject({ state: 'lagging', lagMs: 3000 });
  });

  it('does not use a replica with a stopped thread, without a reported lag, or replicating from nobody', () => {
    expect(judge(mariadb('Yes', 'No', null), 2000)).toMatchObject({ state: 'stopped', lagMs: null });
    expect(judge(mariadb('Connecting', 'Yes', 0), 2000)).toMatchObject({ state: 'stopped' });
    expect(judge(mariadb('Yes', 'Yes', null), 2000)).toMatchObject({ state: 'stopped' });
    expect(judge(undefined, 2000)).toMatchObject({ state: 'stopped' });
  });

  it("reads MySQL 8's column names too (Replica_…, Seconds_Behind_Source)", () => {
    expect(judge({ Replica_IO_Running: 'Yes', Replica_SQL_Running: 'Yes', Seconds_Behind_Source: 5 }, 2000)).toMatchObject({ state: 'lagging', lagMs: 5000 });
  });

  it('shows a replica as host:port, never its user or password', () => {
    expect(hostPort('mysql://reader:s3cret@db-replica-1.internal:3307/hub')).toBe('db-replica-1.internal:3307');
    expect(hostPort('mariadb://reader:s3cret@10.0.0.5/hub')).toBe('10.0.0.5:3306');
  });
});

describe('loadConfig: DATABASE_REPLICA_URLS and DATABASE_REPLICA_MAX_LAG_MS', () => {
  const base = { NODE_ENV: 'development' };

  it('has no replicas and a 2 s bound by default, and takes a comma-separated list', () => {
    expect(loadConfig(base)).toMatchObject({ databaseReplicaUrls: [], databaseReplicaMaxLagMs: 2000 });
    const config = loadConfig({ ...base, DATABASE_REPLICA_URLS: ' mysql://r@a:3306/hub , mariadb://r@b/hub ,', DATABASE_REPLICA_MAX_LAG_MS: '500' });
    expect(config).toMatchObject({ databaseReplicaUrls: ['mysql://r@a:3306/hub', 'mariadb://r@b/hub'], databaseReplicaMaxLagMs: 500 });
  });

  it('refuses an entry that is not a MySQL/MariaDB URL, naming its position and not its text (it may hold a password)', () => {
    expect(() => loadConfig({ ...base, DATABASE_REPLICA_URLS: 'mysql://r@a/hub,postgres://u:pw@b/hub' })).toThrow('DATABASE_REPLICA_URLS: entry 2 must be mysql:// or mariadb:// (got postgres:)');
    expect(() => loadConfig({ ...base, DATABASE_REPLICA_URLS: 'not a url with pw' })).toThrow(/^DATABASE_REPLICA_URLS: entry 1 is not a URL$/);
  });
});

describe('route: which requests read from a replica', () => {
  const given: ReadRoute = { replica: '10.0.0.7:3306', query: async () => [] };
  // A stand-in for the replica set: the stage only asks it for a request's replica.
  const replicas = { forRequest: () => given } as unknown as ReplicaSet;
  const exchange = (operation: 'query' | 'mutation' | 'subscription' | null): Exchange & { context: RequestContext } => {
    const x = newExchange({ requestId: 'req-1', clientRequestId: null, method: 'POST', headers: {}, search: '', address: '10.0.0.1', rawBody: undefined });
    x.context = { sql: new SqlRunner(undefined as never) } as RequestContext;
    x.check = operation ? { kind: 'ok', operation, operationName: null, nodeEstimate: 1 } : undefined;
    return x as Exchange & { context: RequestContext };
  };

  it("gives a query operation's SqlRunner the replica set's choice", () => {
    const x = exchange('query');
    expect(route({ replicas })(x)).toBeUndefined();
    expect(x.context.sql.replica).toBe(given);
  });

  it('leaves a mutation, an unmeasured request and a hub without replicas on the primary', () => {
    for (const [operation, deps] of [
      ['mutation', { replicas }],
      [null, { replicas }],
      ['query', {}],
    ] as const) {
      const x = exchange(operation);
      route(deps)(x);
      expect({ operation, replica: x.context.sql.replica }).toEqual({ operation, replica: undefined });
    }
  });
});
