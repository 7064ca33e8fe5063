import type { Cluster } from 'ioredis';
import { scanTransform } from '../../src/batch';
import { InterruptedError } from '../../src/errors';
import { connectRedis } from '../../src/redis/connect';
import type { RedisClient } from '../../src/redis/client';
import { captureLogger } from '../batch/capture-logger';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster';

const KEYS = 6000;
const PREFIX = '{om}:migrations:';

describe('a master of a Redis Cluster restarted during a scan (AOF per node)', () => {
  let cluster: TestRedisCluster;
  let redis: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster(3, { persistent: true });
    redis = cluster.client();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('rescans from 0 only the master whose process changed; the others resume from their cursors', async () => {
    for (let start = 0; start < KEYS; start += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, j) => redis.hset(`User:${start + j}`, 'email', `Person${start + j}@Example.COM`)));
    }
    const spec = {
      name: 'lowercase',
      match: 'User:*',
      type: 'hash' as const,
      fields: ['email'],
      batchSize: 50,
      transform: (v: string) => (v === v.toLowerCase() ? undefined : v.toLowerCase()),
    };
    let engine: RedisClient = await connectRedis(cluster.url);
    try {
      // Stopped halfway: the masters are walked at once, so each is part-way.
      const stop = new AbortController();
      const first = scanTransform(engine, { ...spec, onBatch: (p) => p.counters.keys >= KEYS / 2 && stop.abort('SIGTERM') }, { logger: captureLogger(), keyPrefix: PREFIX, signal: stop.signal });
      await expect(first).rejects.toThrow(InterruptedError);
      const saved = JSON.parse((await redis.hget(`${PREFIX}data:progress`, 'lowercase'))!) as { nodes: { node: string; cursor: string; done: boolean; runId: string }[] };
      expect(saved.nodes.map((n) => [n.done, n.cursor !== '0'])).toEqual([[false, true], [false, true], [false, true]]);
      const partial = saved.nodes[1]!;
      engine.disconnect();

      await cluster.restartNode(Number(partial.node.split(':')[1]));
      engine = await connectRedis(cluster.url);
      const logger = captureLogger();
      const result = await scanTransform(engine, spec, { logger, keyPrefix: PREFIX });
      expect(result.resumed).toBe(true);
      const warnings = logger.at('warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`lowercase: the server at ${partial.node} is another process since the checkpoint was saved`);
      const servers = new Map(result.servers.map((s) => [s.node, s.runId]));
      expect(servers.get(saved.nodes[0]!.node)).toBe(saved.nodes[0]!.runId);
      expect(servers.get(saved.nodes[2]!.node)).toBe(saved.nodes[2]!.runId);
      expect(servers.get(partial.node)).not.toBe(partial.runId);
      for (let start = 0; start < KEYS; start += 500) {
        const emails = await Promise.all(Array.from({ length: 500 }, (_, j) => redis.hget(`User:${start + j}`, 'email')));
        expect(emails.filter((e, j) => e !== `person${start + j}@example.com`)).toEqual([]);
      }
    } finally {
      engine.disconnect();
    }
  }, 120_000);
});
