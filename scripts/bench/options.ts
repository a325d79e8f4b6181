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
}

export type QueryName = 'Q1' | 'Q2' | 'Q3' | 'Q4';
export type VariantName = 'hub' | 'bare' | 'floor';
export const ALL_QUERIES: QueryName[] = ['Q1', 'Q2', 'Q3', 'Q4'];
export const ALL_VARIANTS: VariantName[] = ['hub', 'bare', 'floor'];

export const USAGE = `npm run bench -- [--warmup 10] [--duration 20] [--connections 1,32] [--queries Q1,Q2,Q3,Q4]
  [--variants hub,bare,floor] [--first 50] [--page 30] [--profile-seconds 15] [--sequential 3] [--reuse-servers]
  [--out docs/benchmarks.md | --out -] [--json file] [--smoke] [--accept-encoding br|gzip|identity]
--smoke: the database hub_bench_smoke (npm run bench:data -- --smoke), half-second runs at 2 connections on the
  same three servers, no profile, no report file unless --out.`;

export function parseOptions(argv: string[]): Options {
  const smoke = argv.includes('--smoke');
  const o: Options = smoke
    ? {
        smoke,
        warmup: 0,
        duration: 0.5,
        connections: [2],
        queries: ALL_QUERIES,
        variants: ALL_VARIANTS,
        first: 6,
        page: 3,
        profileSeconds: 0,
        profileQueries: ['Q1'],
        sequential: 1,
        reuseServers: true,
        out: null,
        json: null,
      }
    : {
        smoke,
        warmup: 10,
        duration: 20,
        connections: [1, 32],
        queries: ALL_QUERIES,
        variants: ALL_VARIANTS,
        first: 50,
        page: 30,
        profileSeconds: 15,
        profileQueries: ['Q1'],
        sequential: 3,
        reuseServers: false,
        out: path.join(ROOT, 'docs', 'benchmarks.md'),
        json: null,
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
  if (!o.queries.every((q) => ALL_QUERIES.includes(q))) throw new Error(`--queries: of ${ALL_QUERIES.join(',')}`);
  if (!o.variants.every((v) => ALL_VARIANTS.includes(v)) || !o.variants.includes('hub')) throw new Error(`--variants: of ${ALL_VARIANTS.join(',')}, hub included`);
  if (!o.connections.every((c) => Number.isInteger(c) && c >= 1)) throw new Error('--connections: positive integers');
  if (o.page < 2) throw new Error('--page must be at least 2');
  return o;
}
