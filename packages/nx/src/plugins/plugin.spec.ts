import type { CreateNodesContext, CreateNodesResultArray } from '@nx/devkit';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { logger } from 'nx/src/utils/logger';
import { createNodes, createNodesV2 } from './plugin';

describe('@om/nx/plugin createNodes', () => {
  let root: string;
  let context: CreateNodesContext;

  const write = (path: string, content: unknown = '') => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  };
  const run = async (files: string[], options?: Record<string, string>): Promise<CreateNodesResultArray> =>
    createNodes[1](files, options, context);
  const projectsOf = (results: CreateNodesResultArray) =>
    Object.assign({}, ...results.map(([, result]) => result.projects ?? {}));

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'om-nx-plugin-'));
    context = { workspaceRoot: root, nxJsonConfiguration: {} };
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("loads neither the engine, nor zod, nor @nx/devkit's entry points: every Nx command loads the plugin", () => {
    // The built plugin, in a process of its own, as Nx's plugin worker loads it.
    const script = `require(${JSON.stringify(join(__dirname, '../../dist/plugin.js'))});
      console.log(Object.keys(require.cache).filter((m) => /packages[\\\\/]migrations|node_modules[\\\\/](zod|@nx[\\\\/]devkit)[\\\\/]/.test(m)).length)`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('0');
  });

  it('matches project.json and package.json files, and is also exported as createNodesV2', () => {
    expect(createNodes[0]).toBe('**/{project.json,package.json}');
    expect(createNodesV2).toBe(createNodes);
  });

  it('infers run, status and rollback targets for a project with a data-migrations folder', async () => {
    write('apps/app/project.json', { name: 'app' });
    write('apps/app/migrations/data-migrations/20250101_000000_a.ts');
    const projects = projectsOf(await run(['apps/app/project.json']));
    const targets = projects['apps/app'].targets;
    expect(Object.keys(targets)).toEqual(['migrate-data', 'migrate-data-status', 'migrate-data-rollback']);
    expect(targets['migrate-data']).toEqual({
      executor: '@om/nx:migrate-data',
      options: { action: 'run' },
      cache: false,
      parallelism: false,
      inputs: [
        '{projectRoot}/migrations/**/*',
        '{projectRoot}/src/**/*',
        '!{projectRoot}/**/*.spec.[jt]s',
        '!{projectRoot}/**/*.test.[jt]s',
        '^default',
      ],
      metadata: {
        technologies: ['redis-om'],
        description: 'Runs pending Redis OM data migrations',
        help: { command: 'npx om migrate-data run --help', example: { options: { dryRun: true } } },
      },
    });
    expect(targets['migrate-data-status']).toMatchObject({
      options: { action: 'status' },
      cache: false,
      parallelism: false,
    });
    expect(targets['migrate-data-rollback']).toMatchObject({
      options: { action: 'rollback' },
      cache: false,
      parallelism: false,
    });
  });

  it('leaves projects without migrations alone', async () => {
    write('apps/web/project.json', { name: 'web' });
    write('libs/util/package.json', { name: 'util' });
    write('package.json', { name: 'root' });
    write('migrations/data-migrations/x.ts');
    expect(projectsOf(await run(['apps/web/project.json', 'libs/util/package.json', 'package.json']))).toEqual({});
  });

  it('takes the target names from the plugin options in nx.json', async () => {
    write('apps/app/project.json', { name: 'app', metadata: { om: { models: 'src/models.ts' } } });
    const projects = projectsOf(
      await run(['apps/app/project.json'], {
        targetName: 'db-up',
        statusTargetName: 'db-status',
        rollbackTargetName: 'db-down',
        schemaTargetName: 'index-up',
        schemaStatusTargetName: 'index-status',
        schemaRollbackTargetName: 'index-down',
        schemaVerifyTargetName: 'index-verify',
        schemaCheckTargetName: 'index-check',
      }),
    );
    expect(Object.keys(projects['apps/app'].targets)).toEqual([
      'db-up',
      'db-status',
      'db-down',
      'index-up',
      'index-status',
      'index-down',
      'index-verify',
      'index-check',
      'migrate-all',
    ]);
  });

  it('infers the schema targets for a project with a schema-migrations folder, and no data targets', async () => {
    write('apps/app/project.json', { name: 'app' });
    write('apps/app/migrations/schema-migrations/20250101_000000_initial.json', '{}');
    const targets = projectsOf(await run(['apps/app/project.json']))['apps/app'].targets;
    // No models entry: no migrate-check, which would have no models to compile.
    expect(Object.keys(targets)).toEqual(['migrate', 'migrate-status', 'migrate-rollback', 'migrate-verify']);
    expect(targets['migrate']).toEqual({
      executor: '@om/nx:migrate',
      options: { action: 'run' },
      cache: false,
      parallelism: false,
      inputs: [
        '{projectRoot}/migrations/**/*',
        '{projectRoot}/src/**/*',
        '!{projectRoot}/**/*.spec.[jt]s',
        '!{projectRoot}/**/*.test.[jt]s',
        '^default',
      ],
      metadata: {
        technologies: ['redis-om'],
        description: 'Applies pending Redis OM schema migrations (RediSearch indexes)',
        help: { command: 'npx om migrate run --help', example: { options: { dryRun: true } } },
      },
    });
    for (const [name, action] of [
      ['migrate-status', 'status'],
      ['migrate-rollback', 'rollback'],
      ['migrate-verify', 'verify'],
    ]) {
      expect(targets[name!]).toMatchObject({
        executor: '@om/nx:migrate',
        options: { action },
        cache: false,
        parallelism: false,
      });
    }
  });

  it('makes migrate-check cacheable and offline: inputs are the models and the snapshots only', async () => {
    write('apps/app/project.json', { name: 'app', metadata: { om: { models: 'src/models' } } });
    write('apps/app/src/models/index.ts');
    const check = projectsOf(await run(['apps/app/project.json']))['apps/app'].targets['migrate-check'];
    expect(check).toEqual({
      executor: '@om/nx:migrate',
      options: { action: 'check' },
      cache: true,
      inputs: [
        '{projectRoot}/migrations/schema-migrations/**/*',
        '{projectRoot}/src/models/**/*',
        '!{projectRoot}/**/*.spec.[jt]s',
        '!{projectRoot}/**/*.test.[jt]s',
        '^default',
        { externalDependencies: ['redis-om'] },
      ],
      outputs: [],
      metadata: {
        technologies: ['redis-om'],
        description: 'Fails when the Redis OM models differ from the latest schema migration (no Redis needed)',
        help: { command: 'npx om migrate check --help', example: { options: {} } },
      },
    });
    expect(check.parallelism).toBeUndefined();
  });

  it('a models entry in metadata.om gives both kinds; the check follows its models and migrations folder', async () => {
    write('apps/api/project.json', {
      name: 'api',
      metadata: {
        om: {
          migrationsDir: 'db',
          models: 'src/models.ts',
          configurations: { staging: { models: 'src/staging-models.ts' } },
        },
      },
    });
    const targets = projectsOf(await run(['apps/api/project.json']))['apps/api'].targets;
    expect(Object.keys(targets)).toEqual([
      'migrate-data',
      'migrate-data-status',
      'migrate-data-rollback',
      'migrate',
      'migrate-status',
      'migrate-rollback',
      'migrate-verify',
      'migrate-check',
      'migrate-all',
    ]);
    // Both kinds: one target runs them in one dependency order.
    expect(targets['migrate-all']).toMatchObject({ executor: '@om/nx:migrate-all', options: { action: 'run' }, cache: false, parallelism: false });
    expect(targets['migrate-check'].inputs).toEqual([
      '{projectRoot}/db/schema-migrations/**/*',
      '{projectRoot}/src/models.ts',
      '{projectRoot}/src/staging-models.ts',
      '!{projectRoot}/**/*.spec.[jt]s',
      '!{projectRoot}/**/*.test.[jt]s',
      '^default',
      { externalDependencies: ['redis-om'] },
    ]);
    expect(targets['migrate-check'].configurations).toEqual({ staging: {} });
    expect(targets['migrate'].configurations).toEqual({ staging: {} });
  });

  it('a models list or glob (for affected) gives the schema targets but no check: there is no one module to load', async () => {
    write('apps/app/project.json', { name: 'app', metadata: { om: { models: 'src/**/*.schema.ts' } } });
    const targets = projectsOf(await run(['apps/app/project.json']))['apps/app'].targets;
    expect(Object.keys(targets)).toContain('migrate');
    expect(Object.keys(targets)).not.toContain('migrate-check');
  });

  it('a data-migrations folder alone gives only the data targets', async () => {
    write('apps/app/project.json', { name: 'app' });
    write('apps/app/migrations/data-migrations/20250101_000000_a.ts');
    const targets = projectsOf(await run(['apps/app/project.json']))['apps/app'].targets;
    expect(Object.keys(targets)).not.toContain('migrate');
    expect(Object.keys(targets)).not.toContain('migrate-check');
    expect(Object.keys(targets)).not.toContain('migrate-all');
  });

  it('reads metadata.om: migrations folder, models entry, and one configuration per environment', async () => {
    write('apps/api/project.json', {
      name: 'api',
      metadata: {
        om: {
          migrationsDir: 'db',
          models: ['src/models', 'src/user.schema.ts'],
          redisUrlEnv: 'API_REDIS_URL',
          configurations: { staging: { redisUrlEnv: 'STAGING_REDIS_URL' }, production: { keyPrefix: 'prod:' } },
        },
      },
    });
    write('apps/api/src/models/user.ts');
    const target = projectsOf(await run(['apps/api/project.json']))['apps/api'].targets['migrate-data'];
    expect(target.inputs).toEqual([
      '{projectRoot}/db/**/*',
      '{projectRoot}/src/models/**/*',
      '{projectRoot}/src/user.schema.ts',
      '!{projectRoot}/**/*.spec.[jt]s',
      '!{projectRoot}/**/*.test.[jt]s',
      '^default',
    ]);
    expect(target.configurations).toEqual({ staging: {}, production: {} });
    // Settings reach the executor through the project graph, not through options.
    expect(target.options).toEqual({ action: 'run' });
  });

  it('depends on ^production when the workspace (or the project) names a production input', async () => {
    write('apps/app/project.json', { name: 'app', metadata: { om: {} } });
    context = { workspaceRoot: root, nxJsonConfiguration: { namedInputs: { production: ['default'] } } };
    const target = projectsOf(await run(['apps/app/project.json']))['apps/app'].targets['migrate-data'];
    expect(target.inputs).toContain('^production');
  });

  it('reads nx.metadata.om from a package.json project, and skips a package.json beside a project.json', async () => {
    write('libs/models/package.json', { name: '@acme/models', nx: { metadata: { om: { models: 'src/index.ts' } } } });
    write('apps/app/project.json', { name: 'app', metadata: { om: {} } });
    write('apps/app/package.json', { name: 'app', nx: { metadata: { om: { migrationsDir: 'ignored' } } } });
    const projects = projectsOf(
      await run(['libs/models/package.json', 'apps/app/project.json', 'apps/app/package.json']),
    );
    expect(Object.keys(projects).sort()).toEqual(['apps/app', 'libs/models']);
    expect(projects['libs/models'].targets['migrate-data'].inputs).toContain('{projectRoot}/src/index.ts');
    expect(projects['apps/app'].targets['migrate-data'].inputs).toContain('{projectRoot}/migrations/**/*');
  });

  describe('a project whose metadata.om is not valid', () => {
    let warnings: string[];
    beforeEach(() => {
      warnings = [];
      jest.spyOn(logger, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
      write('apps/good/project.json', { name: 'good', metadata: { om: { models: 'src/models.ts' } } });
    });
    afterEach(() => jest.restoreAllMocks());

    it('is reported against its file, with the key and the nearest valid one; the others keep their targets', async () => {
      write('apps/typo/project.json', { name: 'typo', metadata: { om: { migrationDir: 'db', keyPrefix: 't:' } } });
      write('apps/typo/migrations/data-migrations/20250101_000000_a.ts');
      const projects = projectsOf(await run(['apps/good/project.json', 'apps/typo/project.json']));
      expect(warnings).toEqual([
        '@om/nx/plugin: Invalid Redis OM settings (metadata.om) in apps/typo/project.json: Unrecognized key: "migrationDir" (did you mean "migrationsDir"?).',
      ]);
      expect(Object.keys(projects['apps/good'].targets)).toContain('migrate-check');
      // The project keeps the targets its valid settings give; running one fails on the same error.
      expect(Object.keys(projects['apps/typo'].targets)).toEqual([
        'migrate-data',
        'migrate-data-status',
        'migrate-data-rollback',
      ]);
    });

    it('refuses a Redis URL, pointing at the variable to use instead, and a typo in a configuration', async () => {
      write('apps/app/project.json', {
        name: 'app',
        metadata: { om: { redisUrl: 'redis://:secret@prod:6379', configurations: { staging: { keyPrefx: 's:' } } } },
      });
      const projects = projectsOf(await run(['apps/app/project.json', 'apps/good/project.json']));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('Invalid Redis OM settings (metadata.om) in apps/app/project.json: ');
      expect(warnings[0]).toMatch(/Unrecognized key: "redisUrl"; keep the Redis URL in .* name it in redisUrlEnv/);
      expect(warnings[0]).toContain('configurations.staging: Unrecognized key: "keyPrefx" (did you mean "keyPrefix"?)');
      expect(warnings[0]).not.toContain('secret');
      expect(Object.keys(projects).sort()).toEqual(['apps/app', 'apps/good']);
      expect(projects['apps/app'].targets['migrate-data'].configurations).toEqual({ staging: {} });
    });

    it('is reported again on every graph build while the file is wrong, cached or not', async () => {
      write('apps/typo/project.json', { name: 'typo', metadata: { om: { lockTimeout: 'soon' } } });
      await run(['apps/typo/project.json']);
      await run(['apps/typo/project.json']);
      expect(warnings).toHaveLength(2);
      expect(warnings[1]).toMatch(/apps\/typo\/project.json: lockTimeout: Invalid input: expected number/);
    });
  });

  it("reads a project's targets back from its cache while the project's files are unchanged", async () => {
    write('apps/app/project.json', { name: 'app', metadata: { om: {} } });
    expect(Object.keys(projectsOf(await run(['apps/app/project.json']))['apps/app'].targets)).toContain('migrate-data');
    // In the workspace's data folder, as Nx's own plugins keep theirs.
    const data = join(root, '.nx/workspace-data');
    const caches = readdirSync(data).filter((f) => /^om-nx-.*\.hash$/.test(f));
    expect(caches).toHaveLength(1);
    // What a second build gets is what the first one stored, whatever that says.
    const path = join(data, caches[0]!);
    const cache = JSON.parse(readFileSync(path, 'utf8'));
    const key = Object.keys(cache.entries).find((k) => k.endsWith(':apps/app/project.json'))!;
    cache.entries[key].project.targets = { 'from-the-cache': {} };
    writeFileSync(path, JSON.stringify(cache));
    expect(Object.keys(projectsOf(await run(['apps/app/project.json']))['apps/app'].targets)).toEqual([
      'from-the-cache',
    ]);
  });
});
