import { Cluster } from 'ioredis';
import { resolve } from 'node:path';
import { CheckpointStore, scanTransform } from '../../src/batch';
import { checkDatetimeData } from '../../src/builtin/datetime/inspect';
import { loadModelSchemas } from '../../src/loading/models';
import { DataMigrator } from '../../src/data/data-migrator';
import { captureLogger } from '../batch/capture-logger';
import { seedEvents, startRedisCluster, type TestRedisCluster } from '../support/redis-cluster';

const MODELS = resolve(__dirname, '../datetime/fixtures/hash-models.ts');
const KEYS = 3000;
// Hash-tagged, so the lock, the ledger and the checkpoints share a slot (the ledger's fenced
// writes are scripts over two of them).
const PREFIX = '{om}:migrations:';

describe('Redis Cluster: 3 masters of Debian redis-servers', () => {
  let cluster: TestRedisCluster;
  let redis: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    redis = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })));
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  const seed = () =>
    seedEvents(redis, KEYS, (i) => ({ title: `e${i}`, createdAt: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(), updatedAt: '2024-01-02' }));

  it('spreads the test keys over every master', async () => {
    await seed();
    const sizes = await Promise.all(redis.nodes('master').map((node) => node.dbsize()));
    expect(sizes).toHaveLength(3);
    for (const size of sizes) expect(size).toBeGreaterThan(KEYS / 6);
  });

  it('the helper scans every master, with a cursor per master in its checkpoint, and resumes', async () => {
    await seed();
    const spec = {
      name: 'upper-title',
      match: 'Event:*',
      type: 'hash' as const,
      fields: ['title'],
      batchSize: 200,
      transform: (v: string) => (v === v.toUpperCase() ? undefined : v.toUpperCase()),
    };
    const crash = new Error('crash');
    const failed = await scanTransform(
      redis,
      { ...spec, onBatch: (p) => { if (p.counters.batches === 8) throw crash; } },
      { logger: captureLogger(), keyPrefix: PREFIX },
    ).catch((e: unknown) => e);
    expect(failed).toBe(crash);
    const saved = await new CheckpointStore(redis, PREFIX).get('upper-title');
    expect(saved?.nodes.map((n) => n.node).sort()).toEqual(cluster.ports.map((p) => `127.0.0.1:${p}`).sort());
    // The other walkers stopped at their next batch boundary (each at most its batch in flight),
    // and the checkpoint counts exactly what was written.
    expect(saved!.counters.batches).toBeLessThanOrEqual(8 + 2);
    const titles = await Promise.all(Array.from({ length: KEYS }, (_, i) => redis.hget(`Event:${i}`, 'title')));
    expect(titles.filter((t, i) => t === `E${i}`)).toHaveLength(saved!.counters.converted);

    const result = await scanTransform(redis, spec, { logger: captureLogger(), keyPrefix: PREFIX });
    expect(result.resumed).toBe(true);
    expect(result.counters.converted).toBe(KEYS);
    for (let i = 0; i < KEYS; i += 97) expect(await redis.hget(`Event:${i}`, 'title')).toBe(`E${i}`);
  });

  it('a master connection ioredis closes mid-scan (its node left the slot map for a moment, as in a failover) is reopened: cursor kept, every key converted', async () => {
    await seed();
    const logger = captureLogger();
    let dropped: string | undefined;
    const result = await scanTransform(
      redis,
      {
        name: 'dropped-node',
        match: 'Event:*',
        type: 'hash',
        fields: ['title'],
        batchSize: 100,
        transform: (v: string) => `${v}!`,
        onBatch: (p) => {
          if (dropped || p.counters.batches !== 4) return;
          // What the client pool does to a node a slot-map refresh no longer lists.
          const [node] = redis.nodes('master');
          dropped = `${node!.options.host}:${node!.options.port}`;
          node!.disconnect();
        },
      },
      { logger, keyPrefix: PREFIX },
    );
    expect(dropped).toBeDefined();
    // Each key once: a rescan from 0 would append a second '!' to nothing (compare-and-set), but
    // it would say so; a kept cursor says nothing.
    expect(result.counters.converted).toBe(KEYS);
    expect(logger.at('warn')).toEqual([]);
    const titles = await Promise.all(Array.from({ length: KEYS }, (_, i) => redis.hget(`Event:${i}`, 'title')));
    expect(titles.filter((t, i) => t !== `e${i}!`)).toEqual([]);
  });

  it('writes a batch in one script call per master (allow-cross-slot-keys), none refused', async () => {
    await seed();
    await Promise.all(redis.nodes('master').map((node) => node.config('RESETSTAT')));
    const result = await scanTransform(
      redis,
      { name: 'calls', match: 'Event:*', type: 'hash', fields: ['title'], batchSize: 250, transform: (v: string) => `${v}!` },
      { logger: captureLogger(), keyPrefix: PREFIX },
    );
    expect(result.counters.converted).toBe(KEYS);
    const stats = await Promise.all(redis.nodes('master').map((node) => node.info('commandstats')));
    const evalsha = stats.map((info) => /cmdstat_evalsha:calls=(\d+),.*rejected_calls=(\d+),failed_calls=(\d+)/.exec(info)!.slice(1).map(Number));
    // One call per batch that wrote something (the calls per key would be KEYS).
    expect(evalsha.reduce((sum, [calls]) => sum + calls!, 0)).toBeLessThanOrEqual(result.counters.batches);
    expect(evalsha.map(([, rejected, failed]) => rejected! + failed!)).toEqual([0, 0, 0]);
  });

  it('the built-in datetime migration converts the keys of every master, and rolls back', async () => {
    await seed();
    const migrator = new DataMigrator({ redis, models: MODELS, builtins: ['datetime'], keyPrefix: PREFIX, migrationsDir: __dirname /* no data-migrations/ here: the built-in only */, batch: { batchSize: 300 } });
    try {
      const run = await migrator.run();
      expect(run.applied.map((a) => a.id)).toEqual(['001_datetime_fields_to_timestamps']);
      expect(await redis.hget('Event:0', 'createdAt')).toBe(String(Date.UTC(2024, 0, 1) / 1000));
      expect(await redis.hget(`Event:${KEYS - 1}`, 'updatedAt')).toBe('1704153600');
      const check = await checkDatetimeData(redis, { models: loadModelSchemas(MODELS).schemas, logger: captureLogger(), keyPrefix: PREFIX });
      expect(check).toMatchObject({ keys: KEYS, values: KEYS * 2, offenderCount: 0 });

      await migrator.rollback('001_datetime_fields_to_timestamps');
      expect(await redis.hget('Event:0', 'createdAt')).toBe('2024-01-01T00:00:00Z');
      const after = await checkDatetimeData(redis, { models: loadModelSchemas(MODELS).schemas, logger: captureLogger(), keyPrefix: PREFIX });
      expect(after.offenderCount).toBe(KEYS * 2);
    } finally {
      await migrator.close();
    }
  });
});
