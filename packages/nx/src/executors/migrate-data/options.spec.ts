import { join } from 'node:path';
import { describeArgv, parseOptions, toArgv, type RunContext } from './options';

const ctx: RunContext = { workspaceRoot: '/ws', projectName: 'app', projectRoot: 'apps/app', env: {} };
const dir = join('/ws', 'apps/app', 'migrations');

describe('parseOptions', () => {
  it('accepts each action with its own options', () => {
    expect(parseOptions({ action: 'run', dryRun: true, limit: 2, upTo: 'x', yes: true })).toMatchObject({ limit: 2 });
    expect(parseOptions({ action: 'status', detailed: true, json: true, yes: true })).toMatchObject({ json: true });
    expect(parseOptions({ action: 'rollback', steps: 1 })).toMatchObject({ steps: 1 });
    expect(parseOptions({ action: 'rollback', id: '20250101_000000_a' })).toMatchObject({ id: '20250101_000000_a' });
    expect(parseOptions({ action: 'stamp', id: '20250101_000000_a' })).toMatchObject({ action: 'stamp' });
  });

  it.each([
    [{ action: 'migrate' }, /action/],
    [{ action: 'status', limit: 1 }, /limit does not apply to action "status"/],
    [{ action: 'run', steps: 1 }, /steps does not apply to action "run"/],
    [{ action: 'run', id: 'x' }, /id does not apply/],
    [{ action: 'stamp' }, /id is required by action "stamp"/],
    [{ action: 'rollback' }, /either a migration id or steps/],
    [{ action: 'rollback', id: 'x', steps: 1 }, /either a migration id or steps/],
    [{ action: 'run', limit: 0 }, /limit/],
    [{ action: 'run', redisUrl: 'localhost:6379' }, /redisUrl must start with redis:\/\//],
    [{ action: 'run', redisUrlEnv: 'redis://x' }, /redisUrlEnv must be the name of an environment variable/],
  ])('refuses %j', (options, message) => {
    expect(() => parseOptions(options)).toThrow(message);
  });

  it('ignores options a target default leaves off (false), so status works beside yes: true', () => {
    expect(() => parseOptions({ action: 'status', dryRun: false, yes: true })).not.toThrow();
  });

  it('refuses an option it does not know instead of dropping it, old names included', () => {
    expect(() => parseOptions({ action: 'run', dryrun: true })).toThrow(/unknown option dryrun/);
    expect(() => parseOptions({ action: 'run', target: 'x' })).toThrow(/unknown option target/);
    expect(() => parseOptions({ action: 'run', verbose: true })).toThrow(/unknown option verbose/);
  });

  it('reads dry-run as dryRun, whichever spelling it is given in', () => {
    expect(parseOptions({ action: 'run', 'dry-run': true })).toEqual({ action: 'run', dryRun: true });
    expect(parseOptions({ action: 'run', 'up-to': 'x', 'batch-size': 5 })).toEqual({
      action: 'run',
      upTo: 'x',
      batchSize: 5,
    });
    expect(() => parseOptions({ action: 'run', dryRun: true, 'dry-run': false })).toThrow(
      /dryRun is given twice, with different values/,
    );
    expect(parseOptions({ action: 'run', dryRun: true, 'dry-run': true })).toEqual({ action: 'run', dryRun: true });
  });
});

describe('toArgv', () => {
  it('maps run and its options to one `om migrate-data run` call, paths from the project root', () => {
    expect(toArgv(parseOptions({ action: 'run', dryRun: true, limit: 2, upTo: 't', yes: true }), {}, ctx)).toEqual([
      'migrate-data',
      'run',
      '--dry-run',
      '--limit',
      '2',
      '--target',
      't',
      '--yes',
      '--migrations-dir',
      dir,
      '--namespace',
      'app',
    ]);
  });

  it('passes the id of rollback and stamp as the positional argument', () => {
    expect(toArgv(parseOptions({ action: 'rollback', id: 'a_b', yes: true }), {}, ctx).slice(0, 4)).toEqual([
      'migrate-data',
      'rollback',
      'a_b',
      '--yes',
    ]);
    expect(toArgv(parseOptions({ action: 'stamp', id: 'a_b' }), {}, ctx).slice(0, 3)).toEqual([
      'migrate-data',
      'stamp',
      'a_b',
    ]);
    expect(toArgv(parseOptions({ action: 'rollback', steps: 2 }), {}, ctx).slice(0, 4)).toEqual([
      'migrate-data',
      'rollback',
      '--steps',
      '2',
    ]);
  });

  it('drops options of other actions and forwards the common ones', () => {
    const argv = toArgv(
      parseOptions({ action: 'status', json: true, yes: true, keyPrefix: 'app:', lockTimeout: 1.5 }),
      {},
      { ...ctx, verbose: true },
    );
    expect(argv).toEqual([
      'migrate-data',
      'status',
      '--json',
      '--migrations-dir',
      dir,
      '--key-prefix',
      'app:',
      '--lock-timeout',
      '1.5',
      '--verbose',
    ]);
  });

  it('takes project settings under the options: migrationsDir, module, keyPrefix, lockTimeout', () => {
    const settings = { migrationsDir: 'db', module: './src/migrations.ts', keyPrefix: 'p:', lockTimeout: 3 };
    expect(toArgv(parseOptions({ action: 'status' }), settings, ctx)).toEqual([
      'migrate-data',
      'status',
      '--migrations-dir',
      join('/ws/apps/app/db'),
      '--module',
      join('/ws/apps/app/src/migrations.ts'),
      '--key-prefix',
      'p:',
      '--lock-timeout',
      '3',
    ]);
    expect(toArgv(parseOptions({ action: 'status', migrationsDir: 'other', keyPrefix: 'o:' }), settings, ctx)).toEqual(
      expect.arrayContaining([join('/ws/apps/app/other'), 'o:']),
    );
  });

  it("passes the project's models entry as --models when it is one path, never a list or a glob", () => {
    const models = join('/ws/apps/app/src/models.ts');
    expect(toArgv(parseOptions({ action: 'status' }), { models: 'src/models.ts' }, ctx)).toEqual(
      expect.arrayContaining(['--models', models]),
    );
    expect(toArgv(parseOptions({ action: 'status' }), { models: ['src/a.ts', 'src/b.ts'] }, ctx)).not.toContain(
      '--models',
    );
    expect(toArgv(parseOptions({ action: 'status' }), { models: 'src/**/*.schema.ts' }, ctx)).not.toContain('--models');
    expect(toArgv(parseOptions({ action: 'status', models: '@acme/models' }), { models: 'src/x.ts' }, ctx)).toEqual(
      expect.arrayContaining(['--models', '@acme/models']),
    );
  });

  it('forwards the batch options of run, rollback, stats and verify, and the lock lease', () => {
    const argv = toArgv(
      parseOptions({
        action: 'run',
        failureMode: 'log_and_skip',
        batchSize: 500,
        maxErrors: 0,
        timezone: 'Europe/Paris',
        lockLease: 10,
      }),
      {},
      ctx,
    );
    expect(argv.join(' ')).toContain(
      '--failure-mode log_and_skip --batch-size 500 --max-errors 0 --timezone Europe/Paris --migrations-dir',
    );
    expect(argv.slice(-2)).toEqual(['--lock-lease', '10']);
    expect(toArgv(parseOptions({ action: 'run', upTo: '20250101_000000_a' }), {}, ctx).slice(0, 4)).toEqual([
      'migrate-data',
      'run',
      '--target',
      '20250101_000000_a',
    ]);
    expect(toArgv(parseOptions({ action: 'verify', checkData: true, limit: 5 }), {}, ctx).slice(0, 5)).toEqual([
      'migrate-data',
      'verify',
      '--check-data',
      '--limit',
      '5',
    ]);
    expect(() => parseOptions({ action: 'reset', batchSize: 10 })).toThrow(
      /batchSize does not apply to action "reset"/,
    );
    expect(() => parseOptions({ action: 'run', failureMode: 'ignore' })).toThrow(/failureMode/);
  });

  it('passes the checkpoint name of clear-progress as its positional argument', () => {
    expect(toArgv(parseOptions({ action: 'clear-progress', id: '2025' }), {}, ctx).slice(0, 3)).toEqual([
      'migrate-data',
      'clear-progress',
      '2025',
    ]);
    expect(toArgv(parseOptions({ action: 'clear-progress' }), {}, ctx).slice(0, 3)).toEqual([
      'migrate-data',
      'clear-progress',
      '--migrations-dir',
    ]);
  });

  it('keeps a package name given as module', () => {
    expect(toArgv(parseOptions({ action: 'status', module: '@acme/migrations' }), {}, ctx)).toContain(
      '@acme/migrations',
    );
  });

  it('reads the Redis URL from the named environment variable', () => {
    const env = { APP_REDIS_URL: 'redis://app:6379', OTHER: 'redis://other:6379' };
    expect(toArgv(parseOptions({ action: 'status' }), { redisUrlEnv: 'APP_REDIS_URL' }, { ...ctx, env })).toEqual(
      expect.arrayContaining(['--redis-url', 'redis://app:6379']),
    );
    expect(
      toArgv(
        parseOptions({ action: 'status', redisUrlEnv: 'OTHER' }),
        { redisUrlEnv: 'APP_REDIS_URL' },
        { ...ctx, env },
      ),
    ).toEqual(expect.arrayContaining(['--redis-url', 'redis://other:6379']));
    // Without a name the CLI reads REDIS_OM_URL itself.
    expect(toArgv(parseOptions({ action: 'status' }), {}, { ...ctx, env })).not.toContain('--redis-url');
  });

  it('fails, naming the variable, when the named environment variable is not set', () => {
    expect(() => toArgv(parseOptions({ action: 'status' }), { redisUrlEnv: 'STAGING_REDIS_URL' }, ctx)).toThrow(
      /STAGING_REDIS_URL is not set/,
    );
  });

  it('shows the equivalent command with paths relative to the workspace and the password hidden', () => {
    const argv = toArgv(parseOptions({ action: 'run', yes: true, redisUrl: 'redis://:s3cret@h:6379' }), {}, ctx);
    expect(describeArgv(argv, '/ws')).toBe(
      `om migrate-data run --yes --migrations-dir ${join('apps/app/migrations')} --redis-url redis://***@h:6379 --namespace app`,
    );
  });
});

describe('namespace and built-ins', () => {
  const flagValues = (argv: string[], flag: string) => argv.flatMap((arg, i) => (arg === flag ? [argv[i + 1]] : []));

  it("keeps the project's ledgers under its name by default; metadata.om.namespace or the option overrides it", () => {
    expect(flagValues(toArgv(parseOptions({ action: 'status' }), {}, ctx), '--namespace')).toEqual(['app']);
    expect(flagValues(toArgv(parseOptions({ action: 'status' }), { namespace: 'shop' }, ctx), '--namespace')).toEqual(['shop']);
    expect(flagValues(toArgv(parseOptions({ action: 'status', namespace: 'x' }), { namespace: 'shop' }, ctx), '--namespace')).toEqual(['x']);
  });

  it('passes no namespace once a key prefix is set (option or metadata.om), unless a namespace is set too', () => {
    const viaSettings = toArgv(parseOptions({ action: 'status' }), { keyPrefix: 'om:migrations:' }, ctx);
    expect(flagValues(viaSettings, '--key-prefix')).toEqual(['om:migrations:']);
    expect(viaSettings).not.toContain('--namespace');
    expect(toArgv(parseOptions({ action: 'status', keyPrefix: 'k:' }), {}, ctx)).not.toContain('--namespace');
    expect(flagValues(toArgv(parseOptions({ action: 'status' }), { keyPrefix: 'k:', namespace: 'n' }, ctx), '--namespace')).toEqual(['n']);
  });

  it('passes each built-in of the option or of metadata.om as one --builtin, and none by default', () => {
    expect(toArgv(parseOptions({ action: 'run' }), {}, ctx)).not.toContain('--builtin');
    expect(flagValues(toArgv(parseOptions({ action: 'run' }), { builtins: ['datetime'] }, ctx), '--builtin')).toEqual(['datetime']);
    expect(flagValues(toArgv(parseOptions({ action: 'run', builtins: ['datetime'] }), {}, ctx), '--builtin')).toEqual(['datetime']);
    expect(() => parseOptions({ action: 'run', builtins: ['dates'] })).toThrow(/builtins/);
  });
});
