/**
 * moveKeys on real servers, without modules: a plain redis-server (RENAMENX) and a plain
 * cluster, where a key whose new name hashes to another slot is copied (DUMP/RESTORE), checked
 * and then deleted. Every key is checked afterwards.
 */
import calculateSlot from 'cluster-key-slot';
import type { Cluster } from 'ioredis';
import { CheckpointStore } from '../../src/batch/checkpoint';
import { moveKeys } from '../../src/batch/move-keys';
import type { ScanFailure } from '../../src/batch/types';
import type { RedisClient } from '../../src/redis/client';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster';
import { useRedisServer } from '../support/redis-server';

const PREFIX = '{om}:migrations:';

async function seed(redis: RedisClient, count: number): Promise<void> {
  for (let start = 0; start < count; start += 500) {
    await Promise.all(Array.from({ length: Math.min(500, count - start) }, (_, j) => redis.hset(`user:${start + j}`, 'name', `n${start + j}`, 'age', String((start + j) % 90))));
  }
}

/** Every key checked: each document once under person:, with its fields, none left under user:. */
async function expectAllMoved(redis: RedisClient, count: number, except: ReadonlySet<number> = new Set()): Promise<void> {
  const wrong: string[] = [];
  for (let start = 0; start < count; start += 500) {
    const ids = Array.from({ length: Math.min(500, count - start) }, (_, j) => start + j);
    const rows = await Promise.all(ids.map(async (i) => ({ i, old: await redis.exists(`user:${i}`), moved: await redis.hgetall(`person:${i}`) })));
    for (const { i, old, moved } of rows) {
      if (except.has(i)) continue;
      if (old !== 0 || moved.name !== `n${i}` || moved.age !== String(i % 90) || Object.keys(moved).length !== 2) wrong.push(`${i}: old=${old} ${JSON.stringify(moved)}`);
    }
  }
  expect(wrong).toEqual([]);
}

describe('moveKeys on one redis-server (RENAMENX)', () => {
  const ctx = useRedisServer();

  it('moves every HASH key, leaves other types and a taken target alone, reports the conflict, and skips a done pass', async () => {
    const { redis } = ctx;
    await seed(redis, 3000);
    await redis.set('user:index:hash', 'abc');
    await redis.hset('person:42', 'name', 'someone else');
    const failures: ScanFailure[] = [];
    const result = await moveKeys(
      redis,
      { name: 'rename', fromPrefix: 'user:', toPrefix: 'person:', type: 'hash', batchSize: 250, keepCheckpoint: true, onFailure: (f) => failures.push(f) },
      { keyPrefix: PREFIX },
    );
    expect(result.counters).toMatchObject({ converted: 2999, failed: 1, missing: 0 });
    expect(failures).toEqual([expect.objectContaining({ key: 'user:42', value: 'person:42', action: 'skipped', reason: 'person:42 exists already; the document stays at user:42' })]);
    expect(await redis.hgetall('person:42')).toEqual({ name: 'someone else' });
    expect(await redis.hgetall('user:42')).toEqual({ name: 'n42', age: '42' });
    expect(await redis.get('user:index:hash')).toBe('abc');
    await expectAllMoved(redis, 3000, new Set([42]));
    const again = await moveKeys(redis, { name: 'rename', fromPrefix: 'user:', toPrefix: 'person:', type: 'hash' }, { keyPrefix: PREFIX });
    expect(again.alreadyDone).toBe(true);
  });

  it('resumes from its checkpoint after a stop, and a fresh pass finds what an app wrote under the old prefix meanwhile', async () => {
    const { redis } = ctx;
    await seed(redis, 2000);
    let batches = 0;
    const stop = new Error('stop');
    await expect(
      moveKeys(redis, { name: 'rename', fromPrefix: 'user:', toPrefix: 'person:', type: 'hash', batchSize: 200, onBatch: () => {
        if (++batches === 3) throw stop;
      } }, { keyPrefix: PREFIX }),
    ).rejects.toBe(stop);
    const saved = await new CheckpointStore(redis, PREFIX).get('rename');
    expect(saved?.counters.converted).toBeGreaterThan(0);
    await redis.hset('user:5000', 'name', 'n5000', 'age', String(5000 % 90));
    const resumed = await moveKeys(redis, { name: 'rename', fromPrefix: 'user:', toPrefix: 'person:', type: 'hash', batchSize: 200 }, { keyPrefix: PREFIX });
    expect(resumed.resumed).toBe(true);
    const sweep = await moveKeys(redis, { name: 'sweep', fromPrefix: 'user:', toPrefix: 'person:', type: 'hash' }, { keyPrefix: PREFIX });
    expect(sweep.counters.failed).toBe(0);
    await expectAllMoved(redis, 2000);
    expect(await redis.hgetall('person:5000')).toEqual({ name: 'n5000', age: String(5000 % 90) });
    expect(await redis.exists('user:5000')).toBe(0);
    expect(await redis.hlen(`${PREFIX}data:progress`)).toBe(0);
  });
});

describe('moveKeys on a Redis Cluster of 3 plain masters (DUMP/RESTORE across slots)', () => {
  let cluster: TestRedisCluster;
  let redis: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    redis = cluster.client();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('moves keys whose new name is in another slot (TTLs kept), keeps a taken target, and checks every key', async () => {
    const count = 3000;
    await seed(redis, count);
    for (let i = 0; i < 10; i++) await redis.pexpire(`user:${i}`, 600_000);
    // Most new names hash elsewhere; the test is only meaningful if some do and some land on another master.
    const crossSlot = Array.from({ length: count }, (_, i) => i).filter((i) => calculateSlot(`user:${i}`) !== calculateSlot(`person:${i}`));
    expect(crossSlot.length).toBeGreaterThan(count * 0.9);
    const taken = crossSlot[7]!;
    await redis.hset(`person:${taken}`, 'name', 'already here');
    const failures: ScanFailure[] = [];
    const result = await moveKeys(redis, { name: 'rename', fromPrefix: 'user:', toPrefix: 'person:', type: 'hash', batchSize: 300, onFailure: (f) => failures.push(f) }, { keyPrefix: PREFIX });
    expect(result.counters).toMatchObject({ converted: count - 1, failed: 1, conflicts: 0 });
    expect(failures.map((f) => f.key)).toEqual([`user:${taken}`]);
    expect(await redis.hgetall(`person:${taken}`)).toEqual({ name: 'already here' });
    expect(await redis.hgetall(`user:${taken}`)).toEqual({ name: `n${taken}`, age: String(taken % 90) });
    await expectAllMoved(redis, count, new Set([taken]));
    for (let i = 0; i < 10; i++) {
      if (i === taken) continue;
      const ttl = await redis.pttl(`person:${i}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(600_000);
    }
    expect(await redis.pttl(`person:${count - 1}`)).toBe(-1);
  }, 60_000);
});
