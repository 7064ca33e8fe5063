import * as devkit from '@nx/devkit';
import { addProjectConfiguration, type Tree } from '@nx/devkit';
import { createTestTree } from '../../testing/tree';
import { renderDataMigration } from '@om/migrations';
import { dataMigrationGenerator } from './data-migration';

const NOW = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));

describe('@om/nx:data-migration', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTestTree();
    addProjectConfiguration(tree, 'app', { root: 'apps/app', targets: {} });
  });

  it("writes the UTC-timestamped file into the project's migrations folder", async () => {
    await dataMigrationGenerator(tree, { name: 'normalize_emails', project: 'app' }, NOW);
    const file = 'apps/app/migrations/data-migrations/20250102_030405_normalize_emails.ts';
    expect(tree.exists(file)).toBe(true);
    const source = tree.read(file, 'utf8')!;
    expect(source).toContain("id: '20250102_030405_normalize_emails'");
    expect(source).toContain("from '@om/migrations'");
  });

  it('writes exactly what `om migrate-data create` writes (the engine renders it)', async () => {
    await dataMigrationGenerator(tree, { name: 'backfill', project: 'app', skipFormat: true }, NOW);
    expect(tree.read('apps/app/migrations/data-migrations/20250102_030405_backfill.ts', 'utf8')).toBe(
      renderDataMigration('20250102_030405_backfill', 'backfill', NOW),
    );
  });

  it("honours the project's metadata.om.migrationsDir, and --migrationsDir over it", async () => {
    addProjectConfiguration(tree, 'api', { root: 'apps/api', metadata: { om: { migrationsDir: 'db' } } });
    await dataMigrationGenerator(tree, { name: 'one', project: 'api' }, NOW);
    expect(tree.exists('apps/api/db/data-migrations/20250102_030405_one.ts')).toBe(true);
    await dataMigrationGenerator(tree, { name: 'two', project: 'api', migrationsDir: 'other' }, NOW);
    expect(tree.exists('apps/api/other/data-migrations/20250102_030405_two.ts')).toBe(true);
  });

  it.each([
    ['normalize-emails', /letters, digits and underscores/],
    ['../escape', /path separators/],
    ['', /name is required/],
    ['a b', /letters, digits and underscores/],
  ])('refuses the bad name %j and writes nothing', async (name, message) => {
    await expect(dataMigrationGenerator(tree, { name, project: 'app' }, NOW)).rejects.toThrow(message);
    expect(tree.listChanges().filter((c) => c.path.includes('migrations'))).toEqual([]);
  });

  it('refuses to overwrite a migration with the same id', async () => {
    await dataMigrationGenerator(tree, { name: 'dup', project: 'app' }, NOW);
    await expect(dataMigrationGenerator(tree, { name: 'dup', project: 'app' }, NOW)).rejects.toThrow(/already exists/);
  });

  it('fails clearly for an unknown project', async () => {
    await expect(dataMigrationGenerator(tree, { name: 'x', project: 'nope' }, NOW)).rejects.toThrow(/nope/);
  });

  it('ends with formatFiles, unless skipFormat', async () => {
    const format = jest.spyOn(devkit, 'formatFiles');
    await dataMigrationGenerator(tree, { name: 'fmt', project: 'app' }, NOW);
    expect(format).toHaveBeenCalledTimes(1);
    await dataMigrationGenerator(tree, { name: 'fmt2', project: 'app', skipFormat: true }, NOW);
    expect(format).toHaveBeenCalledTimes(1);
    format.mockRestore();
  });
});
