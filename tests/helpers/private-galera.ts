import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort, PrivateMariaDb, privateMariaDbPrograms } from './private-mariadb';

/** Where Debian's galera-4 (and other distributions') put the provider library. */
const PROVIDERS = ['/usr/lib/galera/libgalera_smm.so', '/usr/lib/galera-4/libgalera_smm.so', '/usr/lib64/galera-4/libgalera_smm.so', '/usr/lib/libgalera_smm.so'];

function onPath(name: string): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .some((dir) => {
      try {
        fs.accessSync(path.join(dir, name), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** The Galera provider a private cluster needs, or why it cannot run here. */
export function galeraPrograms(): { provider: string } | { missing: string } {
  const mariadb = privateMariaDbPrograms();
  if ('missing' in mariadb) return mariadb;
  const provider = process.env.GALERA_PROVIDER ?? PROVIDERS.find((file) => fs.existsSync(file));
  if (!provider || !fs.existsSync(provider)) return { missing: 'the Galera provider libgalera_smm.so (Debian package galera-4) not found' };
  if (!onPath('rsync')) return { missing: 'rsync (the state transfer method of the private cluster) not found' };
  return { provider };
}

export interface GaleraNodeStatus {
  /** wsrep_cluster_size: the nodes of the primary component this node belongs to. */
  clusterSize: number;
  /** wsrep_ready: the node accepts queries. */
  ready: boolean;
  /** wsrep_local_state_comment: Synced, Joining, Donor/Desynced, … */
  state: string;
}

interface NodePorts {
  sql: number;
  gcomm: number;
  ist: number;
  sst: number;
}

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Ports nobody listens on now, all different (the kernel may hand out a port twice in a row). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * A private Galera cluster for one test file: N (3) MariaDB servers of tests/helpers/private-mariadb.ts,
 * each with its own data folder (mariadb-install-db) and its own ports (SQL, group communication,
 * incremental and full state transfer), on 127.0.0.1 only. The first node starts a new
 * cluster, the others join it (a full state transfer by rsync, since their data folders were
 * made apart). A node can be killed (SIGKILL) and started again: it rejoins by an incremental
 * state transfer (IST) from the others' write-set cache. Never touches the shared server on 3306.
 */
export class PrivateGalera {
  private constructor(
    readonly nodes: PrivateMariaDb[],
    private readonly ports: NodePorts[],
  ) {}

  /** Makes the data folders, starts the first node as a new cluster, joins the others, and waits until all are synced. */
  static async create(size = 3, timeoutMs = 120_000): Promise<PrivateGalera> {
    const programs = galeraPrograms();
    if ('missing' in programs) throw new Error(`cannot start a private Galera cluster: ${programs.missing}`);
    const free = await distinctFreePorts(size * 4);
    const ports = Array.from({ length: size }, (_, i) => ({ sql: free[4 * i], gcomm: free[4 * i + 1], ist: free[4 * i + 2], sst: free[4 * i + 3] }));
    const address = `gcomm://${ports.map((p) => `127.0.0.1:${p.gcomm}`).join(',')}`;
    const made = await Promise.allSettled(ports.map((p, i) => PrivateMariaDb.create({ port: p.sql, start: false, serverArgs: nodeArgs(programs.provider, address, p, i) })));
    const nodes = made.flatMap((m) => (m.status === 'fulfilled' ? [m.value] : []));
    const cluster = new PrivateGalera(nodes, ports);
    try {
      const failed = made.find((m): m is PromiseRejectedResult => m.status === 'rejected');
      if (failed) throw failed.reason;
      const deadline = Date.now() + timeoutMs;
      await nodes[0].start(timeoutMs, ['--wsrep-new-cluster']);
      await cluster.waitUntilSynced([0], 1, deadline - Date.now());
      // One joiner at a time: each takes a full state transfer from a donor.
      for (let i = 1; i < size; i++) {
        await openToStateTransfer(nodes[i]);
        await nodes[i].start(deadline - Date.now());
        await cluster.waitUntilSynced(
          Array.from({ length: i + 1 }, (_, n) => n),
          i + 1,
          deadline - Date.now(),
        );
      }
      return cluster;
    } catch (e) {
      // The donor's log says why a state transfer failed: every node's log goes with the error.
      const logs = nodes.map((n, i) => `--- node ${i + 1} (port ${n.port}):\n${n.errorLog(40)}`).join('\n');
      await cluster.destroy();
      throw new Error(`${(e as Error).message}\n${logs}`, { cause: e });
    }
  }

  /** mysql://root@127.0.0.1:<node's port>/<database> */
  url(node: number, database: string): string {
    return this.nodes[node].url(database);
  }

  /** The node's view of the cluster (SHOW GLOBAL STATUS answers on a node that is not ready too). */
  async status(node: number): Promise<GaleraNodeStatus> {
    const conn = await createConnection({ host: '127.0.0.1', port: this.nodes[node].port, user: 'root', connectTimeout: 2000 });
    try {
      const [rows] = await conn.query("SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_ready', 'wsrep_local_state_comment')");
      const status = new Map((rows as { Variable_name: string; Value: string }[]).map((r): [string, string] => [r.Variable_name.toLowerCase(), r.Value]));
      return { clusterSize: Number(status.get('wsrep_cluster_size') ?? 0), ready: status.get('wsrep_ready') === 'ON', state: status.get('wsrep_local_state_comment') ?? '' };
    } finally {
      conn.destroy();
    }
  }

  /** Waits until each of `nodes` is ready and synced in a primary component of `size` nodes. */
  async waitUntilSynced(nodes: number[], size: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      const seen = await Promise.all(nodes.map((n) => this.status(n).catch((e: unknown) => ({ error: (e as Error).message }))));
      if (seen.every((s) => 'ready' in s && s.ready && s.clusterSize === size && s.state === 'Synced')) return;
      last = seen;
      if (Date.now() > deadline) {
        const logs = nodes.map((n) => `--- node ${n + 1} (port ${this.nodes[n].port}):\n${this.nodes[n].errorLog(15)}`).join('\n');
        throw new Error(`the Galera nodes ${nodes.map((n) => n + 1).join(', ')} did not reach ${size} synced nodes within ${timeoutMs} ms: ${JSON.stringify(last)}\n${logs}`);
      }
      await sleep(250);
    }
  }

  /** Kills the node's server (SIGKILL: a crash, nothing flushed) and waits until the others have a primary component without it. */
  async kill(node: number, timeoutMs = 30_000): Promise<void> {
    await this.nodes[node].stop('SIGKILL');
    const others = this.nodes.map((_, n) => n).filter((n) => n !== node && this.nodes[n].running);
    await this.waitUntilSynced(others, others.length, timeoutMs);
  }

  /** Starts a killed node again: it rejoins (IST when the others still cache what it missed) and is synced with all. */
  async restart(node: number, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await openToStateTransfer(this.nodes[node]);
    await this.nodes[node].start(timeoutMs);
    const running = this.nodes.map((_, n) => n).filter((n) => this.nodes[n].running);
    await this.waitUntilSynced(running, running.length, deadline - Date.now());
  }

  /**
   * A statement on one node as root, after everything the cluster committed before it has been
   * applied there (wsrep_sync_wait = 1): what the node holds, not what it has yet to apply.
   */
  async query<T = Record<string, unknown>>(node: number, database: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const conn = await createConnection({ host: '127.0.0.1', port: this.nodes[node].port, user: 'root', database, connectTimeout: 5000 });
    try {
      await conn.query('SET SESSION wsrep_sync_wait = 1');
      const [rows] = await conn.query(sql, params);
      return rows as T[];
    } finally {
      await conn.end();
    }
  }

  /** The gcomm, IST and SST ports of a node (for failure messages). */
  portsOf(node: number): NodePorts {
    return this.ports[node];
  }

  /** Kills every node and removes their folders. Safe to call more than once. */
  async destroy(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.destroy()));
  }
}

/**
 * Run as root, the joiner's rsync daemon (wsrep_sst_rsync) drops to rsync's default user
 * `nobody`, which may neither enter the node's private folder (mkdtemp makes it 0700) nor set
 * the permissions of the folders it receives: the state transfer fails ("cannot stat
 * destination", "failed to set permissions"). The folder, test data only, is given to `nobody`;
 * the server, run as root, reads it all the same. Not needed when the tests run as another user.
 */
async function openToStateTransfer(node: PrivateMariaDb): Promise<void> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
  await run('chown', ['-R', 'nobody:', node.dir]);
}

/**
 * The options of a node, besides those of every private server (private-mariadb.ts). The
 * evs.* timeouts are shorter than Galera's defaults (5 s to suspect a silent node, 15 s to
 * declare it gone) so that a killed node leaves the cluster within seconds in the test.
 */
function nodeArgs(provider: string, address: string, p: NodePorts, index: number): string[] {
  const providerOptions = [
    `gmcast.listen_addr=tcp://127.0.0.1:${p.gcomm}`,
    `ist.recv_addr=127.0.0.1:${p.ist}`,
    `base_port=${p.gcomm}`,
    'gcache.size=64M',
    'evs.suspect_timeout=PT3S',
    'evs.inactive_timeout=PT6S',
    'evs.install_timeout=PT6S',
  ].join(';');
  return [
    '--wsrep-on=ON',
    `--wsrep-provider=${provider}`,
    '--wsrep-cluster-name=hub-private-galera',
    `--wsrep-cluster-address=${address}`,
    `--wsrep-node-name=node${index + 1}`,
    '--wsrep-node-address=127.0.0.1',
    `--wsrep-node-incoming-address=127.0.0.1:${p.sql}`,
    `--wsrep-provider-options=${providerOptions}`,
    '--wsrep-sst-method=rsync',
    `--wsrep-sst-receive-address=127.0.0.1:${p.sst}`,
    '--binlog-format=ROW',
    '--default-storage-engine=InnoDB',
    '--innodb-autoinc-lock-mode=2',
    // Durability comes from the other nodes holding the write set; the test's disks are shared.
    '--innodb-flush-log-at-trx-commit=2',
  ];
}
