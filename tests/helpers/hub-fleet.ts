import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** dist/src/main.js: the hub as `npm start` runs it. */
const MAIN = path.resolve(__dirname, '..', '..', 'src', 'main.js');
/** The Node.js flags of `npm start` (README, Operations): every launcher should use them. */
export const HUB_NODE_FLAGS = ['--max-semi-space-size=48', '--max-old-space-size=256'];

/** A hub started as its own process (dist/src/main.js), as a deployment runs one. */
export interface HubProcess {
  name: string;
  /** http://127.0.0.1:<port>, the port chosen by the kernel (PORT=0). */
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Its log lines at level error or above (pino level ≥ 50), for a test to show and assert. */
  errorLines: string[];
  /** The last part of its standard error output. */
  stderr(): string;
}

/**
 * Starts a hub process with this environment (PORT=0, HOST=127.0.0.1 and LOG_LEVEL=info are
 * set here) and resolves once it logs that it listens, with the address it logged. Its log
 * lines are read as they come (a full pipe would stop the process) and kept only when they
 * report an error.
 */
export function startHubProcess(name: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<HubProcess> {
  const child = spawn(process.execPath, [...HUB_NODE_FLAGS, MAIN], { env: { ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const errorLines: string[] = [];
  let stderr = '';
  let pending = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return new Promise<HubProcess>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub ${name} did not start within ${timeoutMs} ms: ${stderr}`)), timeoutMs);
    void exited.then((code) => reject(new Error(`hub ${name} exited (${code}) before it listened: ${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        let entry: { level?: number; msg?: string; url?: string };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          errorLines.push(line); // a hub writes JSON lines only
          continue;
        }
        if ((entry.level ?? 0) >= 50) errorLines.push(line);
        if (entry.msg === 'hub listening' && entry.url) {
          clearTimeout(timer);
          resolve({ name, url: entry.url.replace(/\/graphql$/, ''), child, exited, errorLines, stderr: () => stderr });
        }
      }
    });
  });
}

/** SIGTERM (the hub drains and exits), then SIGKILL if it has not ended within graceMs; resolves with the exit code. */
export async function stopHubProcess(hub: HubProcess | undefined, graceMs = 20_000): Promise<number | null> {
  if (!hub) return null;
  if (hub.child.exitCode !== null || hub.child.signalCode !== null) return hub.child.exitCode;
  hub.child.kill('SIGTERM');
  const timer = setTimeout(() => hub.child.kill('SIGKILL'), graceMs);
  const code = await hub.exited;
  clearTimeout(timer);
  return code;
}
