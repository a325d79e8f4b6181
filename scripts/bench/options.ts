import fs from 'node:fs';
import path from 'node:path';

/** The repository's root (this file is dist/scripts/bench/options.js once built). */
export const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The Node.js flags of `npm start` (package.json), so the benchmark measures the product as it is started. */
export const PRODUCT_NODE_FLAGS: string[] = (() => {
  const { start } = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts;
  const match = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*)\s+dist\/src\/main\.js/.exec(start);
  if (!match) throw new Error(`package.json: the start script does not run dist/src/main.js with node: ${start}`);
  return match[1].trim().split(/\s+/).filter(Boolean);
})();

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

export interface Options {
  smoke: boolean;
  warmup: number;
  duration: number;
  connections: number[];
  queries: QueryName[];
  variants: VariantName[];
  first: number;
  page: number;
  profileSeconds: number;
  /** The queries profiled (at each connection count). */
  profileQueries: QueryName[];
  sequential: number;
  /** One server per variant for all runs (the smoke run), instead of a fresh process per run. */
  reuseServers: boolean;
  out: string | null;
  json: string | null;
  /** --accept-encoding: sent with every measured request (autocannon sends none otherwise). */
  acceptEncoding?: string;
  /** The connections of the contended write queries W1c and W1r (one count: the clients on one license). */
  contendedConnections: number;
  /** --scale-database: Q3 measured on this second, smaller data set too (npm run bench:data -- --scale 0.1: hub_bench_100k). */
  scaleDatabase: string | null;
  /** --sqlite-dir: Q1 and Q3 on the embedded database DIR/hub.sqlite too (npm run bench:data -- --sqlite DIR). */
  sqliteDir: string | null;
}

/**
 * Q1..Q4 the reads of issue #7; W1, W1c, W1r the writes and A1 the license summary of issue #15;
 * Q1x<N> Q1 with first: N (how cost grows with the answer, measured at the lowest connection count).
 */
export type QueryName = 'Q1' | 'Q2' | 'Q3' | 'Q4' | 'W1' | 'W1c' | 'W1r' | 'A1' | `Q1x${number}`;
export type VariantName = 'hub' | 'bare' | 'floor';
export const ALL_QUERIES: QueryName[] = ['Q1', 'Q2', 'Q3', 'Q4', 'W1', 'W1c', 'W1r', 'A1'];
/** The queries of the first size sweep of a full run (Q1x<N>). */
export const DEFAULT_SWEEP = [10, 25, 50, 100];
export const isSweep = (q: string): q is `Q1x${number}` => /^Q1x[1-9]\d*$/.test(q);
export const sweepFirst = (q: QueryName) => Number(q.slice(3));
/** Measured at the contended connection count only (W1c, W1r), or at the lowest (the sweep). */
export const CONTENDED: QueryName[] = ['W1c', 'W1r'];
export const ALL_VARIANTS: VariantName[] = ['hub', 'bare', 'floor'];

export const USAGE = `npm run bench -- [--warmup 10] [--duration 20] [--connections 1,32] [--queries Q1,Q2,Q3,Q4,W1,W1c,W1r,A1]
  [--first-sweep 10,25,50,100 | --first-sweep none] [--contended-connections 32] [--scale-database hub_bench_100k]
  [--sqlite-dir data-bench]
  [--variants hub,bare,floor] [--first 50] [--page 30] [--profile-seconds 15] [--sequential 3] [--reuse-servers]
  [--out docs/benchmarks.md | --out -] [--json file] [--smoke] [--accept-encoding br|gzip|identity]
  [--from-json file: write the report of a saved run again, targets re-evaluated; nothing measured]
--queries also takes Q1x<N> (Q1 with first: N); --first-sweep N,M adds Q1xN, Q1xM (measured at the lowest connection count).
--smoke: the database hub_bench_smoke (npm run bench:data -- --smoke), half-second runs at 2 connections (W1c and W1r:
  32) on the same three servers, the sweep Q1x2,Q1x6, no profile, no report file unless --out.`;

export function parseOptions(argv: string[]): Options {
  const smoke = argv.includes('--smoke');
  const o: Options = smoke
    ? {
        smoke,
        warmup: 0,
        duration: 0.5,
        connections: [2],
        queries: [...ALL_QUERIES, 'Q1x2', 'Q1x6'],
        variants: ALL_VARIANTS,
        first: 6,
        page: 3,
        profileSeconds: 0,
        profileQueries: ['Q1'],
        sequential: 1,
        reuseServers: true,
        out: null,
        json: null,
        // As the full run: with fewer clients a half-second run may see no refusal at all.
        contendedConnections: 32,
        scaleDatabase: null,
        sqliteDir: null,
      }
    : {
        smoke,
        warmup: 10,
        duration: 20,
        connections: [1, 32],
        queries: [...ALL_QUERIES, ...DEFAULT_SWEEP.map((n) => `Q1x${n}` as QueryName)],
        variants: ALL_VARIANTS,
        first: 50,
        page: 30,
        profileSeconds: 15,
        profileQueries: ['Q1'],
        sequential: 3,
        reuseServers: false,
        out: path.join(ROOT, 'docs', 'benchmarks.md'),
        json: null,
        contendedConnections: 32,
        scaleDatabase: null,
        sqliteDir: null,
      };
  const num = (i: number) => {
    const n = Number(argv[i]);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${argv[i - 1]} needs a non-negative number\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    switch (argv[i]) {
      case '--smoke':
        break;
      case '--warmup':
        o.warmup = num(++i);
        break;
      case '--duration':
        o.duration = num(++i);
        break;
      case '--first':
        o.first = num(++i);
        break;
      case '--page':
        o.page = num(++i);
        break;
      case '--profile-seconds':
        o.profileSeconds = num(++i);
        break;
      case '--profile-queries':
        o.profileQueries = argv[++i].split(',') as QueryName[];
        break;
      case '--sequential':
        o.sequential = Math.max(1, num(++i));
        break;
      case '--reuse-servers':
        o.reuseServers = true;
        break;
      case '--connections':
        o.connections = argv[++i].split(',').map(Number);
        break;
      case '--queries':
        o.queries = argv[++i].split(',') as QueryName[];
        break;
      case '--first-sweep': {
        const sizes = argv[++i] === 'none' ? [] : argv[i].split(',').map(Number);
        if (!sizes.every((n) => Number.isInteger(n) && n >= 1 && n <= 100)) throw new Error(`--first-sweep: whole numbers 1..100, or none\n${USAGE}`);
        o.queries = [...o.queries.filter((q) => !isSweep(q)), ...sizes.map((n) => `Q1x${n}` as QueryName)];
        break;
      }
      case '--sqlite-dir':
        o.sqliteDir = argv[++i] === 'none' ? null : path.resolve(argv[i]);
        break;
      case '--scale-database':
        o.scaleDatabase = argv[++i] === 'none' ? null : argv[i];
        break;
      case '--contended-connections':
        o.contendedConnections = Math.max(1, num(++i));
        break;
      case '--variants':
        o.variants = argv[++i].split(',') as VariantName[];
        break;
      case '--out':
        o.out = argv[++i] === '-' ? null : path.resolve(argv[i]);
        break;
      case '--json':
        o.json = path.resolve(argv[++i]);
        break;
      // The measured requests accept compressed answers (the hub compresses above 1 KB): the
      // CPU it costs shows in CPU ms/req, the bytes it saves in the log's wire bytes per response.
      case '--accept-encoding':
        o.acceptEncoding = argv[++i];
        break;
      default:
        throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
    }
  }
  if (o.duration <= 0) throw new Error('--duration must be above 0');
  if (!o.queries.every((q) => ALL_QUERIES.includes(q) || isSweep(q))) throw new Error(`--queries: of ${ALL_QUERIES.join(',')} or Q1x<N>`);
  if (!o.variants.every((v) => ALL_VARIANTS.includes(v)) || !o.variants.includes('hub')) throw new Error(`--variants: of ${ALL_VARIANTS.join(',')}, hub included`);
  if (!o.connections.every((c) => Number.isInteger(c) && c >= 1)) throw new Error('--connections: positive integers');
  if (o.page < 2) throw new Error('--page must be at least 2');
  return o;
}

/** The connection counts a query is measured at: W1c and W1r at the contended count, the sweep at the lowest, the rest at each. */
export function connectionsOf(q: QueryName, o: Options): number[] {
  if (CONTENDED.includes(q)) return [o.contendedConnections];
  if (isSweep(q)) return [Math.min(...o.connections)];
  return o.connections;
}
