import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { modelsSource } from '../../testing/scratch';
import { useExecutorSuite } from '../../testing/executor-suite';
import migrateExecutor from './migrate.impl';
import type { MigrateExecutorOptions } from './schema';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require('@om/migrations/cli') as { main(argv: readonly string[]): Promise<number> };

/**
 * The executor against the real engine. `check` needs no Redis at all. The redis-server here has
 * no search module (none is available to these tests), so the Redis actions are shown up to
 * what a plain server can answer: status and verify read only the ledger, and run fails with
 * the engine's "no RediSearch module" error. Index builds are the engine's tests' business.
 */
describe('@om/nx:migrate', () => {
  const suite = useExecutorSuite({ files: () => ({ 'apps/app/src/models.ts': modelsSource() }), env: (url) => ({ APP_REDIS_URL: url }) });
  const context = () => suite.context('migrate', { models: 'src/models.ts', redisUrlEnv: 'APP_REDIS_URL' });

  const run = (options: Partial<MigrateExecutorOptions>) =>
    migrateExecutor({ yes: true, ...options } as MigrateExecutorOptions, context());
  const snapshotDir = () => join(suite.dir, 'apps/app/migrations/schema-migrations');
  const createSnapshot = (name: string) =>
    main([
      'migrate',
      'create',
      name,
      '--models',
      join(suite.dir, 'apps/app/src/models.ts'),
      '--migrations-dir',
      join(suite.dir, 'apps/app/migrations'),
    ]);

  it('check: fails while the models have no snapshot, passes once they do; needs no Redis URL', async () => {
    delete process.env.APP_REDIS_URL;
    await expect(run({ action: 'check' })).resolves.toEqual({ success: false });
    expect(suite.output.join('\n')).toMatch(/added\s+person:index/);
    expect(suite.output.join('\n')).toMatch(/1 index changed without a schema migration/);

    expect(await createSnapshot('initial')).toBe(0);
    suite.clearOutput();
    await expect(run({ action: 'check' })).resolves.toEqual({ success: true });
    expect(suite.output.join('\n')).toContain('The models match the latest schema migration.');

    suite.write('apps/app/src/models.ts', modelsSource(", age: { type: 'number', sortable: true }"));
    // The engine reloads the models on every call; under Jest that takes a fresh module registry.
    jest.resetModules();
    suite.clearOutput();
    await expect(run({ action: 'check' })).resolves.toEqual({ success: false });
    expect(suite.output.join('\n')).toMatch(/changed\s+person:index/);
  });

  it("names the generator, not `om migrate create`, in check's hint and status's note", async () => {
    await expect(run({ action: 'check' })).resolves.toEqual({ success: false });
    expect(suite.output.join('\n')).toContain(
      'Run `nx g @om/nx:schema-migration <name> --project=app` and commit the new file.',
    );
    expect(suite.output.join('\n')).not.toContain('om migrate create');
    suite.clearOutput();
    await expect(run({ action: 'status' })).resolves.toEqual({ success: true });
    expect(suite.output.join('\n')).toContain(
      'Changed in the models since the latest schema migration (run `nx g @om/nx:schema-migration <name> --project=app`)',
    );
    // The CLI run outside the executor speaks for itself again.
    expect(process.env.OM_SCHEMA_CREATE_COMMAND).toBeUndefined();
  });

  it('prints exactly what the CLI prints for the same call', async () => {
    await createSnapshot('initial');
    suite.clearOutput();
    await run({ action: 'status' });
    const fromExecutor = suite.output.splice(0);
    await main([
      'migrate',
      'status',
      '--migrations-dir',
      join(suite.dir, 'apps/app/migrations'),
      '--models',
      join(suite.dir, 'apps/app/src/models.ts'),
      '--redis-url',
      suite.redis.url,
    ]);
    expect(fromExecutor).toEqual(suite.output);
    expect(fromExecutor.join('\n')).toMatch(/Pending: 1/);
  });

  it('status --json and verify read the ledger (a plain Redis answers them)', async () => {
    await createSnapshot('initial');
    suite.clearOutput();
    await expect(run({ action: 'status', json: true })).resolves.toEqual({ success: true });
    expect(JSON.parse(suite.output.join('\n'))).toMatchObject({ pendingCount: 1, appliedCount: 0, modelChanges: [] });
    await expect(run({ action: 'verify' })).resolves.toEqual({ success: true });
  });

  it("run fails with { success: false } and the engine's message on a Redis without RediSearch", async () => {
    await createSnapshot('initial');
    await expect(run({ action: 'run', dryRun: true })).resolves.toEqual({ success: false });
    expect(suite.output.join('\n')).toMatch(/This server has no RediSearch module/);
    expect(readdirSync(snapshotDir())).toHaveLength(1);
  });

  it('fails with { success: false } on invalid options, before anything runs', async () => {
    await expect(run({ action: 'rollback' })).resolves.toEqual({ success: false });
    expect(suite.output.join('\n')).toMatch(/Invalid options for @om\/nx:migrate: id is required by action "rollback"/);
  });

  it('fails clearly when the Redis URL variable of a Redis action is not set', async () => {
    delete process.env.APP_REDIS_URL;
    await expect(run({ action: 'status' })).resolves.toEqual({ success: false });
    expect(suite.output.join('\n')).toMatch(/APP_REDIS_URL is not set/);
  });
});
