import { resolve } from 'node:path';
import Redis from 'ioredis';
import { DataMigrator, InterruptedError, ResumableError, scanTransform, type RedisClient } from '../../src';
import { connectRedis } from '../../src/redis/connect';
import { hashToIso, hashToSeconds } from '../../src/builtin/datetime/transforms';
import { makeProject, waitUntil } from '../support/cli';
import { startPersistentRedisServer, type PersistentRedisServer } from '../support/redis-server';
import { isoFor, seedEvents } from '../datetime/seed';
import { captureLogger } from './capture-logger';

const DIR = 'migrations/data-migrations';
const LEDGER = 'om:migrations:data:ledger';

/** Two scans in one migration, with a pause between them that the test ends by setting `go`. */
const TWO_SCANS = `export default {
  id: '20240301_120000_two_scans',
  async up(ctx: any) {
    const lower = (v: string) => (v === v.toLowerCase() ? undefined : v.toLowerCase());
    await ctx.scanTransform({ name: 'two_scans:a', match: 'A:*', type: 'hash', fields: ['v'], transform: lower, batchSize: 100 });
    await ctx.redis.set('a-done', '1');
    while (!(await ctx.redis.exists('go'))) await new Promise((r) => setTimeout(r, 20));
    await ctx.scanTransform({ name: 'two_scans:b', match: 'B:*', type: 'hash', fields: ['v'], transform: lower, batchSize: 100 });
  },
};
`;

describe('scans over a redis-server that restarts (AOF), through the API', () => {
  let server: PersistentRedisServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startPersistentRedisServer();
    redis = new Redis(server.url, { retryStrategy: () => 100, maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });
  beforeEach(async () => {
    await redis.flushall();
  });

  const restart = async () => {
    await server.shutdown();
    await server.start();
  };

  it('scanTransform does not trust a checkpoint saved on another server process: the resume rescans from 0', async () => {
    const pipeline = redis.pipeline();
    for (let i = 0; i < 5000; i += 1) pipeline.hset(`User:${i}`, 'email', `Person${i}@Example.COM`);
    await pipeline.exec();
    const spec = {
      name: 'lowercase',
      match: 'User:*',
      type: 'hash' as const,
      fields: ['email'],
      batchSize: 100,
      transform: (v: string) => (v === v.toLowerCase() ? undefined : v.toLowerCase()),
    };
    let client: RedisClient = await connectRedis(server.url);
    try {
      const stop = new AbortController();
      const logger = captureLogger();
      const first = scanTransform(client, { ...spec, onBatch: (p) => p.counters.keys >= 2000 && stop.abort('SIGINT') }, { logger, keyPrefix: 'om:migrations:', signal: stop.signal });
      await expect(first).rejects.toThrow(InterruptedError);
      await expect(first).rejects.toThrow(/^Stopped by SIGINT: lowercase after \d+ keys in \d+ batches, its checkpoint saved\.$/);
      const saved = JSON.parse((await redis.hget('om:migrations:data:progress', 'lowercase'))!) as { nodes: { cursor: string; runId: string }[] };
      expect(saved.nodes[0]!.runId).toBe(server.runId());
      expect(saved.nodes[0]!.cursor).not.toBe('0');

      await restart();
      client.disconnect();
      client = await connectRedis(server.url);
      const again = captureLogger();
      const result = await scanTransform(client, spec, { logger: again, keyPrefix: 'om:migrations:' });
      expect(result.resumed).toBe(true);
      expect(again.at('warn').join('\n')).toMatch(/lowercase: the server at 127\.0\.0\.1:\d+ is another process since the checkpoint was saved/);
      expect(result.servers).toEqual([{ node: `127.0.0.1:${server.port}`, runId: server.runId() }]);
      const emails = await Promise.all(Array.from({ length: 5000 }, (_, i) => redis.hget(`User:${i}`, 'email')));
      expect(emails.filter((e, i) => e !== `person${i}@example.com`)).toEqual([]);
    } finally {
      client.disconnect();
    }
  }, 60_000);

  it('a migration whose first scan completed before a restart is not recorded as applied; the rerun is', async () => {
    const project = makeProject({ [`${DIR}/20240301_120000_two_scans.ts`]: TWO_SCANS });
    const migrator = new DataMigrator({ migrationsDir: 'migrations', cwd: project.dir, redisUrl: server.url });
    try {
      const pipeline = redis.pipeline();
      for (let i = 0; i < 500; i += 1) pipeline.hset(`A:${i}`, 'v', `A${i}`).hset(`B:${i}`, 'v', `B${i}`);
      await pipeline.exec();
      const run = migrator.run();
      run.catch(() => undefined);
      await waitUntil(async () => (await redis.exists('a-done')) === 1 || undefined, 'the first scan to complete');
      const before = server.runId();
      await restart();
      await redis.set('go', '1');
      await expect(run).rejects.toThrow(ResumableError);
      await expect(run).rejects.toThrow(
        new RegExp(
          `^Data migration 20240301_120000_two_scans is not recorded as applied: another server process answers at 127\\.0\\.0\\.1:${server.port} ` +
            `\\(run_id ${server.runId().slice(0, 8)}, was ${before.slice(0, 8)}\\) after two_scans:a completed`,
        ),
      );
      expect(await redis.hgetall(LEDGER)).toEqual({});

      const rerun = await migrator.run();
      expect(rerun.applied.map((a) => a.id)).toEqual(['20240301_120000_two_scans']);
      expect(await redis.hget('A:7', 'v')).toBe('a7');
      expect(await redis.hget('B:7', 'v')).toBe('b7');
    } finally {
      await migrator.close();
      project.remove();
    }
  }, 60_000);

  it('a rollback of the datetime migration rides through a restart mid-scan and writes every value back', async () => {
    const KEYS = 20_000;
    await seedEvents(redis, KEYS);
    const logger = captureLogger();
    const project = makeProject();
    const migrator = new DataMigrator({ redisUrl: server.url, cwd: project.dir, models: resolve(__dirname, '../datetime/fixtures/hash-models.ts'), builtins: ['datetime'], logger, batch: { batchSize: 200 } });
    try {
      await migrator.run();
      let restarted: Promise<void> | undefined;
      migrator.on('progress', (p) => {
        if (p.counters.keys >= KEYS / 4 && !restarted) {
          server.shutdownNow();
          restarted = server.start();
        }
      });
      const result = await migrator.rollback('001_datetime_fields_to_timestamps').finally(() => restarted);
      expect(restarted).toBeDefined();
      expect(result.rolledBack.map((r) => r.id)).toEqual(['001_datetime_fields_to_timestamps']);
      expect(logger.at('warn').join('\n')).toMatch(/001_datetime_fields_to_timestamps:down:Event: the server at \S+ is another process during the scan/);
      expect(await redis.hgetall(LEDGER)).toEqual({});
      const toSeconds = hashToSeconds();
      const back = (iso: string) => {
        const s = toSeconds(iso) ?? iso;
        return hashToIso(s) ?? s;
      };
      const pipeline = redis.pipeline();
      for (let i = 0; i < KEYS; i += 1) pipeline.hmget(`Event:${i}`, 'createdAt', 'updatedAt', 'starts_on');
      const wrong = ((await pipeline.exec()) ?? []).flatMap(([, values], i) => {
        const expected = [back(isoFor(i)), back(isoFor(i + 3)), back(isoFor(i + 1))];
        return JSON.stringify(values) === JSON.stringify(expected) ? [] : [{ key: `Event:${i}`, values, expected }];
      });
      expect(wrong.slice(0, 5)).toEqual([]);
    } finally {
      await migrator.close();
      project.remove();
    }
  }, 90_000);

  it('the datetime migration scans again a model done before the server restarted, and only then records itself', async () => {
    const project = makeProject({
      'models.ts': `import { Schema } from 'redis-om';
export const eventSchema = new Schema('Event', { createdAt: { type: 'date' } }, { dataStructure: 'HASH' });
export const orderSchema = new Schema('Order', { placedAt: { type: 'date' } }, { dataStructure: 'HASH' });
`,
    });
    const logger = captureLogger();
    const migrator = new DataMigrator({ redisUrl: server.url, cwd: project.dir, models: 'models.ts', builtins: ['datetime'], logger, batch: { batchSize: 100 } });
    try {
      const pipeline = redis.pipeline();
      for (let i = 0; i < 3000; i += 1) pipeline.hset(`Event:${i}`, 'createdAt', '2024-01-02').hset(`Order:${i}`, 'placedAt', '2024-01-03');
      await pipeline.exec();
      let restarted: Promise<void> | undefined;
      migrator.on('progress', (p) => {
        // Event is done by the time Order is scanned: restart then, between two of its batches.
        if (p.name.endsWith(':Order') && p.counters.keys >= 1000 && !restarted) {
          server.shutdownNow();
          restarted = server.start();
        }
      });
      const result = await migrator.run().finally(() => restarted);
      expect(restarted).toBeDefined();
      expect(result.applied.map((a) => a.id)).toEqual(['001_datetime_fields_to_timestamps']);
      const warnings = logger.at('warn').join('\n');
      expect(warnings).toMatch(/:up:Order: the server at \S+ is another process during the scan/);
      expect(warnings).toMatch(/:up:Event: the server at \S+ is another process since the checkpoint was saved/);
      const reads = redis.pipeline();
      for (let i = 0; i < 3000; i += 1) reads.hget(`Event:${i}`, 'createdAt').hget(`Order:${i}`, 'placedAt');
      const values = ((await reads.exec()) ?? []).map(([, v]) => v);
      expect(values.filter((v, i) => v !== (i % 2 === 0 ? '1704153600' : '1704240000'))).toEqual([]);
      expect(await redis.exists('om:migrations:data:progress')).toBe(0);
    } finally {
      await migrator.close();
      project.remove();
    }
  }, 60_000);
});
