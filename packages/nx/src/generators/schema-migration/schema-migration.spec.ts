import * as devkit from '@nx/devkit';
import { addProjectConfiguration, logger, type Tree } from '@nx/devkit';
import { SchemaMigrator } from '@om/migrations';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeScratchDir, modelsSource, type ScratchDir } from '../../testing/scratch';
import { createTestTreeAt } from '../../testing/tree';
import { schemaMigrationGenerator } from './schema-migration';

const NOW = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
const LATER = new Date(Date.UTC(2025, 0, 3, 3, 4, 5));
const DIR = 'apps/app/migrations/schema-migrations';

/**
 * The generator against the real engine: the models are a real redis-om module on disk (in a
 * scratch workspace inside the repository, so it resolves redis-om), compiled by the engine;
 * the snapshots live in the Tree.
 */
describe('@om/nx:schema-migration', () => {
  let ws: ScratchDir;
  let tree: Tree;
  let info: jest.SpyInstance;

  beforeEach(() => {
    ws = makeScratchDir({ 'apps/app/src/models.ts': modelsSource() });
    tree = createTestTreeAt(ws.dir);
    addProjectConfiguration(tree, 'app', {
      root: 'apps/app',
      metadata: { om: { models: 'src/models.ts' } },
    });
    info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    // The engine reloads the models on every call; under Jest that takes a fresh module registry.
    jest.resetModules();
  });
  afterEach(() => {
    jest.restoreAllMocks();
    ws.remove();
  });

  const changedFiles = () => tree.listChanges().filter((c) => c.path.includes('schema-migrations'));
  const logged = () => info.mock.calls.map((call) => String(call[0])).join('\n');

  it('after: the snapshot runs after those data migrations, applied with migrate-all', async () => {
    ws.write('apps/app/migrations/data-migrations/20250101_000000_backfill.ts', "export default { id: '20250101_000000_backfill', async up() {} };\n");
    await schemaMigrationGenerator(tree, { name: 'initial', project: 'app', after: ['20250101_000000_backfill'] }, NOW);
    const snapshot = JSON.parse(tree.read(`${DIR}/20250102_030405_initial.json`, 'utf8')!);
    expect(snapshot.after).toEqual(['20250101_000000_backfill']);
    expect(logged()).toContain('It runs after data migration 20250101_000000_backfill. Apply both in order with: nx run app:migrate-all (preview: --dry-run)');
  });

  it('after: refuses an id that is no data migration of the project, listing the known ones; writes nothing', async () => {
    const refused = (after: string[]) => schemaMigrationGenerator(tree, { name: 'initial', project: 'app', after }, NOW);
    await expect(refused(['20250101_000000_backfill'])).rejects.toThrow(
      'No schema migration was written: --after 20250101_000000_backfill is not a data migration of this project. There are no data migrations in apps/app/migrations/data-migrations; built-in: 001_datetime_fields_to_timestamps.',
    );
    // One on disk (its id, as om migrate-data loads it), one created in this run, only in the Tree.
    ws.write('apps/app/migrations/data-migrations/20250101_000000_backfill.ts', "export default { id: 'backfill_on_disk', async up() {} };\n");
    tree.write('apps/app/migrations/data-migrations/20250101_000001_in_tree.ts', "export default { id: '20250101_000001_in_tree', async up() {} };\n");
    await expect(refused(['20250101_000000_backfill'])).rejects.toThrow(
      'The data migrations in apps/app/migrations/data-migrations are: backfill_on_disk, 20250101_000001_in_tree; built-in: 001_datetime_fields_to_timestamps.',
    );
    expect(changedFiles()).toEqual([]);
    await schemaMigrationGenerator(tree, { name: 'initial', project: 'app', after: ['backfill_on_disk', '20250101_000001_in_tree'] }, NOW);
    expect(JSON.parse(tree.read(`${DIR}/20250102_030405_initial.json`, 'utf8')!).after).toEqual(['backfill_on_disk', '20250101_000001_in_tree']);
  });

  it("writes the UTC-timestamped snapshot of the models' indexes into the project's migrations folder", async () => {
    await schemaMigrationGenerator(tree, { name: 'initial', project: 'app' }, NOW);
    const file = `${DIR}/20250102_030405_initial.json`;
    const snapshot = JSON.parse(tree.read(file, 'utf8')!);
    expect(snapshot).toMatchObject({
      format: 'om-schema-migration/1',
      id: '20250102_030405_initial',
      name: 'initial',
      createdAt: NOW.toISOString(),
      changes: [{ indexName: 'person:index', kind: 'added', before: null }],
    });
    expect(snapshot.changes[0].after.definition.fields.map((f: { attribute: string }) => f.attribute)).toEqual([
      'name',
    ]);
    expect(logged()).toMatch(/added\s+person:index/);
    expect(logged()).toContain('Apply it with: nx run app:migrate');
  });

  it('writes exactly the file `om migrate create` writes (the engine builds and renders it)', async () => {
    await schemaMigrationGenerator(tree, { name: 'initial', project: 'app', skipFormat: true }, NOW);
    const engine = new SchemaMigrator({
      models: 'src/models.ts',
      cwd: join(ws.dir, 'apps/app'),
    });
    const created = await engine.create('initial', NOW);
    await engine.close();
    expect(tree.read(`${DIR}/20250102_030405_initial.json`, 'utf8')).toBe(readFileSync(created.file!, 'utf8'));
  });

  it('no change: a clear message and no file', async () => {
    await schemaMigrationGenerator(tree, { name: 'initial', project: 'app' }, NOW);
    info.mockClear();
    await schemaMigrationGenerator(tree, { name: 'again', project: 'app' }, LATER);
    expect(changedFiles().map((c) => c.path)).toEqual([`${DIR}/20250102_030405_initial.json`]);
    expect(logged()).toBe('No index changes: the models match the latest schema migration. No file was written.');
  });

  it('snapshots only what changed since the latest snapshot', async () => {
    await schemaMigrationGenerator(tree, { name: 'initial', project: 'app' }, NOW);
    ws.write('apps/app/src/models.ts', modelsSource(", age: { type: 'number', sortable: true }"));
    jest.resetModules();
    await schemaMigrationGenerator(tree, { name: 'add_age', project: 'app' }, LATER);
    const snapshot = JSON.parse(tree.read(`${DIR}/20250103_030405_add_age.json`, 'utf8')!);
    expect(snapshot.changes).toHaveLength(1);
    expect(snapshot.changes[0]).toMatchObject({
      indexName: 'person:index',
      kind: 'changed',
    });
    expect(snapshot.changes[0].before.definition.fields).toHaveLength(1);
    expect(snapshot.changes[0].after.definition.fields).toHaveLength(2);
  });

  it('reads the snapshots already on disk (a real workspace), and honours migrationsDir', async () => {
    const engine = new SchemaMigrator({
      models: 'src/models.ts',
      cwd: join(ws.dir, 'apps/app'),
      migrationsDir: 'db',
    });
    await engine.create('initial', NOW);
    await engine.close();
    await schemaMigrationGenerator(tree, { name: 'again', project: 'app', migrationsDir: 'db' }, LATER);
    expect(tree.listChanges().filter((c) => c.path.includes('db/'))).toEqual([]);
    expect(logged()).toMatch(/No index changes/);
    await schemaMigrationGenerator(tree, { name: 'initial', project: 'app', migrationsDir: 'other' }, LATER);
    expect(tree.exists('apps/app/other/schema-migrations/20250103_030405_initial.json')).toBe(true);
  });

  it('loads a models folder (its index) from the project root, as the executor passes it', async () => {
    ws.write('apps/api/src/models/index.ts', modelsSource());
    addProjectConfiguration(tree, 'api', { root: 'apps/api', metadata: { om: { models: 'src/models' } } });
    await schemaMigrationGenerator(tree, { name: 'initial', project: 'api' }, NOW);
    expect(tree.exists('apps/api/migrations/schema-migrations/20250102_030405_initial.json')).toBe(true);
  });

  it('names a hand-edited snapshot that is not valid', async () => {
    tree.write(`${DIR}/20250101_000000_broken.json`, JSON.stringify({ format: 'om-schema-migration/1' }));
    await expect(schemaMigrationGenerator(tree, { name: 'x', project: 'app' }, NOW)).rejects.toThrow(
      `Schema migration ${DIR}/20250101_000000_broken.json is not valid`,
    );
  });

  it.each([
    ['add-sortable', /letters, digits and underscores/],
    ['../escape', /path separators/],
    ['', /name is required/],
  ])('refuses the bad name %j and writes nothing', async (name, message) => {
    await expect(schemaMigrationGenerator(tree, { name, project: 'app' }, NOW)).rejects.toThrow(message);
    expect(changedFiles()).toEqual([]);
  });

  it('needs the models: a project without a single models entry is told how to declare it', async () => {
    addProjectConfiguration(tree, 'api', {
      root: 'apps/api',
      metadata: { om: { models: ['src/a.ts', 'src/b.ts'] } },
    });
    await expect(schemaMigrationGenerator(tree, { name: 'x', project: 'api' }, NOW)).rejects.toThrow(
      /Schema migrations of api need its models entry: set "metadata.om.models"/,
    );
    addProjectConfiguration(tree, 'web', { root: 'apps/web' });
    await expect(
      schemaMigrationGenerator(tree, { name: 'x', project: 'web', models: 'src/nope.ts' }, NOW),
    ).rejects.toThrow(/Cannot find the models entry src\/nope.ts/);
  });

  it('refuses models changed only in the Tree (Node loads them from disk)', async () => {
    tree.write('apps/app/src/models.ts', modelsSource(', age: { type: "number" }'));
    await expect(schemaMigrationGenerator(tree, { name: 'x', project: 'app' }, NOW)).rejects.toThrow(
      /apps\/app\/src\/models.ts was changed by this generator run/,
    );
  });

  it('ends with formatFiles, unless skipFormat', async () => {
    const format = jest.spyOn(devkit, 'formatFiles');
    await schemaMigrationGenerator(tree, { name: 'fmt', project: 'app' }, NOW);
    expect(format).toHaveBeenCalledTimes(1);
    ws.write('apps/app/src/models.ts', modelsSource(", age: { type: 'number' }"));
    jest.resetModules();
    await schemaMigrationGenerator(tree, { name: 'fmt2', project: 'app', skipFormat: true }, LATER);
    expect(format).toHaveBeenCalledTimes(1);
  });

  it('a renamed field: refuses without --rename or --drop, then writes the data step and shows it classified', async () => {
    await schemaMigrationGenerator(tree, { name: 'initial', project: 'app' }, NOW);
    const renamed = `import { Schema } from 'redis-om';\n\nexport const personSchema = new Schema('person', { fullName: { type: 'string' } }, { dataStructure: 'HASH' });\n`;
    ws.write('apps/app/src/models.ts', renamed);
    jest.resetModules();
    const refused = schemaMigrationGenerator(tree, { name: 'rename_name', project: 'app' }, LATER);
    await expect(refused).rejects.toThrow(/it would drop the data of 1 field from search\.[\s\S]*Did you rename name to fullName\?/);
    await expect(schemaMigrationGenerator(tree, { name: 'rename_name', project: 'app' }, LATER)).rejects.toThrow(/--rename name:fullName/);
    expect(tree.exists(`${DIR}/20250103_030405_rename_name.json`)).toBe(false);
    info.mockClear();
    jest.resetModules();
    await schemaMigrationGenerator(tree, { name: 'rename_name', project: 'app', rename: ['name:fullName'] }, LATER);
    const snapshot = JSON.parse(tree.read(`${DIR}/20250103_030405_rename_name.json`, 'utf8')!);
    expect(snapshot.changes[0].renames).toEqual([{ from: 'name', to: 'fullName' }]);
    expect(logged()).toMatch(/document-dependent +person:index: field name renamed to fullName \(HASH field name → fullName\)/);
  });

  it('a renamed schema: refuses without renameSchema or dropSchema, then records renamedFrom and shows it classified', async () => {
    await schemaMigrationGenerator(tree, { name: 'initial', project: 'app' }, NOW);
    ws.write('apps/app/src/models.ts', modelsSource().replace("new Schema('person'", "new Schema('customer'"));
    jest.resetModules();
    await expect(schemaMigrationGenerator(tree, { name: 'rename_person', project: 'app' }, LATER)).rejects.toThrow(
      /it would leave the documents of 1 schema behind\.[\s\S]*Did you rename schema person to customer\?[\s\S]*--rename-schema person:customer/,
    );
    expect(tree.exists(`${DIR}/20250103_030405_rename_person.json`)).toBe(false);
    info.mockClear();
    jest.resetModules();
    await schemaMigrationGenerator(tree, { name: 'rename_person', project: 'app', renameSchema: ['person:customer'] }, LATER);
    const snapshot = JSON.parse(tree.read(`${DIR}/20250103_030405_rename_person.json`, 'utf8')!);
    expect(snapshot.changes.find((c: { kind: string }) => c.kind === 'added').renamedFrom).toBe('person:index');
    expect(logged()).toMatch(/document-dependent +customer:index: schema person renamed to customer \(keys person:\* → customer:\*/);
  });

  it('a dropped field: --drop writes the index-only removal', async () => {
    ws.write('apps/app/src/models.ts', modelsSource(", age: { type: 'number' }"));
    jest.resetModules();
    await schemaMigrationGenerator(tree, { name: 'initial', project: 'app' }, NOW);
    ws.write('apps/app/src/models.ts', modelsSource());
    jest.resetModules();
    await schemaMigrationGenerator(tree, { name: 'drop_age', project: 'app', drop: ['age'] }, LATER);
    expect(tree.exists(`${DIR}/20250103_030405_drop_age.json`)).toBe(true);
    expect(logged()).toMatch(/index-only +person:index: field age removed \(HASH field age\)/);
  });
});
