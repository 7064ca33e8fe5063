import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster } from 'ioredis';
import { freePort } from './redis-server';

/** A throwaway Redis Cluster of Debian redis-servers on loopback, for one test suite. */
export interface TestRedisCluster {
  readonly ports: number[];
  /** A URL of one node: the engine discovers the others. */
  readonly url: string;
  /** A cluster client for assertions. */
  client(): Cluster;
  /**
   * Stops the master on `port` (SIGTERM) and starts it again with its nodes.conf, so it comes
   * back with its slots, its keys (with `persistent`) and a new run_id; resolves once the
   * cluster is ok again.
   */
  restartNode(port: number): Promise<void>;
  /**
   * The masters' ports now (with `replicas`, a failover changes them).
   */
  masterPorts(): number[];
  /**
   * Sends `CLUSTER FAILOVER` (the manual failover: the master stops its clients until the
   * replica has caught up, so nothing is lost) to a replica of the master on `port`, and resolves
   * with the replica's port once every node sees it as the master, and the cluster ok.
   */
  failover(port: number): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts `masters` redis-servers with cluster mode on, joins them with
 * `redis-cli --cluster create` (no replicas), and waits until the cluster reports `ok`.
 */
export async function startRedisCluster(
  masters = 3,
  options: {
    /** An append-only file per node, kept across restartNode. */
    persistent?: boolean;
    /** Replicas per master (default 0). */
    replicas?: number;
  } = {},
): Promise<TestRedisCluster> {
  const replicas = options.replicas ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'om-cluster-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  const startNode = (port: number) =>
    spawn(
      'redis-server',
      [
        '--port', String(port), '--bind', '127.0.0.1', '--save', '',
        ...(options.persistent ? ['--appendonly', 'yes', '--appenddirname', `aof-${port}`] : ['--appendonly', 'no']),
        '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout', '2000', '--dir', dir,
      ],
      { stdio: 'ignore' },
    );
  for (let i = 0; i < masters * (1 + replicas); i++) {
    const port = await freePort();
    ports.push(port);
    children.push(startNode(port));
  }
  const stop = async () => {
    await Promise.all(
      children.map((child) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM'))))),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(() => cli(port, 'ping') === 'PONG', `node ${port} to answer`);
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', String(replicas), '--cluster-yes'], {
      encoding: 'utf8',
    });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (const port of ports) await waitFor(() => cli(port, 'cluster', 'info').includes('cluster_state:ok'), `node ${port} to see the cluster ok`);
    // A replica has its master's keys only once its first sync is done.
    for (const port of ports) await waitFor(() => !/master_link_status:down|master_sync_in_progress:1/.test(cli(port, 'info', 'replication')), `node ${port} to sync`);
  } catch (error) {
    await stop();
    throw error;
  }
  const clients: Cluster[] = [];
  return {
    ports,
    url: `redis://127.0.0.1:${ports[0]}`,
    restartNode: async (port: number) => {
      const i = ports.indexOf(port);
      const child = children[i]!;
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      children[i] = startNode(port);
      await waitFor(() => cli(port, 'ping') === 'PONG', `node ${port} to answer again`);
      for (const p of ports) await waitFor(() => cli(p, 'cluster', 'info').includes('cluster_state:ok'), `node ${p} to see the cluster ok again`);
    },
    masterPorts: () => clusterNodes(ports[0]!).filter((n) => n.master).map((n) => n.port),
    failover: async (port: number) => {
      const master = clusterNodes(port).find((n) => n.myself)!;
      const replica = clusterNodes(port).find((n) => n.masterId === master.id);
      if (!replica) throw new Error(`no replica of the master on ${port}: start the cluster with replicas`);
      const reply = cli(replica.port, 'cluster', 'failover');
      if (reply !== 'OK') throw new Error(`CLUSTER FAILOVER on ${replica.port}: ${reply}`);
      for (const p of ports) {
        await waitFor(() => clusterNodes(p).some((n) => n.port === replica.port && n.master), `node ${p} to see ${replica.port} as a master`);
        await waitFor(() => cli(p, 'cluster', 'info').includes('cluster_state:ok'), `node ${p} to see the cluster ok after the failover`);
      }
      return replica.port;
    },
    client: () => {
      const client = new Cluster(ports.map((port) => ({ host: '127.0.0.1', port })));
      clients.push(client);
      return client;
    },
    stop: async () => {
      clients.forEach((c) => c.disconnect());
      await stop();
    },
  };
}

/** `CLUSTER NODES` as seen from `port`: id, port, role, the master of a replica. */
function clusterNodes(port: number): { id: string; port: number; master: boolean; masterId?: string; myself: boolean }[] {
  return cli(port, 'cluster', 'nodes')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id, address, flags, masterId] = line.split(' ');
      const flagList = flags!.split(',');
      return {
        id: id!,
        port: Number(address!.split('@')[0]!.split(':')[1]),
        master: flagList.includes('master'),
        ...(masterId && masterId !== '-' ? { masterId } : {}),
        myself: flagList.includes('myself'),
      };
    });
}

function cli(port: number, ...args: string[]): string {
  return spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout?.trim() ?? '';
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Empties every master of `redis`, then writes the HASHes `Event:0` … `Event:<count - 1>`, each
 * with `fields(i)`, 500 at a time (one round trip each would take seconds on a busy machine).
 */
export async function seedEvents(redis: Cluster, count: number, fields: (i: number) => Record<string, string>): Promise<void> {
  await Promise.all(redis.nodes('master').map((node) => node.flushall()));
  for (let start = 0; start < count; start += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - start) }, (_, j) => redis.hset(`Event:${start + j}`, fields(start + j))));
  }
}
