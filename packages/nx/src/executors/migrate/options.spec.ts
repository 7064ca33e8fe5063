import { join } from 'node:path';
import { describeArgv, type RunContext } from '../shared/argv';
import { parseOptions, toArgv } from './options';

const ctx: RunContext = { workspaceRoot: '/ws', projectName: 'app', projectRoot: 'apps/app', env: {} };
const dir = join('/ws', 'apps/app', 'migrations');

describe('parseOptions (migrate)', () => {
  it('accepts each action with its own options', () => {
    expect(parseOptions({ action: 'run', dryRun: true, yes: true, strategy: 'recreate' })).toMatchObject({
      strategy: 'recreate',
    });
    expect(parseOptions({ action: 'status', json: true, yes: true })).toMatchObject({ json: true });
    expect(parseOptions({ action: 'rollback', id: '20250101_000000_a' })).toMatchObject({ id: '20250101_000000_a' });
    expect(parseOptions({ action: 'check', yes: true })).toMatchObject({ action: 'check' });
    expect(parseOptions({ action: 'auto', dryRun: true, indexingTimeout: 5 })).toMatchObject({ indexingTimeout: 5 });
    expect(parseOptions({ action: 'run', maxIndexingFailures: 0 })).toMatchObject({ maxIndexingFailures: 0 });
  });

  it.each([
    [{ action: 'create' }, /action/],
    [{ action: 'status', dryRun: true }, /dryRun does not apply to action "status"/],
    [{ action: 'verify', json: true }, /json does not apply to action "verify"/],
    [{ action: 'run', id: 'x' }, /id does not apply to action "run"/],
    [{ action: 'rollback' }, /id is required by action "rollback"/],
    [{ action: 'run', strategy: 'blue-green' }, /strategy/],
    [{ action: 'run', maxIndexingFailures: 1.5 }, /maxIndexingFailures/],
    [{ action: 'run', redisUrl: 'localhost:6379' }, /redisUrl must start with redis:\/\//],
  ])('refuses %j', (options, message) => {
    expect(() => parseOptions(options)).toThrow(message);
  });

  it('names the executor in its errors', () => {
    expect(() => parseOptions({ action: 'status', dryRun: true })).toThrow(/^Invalid options for @om\/nx:migrate: /);
  });
});

describe('toArgv (migrate)', () => {
  it('maps run and its options to one `om migrate run` call, paths from the project root', () => {
    expect(
      toArgv(
        parseOptions({
          action: 'run',
          dryRun: true,
          yes: true,
          strategy: 'recreate',
          indexingTimeout: 60,
          maxIndexingFailures: 2,
        }),
        {},
        ctx,
      ),
    ).toEqual([
      'migrate',
      'run',
      '--dry-run',
      '--yes',
      '--migrations-dir',
      dir,
      '--namespace',
      'app',
      '--strategy',
      'recreate',
      '--indexing-timeout',
      '60',
      '--max-indexing-failures',
      '2',
    ]);
  });

  it('passes the id of rollback as the positional argument', () => {
    expect(toArgv(parseOptions({ action: 'rollback', id: 'a_b', yes: true }), {}, ctx).slice(0, 4)).toEqual([
      'migrate',
      'rollback',
      'a_b',
      '--yes',
    ]);
  });

  it("takes the project's models, migrations folder, Redis URL variable and key prefix", () => {
    const settings = { migrationsDir: 'db', models: 'src/models.ts', redisUrlEnv: 'APP_REDIS_URL', keyPrefix: 'p:' };
    const env = { APP_REDIS_URL: 'redis://app:6379' };
    expect(toArgv(parseOptions({ action: 'status', yes: true }), settings, { ...ctx, env })).toEqual([
      'migrate',
      'status',
      '--migrations-dir',
      join('/ws/apps/app/db'),
      '--models',
      join('/ws/apps/app/src/models.ts'),
      '--redis-url',
      'redis://app:6379',
      '--key-prefix',
      'p:',
    ]);
  });

  it('check needs no Redis: it neither reads the Redis URL variable nor passes a URL', () => {
    const settings = { models: 'src/models.ts', redisUrlEnv: 'UNSET_REDIS_URL' };
    const argv = toArgv(parseOptions({ action: 'check', yes: true, redisUrl: 'redis://x:1' }), settings, ctx);
    expect(argv).toEqual(['migrate', 'check', '--migrations-dir', dir, '--models', join('/ws/apps/app/src/models.ts'), '--namespace', 'app']);
    // Every other action needs the variable.
    expect(() => toArgv(parseOptions({ action: 'verify' }), settings, ctx)).toThrow(/UNSET_REDIS_URL is not set/);
  });

  it('never passes data-migration settings (module) to `om migrate`', () => {
    expect(toArgv(parseOptions({ action: 'status' }), { module: 'src/migrations.ts' }, ctx)).not.toContain('--module');
  });

  it('shows the equivalent command', () => {
    const argv = toArgv(parseOptions({ action: 'auto', dryRun: true, redisUrl: 'redis://:pw@h:6379' }), {}, ctx);
    expect(describeArgv(argv, '/ws')).toBe(
      `om migrate auto --dry-run --migrations-dir ${join('apps/app/migrations')} --redis-url redis://***@h:6379 --namespace app`,
    );
  });
});
