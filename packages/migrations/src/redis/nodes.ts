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
  return redis
    .nodes('master')
    .map((client) => ({ id: `${client.options.host}:${client.options.port}`, client, clustered: true }))
    .sort((a, b) => a.id.localeCompare(b.id));
}
