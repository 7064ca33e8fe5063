import Redis from 'ioredis';
import { createClient } from 'redis';
import { Repository, type Schema } from 'redis-om';
import { SchemaMigrator, SearchDatabaseError, loadModelSchemas } from '../../src';
import { makeProject } from '../support/cli';
import { describeWithRedisStack } from '../support/redis-stack';

const V1 = `import { Schema } from 'redis-om';
export const personSchema = new Schema('person', { name: { type: 'string' }, age: { type: 'number' } }, { dataStructure: 'HASH' });
`;
const V2 = V1.replace("age: { type: 'number' }", "age: { type: 'number', sortable: true }");

describeWithRedisStack('SchemaMigrator on a RediSearch server', (stack) => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(stack.url);
  });
  afterAll(() => redis.disconnect());
  beforeEach(() => redis.flushall());

  async function appCreateIndex(schema: Schema): Promise<void> {
    // What the application does at start-up, through redis-om and node-redis.
    const client = createClient({ url: stack.url });
    await client.connect();
    try {
      await new Repository(schema, client).createIndex();
    } finally {
      await client.quit();
    }
  }

  async function queryLoop(): Promise<{ stop(): Promise<{ ok: number; failed: string[] }> }> {
    const q = new Redis(stack.url);
    let running = true;
    const result = { ok: 0, failed: [] as string[] };
    const loop = (async () => {
      while (running) {
        try {
          await q.call('FT.SEARCH', 'person:index', '*', 'LIMIT', '0', '0');
          result.ok++;
        } catch (e) {
          result.failed.push((e as Error).message);
        }
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        q.disconnect();
        return result;
      },
    };
  }

  it('swap: moves the plain index redis-om made to a versioned index behind an alias, with no failed query, then rolls back', async () => {
    const project = makeProject({ 'src/v1.ts': V1, 'src/v2.ts': V2 });
    const [v1Schema] = loadModelSchemas('src/v1.ts', project.dir).schemas as Schema[];
    const [v2Schema] = loadModelSchemas('src/v2.ts', project.dir).schemas as Schema[];
    const m1 = new SchemaMigrator({ models: 'src/v1.ts', cwd: project.dir, redisUrl: stack.url, pollMs: 20 });
    const m2 = new SchemaMigrator({ models: 'src/v2.ts', cwd: project.dir, redisUrl: stack.url, pollMs: 20 });
    try {
      await appCreateIndex(v1Schema);
      const pipeline = redis.pipeline();
      for (let i = 0; i < 5000; i++) pipeline.hset(`person:${i}`, 'name', `n${i}`, 'age', String(i % 90));
      await pipeline.exec();

      await m1.create('initial', new Date('2024-01-01T00:00:00Z'));
      const first = await m1.run();
      // The live plain index already has the v1 definition and hash: nothing to send.
      expect(first.migrations[0].plans[0].steps).toEqual([]);

      const { snapshot } = await m2.create('sortable_age', new Date('2024-01-02T00:00:00Z'));
      const loop = await queryLoop();
      await m2.run();
      const queries = await loop.stop();
      expect(queries.failed).toEqual([]);
      expect(queries.ok).toBeGreaterThan(0);

      const info = (await redis.call('FT.INFO', 'person:index')) as unknown[];
      expect(info[1]).toMatch(/^person:index:v:[0-9a-f]{12}$/);
      expect(await redis.call('FT._LIST')).toEqual([info[1]]);
      expect(await redis.get('person:index:hash')).toBe(v2Schema.indexHash);
      expect(await m2.verify()).toMatchObject({ ok: true });

      // The app restarting with the v2 model leaves the migrated index alone.
      await appCreateIndex(v2Schema);
      expect(await redis.call('FT._LIST')).toEqual([info[1]]);

      const loop2 = await queryLoop();
      await m2.rollback(snapshot!.id);
      expect((await loop2.stop()).failed).toEqual([]);
      expect(await redis.get('person:index:hash')).toBe(v1Schema.indexHash);
      expect(await m1.verify()).toMatchObject({ ok: true });
    } finally {
      await m1.close();
      await m2.close();
      project.remove();
    }
  });

  it('recreate: drops (keeping documents) and creates the index under its own name', async () => {
    const project = makeProject({ 'src/v1.ts': V1, 'src/v2.ts': V2 });
    const m1 = new SchemaMigrator({ models: 'src/v1.ts', cwd: project.dir, redisUrl: stack.url, pollMs: 20, strategy: 'recreate' });
    const m2 = new SchemaMigrator({ models: 'src/v2.ts', cwd: project.dir, redisUrl: stack.url, pollMs: 20, strategy: 'recreate' });
    try {
      await redis.hset('person:1', 'name', 'Ann', 'age', '30');
      await m1.create('initial', new Date('2024-01-01T00:00:00Z'));
      await m1.run();
      await m2.create('sortable_age', new Date('2024-01-02T00:00:00Z'));
      await m2.run();
      const info = (await redis.call('FT.INFO', 'person:index')) as unknown[];
      expect(info[1]).toBe('person:index');
      expect(await redis.exists('person:1')).toBe(1);
      expect(await m2.verify()).toMatchObject({ ok: true });
      // Drift shows in verify.
      await redis.call('FT.DROPINDEX', 'person:index');
      expect(await m2.verify()).toMatchObject({ ok: false, indexes: [{ status: 'missing' }] });
    } finally {
      await m1.close();
      await m2.close();
      project.remove();
    }
  });

  it('refuses a database other than 0', async () => {
    const project = makeProject({ 'src/v1.ts': V1 });
    const m = new SchemaMigrator({ models: 'src/v1.ts', cwd: project.dir, redisUrl: `${stack.url.replace(/\/\d+$/, '')}/1` });
    try {
      await m.create('initial');
      await expect(m.run()).rejects.toThrow(SearchDatabaseError);
    } finally {
      await m.close();
      project.remove();
    }
  });
});
