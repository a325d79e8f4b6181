import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config';

/**
 * The container image (Dockerfile, docs/deployment.md): what an operator relies on without
 * reading it. No image is built here (the tests run where no container engine may be): the
 * Dockerfile's runtime stage is read as text.
 */

const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** The instructions of a Dockerfile (continuation lines joined, comments dropped). */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** The instructions of the last stage: the image that runs. */
function runtimeStage(all: Instruction[]): Instruction[] {
  const from = all.map((i) => i.keyword).lastIndexOf('FROM');
  return all.slice(from);
}

/** ENV a=b c=d (or ENV a b) as a map. */
function envOf(stage: Instruction[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of stage.filter((x) => x.keyword === 'ENV')) {
    if (!i.args.includes('=')) {
      const [name, ...value] = i.args.split(/\s+/);
      out[name] = value.join(' ');
      continue;
    }
    for (const pair of i.args.split(/\s+/)) {
      const [name, value] = pair.split('=');
      out[name] = value;
    }
  }
  return out;
}

describe('the container image (Dockerfile)', () => {
  const all = instructions(read('Dockerfile'));
  const runtime = runtimeStage(all);
  const env = envOf(runtime);
  const one = (keyword: string) => {
    const found = runtime.filter((i) => i.keyword === keyword);
    expect({ keyword, count: found.length }).toEqual({ keyword, count: 1 });
    return found[0].args;
  };

  it('runs on Node.js 20 slim, as a user that is not root', () => {
    expect(runtime[0].args).toMatch(/^node:20[-.\w]*-slim\b/);
    const user = one('USER');
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('is production by default, listening on all addresses at the port it exposes, and carries no secret', () => {
    expect(env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
    expect(one('EXPOSE')).toBe(env.PORT);
    // Production refuses to start without these: an image must never bring its own.
    for (const secret of ['SECRETS_KEY', 'JWT_SECRET', 'METRICS_TOKEN', 'DATABASE_URL', 'REDIS_URL']) expect(env[secret]).toBeUndefined();
    expect(all.filter((i) => i.keyword === 'ARG' && /SECRET|KEY|TOKEN|PASSWORD/i.test(i.args))).toEqual([]);
    expect(() => loadConfig({ ...env })).toThrow(/Missing required settings for production: JWT_SECRET .*SECRETS_KEY, DATABASE_URL/);
  });

  it('checks /health, and starts the hub with the heap flags of npm start', () => {
    expect(one('HEALTHCHECK')).toMatch(/path:'\/health'/);
    const start = JSON.parse(read('package.json')).scripts.start as string;
    const flags = start.match(/--max-[a-z-]+=\d+/g);
    expect(flags).toHaveLength(2);
    expect(JSON.parse(one('CMD'))).toEqual(['node', ...flags!, 'dist/src/main.js']);
  });

  it('copies the compiled programs it names from sources that exist (main, migrate, worker, retention, the seed)', () => {
    const copied = runtime.filter((i) => i.keyword === 'COPY' && i.args.includes('/src/dist/')).flatMap((i) => i.args.split(/\s+/).filter((a) => a.startsWith('/src/dist/')));
    const scripts = copied.filter((p) => p.endsWith('.js')).map((p) => p.replace('/src/dist/', '').replace(/\.js$/, '.ts'));
    expect(scripts.length).toBeGreaterThan(2);
    for (const source of [...scripts, 'src/main.ts', 'seeds/run.ts']) expect({ source, exists: fs.existsSync(path.join(ROOT, source)) }).toEqual({ source, exists: true });
  });

  it("keeps the embedded demo's data and keys (data/), .env files and local builds out of the build context", () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    for (const entry of ['data/', '**/.env', 'node_modules/', 'dist/']) expect(ignored).toContain(entry);
  });
});
