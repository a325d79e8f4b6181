import { createConnection } from 'mysql2/promise';
import { benchDatabaseUrl } from '../bench-data';
import { countStatements, measure, Run } from './drive';
import { connectionsOf, Options, VariantName } from './options';
import { canonical, checkAgreement, CURSOR, CUSTOMER, post, Request } from './queries';
import { Server } from './server';

/**
 * Q3 at two sizes of the data (issue #15, "how cost grows"): `--scale-database hub_bench_100k`
 * (made by `npm run bench:data -- --scale 0.1`) and the main data set. The same customer on
 * both: the first of page N of the small data set (or of its last page), which is in the large
 * one too, row for row (bench:data makes the measured distributor's first customers from the
 * same draws at every scale; checked: the hub's answers are the same data on both). On each
 * data set: the same servers, environment and token, the variants' answers compared, the
 * statements counted, then measured as the other queries.
 */
export interface ScaleSide {
  database: string;
  rows: number;
  statements: Partial<Record<VariantName, number>>;
  runs: Run[];
}
export interface ScaleResult {
  page: number;
  customer: string;
  bytes: number;
  small: ScaleSide;
  large: ScaleSide;
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

/**
 * The first customer of page `page`, or of the last full page when there are fewer (a short last
 * page may hold only the write customer, which a data set made before it lacks).
 */
async function q3Customer(hub: Server, token: string, first: number, page: number): Promise<{ customer: string; page: number }> {
  let after: string | null = null;
  let lastFull: { customer: string; page: number } | null = null;
  for (let p = 1; ; p++) {
    const r = await post(hub, { token, body: JSON.stringify({ query: CURSOR, operationName: 'Cursor', variables: { first, after } }) });
    const c = (r.json.data as { customers: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }).customers;
    const here = { customer: c.nodes[0].id, page: p };
    if (p === page) return here;
    if (c.nodes.length === first) lastFull = here;
    if (!c.pageInfo.hasNextPage) return lastFull ?? here;
    after = c.pageInfo.endCursor;
  }
}

interface Side {
  url: string;
  database: string;
}

/** One data set: servers, agreement, statements, then the measured runs of Q3. Returns the side and the hub's answer. */
async function measureSide(o: Options, env: NodeJS.ProcessEnv, side: Side, token: string, found: { customer: string } | null, dbPid: number | null, log: (line: string) => void) {
  const sideEnv: NodeJS.ProcessEnv = { ...env, DATABASE_URL: side.url };
  const servers = new Map<VariantName, Server>();
  try {
    for (const s of await Promise.all(o.variants.map((v) => Server.start(v, sideEnv)))) servers.set(s.variant, s);
    const picked = found ?? (await q3Customer(servers.get('hub')!, token, o.first, o.page));
    const request: Request = { token, body: JSON.stringify({ query: CUSTOMER, operationName: 'Customer', variables: { id: picked.customer } }) };
    const [agreement] = await checkAgreement(servers, { Q3: request }, ['Q3']);
    const answer = canonical((await post(servers.get('hub')!, request)).json.data);
    const statements: ScaleSide['statements'] = {};
    const sequentialMs: Partial<Record<VariantName, number>> = {};
    for (const [v, s] of servers) {
      const counted = await countStatements(s, request, o.sequential);
      statements[v] = counted.statements;
      sequentialMs[v] = counted.ms;
    }
    if (!o.reuseServers) {
      await Promise.all([...servers.values()].map((s) => s.stop()));
      servers.clear();
    }
    const runs: Run[] = [];
    for (const c of connectionsOf('Q3', o)) {
      for (const v of o.variants) {
        const server = o.reuseServers ? servers.get(v)! : await Server.start(v, sideEnv);
        const r = await measure(server, request, 'Q3', c, o, dbPid, sequentialMs[v] ?? 1000);
        if (!o.reuseServers) await server.stop();
        runs.push(r);
        log(
          `Q3 (scale) at ${side.database} ×${c} ${v.padEnd(5)}: ${r.reqPerSec.toFixed(1)} req/s, p50 ${r.p50.toFixed(0)} ms, ${r.cpuMsPerRequest.toFixed(1)} CPU ms/req, DB ${r.dbCpuMsPerRequest?.toFixed(1) ?? '–'} ms/req`,
        );
      }
    }
    const result: ScaleSide = { database: side.database, rows: await countRows(side.url), statements, runs };
    return { result, answer, picked, bytes: agreement.variants.hub?.bytes ?? NaN };
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
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
  const small = await measureSide(o, env, { url: scaleUrl, database }, token, null, dbPid, log);
  const picked = small.picked as { customer: string; page: number };
  const large = await measureSide(o, env, { url: databaseUrl, database: new URL(databaseUrl).pathname.slice(1) }, token, picked, dbPid, log);
  if (large.answer !== small.answer)
    throw new Error(`Q3 (scale): the customer ${picked.customer} is not the same on ${database} and the main data set (make both with the same bench:data version and options)`);
  log(`Q3 (scale): customer of page ${picked.page} of ${database}, the same answer on both data sets`);
  return { page: picked.page, customer: picked.customer, bytes: small.bytes, small: small.result, large: large.result };
}
