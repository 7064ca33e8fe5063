import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';
import type { RedisClient } from './client';

/** One server a scan walks: the only one, or one master of a cluster. */
export interface ScanNode {
  /** `host:port`, stored in the checkpoint with the node's cursor. */
  readonly id: string;
  readonly client: Redis;
  /** A cluster master: scripts must keep to one slot, so writes go one key per call. */
  readonly clustered: boolean;
  /**
   * A hash slot this master served when it was listed (cluster only): after a failover, the
   * master that serves it now holds the same keys ({@link currentMaster}).
   */
  readonly slot?: number;
}

function isCluster(redis: RedisClient): redis is Cluster {
  return (redis as { isCluster?: boolean }).isCluster === true;
}

/**
 * The servers to SCAN: a cluster's keys are spread over its masters and SCAN on one node sees
 * only that node's keys, so every master is scanned, each with its own cursor. Reads and writes
 * go to the node's own connection: the keys a master returns are served by that master, and a
 * pipeline on it holds keys of many slots (which a Cluster pipeline refuses).
 */
export async function scanNodes(redis: RedisClient): Promise<ScanNode[]> {
  if (!isCluster(redis)) {
    const { host, port } = redis.options;
    return [{ id: `${host ?? 'localhost'}:${port ?? 6379}`, client: redis, clustered: false }];
  }
  if (redis.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      redis.once('ready', () => resolve());
      redis.once('error', reject);
      if (redis.status === 'wait') redis.connect().catch(reject);
    });
  }
  return mastersOf(redis);
}

function mastersOf(redis: Cluster): ScanNode[] {
  const firstSlot = new Map<string, number>();
  redis.slots.forEach((owners, slot) => {
    const master = owners?.[0];
    if (master !== undefined && !firstSlot.has(master)) firstSlot.set(master, slot);
  });
  return redis
    .nodes('master')
    .map((client) => {
      const id = `${client.options.host}:${client.options.port}`;
      const slot = firstSlot.get(id);
      return slot === undefined ? { id, client, clustered: true } : { id, client, clustered: true, slot };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * True for a reply that says a cluster node no longer serves a key (MOVED, ASK), is a replica
 * now (READONLY), or is between configurations (CLUSTERDOWN, TRYAGAIN): a failover or a
 * resharding, not a problem with the value.
 */
export function isTopologyError(error: unknown): boolean {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && /^(MOVED|ASK|READONLY|CLUSTERDOWN|TRYAGAIN)\b/.test(message);
}

/**
 * The master that serves `node`'s keys now (itself, or the replica promoted in its place),
 * from a fresh copy of the cluster's slot map; waits while the cluster settles (up to
 * `timeoutMs`). Undefined when nothing serves them by then.
 */
export async function currentMaster(redis: RedisClient, node: ScanNode, timeoutMs = 30_000): Promise<ScanNode | undefined> {
  if (!isCluster(redis) || node.slot === undefined) return node;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await new Promise<void>((resolve) => redis.refreshSlotsCache(() => resolve()));
    const owner = redis.slots[node.slot]?.[0];
    const master = mastersOf(redis).find((n) => n.id === owner);
    // The old master may still be listed as one until every node has the new configuration.
    const role = master ? await master.client.call('ROLE').then((r) => (r as unknown[])[0], () => undefined) : undefined;
    if (master && role === 'master') return master;
    if (Date.now() > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
