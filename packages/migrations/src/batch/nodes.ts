import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';
import type { RedisClient } from '../redis/client';

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

/**
 * Share of one node's keyspace a SCAN cursor has covered, 0 to 1. Redis walks its table by
 * incrementing the cursor's bits in reverse order, so the reversed low bits of the cursor, over
 * the table size, count the buckets done. The table size is estimated as the power of two at
 * or above the key count (Redis grows it that way); an estimate, for progress output only.
 */
export function scanFraction(cursor: string, keyCount: number, done: boolean): number {
  if (done) return 1;
  const bits = Math.max(2, Math.ceil(Math.log2(Math.max(keyCount, 4))));
  let value = BigInt(cursor) & ((1n << BigInt(bits)) - 1n);
  let reversed = 0n;
  for (let i = 0; i < bits; i += 1) {
    reversed = (reversed << 1n) | (value & 1n);
    value >>= 1n;
  }
  return Math.min(1, Number(reversed) / 2 ** bits);
}
