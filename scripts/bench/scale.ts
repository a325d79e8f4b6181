import { createConnection } from 'mysql2/promise';
import { benchDatabaseUrl } from '../bench-data';
import { countStatements, measure, Run } from './drive';
import { connectionsOf, Options, VariantName } from './options';
import { Agreement, checkAgreement, CURSOR, CUSTOMER, post, Request } from './queries';
import { Server } from './server';

/**
 * Q3 at a second size of the data (issue #15, "how cost grows"): `--scale-database
 * hub_bench_100k` (made by `npm run bench:data -- --scale 0.1`). The same servers, environment
 * and token (the measured distributor's admin has the same id in every data set); Q3 asks for
 * the first customer of page N there too, or of the last page when there are fewer (every
 * customer of the measured distributor has the same shape: 3 users, 4 computers, 20 licenses).
 * The variants' answers are compared first, as for the main database.
 */
export interface ScaleResult {
  database: string;
  rows: number;
  page: number;
  customer: string;
  agreement: Agreement;
  statements: Partial<Record<VariantName, number>>;
  runs: Run[];
}

async function countRows(url: string): Promise<number> {
  const conn = await createConnection({ uri: url.replace(/^mariadb:/, 'mysql:') });
  try {
    const [tables] = (await conn.query('SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> ?', ['migrations'])) as unknown as [{ t: string }[]];
    let sum = 0;
    for (const { t } of tables) sum += Number(((await conn.query(`SELECT COUNT(*) AS n FROM \`${t}\``)) as unknown as [{ n: number }[]])[0][0].n);
    return sum;
  } finally {
    await conn.end();
  }
}

/** The first customer of page `page` (or of the last page), walking the keyset pages as Q3 does on the main database. */
async function q3Customer(hub: Server, token: string, first: number, page: number): Promise<{ customer: string; page: number }> {
  let after: string | null = null;
  for (let p = 1; ; p++) {
    const r = await post(hub, { token, body: JSON.stringify({ query: CURSOR, operationName: 'Cursor', variables: { first, after } }) });
    const c = (r.json.data as { customers: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }).customers;
    if (p === page || !c.pageInfo.hasNextPage) return { customer: c.nodes[0].id, page: p };
    after = c.pageInfo.endCursor;
  }
}

export async function measureAtScale(
  o: Options,
  env: NodeJS.ProcessEnv,
  databaseUrl: string,
  database: string,
  token: string,
  dbPid: number | null,
  log: (line: string) => void,
): Promise<ScaleResult> {
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  const scaleUrl = benchDatabaseUrl({ DATABASE_URL: url.toString() }, false);
  const rows = await countRows(scaleUrl);
  const scaleEnv: NodeJS.ProcessEnv = { ...env, DATABASE_URL: scaleUrl };
  const servers = new Map<VariantName, Server>();
  try {
    for (const s of await Promise.all(o.variants.map((v) => Server.start(v, scaleEnv)))) servers.set(s.variant, s);
    const found = await q3Customer(servers.get('hub')!, token, o.first, o.page);
    const request: Request = { token, body: JSON.stringify({ query: CUSTOMER, operationName: 'Customer', variables: { id: found.customer } }) };
    const [agreement] = await checkAgreement(servers, { Q3: request }, ['Q3']);
    const statements: ScaleResult['statements'] = {};
    const sequentialMs: Partial<Record<VariantName, number>> = {};
    for (const [v, s] of servers) {
      const counted = await countStatements(s, request, o.sequential);
      statements[v] = counted.statements;
      sequentialMs[v] = counted.ms;
    }
    log(`${database} (${rows} rows): Q3 customer of page ${found.page}; the variants agree; statements ${JSON.stringify(statements)}`);
    if (!o.reuseServers) {
      await Promise.all([...servers.values()].map((s) => s.stop()));
      servers.clear();
    }
    const runs: Run[] = [];
    for (const c of connectionsOf('Q3', o)) {
      for (const v of o.variants) {
        const server = o.reuseServers ? servers.get(v)! : await Server.start(v, scaleEnv);
        const r = await measure(server, request, 'Q3', c, o, dbPid, sequentialMs[v] ?? 1000);
        if (!o.reuseServers) await server.stop();
        runs.push(r);
        log(
          `Q3 at ${database} ×${c} ${v.padEnd(5)}: ${r.reqPerSec.toFixed(1)} req/s, p50 ${r.p50.toFixed(0)} ms, ${r.cpuMsPerRequest.toFixed(1)} CPU ms/req, DB ${r.dbCpuMsPerRequest?.toFixed(1) ?? '–'} ms/req`,
        );
      }
    }
    return { database, rows, page: found.page, customer: found.customer, agreement, statements, runs };
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
  }
}
