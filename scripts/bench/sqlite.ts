import { countStatements, measure, Run } from './drive';
import { connectionsOf, Options, QueryName, VariantName } from './options';
import { canonical, post, Request } from './queries';
import { Server } from './server';

/**
 * Q1 and Q3 on the embedded database (issue #15: a single-process user's numbers), beside
 * MariaDB's: `--sqlite-dir DIR`, where `npm run bench:data -- --sqlite DIR` wrote the same
 * world into DIR/hub.sqlite. The hub and the hub without its permission layer run with
 * DATABASE_URL and NODE_ENV unset (the product runs the embedded database outside production
 * only) and DATA_DIR=DIR, the same environment otherwise; the floor is not run
 * (it is written for MariaDB). SQLite runs in the server's process, so CPU ms/req holds the
 * database's work too (there is no DB ms/req). Before measuring, each query's answer on SQLite
 * is compared with the hub's answer on MariaDB: the same data.
 */
export interface SqliteResult {
  dir: string;
  variants: VariantName[];
  statements: Partial<Record<VariantName, Partial<Record<QueryName, number>>>>;
  bytes: Partial<Record<QueryName, number>>;
  runs: Run[];
}

export const SQLITE_QUERIES: QueryName[] = ['Q1', 'Q3'];

export async function measureOnSqlite(
  o: Options,
  env: NodeJS.ProcessEnv,
  dir: string,
  requests: Partial<Record<QueryName, Request>>,
  mariadbAnswers: Partial<Record<QueryName, string>>,
  log: (line: string) => void,
): Promise<SqliteResult> {
  // The product refuses NODE_ENV=production without DATABASE_URL: the embedded database is run
  // as `npm start` runs it on a fresh clone, NODE_ENV unset (development); the rest is the same.
  const sqliteEnv: NodeJS.ProcessEnv = { ...env, DATA_DIR: dir };
  delete sqliteEnv.DATABASE_URL;
  delete sqliteEnv.NODE_ENV;
  const variants = o.variants.filter((v) => v !== 'floor');
  const queries = SQLITE_QUERIES.filter((q) => o.queries.includes(q));
  const servers = new Map<VariantName, Server>();
  const result: SqliteResult = { dir, variants, statements: {}, bytes: {}, runs: [] };
  const sequentialMs: Partial<Record<VariantName, Partial<Record<QueryName, number>>>> = {};
  try {
    for (const s of await Promise.all(variants.map((v) => Server.start(v, sqliteEnv)))) servers.set(s.variant, s);
    for (const q of queries) {
      for (const [v, s] of servers) {
        const r = await post(s, requests[q]!);
        if (r.status !== 200 || r.json.errors) throw new Error(`${q} on SQLite (${v}): HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
        if (canonical(r.json.data) !== mariadbAnswers[q])
          throw new Error(`${q} on SQLite (${v}): other data than the hub on MariaDB (is ${dir} made by bench:data -- --sqlite with the same options?)`);
        if (v === 'hub') result.bytes[q] = r.bytes;
        const counted = await countStatements(s, requests[q]!, o.sequential);
        (result.statements[v] ??= {})[q] = counted.statements;
        (sequentialMs[v] ??= {})[q] = counted.ms;
      }
    }
    log(`SQLite ${dir}: ${queries.join(', ')} answer the same data as on MariaDB; statements ${JSON.stringify(result.statements)}`);
    if (!o.reuseServers) {
      await Promise.all([...servers.values()].map((s) => s.stop()));
      servers.clear();
    }
    for (const q of queries) {
      for (const c of connectionsOf(q, o)) {
        for (const v of variants) {
          const server = o.reuseServers ? servers.get(v)! : await Server.start(v, sqliteEnv);
          const r = await measure(server, requests[q]!, q, c, o, null, sequentialMs[v]?.[q] ?? 1000);
          if (!o.reuseServers) await server.stop();
          result.runs.push(r);
          log(`${q} on SQLite ×${c} ${v.padEnd(5)}: ${r.reqPerSec.toFixed(1)} req/s, p50 ${r.p50.toFixed(0)} ms, ${r.cpuMsPerRequest.toFixed(1)} CPU ms/req, ${r.peakRssMb.toFixed(0)} MB`);
        }
      }
    }
    return result;
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  }
}
