import * as devkit from '@nx/devkit';
import { addProjectConfiguration, readNxJson, readProjectConfiguration, updateNxJson, type Tree } from '@nx/devkit';
import { createTestTree } from '../../testing/tree';
import { configurationGenerator } from './configuration';

describe('@om/nx:configuration', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTestTree();
    addProjectConfiguration(tree, 'app', { root: 'apps/app', targets: { build: { command: 'echo build' } } });
  });

  it('writes explicit migrate-data targets: uncached, never in parallel, with migration and model inputs', async () => {
    await configurationGenerator(tree, { project: 'app', models: 'src/models.ts' });
    const { targets } = readProjectConfiguration(tree, 'app');
    expect(Object.keys(targets!).sort()).toEqual([
      'build',
      'migrate',
      'migrate-all',
      'migrate-check',
      'migrate-data',
      'migrate-data-rollback',
      'migrate-data-status',
      'migrate-rollback',
      'migrate-status',
      'migrate-verify',
    ]);
    for (const [name, action] of [
      ['migrate-data', 'run'],
      ['migrate-data-status', 'status'],
      ['migrate-data-rollback', 'rollback'],
    ]) {
      expect(targets![name]).toMatchObject({
        executor: '@om/nx:migrate-data',
        options: { action },
        cache: false,
        parallelism: false,
      });
      expect(targets![name].inputs).toEqual(
        expect.arrayContaining(['{projectRoot}/migrations/**/*', '{projectRoot}/src/models.ts', '^default']),
      );
    }
  });

  it('with a models entry, also writes the schema targets: Redis ones uncached and serial, the check cached', async () => {
    await configurationGenerator(tree, { project: 'app', models: 'src/models.ts' });
    const { targets } = readProjectConfiguration(tree, 'app');
    for (const [name, action] of [
      ['migrate', 'run'],
      ['migrate-status', 'status'],
      ['migrate-rollback', 'rollback'],
      ['migrate-verify', 'verify'],
    ]) {
      expect(targets![name!]).toMatchObject({
        executor: '@om/nx:migrate',
        options: { action },
        cache: false,
        parallelism: false,
      });
    }
    expect(targets!['migrate-check']).toMatchObject({
      executor: '@om/nx:migrate',
      options: { action: 'check' },
      cache: true,
      outputs: [],
      inputs: [
        '{projectRoot}/migrations/schema-migrations/**/*',
        '{projectRoot}/src/models.ts',
        '!{projectRoot}/**/*.spec.[jt]s',
        '!{projectRoot}/**/*.test.[jt]s',
        '^default',
        { externalDependencies: ['redis-om'] },
      ],
    });
    expect(tree.exists('apps/app/migrations/schema-migrations/.gitkeep')).toBe(true);
    const readme = tree.read('apps/app/migrations/README.md', 'utf8')!;
    expect(readme).toContain('nx g @om/nx:schema-migration <name> --project=app');
    expect(readme).toContain('nx run app:migrate-check');
  });

  it('without a models entry, writes only the data targets and says how to add the schema ones', async () => {
    const warn = jest.spyOn(devkit.logger, 'warn').mockImplementation(() => undefined);
    await configurationGenerator(tree, { project: 'app' });
    const { targets } = readProjectConfiguration(tree, 'app');
    expect(Object.keys(targets!)).not.toContain('migrate-check');
    expect(warn.mock.calls[0]![0]).toMatch(/No models entry for app.*--models=/);
    expect(tree.exists('apps/app/migrations/schema-migrations')).toBe(false);
    expect(tree.read('apps/app/migrations/README.md', 'utf8')).not.toContain('schema-migration');
    warn.mockRestore();
  });

  it('depends on ^production when the workspace defines a production input', async () => {
    updateNxJson(tree, {
      ...readNxJson(tree),
      namedInputs: { default: ['{projectRoot}/**/*'], production: ['default'] },
    });
    await configurationGenerator(tree, { project: 'app' });
    const inputs = readProjectConfiguration(tree, 'app').targets!['migrate-data'].inputs;
    expect(inputs).toContain('^production');
    // No models entry: any source file of the project may hold a model.
    expect(inputs).toContain('{projectRoot}/src/**/*');
  });

  it('records the settings in metadata.om, the Redis URL by variable name only', async () => {
    await configurationGenerator(tree, { project: 'app', migrationsDir: 'db', redisUrlEnv: 'APP_REDIS_URL' });
    expect(readProjectConfiguration(tree, 'app').metadata?.om).toEqual({
      migrationsDir: 'db',
      redisUrlEnv: 'APP_REDIS_URL',
    });
    expect(tree.exists('apps/app/db/data-migrations/.gitkeep')).toBe(true);
    expect(tree.read('apps/app/db/README.md', 'utf8')).toContain('nx run app:migrate-data --dry-run');
    expect(tree.read('apps/app/db/README.md', 'utf8')).toContain('APP_REDIS_URL');
  });

  it('records enabled built-ins and a namespace, keeping built-ins enabled before', async () => {
    await configurationGenerator(tree, { project: 'app', builtins: ['datetime'], namespace: 'shop-api' });
    expect(readProjectConfiguration(tree, 'app').metadata?.om).toEqual({ builtins: ['datetime'], namespace: 'shop-api' });
    await configurationGenerator(tree, { project: 'app', builtins: ['datetime'] });
    expect(readProjectConfiguration(tree, 'app').metadata?.om).toEqual({ builtins: ['datetime'], namespace: 'shop-api' });
  });

  it('refuses an unknown built-in, naming it', async () => {
    await expect(
      configurationGenerator(tree, { project: 'app', builtins: ['datetimes' as 'datetime'] }),
    ).rejects.toThrow(/datetimes/);
  });

  it('uses the target names it is given', async () => {
    await configurationGenerator(tree, {
      project: 'app',
      targetName: 'db-up',
      statusTargetName: 'db-status',
      rollbackTargetName: 'db-down',
      schemaTargetName: 'index-up',
      schemaStatusTargetName: 'index-status',
      schemaRollbackTargetName: 'index-down',
      schemaVerifyTargetName: 'index-verify',
      schemaCheckTargetName: 'index-check',
      models: 'src/models.ts',
    });
    expect(Object.keys(readProjectConfiguration(tree, 'app').targets!).sort()).toEqual([
      'build',
      'db-down',
      'db-status',
      'db-up',
      'index-check',
      'index-down',
      'index-status',
      'index-up',
      'index-verify',
      'migrate-all',
    ]);
  });

  it('git-ignores the failure reports written under the migrations folder, once', async () => {
    expect(tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8') : '').not.toContain('.om-reports/');
    await configurationGenerator(tree, { project: 'app' });
    await configurationGenerator(tree, { project: 'app' });
    expect(tree.read('.gitignore', 'utf-8')!.split('\n').filter((line) => line === '.om-reports/')).toHaveLength(1);
  });

  it('excludes the project from the inferring plugin, so it has only its explicit targets', async () => {
    updateNxJson(tree, { ...readNxJson(tree), plugins: ['@om/nx/plugin', '@nx/js/typescript'] });
    await configurationGenerator(tree, { project: 'app' });
    await configurationGenerator(tree, { project: 'app' });
    expect(readNxJson(tree)?.plugins).toEqual([
      { plugin: '@om/nx/plugin', exclude: ['apps/app/**'] },
      '@nx/js/typescript',
    ]);
  });

  it('refuses an invalid redisUrlEnv', async () => {
    await expect(configurationGenerator(tree, { project: 'app', redisUrlEnv: 'redis://secret@host' })).rejects.toThrow(
      /environment variable/,
    );
  });
});
