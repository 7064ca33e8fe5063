import { Schema } from 'redis-om';
import { SchemaMigrator, compileSchema, loadModelSchemas } from '../../src';
import { schemaLedgerKey } from '../../src/state/keys';
import { renderFtCreateArgs } from '../../src/schema/ft-create-args';
import { versionedIndexName } from '../../src/schema/plan';
import { makeProject } from '../support/cli';
import { useRedisServer } from '../support/redis-server';
import { FakeSearchRedis } from './fake-search-redis';

// The SchemaMigrator's whole I/O path (FT.INFO reading, plans, waiting, ledger, lock, redis-om's
// hash key) against a plain redis-server for everything but FT.*, and the name-resolution
// simulator for FT.* (checked against the recorded replies in alias-handling.spec.ts and
// fake-search-redis.spec.ts). The same flows run against a real RediSearch in
// schema-migrator-redisearch.spec.ts when one is available.

const V1 = `import { Schema } from 'redis-om';
export const personSchema = new Schema('person', { name: { type: 'string' }, age: { type: 'number' } }, { dataStructure: 'HASH' });
`;
const V2 = V1.replace("age: { type: 'number' }", "age: { type: 'number', sortable: true }");

describe('SchemaMigrator with simulated FT.* commands', () => {
  const live = useRedisServer();

  async function setup() {
    const project = makeProject({ 'src/v1.ts': V1, 'src/v2.ts': V2 });
    const fake = new FakeSearchRedis(live.redis);
    const redis = fake.client();
    const options = { cwd: project.dir, redisUrl: live.server.url, redis, pollMs: 1 };
    const m1 = new SchemaMigrator({ ...options, models: 'src/v1.ts' });
    const m2 = new SchemaMigrator({ ...options, models: 'src/v2.ts' });
    const [v1] = loadModelSchemas('src/v1.ts', project.dir).schemas;
    const [v2] = loadModelSchemas('src/v2.ts', project.dir).schemas;
    // What the app's repository.createIndex() did at start-up: a plain index and its hash.
    const compiled = await compileSchema(v1);
    await fake.call([...compiled.ftCreate]);
    await live.redis.set(v1.indexHashName, v1.indexHash);
    return { project, fake, m1, m2, v1, v2 };
  }

  it('run (swap) moves the plain index to a versioned one behind the alias; status, verify and rollback follow', async () => {
    const { project, fake, m1, m2, v1, v2 } = await setup();
    try {
      await m1.create('initial', new Date('2024-01-01T00:00:00Z'));
      expect((await m1.run()).migrations[0].plans[0].steps).toEqual([]);
      const { snapshot } = await m2.create('sortable_age', new Date('2024-01-02T00:00:00Z'));

      const dry = await m2.run({ dryRun: true });
      const lines = SchemaMigrator.format(dry.migrations);
      expect(lines[0]).toBe('Migration 20240102_000000_sortable_age:');
      expect(lines.join('\n')).toMatch(/FT\.CREATE person:index:v:\w{12} ON HASH .*age AS age NUMERIC SORTABLE/);
      expect(fake.sent.filter((a) => a[0] !== 'FT.INFO' && a[0] !== 'FT._LIST')).toHaveLength(1); // only the seed FT.CREATE

      const events: string[] = [];
      m2.on('command', ({ argv }) => events.push(argv[0]));
      const result = await m2.run();
      expect(result.batch).toBe(2);
      expect(events).toEqual(['FT.CREATE', 'SET', 'FT.ALIASADD', 'FT.DROPINDEX']);
      const target = versionedIndexName('person:index', snapshot!.changes[0].after!.hash);
      expect(fake.sim.resolve('person:index')).toBe(target);
      expect([...fake.sim.indexes.keys()]).toEqual([target]);
      expect(await live.redis.get(v2.indexHashName)).toBe(v2.indexHash);
      expect((await m2.status()).appliedMigrations).toEqual(['20240101_000000_initial', '20240102_000000_sortable_age']);
      expect(await m2.verify()).toEqual({ ok: true, indexes: [{ indexName: 'person:index', status: 'ok', physicalName: target, differences: [] }] });

      const back = await m2.rollback(snapshot!.id);
      expect(back.migrations[0].plans[0].steps.map((s) => (s.kind === 'command' ? s.argv[0] : 'wait'))).toEqual([
        'FT.CREATE',
        'wait',
        'SET',
        'FT.ALIASUPDATE',
        'FT.DROPINDEX',
      ]);
      expect(fake.sim.resolve('person:index')).toBe(versionedIndexName('person:index', snapshot!.changes[0].before!.hash));
      expect(await live.redis.get(v1.indexHashName)).toBe(v1.indexHash);
      expect((await m1.status()).appliedMigrations).toEqual(['20240101_000000_initial']);
      expect((await m1.verify()).ok).toBe(true);
      expect(await live.redis.hkeys(schemaLedgerKey('om:migrations:'))).toEqual(['20240101_000000_initial']);
    } finally {
      project.remove();
    }
  });

  it('indexing failures fail the run, leave the old index serving, drop the new one, record nothing', async () => {
    const { project, fake, m1, m2 } = await setup();
    try {
      await m1.create('initial', new Date('2024-01-01T00:00:00Z'));
      await m1.run();
      await m2.create('sortable_age', new Date('2024-01-02T00:00:00Z'));
      fake.failuresFor = (name) => (name.includes(':v:') ? 3 : 0);
      await expect(m2.run()).rejects.toThrow(/could not index 3 document\(s\)/);
      expect(fake.sim.resolve('person:index')).toBe('person:index');
      expect([...fake.sim.indexes.keys()]).toEqual(['person:index']);
      expect((await m2.status()).pendingMigrations).toEqual(['20240102_000000_sortable_age']);
      expect(await live.redis.exists('om:migrations:lock')).toBe(0);
    } finally {
      project.remove();
    }
  });

  it('maxIndexingFailures lets a run through when the failures are within it', async () => {
    const { project, fake, m1 } = await setup();
    try {
      await m1.create('initial', new Date('2024-01-01T00:00:00Z'));
      await m1.run();
      const tolerant = new SchemaMigrator({ ...m1.settings, models: 'src/v2.ts', redis: fake.client(), pollMs: 1, maxIndexingFailures: 3 });
      await tolerant.create('sortable_age', new Date('2024-01-02T00:00:00Z'));
      fake.failuresFor = (name) => (name.includes(':v:') ? 3 : 0);
      await tolerant.run();
      expect(fake.sim.resolve('person:index')).toMatch(/^person:index:v:/);
    } finally {
      project.remove();
    }
  });

  it('verify reports drift and a stale redis-om hash, readably', async () => {
    const { project, fake, m1, v1 } = await setup();
    try {
      await m1.create('initial', new Date('2024-01-01T00:00:00Z'));
      await m1.run();
      await live.redis.set(v1.indexHashName, 'stale');
      expect((await m1.verify()).indexes[0]).toMatchObject({ status: 'hash-mismatch' });
      // Someone recreates the index by hand with another definition.
      await fake.call(['FT.DROPINDEX', 'person:index']);
      const other = await compileSchema(new Schema('person', { name: { type: 'text' }, age: { type: 'number' } }, { dataStructure: 'HASH' }));
      await fake.call([...other.ftCreate]);
      const result = await m1.verify();
      expect(result.ok).toBe(false);
      expect(result.indexes[0]).toMatchObject({ status: 'drift' });
      expect(result.indexes[0].differences.map((d) => d.path)).toContain('field name.type');
    } finally {
      project.remove();
    }
  });

  it('recreate drops and creates under the index name itself', async () => {
    const { project, fake, m2 } = await setup();
    try {
      const recreate = new SchemaMigrator({ ...m2.settings, models: 'src/v2.ts', redis: fake.client(), strategy: 'recreate', pollMs: 1 });
      await recreate.create('v2', new Date('2024-01-02T00:00:00Z'));
      await recreate.run();
      expect([...fake.sim.indexes.keys()]).toEqual(['person:index']);
      expect(fake.sent.map((a) => a[0]).slice(-3)).toEqual(['FT.DROPINDEX', 'FT.CREATE', 'FT.INFO']);
      expect((await recreate.verify()).ok).toBe(true);
    } finally {
      project.remove();
    }
  });

  it('auto (legacy immediate mode) brings the index to the models without files or ledger', async () => {
    const { project, fake, m2, v2 } = await setup();
    try {
      const preview = await m2.auto({ dryRun: true });
      expect(preview[0].steps.length).toBeGreaterThan(0);
      expect(fake.sim.resolve('person:index')).toBe('person:index');
      await m2.auto();
      expect(fake.sim.resolve('person:index')).toMatch(/^person:index:v:/);
      expect(await live.redis.get(v2.indexHashName)).toBe(v2.indexHash);
      expect(await live.redis.exists(schemaLedgerKey('om:migrations:'))).toBe(0);
      expect((await m2.auto({ dryRun: true }))[0].steps).toEqual([]);
    } finally {
      project.remove();
    }
  });
});

describe('SchemaMigrator resumes a swap that stopped half-way', () => {
  const live = useRedisServer();

  it('after FT.ALIASADD but before FT.DROPINDEX of the plain index', async () => {
    const project = makeProject({ 'src/v1.ts': V1, 'src/v2.ts': V2 });
    try {
      const fake = new FakeSearchRedis(live.redis);
      const [v1] = loadModelSchemas('src/v1.ts', project.dir).schemas;
      await fake.call([...(await compileSchema(v1)).ftCreate]);
      const m2 = new SchemaMigrator({ cwd: project.dir, redisUrl: live.server.url, redis: fake.client(), pollMs: 1, models: 'src/v2.ts' });
      const { snapshot } = await m2.create('v2', new Date('2024-01-02T00:00:00Z'));
      const target = versionedIndexName('person:index', snapshot!.changes[0].after!.hash);
      // The interrupted run: the versioned index is built and the alias added, hidden by the plain index.
      await fake.call(renderFtCreateArgs(snapshot!.changes[0].after!.definition, target));
      await fake.call(['FT.ALIASADD', 'person:index', target]);
      expect(fake.sim.resolve('person:index')).toBe('person:index');

      const sent: string[] = [];
      m2.on('command', ({ argv }) => sent.push(argv[0]));
      await m2.run();
      expect(sent).toEqual(['SET', 'FT.ALIASADD', 'FT.ALIASUPDATE', 'FT.DROPINDEX']);
      expect(fake.sim.resolve('person:index')).toBe(target);
      expect([...fake.sim.indexes.keys()]).toEqual([target]);
    } finally {
      project.remove();
    }
  });
});
