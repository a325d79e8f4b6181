import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { drive } from './drive';
import type { Options, QueryName } from './options';
import type { Request } from './queries';
import { Server } from './server';

// ---------------------------------------------------------------------------------------------
// The profile
// ---------------------------------------------------------------------------------------------

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  query: QueryName;
  connections: number;
  seconds: number;
  windowed: boolean;
  top: { fn: string; where: string; selfMs: number; percent: number }[];
  byComponent: { component: string; selfMs: number; percent: number }[];
}

export function component(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(V8 / native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'Node.js internals';
  const src = /\/dist\/(src|scripts|ormconfig)(\/[^/]+)?/.exec(url);
  if (src) return src[1] === 'src' ? `hub: src${src[2] ?? ''}` : `hub: ${src[1]}${src[2] ?? ''}`;
  return url;
}

export function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url.replace(/^file:\/\//, '');
}

/** Self time per function and per component, within [fromUs, toUs] of the profile's clock when it covers it. */
export function summarizeProfile(file: string, fromUs: number, toUs: number): Omit<ProfileSummary, 'query'> {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const windowed = fromUs >= profile.startTime && toUs <= profile.endTime + 1_000_000 && fromUs < toUs;
  const self = new Map<number, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (windowed && (t < fromUs || t > toUs)) continue;
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const perFn = new Map<string, { fn: string; where: string; us: number }>();
  const perComponent = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    const fn = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${fn}@${where}`;
    const entry = perFn.get(key) ?? { fn, where, us: 0 };
    entry.us += us;
    perFn.set(key, entry);
    const c = component(url, fn);
    perComponent.set(c, (perComponent.get(c) ?? 0) + us);
  }
  const busy = [...perFn.values()].reduce((a, e) => a + e.us, 0) || 1;
  return {
    file,
    connections: 0,
    seconds: total / 1e6,
    windowed,
    top: [...perFn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, 25)
      .map((e) => ({ fn: e.fn, where: e.where, selfMs: e.us / 1000, percent: (e.us / busy) * 100 })),
    byComponent: [...perComponent.entries()].sort((a, b) => b[1] - a[1]).map(([c, us]) => ({ component: c, selfMs: us / 1000, percent: (us / busy) * 100 })),
  };
}

export async function profileHub(env: NodeJS.ProcessEnv, query: QueryName, request: Request, connections: number, o: Options): Promise<ProfileSummary> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-prof-'));
  const server = await Server.start('hub', env, ['--cpu-prof', '--cpu-prof-dir', dir]);
  let from: number;
  let to: number;
  try {
    await drive(server, request, connections, Math.max(1, o.warmup), o.acceptEncoding);
    await server.idle();
    from = monotonicUs();
    await drive(server, request, connections, o.profileSeconds, o.acceptEncoding);
    await server.idle();
    to = monotonicUs();
  } finally {
    await server.stop();
  }
  const file = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))[0];
  if (!file) throw new Error(`no .cpuprofile in ${dir}:\n${server.log()}`);
  const kept = path.join(os.tmpdir(), `hub-bench-${query}-c${connections}.cpuprofile`);
  fs.copyFileSync(file, kept);
  fs.rmSync(dir, { recursive: true, force: true });
  return { ...summarizeProfile(kept, from, to), file: kept, query, connections };
}

/** V8 profiles count microseconds on the monotonic clock, as process.hrtime does. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
