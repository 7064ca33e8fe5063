import type { ExecutorContext } from '@nx/devkit';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeScratchDir, modelsSource, type ScratchDir } from '../../testing/scratch';
import { startRedis, type TestRedis } from '../../testing/redis-server';
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
  let redis: TestRedis;
  let ws: ScratchDir;
  let output: string[];
  const env = { ...process.env };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  beforeEach(() => {
    ws = makeScratchDir({ 'apps/app/src/models.ts': modelsSource() });
    process.env.APP_REDIS_URL = redis.url;
    output = [];
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void output.push(args.join(' ')));
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk).trimEnd());
      return true;
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...env };
    ws.remove();
  });

  function context(): ExecutorContext {
    return {
      root: ws.dir,
      cwd: ws.dir,
      isVerbose: false,
      projectName: 'app',
      targetName: 'migrate',
      projectsConfigurations: {
        version: 2,
        projects: {
          app: { root: 'apps/app', metadata: { om: { models: 'src/models.ts', redisUrlEnv: 'APP_REDIS_URL' } } },
        },
      },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    };
  }

  const run = (options: Partial<MigrateExecutorOptions>) =>
    migrateExecutor({ yes: true, ...options } as MigrateExecutorOptions, context());
  const snapshotDir = () => join(ws.dir, 'apps/app/migrations/schema-migrations');
  const createSnapshot = (name: string) =>
    main([
      'migrate',
      'create',
      name,
      '--models',
      join(ws.dir, 'apps/app/src/models.ts'),
      '--migrations-dir',
      join(ws.dir, 'apps/app/migrations'),
    ]);

  it('check: fails while the models have no snapshot, passes once they do; needs no Redis URL', async () => {
    delete process.env.APP_REDIS_URL;
    await expect(run({ action: 'check' })).resolves.toEqual({ success: false });
    expect(output.join('\n')).toMatch(/added\s+person:index/);
    expect(output.join('\n')).toMatch(/1 index changed without a schema migration/);

    expect(await createSnapshot('initial')).toBe(0);
    output.length = 0;
    await expect(run({ action: 'check' })).resolves.toEqual({ success: true });
    expect(output.join('\n')).toContain('The models match the latest schema migration.');

    ws.write('apps/app/src/models.ts', modelsSource(", age: { type: 'number', sortable: true }"));
    // The engine reloads the models on every call; under Jest that takes a fresh module registry.
    jest.resetModules();
    output.length = 0;
    await expect(run({ action: 'check' })).resolves.toEqual({ success: false });
    expect(output.join('\n')).toMatch(/changed\s+person:index/);
  });

  it("names the generator, not `om migrate create`, in check's hint and status's note", async () => {
    await expect(run({ action: 'check' })).resolves.toEqual({ success: false });
    expect(output.join('\n')).toContain(
      'Run `nx g @om/nx:schema-migration <name> --project=app` and commit the new file.',
    );
    expect(output.join('\n')).not.toContain('om migrate create');
    output.length = 0;
    await expect(run({ action: 'status' })).resolves.toEqual({ success: true });
    expect(output.join('\n')).toContain(
      'Changed in the models since the latest schema migration (run `nx g @om/nx:schema-migration <name> --project=app`)',
    );
    // The CLI run outside the executor speaks for itself again.
    expect(process.env.OM_SCHEMA_CREATE_COMMAND).toBeUndefined();
  });

  it('prints exactly what the CLI prints for the same call', async () => {
    await createSnapshot('initial');
    output.length = 0;
    await run({ action: 'status' });
    const fromExecutor = output.splice(0);
    await main([
      'migrate',
      'status',
      '--migrations-dir',
      join(ws.dir, 'apps/app/migrations'),
      '--models',
      join(ws.dir, 'apps/app/src/models.ts'),
      '--redis-url',
      redis.url,
    ]);
    expect(fromExecutor).toEqual(output);
    expect(fromExecutor.join('\n')).toMatch(/Pending: 1/);
  });

  it('status --json and verify read the ledger (a plain Redis answers them)', async () => {
    await createSnapshot('initial');
    output.length = 0;
    await expect(run({ action: 'status', json: true })).resolves.toEqual({ success: true });
    expect(JSON.parse(output.join('\n'))).toMatchObject({ pendingCount: 1, appliedCount: 0, modelChanges: [] });
    await expect(run({ action: 'verify' })).resolves.toEqual({ success: true });
  });

  it("run fails with { success: false } and the engine's message on a Redis without RediSearch", async () => {
    await createSnapshot('initial');
    await expect(run({ action: 'run', dryRun: true })).resolves.toEqual({ success: false });
    expect(output.join('\n')).toMatch(/This server has no RediSearch module/);
    expect(readdirSync(snapshotDir())).toHaveLength(1);
  });

  it('fails with { success: false } on invalid options, before anything runs', async () => {
    await expect(run({ action: 'rollback' })).resolves.toEqual({ success: false });
    expect(output.join('\n')).toMatch(/Invalid options for @om\/nx:migrate: id is required by action "rollback"/);
  });

  it('fails clearly when the Redis URL variable of a Redis action is not set', async () => {
    delete process.env.APP_REDIS_URL;
    await expect(run({ action: 'status' })).resolves.toEqual({ success: false });
    expect(output.join('\n')).toMatch(/APP_REDIS_URL is not set/);
  });
});
