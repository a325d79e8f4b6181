import { ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';

const run = promisify(execFile);

/** The shared development / CI server: a private instance never uses its port. */
const SHARED_PORT = 3306;

function onPath(names: string[], extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs].filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The MariaDB programs a private instance needs, or why it cannot run here. */
export function privateMariaDbPrograms(): { installDb: string; server: string } | { missing: string } {
  const installDb = onPath(['mariadb-install-db', 'mysql_install_db'], ['/usr/bin', '/usr/local/bin']);
  const server = onPath(['mariadbd', 'mysqld'], ['/usr/sbin', '/usr/local/sbin', '/usr/libexec']);
  if (!installDb) return { missing: 'mariadb-install-db (or mysql_install_db) not found' };
  if (!server) return { missing: 'mariadbd (or mysqld) not found' };
  return { installDb, server };
}

/** A TCP port nobody listens on right now (the kernel's choice), never the shared server's. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = net.createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    if (port !== SHARED_PORT) return port;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A MariaDB server of its own for one test: its own data folder in a temporary directory, its
 * own port, root with an empty password over TCP on 127.0.0.1, run as a child process that
 * the test can kill and start again on the same port and data folder. It never touches the
 * shared server on 3306.
 */
export class PrivateMariaDb {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private frozen = false;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly serverProgram: string,
    /** More mariadbd options for every start (a Galera node's wsrep settings: tests/helpers/private-galera.ts; `--log-bin`, `--server-id=2`: tests/helpers/private-replication.ts). */
    readonly serverArgs: string[] = [],
  ) {}

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  /**
   * Its own temporary folder: a server starting up removes the temporary files it finds in its
   * tmpdir, so private servers (and their mariadb-install-db) sharing /tmp break each other's.
   */
  get tmpDir(): string {
    return path.join(this.dir, 'tmp');
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** mysql://root@127.0.0.1:<port>/<database> */
  url(database: string): string {
    return `mysql://root@127.0.0.1:${this.port}/${database}`;
  }

  /**
   * Creates the data folder (mariadb-install-db) and starts the server. `serverArgs`: more
   * mariadbd options for every start (without `--log-bin` the binary log is off); `start: false`
   * leaves the server stopped (start() later).
   */
  static async create(options: { port?: number; serverArgs?: string[]; start?: boolean } = {}): Promise<PrivateMariaDb> {
    const programs = privateMariaDbPrograms();
    if ('missing' in programs) throw new Error(`cannot start a private MariaDB: ${programs.missing}`);
    const port = options.port ?? (await freePort());
    if (port === SHARED_PORT) throw new Error('a private MariaDB must not use the shared port 3306');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-private-mariadb-'));
    const db = new PrivateMariaDb(dir, port, programs.server, options.serverArgs);
    fs.mkdirSync(db.tmpDir);
    try {
      const args = [
        '--no-defaults',
        `--datadir=${db.dataDir}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        `--tmpdir=${db.tmpDir}`,
        ...(typeof process.getuid === 'function' && process.getuid() === 0 ? ['--user=root'] : []),
      ];
      await run(programs.installDb, args, { timeout: 60_000 });
      if (options.start !== false) await db.start();
      return db;
    } catch (e) {
      await db.destroy();
      throw e;
    }
  }

  /** Starts the server on its port and data folder, and waits until it answers. `extraArgs`: options for this start only. */
  async start(timeoutMs = 20_000, extraArgs: string[] = []): Promise<void> {
    if (this.running) throw new Error('the private MariaDB is already running');
    const args = [
      '--no-defaults',
      `--datadir=${this.dataDir}`,
      `--port=${this.port}`,
      `--socket=${path.join(this.dir, 'mariadb.sock')}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${path.join(this.dir, 'mariadb.pid')}`,
      `--log-error=${path.join(this.dir, 'error.log')}`,
      '--skip-name-resolve',
      `--tmpdir=${this.tmpDir}`,
      ...(this.serverArgs.some((a) => a.startsWith('--log-bin')) ? [] : ['--skip-log-bin']),
      '--innodb-buffer-pool-size=32M',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      ...(typeof process.getuid === 'function' && process.getuid() === 0 ? ['--user=root'] : []),
      ...this.serverArgs,
      ...extraArgs,
    ];
    const child = spawn(this.serverProgram, args, { stdio: 'ignore' });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    process.once('exit', this.killOnExit);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`the private MariaDB exited while starting (${String(child.exitCode ?? child.signalCode)}):\n${this.errorLog()}`);
      if (await this.ping()) return;
      if (Date.now() > deadline) throw new Error(`the private MariaDB did not answer within ${timeoutMs} ms:\n${this.errorLog()}`);
      await sleep(100);
    }
  }

  /** Stops the server: SIGKILL is a crash (the default), SIGTERM a clean shutdown. Waits for the process to end. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.child) return;
    if (this.running) this.child.kill(signal);
    if (this.frozen && signal !== 'SIGKILL') this.thaw(); // a stopped process handles SIGTERM only when resumed
    await this.exited;
    this.frozen = false;
    process.removeListener('exit', this.killOnExit);
    this.child = undefined;
  }

  /**
   * Freezes the server (SIGSTOP): its port still accepts TCP connections (the kernel does that)
   * but nothing answers, as with a hung server or a network partition. thaw() resumes it.
   */
  freeze(): void {
    if (!this.running) throw new Error('the private MariaDB is not running');
    this.child!.kill('SIGSTOP');
    this.frozen = true;
  }

  thaw(): void {
    if (this.child && this.frozen) this.child.kill('SIGCONT');
    this.frozen = false;
  }

  /** Whether the server accepts a connection and answers SELECT 1 within a second. */
  async ping(): Promise<boolean> {
    try {
      const conn = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 1000 });
      try {
        await conn.query('SELECT 1');
        return true;
      } finally {
        conn.destroy();
      }
    } catch {
      return false;
    }
  }

  /** Runs statements as root (e.g. CREATE DATABASE). */
  async exec(sql: string): Promise<void> {
    await this.query(sql);
  }

  /** One statement as root, with its rows (e.g. SHOW GLOBAL STATUS). */
  async query<R = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
    const conn = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 5000 });
    try {
      const [rows] = await conn.query(sql, params);
      return rows as R[];
    } finally {
      await conn.end();
    }
  }

  /** The end of the server's error log, for failure messages. */
  errorLog(lines = 30): string {
    try {
      return fs.readFileSync(path.join(this.dir, 'error.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no error log)';
    }
  }

  /** Kills the server and removes its temporary folder. Safe to call more than once. */
  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
