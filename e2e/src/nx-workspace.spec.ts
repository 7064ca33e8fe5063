import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  createNxWorkspace,
  keyLines,
  note,
  sh,
  startRedis,
  transcript,
  type CommandResult,
  type E2eRedis,
  type NxWorkspace,
} from './support';

/**
 * A new Nx user's path through @om/nx, in a workspace made by hand (create-nx-workspace
 * resolves to Nx 23 here): install the packed packages, `nx g @om/nx:init`,
 * `nx g @om/nx:data-migration`, `nx run app:migrate-data` (run, status, rollback) against a
 * real redis-server, and `nx affected -t migrate-data` selecting only the changed project.
 * Then schema migrations, as far as they go without a RediSearch server (none is available
 * here): `nx g @om/nx:schema-migration` snapshots a model change, the cached, offline
 * `migrate-check` passes, fails on a model change without a snapshot, and
 * `nx affected -t migrate-check` selects only the changed project.
 */
const MODELS = `import { Schema } from "redis-om";

export const customerSchema = new Schema(
  "customer",
  {
    email: { type: "string" },
    createdAt: { type: "date" },
  },
  { dataStructure: "HASH" },
);
`;

/** A models entry for the schema-migration projects: one model each. */
const schemaModels = (name: string, extra = '') => `import { Schema } from "redis-om";

export const ${name}Schema = new Schema(
  "${name}",
  {
    title: { type: "string" },
    total: { type: "number" },${extra}
  },
  { dataStructure: "HASH" },
);
`;

describe('@om/nx in a real Nx 24 workspace', () => {
  const suiteStarted = Date.now();
  let workspace: NxWorkspace;
  let ws: string;
  let redis: E2eRedis;
  let env: NodeJS.ProcessEnv;

  const nx = (...args: string[]): CommandResult => workspace.nx(...args);
  const git = (...args: string[]) => {
    const result = sh('git', ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args], {
      cwd: ws,
      env,
      quiet: args[0] === 'rev-parse',
    });
    if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed:\n${result.output}`);
    return result.output.trim();
  };
  const write = (path: string, content: string | object) => workspace.write(path, content);
  const read = (path: string) => workspace.read(path);
  /** The JSON a command printed (`nx show project --json`), without the warnings around it. */
  const jsonOf = (output: string) => JSON.parse(output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1));
  const dataMigrations = (project: string) =>
    readdirSync(join(ws, 'apps', project, 'migrations/data-migrations')).sort();
  /** Makes a generated migration do real work: set a key on up(), delete it on down(). */
  const makeItSetKey = (project: string, file: string, key: string) => {
    const path = `apps/${project}/migrations/data-migrations/${file}`;
    const source = read(path)
      .replace(
        /ctx\.logger\.info\([^)]*nothing to do yet[^)]*\);/,
        `await ctx.redis.set(${JSON.stringify(key)}, "done");`,
      )
      .replace(/ctx\.logger\.info\([^)]*nothing to undo[^)]*\);/, `await ctx.redis.del(${JSON.stringify(key)});`);
    expect(source).toContain(key);
    write(path, source);
  };

  beforeAll(async () => {
    redis = await startRedis();
    // A minimal Nx 24 workspace, by hand: two projects and a library.
    workspace = createNxWorkspace({
      name: 'om-e2e-workspace',
      nxJson: { namedInputs: { default: ['{projectRoot}/**/*'], production: ['default', '!{projectRoot}/**/*.spec.ts'] } },
      files: {
        // Double quotes: the engine renders single quotes, so a passing check proves formatFiles ran.
        '.prettierrc': { singleQuote: false },
        // app depends on the models library: a change there reaches app's migrations through ^production.
        'apps/app/project.json': {
          name: 'app',
          $schema: '../../node_modules/nx/schemas/project-schema.json',
          implicitDependencies: ['models'],
        },
        'libs/models/project.json': { name: 'models' },
        'libs/models/src/index.ts': 'export const shared = [];\n',
        'apps/app/src/models.ts': 'export const models = [];\n',
        'apps/other/project.json': {
          name: 'other',
          metadata: {
            om: {
              models: 'src/models.ts',
              redisUrlEnv: 'OTHER_REDIS_URL',
              // A key prefix of its own: other keeps its ledger where it did before namespaces.
              keyPrefix: 'om:migrations:other:',
              configurations: { staging: { redisUrlEnv: 'STAGING_REDIS_URL', keyPrefix: 'staging:om:' } },
            },
          },
        },
        // other's models entry is a real redis-om module: the targets pass it as --models.
        'apps/other/src/models.ts': MODELS,
        'apps/other/README.md': '# other\n',
      },
      env: { REDIS_OM_URL: redis.url, OTHER_REDIS_URL: redis.url },
    });
    ws = workspace.root;
    env = workspace.env;
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-qm', 'workspace');
  }, 300_000);

  afterAll(async () => {
    await redis?.stop();
    workspace?.remove();
    transcript.push(`e2e suite: ${((Date.now() - suiteStarted) / 1000).toFixed(1)}s`);
    process.stdout.write(`\n--- e2e transcript ---\n${transcript.join('\n')}\n`);
  });

  it('nx g @om/nx:init registers the plugin and adds what migrations need', () => {
    const result = nx('g', '@om/nx:init');
    expect(result.code).toBe(0);
    expect(JSON.parse(read('nx.json')).plugins).toEqual([
      {
        plugin: '@om/nx/plugin',
        options: {
          targetName: 'migrate-data',
          statusTargetName: 'migrate-data-status',
          rollbackTargetName: 'migrate-data-rollback',
          schemaTargetName: 'migrate',
          schemaStatusTargetName: 'migrate-status',
          schemaRollbackTargetName: 'migrate-rollback',
          schemaVerifyTargetName: 'migrate-verify',
          schemaCheckTargetName: 'migrate-check',
          allTargetName: 'migrate-all',
        },
      },
    ]);
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.dependencies['redis-om']).toBeDefined();
    expect(Object.keys(pkg.devDependencies)).toEqual(expect.arrayContaining(['@swc-node/register', '@swc/core']));
    // The local tarballs stay as they are.
    expect(pkg.devDependencies['@om/nx']).toMatch(/^file:/);
  });

  it('nx g @om/nx:data-migration honours --dry-run and refuses bad names', () => {
    const dry = nx('g', '@om/nx:data-migration', 'normalize_emails', '--project=app', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.output).toMatch(/CREATE apps\/app\/migrations\/data-migrations\/\d{8}_\d{6}_normalize_emails\.ts/);
    expect(() => dataMigrations('app')).toThrow(/ENOENT/);

    const bad = nx('g', '@om/nx:data-migration', 'normalize-emails', '--project=app');
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(/use only letters, digits and underscores/);
  });

  it('nx g @om/nx:data-migration writes a UTC-timestamped, formatted migration', () => {
    const before = new Date();
    const result = nx('g', '@om/nx:data-migration', 'normalize_emails', '--project=app');
    expect(result.code).toBe(0);
    const [file] = dataMigrations('app');
    expect(file).toMatch(/^\d{8}_\d{6}_normalize_emails\.ts$/);
    const stamp = file!.slice(0, 15);
    const utc = before.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
    expect(stamp >= utc.slice(0, 13)).toBe(true);
    const check = sh(join(ws, 'node_modules/.bin/prettier'), ['--check', 'apps/app/migrations'], { cwd: ws, env });
    expect(check.code).toBe(0);
    expect(read(`apps/app/migrations/data-migrations/${file}`)).toContain('from "@om/migrations"');
    makeItSetKey('app', file!, 'e2e:app:normalized');
  });

  it('infers uncached, serial migrate-data targets with migration and model inputs', () => {
    const result = nx('show', 'project', 'app', '--json');
    expect(result.code).toBe(0);
    const project = jsonOf(result.output);
    for (const name of ['migrate-data', 'migrate-data-status', 'migrate-data-rollback']) {
      expect(project.targets[name]).toMatchObject({
        executor: '@om/nx:migrate-data',
        cache: false,
        parallelism: false,
      });
      expect(project.targets[name].inputs).toEqual(
        expect.arrayContaining(['{projectRoot}/migrations/**/*', '{projectRoot}/src/**/*', '^production']),
      );
    }
  });

  it('nx run app:migrate-data runs it against Redis; status shows it; rollback undoes it', () => {
    let result = nx('run', 'app:migrate-data-status');
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/Pending: 1/);

    result = nx('run', 'app:migrate-data', '--dry-run');
    expect(result.code).toBe(0);
    expect(redis.cli('exists', 'e2e:app:normalized')).toBe('0');

    result = nx('run', 'app:migrate-data');
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/Applied 1 migration \(batch 1\)/);
    expect(redis.cli('get', 'e2e:app:normalized')).toBe('done');

    result = nx('run', 'app:migrate-data-status');
    expect(result.output).toMatch(/Applied: 1/);

    result = nx('run', 'app:migrate-data-rollback', '--steps=1');
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/Rolled back 1 migration/);
    expect(redis.cli('exists', 'e2e:app:normalized')).toBe('0');

    result = nx('run', 'app:migrate-data');
    expect(result.code).toBe(0);
  });

  it('fails the task, with a non-zero exit, when the executor or a migration fails', () => {
    let result = nx('run', 'app:migrate-data-rollback');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/rollback needs either a migration id or steps/);

    write(
      'apps/app/migrations/data-migrations/29990101_000000_broken.ts',
      'export default { id: "29990101_000000_broken", async up() { throw new Error("boom"); } };\n',
    );
    result = nx('run', 'app:migrate-data');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/boom/);
    rmSync(join(ws, 'apps/app/migrations/data-migrations/29990101_000000_broken.ts'));
  });

  it("reads a project's settings from metadata.om; --configuration selects the environment", () => {
    expect(nx('g', '@om/nx:data-migration', 'seed_other', '--project=other').code).toBe(0);
    makeItSetKey('other', dataMigrations('other')[0]!, 'e2e:other:seeded');

    // Nx loads .env files per project and configuration: the staging URL comes from one.
    write('apps/other/.env.staging.local', `STAGING_REDIS_URL=${redis.url}\n`);
    let result = nx('run', 'other:migrate-data', '--configuration=staging');
    expect(result.code).toBe(0);
    expect(redis.cli('keys', 'staging:om:*')).not.toBe('');

    const unset = { ...env };
    delete unset.OTHER_REDIS_URL;
    result = sh(join(ws, 'node_modules/.bin/nx'), ['run', 'other:migrate-data-status'], { cwd: ws, env: unset });
    note(keyLines(result.output).filter((l) => /error/.test(l)));
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/OTHER_REDIS_URL is not set/);

    result = nx('run', 'other:migrate-data');
    expect(result.code).toBe(0);
    expect(redis.cli('get', 'e2e:other:seeded')).toBe('done');
    expect(redis.cli('keys', 'om:migrations:other:*')).not.toBe('');
    // app's ledger does not see other's migrations.
    result = nx('run', 'app:migrate-data-status');
    expect(result.output).not.toMatch(/no file any more/);
  });

  it('nx affected -t migrate-data runs only the projects whose migrations or models changed', () => {
    git('add', '.');
    git('commit', '-qm', 'migrations for app and other');
    const base = git('rev-parse', 'HEAD');

    // A new migration in app only.
    expect(nx('g', '@om/nx:data-migration', 'backfill_names', '--project=app').code).toBe(0);
    const added = dataMigrations('app').find((f) => f.includes('backfill_names'))!;
    makeItSetKey('app', added, 'e2e:app:backfilled');
    git('add', '.');
    git('commit', '-qm', 'app: backfill_names');

    let result = nx('affected', '-t', 'migrate-data', `--base=${base}`, '--head=HEAD', '--output-style=static');
    expect(result.code).toBe(0);
    expect(result.output).toContain('nx run app:migrate-data');
    expect(result.output).not.toContain('nx run other:migrate-data');
    expect(redis.cli('get', 'e2e:app:backfilled')).toBe('done');

    // A file outside the inputs (a README) selects nothing.
    const second = git('rev-parse', 'HEAD');
    write('apps/other/README.md', '# other\n\nNow with docs.\n');
    git('commit', '-qam', 'other: docs');
    result = nx('affected', '-t', 'migrate-data', `--base=${second}`, '--head=HEAD');
    expect(result.code).toBe(0);
    expect(result.output).not.toMatch(/nx run \w+:migrate-data/);

    // A model change selects its project only.
    const third = git('rev-parse', 'HEAD');
    write('apps/other/src/models.ts', MODELS.replace('email:', 'name: { type: "string" },\n    email:'));
    git('commit', '-qam', 'other: models');
    result = nx('affected', '-t', 'migrate-data', `--base=${third}`, '--head=HEAD', '--output-style=static');
    expect(result.code).toBe(0);
    expect(result.output).toContain('nx run other:migrate-data');
    expect(result.output).not.toContain('nx run app:migrate-data');

    // A change in a library app depends on selects app (its ^production input), not other.
    const fourth = git('rev-parse', 'HEAD');
    write('libs/models/src/index.ts', 'export const shared = ["address"];\n');
    git('commit', '-qam', 'models: shared address');
    result = nx('affected', '-t', 'migrate-data', `--base=${fourth}`, '--head=HEAD', '--output-style=static');
    expect(result.code).toBe(0);
    expect(result.output).toContain('nx run app:migrate-data');
    expect(result.output).not.toContain('nx run other:migrate-data');
  });
  describe('options reach the engine as typed', () => {
    /** The `om` command line the executor ran, as `--verbose` prints it. */
    const omLine = (output: string) =>
      output
        .split('\n')
        .find((line) => line.startsWith('> om '))
        ?.slice(2);
    let first: string;
    let second: string;

    it('no way of splitting arguments turns a dry run into a real run', () => {
      expect(nx('g', '@om/nx:data-migration', 'add_flags', '--project=app').code).toBe(0);
      expect(nx('g', '@om/nx:data-migration', 'add_more_flags', '--project=app').code).toBe(0);
      first = dataMigrations('app')
        .find((f) => f.includes('_add_flags'))!
        .replace(/\.ts$/, '');
      second = dataMigrations('app')
        .find((f) => f.includes('_add_more_flags'))!
        .replace(/\.ts$/, '');
      makeItSetKey('app', `${first}.ts`, 'e2e:app:flags');
      makeItSetKey('app', `${second}.ts`, 'e2e:app:more-flags');
      const nothingWritten = () => expect(redis.cli('exists', 'e2e:app:flags', 'e2e:app:more-flags')).toBe('0');

      // Nx hands the task only what follows `--`: the executor refuses, and says how to write it.
      let result = nx('run', 'app:migrate-data', '--dryRun', '--', '--limit=1');
      expect(result.code).not.toBe(0);
      expect(result.output).toContain("the task's options before it (among: --dryRun) never reach it");
      expect(result.output).toContain('Give every option without `--`: nx run app:migrate-data --dryRun --limit=1');
      nothingWritten();
      result = nx('run', 'app:migrate-data', '--', '--dryRun');
      expect(result.code).not.toBe(0);
      nothingWritten();
      // The executors have no option of Nx's names: Nx itself refuses `-- --verbose`.
      result = nx('run', 'app:migrate-data', '--dryRun', '--', '--verbose');
      expect(result.code).not.toBe(0);
      expect(result.output).toContain("'verbose' is not found in schema");
      nothingWritten();

      // --target is Nx's: it would never reach the engine, which would then run everything.
      result = nx('run', 'app:migrate-data', `--target=${first}`);
      expect(result.code).not.toBe(0);
      expect(result.output).toContain(`For the CLI's --target, pass --upTo=${first}.`);
      nothingWritten();

      for (const spelling of ['--dryRun', '--dry-run', '--dryRun=true']) {
        result = nx('run', 'app:migrate-data', spelling);
        expect(result.code).toBe(0);
        expect(result.output).toContain(first);
        nothingWritten();
      }
    });

    it('migrate-data: every option, as the CLI flag the engine takes', () => {
      let result = nx(
        'run',
        'app:migrate-data',
        '--dryRun',
        '--limit=1',
        `--upTo=${first}`,
        '--failureMode=skip',
        '--batchSize=10',
        '--maxErrors=3',
        '--timezone=Europe/Paris',
        '--migrationsDir=migrations',
        '--redisUrlEnv=OTHER_REDIS_URL',
        '--keyPrefix=om:migrations:',
        '--namespace=app',
        '--lockTimeout=2',
        '--lockLease=5',
        '--verbose',
      );
      expect(result.code).toBe(0);
      expect(omLine(result.output)).toBe(
        `om migrate-data run --dry-run --limit 1 --target ${first} --yes --failure-mode skip --batch-size 10 ` +
          `--max-errors 3 --timezone Europe/Paris --migrations-dir apps/app/migrations --redis-url ${redis.url} ` +
          '--key-prefix om:migrations: --namespace app --lock-timeout 2 --lock-lease 5 --verbose',
      );
      expect(redis.cli('exists', 'e2e:app:flags')).toBe('0');

      // upTo stops the run where it says.
      result = nx('run', 'app:migrate-data', `--upTo=${first}`);
      expect(result.code).toBe(0);
      expect(redis.cli('get', 'e2e:app:flags')).toBe('done');
      expect(redis.cli('exists', 'e2e:app:more-flags')).toBe('0');

      write('apps/app/src/om-migrations.js', 'exports.MIGRATIONS = [];\n');
      result = nx(
        'run',
        'app:migrate-data-status',
        '--detailed',
        '--json',
        '--module=src/om-migrations.js',
        `--redisUrl=${redis.url}`,
        '--keyPrefix=om:e2e:module:',
        '--verbose',
      );
      expect(result.code).toBe(0);
      expect(omLine(result.output)).toBe(
        'om migrate-data status --detailed --json --migrations-dir apps/app/migrations ' +
          `--module apps/app/src/om-migrations.js --redis-url ${redis.url} --key-prefix om:e2e:module: --verbose`,
      );
      rmSync(join(ws, 'apps/app/src/om-migrations.js'));

      result = nx(
        'run',
        'other:migrate-data',
        '--action=verify',
        '--checkData',
        '--limit=2',
        '--models=src/models.ts',
        '--verbose',
      );
      expect(result.code).toBe(0);
      expect(omLine(result.output)).toBe(
        'om migrate-data verify --check-data --limit 2 --migrations-dir apps/other/migrations ' +
          `--models apps/other/src/models.ts --redis-url ${redis.url} --key-prefix om:migrations:other: --verbose`,
      );

      result = nx('run', 'other:migrate-data-status', '--builtins=datetime', '--verbose');
      expect(result.code).toBe(0);
      expect(omLine(result.output)).toBe(
        'om migrate-data status --builtin datetime --migrations-dir apps/other/migrations ' +
          `--models apps/other/src/models.ts --redis-url ${redis.url} --key-prefix om:migrations:other: --verbose`,
      );
      expect(result.output).toContain('Pending migrations:\n  - 001_datetime_fields_to_timestamps');

      result = nx('run', 'app:migrate-data-rollback', '--steps=1', '--dryRun', '--verbose');
      expect(result.code).toBe(0);
      expect(omLine(result.output)).toBe(
        'om migrate-data rollback --dry-run --steps 1 --yes --migrations-dir apps/app/migrations --namespace app --verbose',
      );
      expect(redis.cli('get', 'e2e:app:flags')).toBe('done');

      // (A positional that looks like a number, `2025`, Nx parses as one and refuses for a string.)
      result = nx('run', 'app:migrate-data', '--action=clear-progress', '20250101_000000', '--verbose');
      expect(result.code).toBe(0);
      expect(omLine(result.output)).toBe(
        'om migrate-data clear-progress 20250101_000000 --migrations-dir apps/app/migrations --namespace app --verbose',
      );

      // The id is the first positional argument: stamp records the migration without running it.
      result = nx('run', 'app:migrate-data', '--action=stamp', second);
      expect(result.code).toBe(0);
      expect(redis.cli('exists', 'e2e:app:more-flags')).toBe('0');
      result = nx('run', 'app:migrate-data-status');
      expect(result.output).toMatch(/Pending: 0/);
    });
  });

  it('one project with a bad metadata.om is reported against its file; the graph and the others stay', () => {
    write('apps/broken/project.json', { name: 'broken', metadata: { om: { migrationDir: 'db' } } });
    try {
      let result = nx('show', 'projects');
      expect(result.code).toBe(0);
      expect(result.output.split('\n')).toEqual(expect.arrayContaining(['app', 'other', 'broken', 'models']));
      expect(result.output).toContain(
        'Invalid Redis OM settings (metadata.om) in apps/broken/project.json: Unrecognized key: "migrationDir" (did you mean "migrationsDir"?).',
      );
      result = nx('show', 'project', 'app', '--json');
      expect(result.code).toBe(0);
      expect(Object.keys(jsonOf(result.output).targets)).toContain('migrate-data');
      // Running one of its targets fails on the same error, before anything talks to Redis.
      result = nx('run', 'broken:migrate-data-status');
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('Unrecognized key: "migrationDir" (did you mean "migrationsDir"?)');
    } finally {
      rmSync(join(ws, 'apps/broken'), { recursive: true, force: true });
    }
  });

  describe('schema migrations (no Redis needed)', () => {
    const snapshots = (project: string) => {
      try {
        return readdirSync(join(ws, 'apps', project, 'migrations/schema-migrations')).sort();
      } catch {
        return [];
      }
    };

    it('infers the schema targets, with a cacheable migrate-check on the models and snapshots', () => {
      for (const project of ['shop', 'billing']) {
        write(`apps/${project}/project.json`, { name: project, metadata: { om: { models: 'src/models.ts' } } });
        write(`apps/${project}/src/models.ts`, schemaModels(project));
      }
      git('add', '.');
      git('commit', '-qm', 'shop and billing with models');

      const result = nx('show', 'project', 'shop', '--json');
      expect(result.code).toBe(0);
      const { targets } = jsonOf(result.output);
      for (const name of ['migrate', 'migrate-status', 'migrate-rollback', 'migrate-verify']) {
        expect(targets[name]).toMatchObject({ executor: '@om/nx:migrate', cache: false, parallelism: false });
      }
      // metadata.om gives data migrations too: both kinds run in one order through migrate-all.
      expect(targets['migrate-all']).toMatchObject({ executor: '@om/nx:migrate-all', options: { action: 'run' }, cache: false, parallelism: false });
      expect(targets['migrate-check']).toMatchObject({ executor: '@om/nx:migrate', cache: true });
      expect(targets['migrate-check'].inputs).toEqual(
        expect.arrayContaining([
          '{projectRoot}/migrations/schema-migrations/**/*',
          '{projectRoot}/src/models.ts',
          '^production',
          { externalDependencies: ['redis-om'] },
        ]),
      );
    });

    it('nx g @om/nx:schema-migration honours --dry-run, refuses bad names, writes the snapshot', () => {
      let result = nx('run', 'shop:migrate-check');
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/1 index changed without a schema migration/);
      // Under Nx, the hint is the generator for that project, not `om migrate create`.
      expect(result.output).toContain(
        'Run `nx g @om/nx:schema-migration <name> --project=shop` and commit the new file.',
      );
      result = nx('run', 'shop:migrate-status');
      expect(result.output).toContain('(run `nx g @om/nx:schema-migration <name> --project=shop`)');

      result = nx('g', '@om/nx:schema-migration', 'initial', '--project=shop', '--dry-run');
      expect(result.code).toBe(0);
      expect(result.output).toMatch(/CREATE apps\/shop\/migrations\/schema-migrations\/\d{8}_\d{6}_initial\.json/);
      expect(snapshots('shop')).toEqual([]);

      result = nx('g', '@om/nx:schema-migration', 'add-shop', '--project=shop');
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/use only letters, digits and underscores/);

      for (const project of ['shop', 'billing']) {
        result = nx('g', '@om/nx:schema-migration', 'initial', `--project=${project}`);
        expect(result.code).toBe(0);
        expect(result.output).toMatch(new RegExp(`added\\s+${project}:index`));
      }
      const [file] = snapshots('shop');
      expect(file).toMatch(/^\d{8}_\d{6}_initial\.json$/);
      const snapshot = JSON.parse(read(`apps/shop/migrations/schema-migrations/${file}`));
      expect(snapshot).toMatchObject({
        format: 'om-schema-migration/1',
        changes: [{ indexName: 'shop:index', kind: 'added' }],
      });
      const check = sh(join(ws, 'node_modules/.bin/prettier'), ['--check', 'apps/shop/migrations'], { cwd: ws, env });
      expect(check.code).toBe(0);

      // Nothing changed since: a message, and no file.
      result = nx('g', '@om/nx:schema-migration', 'again', '--project=shop');
      expect(result.code).toBe(0);
      expect(result.output).toMatch(/No index changes: the models match the latest schema migration/);
      expect(snapshots('shop')).toEqual([file]);
    });

    it('nx run shop:migrate-check passes, and the second run comes from the cache', () => {
      const cached = { ...env };
      delete cached.NX_SKIP_NX_CACHE;
      const run = () => {
        const result = sh(join(ws, 'node_modules/.bin/nx'), ['run', 'shop:migrate-check'], { cwd: ws, env: cached });
        note(keyLines(result.output).slice(0, 6));
        return result;
      };
      let result = run();
      expect(result.code).toBe(0);
      expect(result.output).toContain('The models match the latest schema migration.');
      result = run();
      expect(result.code).toBe(0);
      expect(result.output).toMatch(/local cache|from the cache/i);
    });

    it('status runs on a plain Redis; applying needs RediSearch and says so', () => {
      let result = nx('run', 'shop:migrate-status');
      expect(result.code).toBe(0);
      expect(result.output).toMatch(/Pending: 1/);

      // Every option of @om/nx:migrate, as the CLI flag the engine takes.
      result = nx(
        'run',
        'shop:migrate-status',
        '--json',
        '--strategy=recreate',
        '--indexingTimeout=5',
        '--maxIndexingFailures=1',
        '--migrationsDir=migrations',
        '--models=src/models.ts',
        `--redisUrl=${redis.url}`,
        '--keyPrefix=om:migrations:',
        '--lockTimeout=2',
        '--lockLease=5',
        '--verbose',
      );
      expect(result.code).toBe(0);
      expect(result.output.split('\n').find((line) => line.startsWith('> om '))).toBe(
        `> om migrate status --json --migrations-dir apps/shop/migrations --models apps/shop/src/models.ts --redis-url ${redis.url} ` +
          '--key-prefix om:migrations: --lock-timeout 2 --lock-lease 5 --strategy recreate --indexing-timeout 5 ' +
          '--max-indexing-failures 1 --verbose',
      );
      const [snapshot] = snapshots('shop');
      const id = snapshot!.replace(/\.json$/, '');
      result = nx(
        'run',
        'shop:migrate-rollback',
        id,
        '--dryRun',
        '--yes=false',
        '--redisUrlEnv=OTHER_REDIS_URL',
        '--verbose',
      );
      expect(result.output.split('\n').find((line) => line.startsWith('> om '))).toBe(
        `> om migrate rollback ${id} --dry-run --migrations-dir apps/shop/migrations --models apps/shop/src/models.ts ` +
          `--redis-url ${redis.url} --namespace shop --verbose`,
      );

      result = nx('run', 'shop:migrate', '--dry-run');
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/This server has no RediSearch module/);
    });

    it('nx affected -t migrate-check fails on a model changed without a snapshot, in that project only', () => {
      git('add', '.');
      git('commit', '-qm', 'schema migrations for shop and billing');
      const base = git('rev-parse', 'HEAD');

      write('apps/shop/src/models.ts', schemaModels('shop', '\n    sku: { type: "string", sortable: true },'));
      git('commit', '-qam', 'shop: sku');
      let result = nx('affected', '-t', 'migrate-check', `--base=${base}`, '--head=HEAD', '--output-style=static');
      expect(result.code).not.toBe(0);
      expect(result.output).toContain('nx run shop:migrate-check');
      expect(result.output).not.toContain('nx run billing:migrate-check');
      expect(result.output).toMatch(/changed\s+shop:index/);

      result = nx('g', '@om/nx:schema-migration', 'add_sku', '--project=shop');
      expect(result.code).toBe(0);
      expect(result.output).toMatch(/changed\s+shop:index/);
      git('add', '.');
      git('commit', '-qm', 'shop: add_sku schema migration');
      result = nx('affected', '-t', 'migrate-check', `--base=${base}`, '--head=HEAD', '--output-style=static');
      expect(result.code).toBe(0);
      expect(result.output).toContain('nx run shop:migrate-check');
      expect(result.output).not.toContain('nx run billing:migrate-check');
    });
  });
});
