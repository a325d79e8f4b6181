import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ProbeStats } from '../bench-hub';
import { PRODUCT_NODE_FLAGS, ROOT, VariantName } from './options';

// ---------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------

export const VARIANT_TITLES: Record<VariantName, string> = {
  hub: 'hub (policy on)',
  bare: 'hub without permission layer (policy off)',
  floor: 'floor (hand-written SQL)',
};

export class Server {
  private readonly pending = new Map<number, (value: unknown) => void>();
  private nextId = 1;
  private output = '';
  private exited: Promise<number | null>;

  private constructor(
    readonly variant: VariantName,
    readonly port: number,
    readonly child: ChildProcess,
  ) {
    child.on('message', (m: { id: number }) => {
      const resolve = this.pending.get(m.id);
      this.pending.delete(m.id);
      resolve?.(m);
    });
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(variant: VariantName, env: NodeJS.ProcessEnv, extraExecArgv: string[] = []): Promise<Server> {
    // Every variant runs with the Node.js flags of the product's start command (npm start).
    extraExecArgv = [...PRODUCT_NODE_FLAGS, ...extraExecArgv];
    const port = await freePort();
    const childEnv: NodeJS.ProcessEnv = { ...env, PORT: String(port), HOST: '127.0.0.1' };
    delete childEnv.BENCH_PROBE;
    const dist = path.join(ROOT, 'dist');
    const probe = path.join(dist, 'scripts', 'bench-hub.js');
    const stdio: ('ignore' | 'pipe' | 'ipc')[] = ['ignore', 'pipe', 'pipe', 'ipc'];
    let child: ChildProcess;
    if (variant === 'hub') {
      child = fork(path.join(dist, 'src', 'main.js'), [], { cwd: ROOT, env: { ...childEnv, BENCH_PROBE: 'hub' }, execArgv: [...extraExecArgv, '--require', probe], stdio });
    } else if (variant === 'bare') {
      child = fork(probe, [], { cwd: ROOT, env: childEnv, execArgv: extraExecArgv, stdio });
    } else {
      child = fork(path.join(dist, 'scripts', 'bench-floor.js'), [], { cwd: ROOT, env: childEnv, execArgv: extraExecArgv, stdio });
    }
    const server = new Server(variant, port, child);
    await server.ready();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  private async ready(): Promise<void> {
    const deadline = Date.now() + 90_000;
    let gone = false;
    void this.exited.then(() => (gone = true));
    while (Date.now() < deadline) {
      if (gone) throw new Error(`${this.variant} exited during startup:\n${this.output}`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/health`, { headers: { 'x-forwarded-proto': 'https' } });
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`${this.variant} did not become ready in 90 s:\n${this.output}`);
  }

  private ask<T>(message: { type: 'stats' } | { type: 'record'; on: boolean }): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.variant}: no answer from the probe`)), 10_000);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        resolve(m as T);
      });
      this.child.send({ ...message, id });
    });
  }

  async stats(): Promise<ProbeStats & { at: number }> {
    const { stats } = await this.ask<{ stats: ProbeStats }>({ type: 'stats' });
    return { ...stats, at: Date.now() };
  }

  async record(on: boolean): Promise<string[]> {
    return (await this.ask<{ statements: string[] }>({ type: 'record', on })).statements;
  }

  /** Waits until the server has no request in flight (the tail of a run is finished). */
  async idle(): Promise<ProbeStats & { at: number }> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const s = await this.stats();
      if (s.inflight === 0) return s;
      if (Date.now() > deadline) throw new Error(`${this.variant}: ${s.inflight} requests still in flight after 120 s`);
      await sleep(25);
    }
  }

  /** Peak resident set size (VmHWM), bytes. */
  peakRss(): number {
    const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
    return kb * 1024;
  }

  /** Asks the (idle) server to exit; a --cpu-prof profile is written on the way out. SIGKILL after 30 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    if (this.child.connected) this.child.send({ id: 0, type: 'exit' });
    else this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await this.exited;
    clearTimeout(timer);
  }

  log(): string {
    return this.output;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
