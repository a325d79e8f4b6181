import 'reflect-metadata';
import http from 'node:http';
import { CountingLogger } from '../src/common/query-counter';

/**
 * Benchmark-only (docs/benchmarks.md): the measuring probe of a server process, and the hub WITHOUT its
 * permission layer. Never part of the product: nothing under src/ knows of this file.
 *
 * 1. `node --require dist/scripts/bench-hub.js dist/src/main.js` (with BENCH_PROBE=hub and an IPC
 *    channel, as `npm run bench` forks it): the product's own entry point, unchanged, with the
 *    probe preloaded. The probe answers IPC messages of the benchmark with the process's SQL
 *    statement count (CountingLogger.statements, the counter of ormconfig's logger), its CPU
 *    time, and the HTTP requests it has completed and has in flight; on request it also
 *    records the text of the statements (to list what one request runs).
 * 2. `node dist/scripts/bench-hub.js`: the same entry point, the same HTTP pipeline
 *    (authentication, limits, rate limit, Apollo, audit batch), on the schema WITHOUT the
 *    permission layer: before the hub is loaded, the schema module's buildHubSchema is pointed
 *    at buildBareSchema (the same resolvers, loaders and row scoping; no field rules, so no
 *    transfer gate and no audit of reads). Both createHub() and createGraphQLServer() take their
 *    schema from there, so the Apollo server is built on buildBareSchema(). This happens in
 *    this benchmark process only; the product has no switch for it.
 */

export interface ProbeStats {
  statements: number;
  /** process.cpuUsage(), microseconds. */
  cpuUser: number;
  cpuSystem: number;
  /** HTTP requests whose handler has ended the response, and those still being handled. */
  completed: number;
  inflight: number;
  rss: number;
}

export type ProbeRequest = { id: number; type: 'stats' } | { id: number; type: 'record'; on: boolean } | { id: number; type: 'exit' };

/**
 * Installs the probe in this process: counts HTTP requests of every http.Server and answers the
 * benchmark's IPC messages. `statements` reads the process's SQL statement counter;
 * `onRecord(true)` starts recording statement texts, `onRecord(false)` stops and returns them.
 */
export function installProbe(statements: () => number, onRecord: (on: boolean) => string[]): void {
  if (!process.send) return; // not forked by the benchmark: nothing to answer
  let completed = 0;
  let inflight = 0;
  // The probe wraps prototype methods and calls the originals with .call(this).
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
    if (event === 'request') track(args[1] as http.ServerResponse);
    return (emit as (this: http.Server, event: string, ...a: unknown[]) => boolean).call(this, event, ...args);
  } as typeof emit;
  /**
   * A request is done when its handler ends the response, whether or not the client is still
   * there: a request the load generator abandoned at the end of a run still runs its SQL, and
   * counts until then. (A handler that never ends it counts as done 30 s after the socket closed.)
   */
  function track(res: http.ServerResponse): void {
    inflight++;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      inflight--;
      completed++;
    };
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with .call(this)
    const end = res.end;
    res.end = function (this: http.ServerResponse, ...a: unknown[]) {
      finish();
      return (end as (...x: unknown[]) => http.ServerResponse).apply(this, a);
    } as typeof res.end;
    res.once('close', () => {
      if (!done) setTimeout(finish, 30_000).unref();
    });
  }
  process.on('message', (message: ProbeRequest) => {
    if (!message || typeof message !== 'object') return;
    if (message.type === 'stats') {
      const cpu = process.cpuUsage();
      const stats: ProbeStats = { statements: statements(), cpuUser: cpu.user, cpuSystem: cpu.system, completed, inflight, rss: process.memoryUsage().rss };
      process.send!({ id: message.id, stats });
    } else if (message.type === 'record') {
      process.send!({ id: message.id, statements: onRecord(message.on) });
    } else if (message.type === 'exit') {
      // The benchmark is done with an idle server. Not SIGTERM: the hub's graceful shutdown
      // can wait 15 s for Apollo's own termination-signal handler (see docs/benchmarks.md).
      process.exit(0);
    }
  });
}

/** The hub's probe: statements are what ormconfig's CountingLogger counts. */
function installHubProbe(): void {
  let recorded: string[] | null = null;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with .call(this)
  const logQuery = CountingLogger.prototype.logQuery;
  CountingLogger.prototype.logQuery = function (this: CountingLogger, query: string, ...rest: unknown[]) {
    if (recorded) recorded.push(query);
    return (logQuery as (...a: unknown[]) => void).call(this, query, ...rest);
  };
  installProbe(
    () => CountingLogger.statements,
    (on) => {
      const out = recorded ?? [];
      recorded = on ? [] : null;
      return out;
    },
  );
}

/** Points the product's buildHubSchema at buildBareSchema, then runs the product's entry point. */
function startWithoutPermissionLayer(): void {
  // require, not import: the module object is patched before src/main loads (an import would
  // bind main's copy first, and an ES namespace is read-only).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const schema = require('../src/schema') as { buildHubSchema: () => unknown; buildBareSchema: () => unknown };
  const bare = schema.buildBareSchema;
  schema.buildHubSchema = () => bare();
  if (schema.buildHubSchema() !== bare()) throw new Error('could not point buildHubSchema at the bare schema');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only after the patch above
  require('../src/main');
}

if (require.main === module) {
  installHubProbe();
  startWithoutPermissionLayer();
} else if (process.env.BENCH_PROBE === 'hub') {
  // Preloaded (--require) into the product's dist/src/main.js by the benchmark.
  installHubProbe();
}
