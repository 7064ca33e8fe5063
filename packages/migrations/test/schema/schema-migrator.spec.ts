import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, MigrationLoadError, SchemaMigrator, SearchModuleMissingError, loadModelSchemas } from '../../src';
import { makeProject, runOm } from '../support/cli';
import { useRedisServer } from '../support/redis-server';

const MODELS_V1 = `import { Schema } from 'redis-om';
export const personSchema = new Schema('person', { name: { type: 'string' }, age: { type: 'number' } }, { dataStructure: 'HASH' });
export default new Schema('order', { total: { type: 'number' } });
export const more = { citySchema: new Schema('city', { name: { type: 'text' } }) };
export const notASchema = 42;
`;
// One redis-server (without modules) for the whole file; emptied before each test.
const live = useRedisServer();

const MODELS_V2 = MODELS_V1.replace("name: { type: 'string' }", "name: { type: 'string', sortable: true }");

describe('loadModelSchemas', () => {
  it('collects every exported Schema: named, default and inside exported objects', () => {
    const project = makeProject({ 'src/models.ts': MODELS_V1 });
    try {
      const { schemas } = loadModelSchemas('src/models.ts', project.dir);
      expect(schemas.map((s) => s.schemaName).sort()).toEqual(['city', 'order', 'person']);
    } finally {
      project.remove();
    }
  });

  it('names the file and the cause when the models entry fails to load', () => {
    const project = makeProject({ 'src/models.ts': `import { Schema } from 'redis-om';\nthrow new Error('boom at load');\n` });
    try {
      expect(() => loadModelSchemas('src/models.ts', project.dir)).toThrow(MigrationLoadError);
      expect(() => loadModelSchemas('src/models.ts', project.dir)).toThrow('Cannot load the models entry src/models.ts: boom at load');
      expect(() => loadModelSchemas('src/missing.ts', project.dir)).toThrow('Cannot find the models entry src/missing.ts.');
    } finally {
      project.remove();
    }
  });

  it('refuses a models entry without any Schema', () => {
    const project = makeProject({ 'models.ts': 'export const x = 1;\n' });
    try {
      expect(() => loadModelSchemas('./models.ts', project.dir)).toThrow(ConfigError);
    } finally {
      project.remove();
    }
  });
});

describe('SchemaMigrator offline: create and check need no Redis', () => {
  it('creates a snapshot, then reports no change, then snapshots only what changed', async () => {
    const project = makeProject({ 'src/models.ts': MODELS_V1 });
    try {
      const migrator = new SchemaMigrator({ models: 'src/models.ts', cwd: project.dir, redisUrl: 'redis://127.0.0.1:1' });
      const first = await migrator.create('initial', new Date('2024-01-02T03:04:05Z'));
      expect(first.file).toBe(join(project.dir, 'migrations/schema-migrations/20240102_030405_initial.json'));
      expect(first.changes.map((c) => [c.indexName, c.kind])).toEqual([
        ['city:index', 'added'],
        ['order:index', 'added'],
        ['person:index', 'added'],
      ]);
      expect(await migrator.check()).toEqual([]);
      const none = await migrator.create('nothing');
      expect(none.file).toBeUndefined();

      // A new file: jest's module registry would keep serving the first one under its old name.
      project.write('src/models-v2.ts', MODELS_V2);
      const v2 = new SchemaMigrator({ models: 'src/models-v2.ts', cwd: project.dir, redisUrl: 'redis://127.0.0.1:1' });
      const second = await v2.create('sortable_name', new Date('2024-01-03T00:00:00Z'));
      expect(second.changes.map((c) => [c.indexName, c.kind])).toEqual([['person:index', 'changed']]);
      const written = JSON.parse(readFileSync(second.file!, 'utf8'));
      expect(written.changes[0].before.definition.fields[0].sortable).toBe(false);
      expect(written.changes[0].after.definition.fields[0].sortable).toBe(true);
      expect(readdirSync(join(project.dir, 'migrations/schema-migrations'))).toHaveLength(2);
    } finally {
      project.remove();
    }
  });

  it('asks for --models when none is given', async () => {
    await expect(new SchemaMigrator({ cwd: '/' }).check()).rejects.toMatchObject({
      message: 'Schema migrations need your models.',
      hint: expect.stringContaining('--models'),
    });
  });
});

describe('SchemaMigrator against a Redis without RediSearch', () => {
  it('status works; run and dry run say the server has no RediSearch module', async () => {
    const project = makeProject({ 'src/models.ts': MODELS_V1 });
    const migrator = new SchemaMigrator({ models: 'src/models.ts', cwd: project.dir, redisUrl: live.server.url });
    try {
      const { file } = await migrator.create('initial', new Date('2024-01-02T03:04:05Z'));
      const status = await migrator.status();
      expect(status).toMatchObject({ totalMigrations: 1, pendingCount: 1, pendingMigrations: ['20240102_030405_initial'] });
      expect(status.migrations[0].file).toBe('migrations/schema-migrations/20240102_030405_initial.json');
      expect(status.modelChanges).toEqual([]);
      expect(file).toBeDefined();
      await expect(migrator.run({ dryRun: true })).rejects.toThrow(SearchModuleMissingError);
      await expect(migrator.run()).rejects.toThrow(/has no RediSearch module/);
      // Nothing recorded, lock released.
      expect((await migrator.status()).appliedCount).toBe(0);
      expect(await live.redis.keys('om:migrations:*')).toEqual([]);
      expect(await migrator.verify()).toEqual({ ok: true, indexes: [] });
    } finally {
      await migrator.close();
      project.remove();
    }
  });
});

describe('om migrate (CLI)', () => {
  it('check fails while the models are ahead of the snapshots, passes after create', async () => {
    const project = makeProject({ 'src/models.ts': MODELS_V1 });
    try {
      const before = await runOm(['migrate', 'check', '--models', 'src/models.ts'], { cwd: project.dir });
      expect(before.code).toBe(3);
      expect(before.stdout).toContain('added   person:index');
      expect(before.stderr).toContain('3 indexes changed without a schema migration');
      const created = await runOm(['migrate', 'create', 'initial', '--models', 'src/models.ts'], { cwd: project.dir });
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(/Created .*schema-migrations\/\d{8}_\d{6}_initial\.json/);
      const again = await runOm(['migrate', 'create', 'again', '--models', 'src/models.ts'], { cwd: project.dir });
      expect(again.stdout).toContain('No index changes');
      const after = await runOm(['migrate', 'check', '--models', 'src/models.ts'], { cwd: project.dir });
      expect(after.code).toBe(0);
    } finally {
      project.remove();
    }
  });

  it('run on a Redis without RediSearch prints what to use instead', async () => {
    const project = makeProject({ 'src/models.ts': MODELS_V1 });
    try {
      await runOm(['migrate', 'create', 'initial', '--models', 'src/models.ts'], { cwd: project.dir });
      const status = await runOm(['migrate', 'status', '--redis-url', live.server.url], { cwd: project.dir });
      expect(status.stdout).toContain('Pending: 1');
      const run = await runOm(['migrate', 'run', '--dry-run', '--redis-url', live.server.url], { cwd: project.dir });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('This server has no RediSearch module');
      expect(run.stderr).toContain('Redis Stack');
      // `om migrate --auto` hands its other options to `om migrate auto`.
      const auto = await runOm(['migrate', '--auto', '--models', 'src/models.ts', '--dry-run', '--redis-url', live.server.url], { cwd: project.dir });
      expect(auto.code).toBe(1);
      expect(auto.stderr).toContain('This server has no RediSearch module');
      const badStrategy = await runOm(['migrate', 'run', '--strategy', 'fast'], { cwd: project.dir });
      expect(badStrategy.code).toBe(2);
      expect(badStrategy.stderr).toContain('expected swap or recreate');
      const badMax = await runOm(['migrate', 'run', '--max-indexing-failures', '-1'], { cwd: project.dir });
      expect(badMax.code).toBe(2);
      expect(badMax.stderr).toContain('expected a whole number');
    } finally {
      project.remove();
    }
  });
});

describe('SchemaMigrator refuses a database other than 0 before sending anything', () => {
  it('run and rollback', async () => {
    const project = makeProject({ 'src/models.ts': MODELS_V1 });
    const migrator = new SchemaMigrator({ models: 'src/models.ts', cwd: project.dir, redisUrl: `${live.server.url}/1` });
    try {
      await migrator.create('initial');
      await expect(migrator.run()).rejects.toThrow('Schema migrations need database 0, and the Redis URL selects database 1.');
      await expect(migrator.rollback('x')).rejects.toThrow(/database 0/);
      expect(await live.redis.dbsize()).toBe(0);
    } finally {
      await migrator.close();
      project.remove();
    }
  });
});
