import type { ExecutorContext } from '@nx/devkit';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeScratchDir, modelsSource, type ScratchDir } from '../../testing/scratch';
import { startRedis, type TestRedis } from '../../testing/redis-server';
import migrateAllExecutor from './migrate-all.impl';
import type { MigrateAllExecutorOptions } from './schema';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require('@om/migrations/cli') as { main(argv: readonly string[]): Promise<number> };

const BACKFILL = '20250101_000000_backfill';

/**
 * The executor against the real engine on a plain redis-server (no search module here): the
 * order of both kinds, data migrations applied and rolled back through it, a cycle refused.
 * Index builds are the engine's Redis Stack tests' business.
 */
describe('@om/nx:migrate-all', () => {
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
    const dir = join(ws.dir, 'apps/app/migrations/data-migrations');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, `${BACKFILL}.js`),
      `module.exports = { id: '${BACKFILL}', async up(ctx) { await ctx.redis.set('backfilled', '1'); }, async down(ctx) { await ctx.redis.del('backfilled'); } };\n`,
    );
    redis.cli('flushall');
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
      targetName: 'migrate-all',
      projectsConfigurations: {
        version: 2,
        projects: { app: { root: 'apps/app', metadata: { om: { models: 'src/models.ts', redisUrlEnv: 'APP_REDIS_URL' } } } },
      },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    };
  }

  const run = (options: Partial<MigrateAllExecutorOptions>) => migrateAllExecutor({ yes: true, ...options } as MigrateAllExecutorOptions, context());
  const createSnapshot = (...extra: string[]) =>
    main(['migrate', 'create', 'initial', '--models', join(ws.dir, 'apps/app/src/models.ts'), '--migrations-dir', join(ws.dir, 'apps/app/migrations'), ...extra]);

  it('plans both kinds in one order, applies and rolls back the data migration under the project namespace', async () => {
    expect(await createSnapshot('--after', BACKFILL)).toBe(0);
    output = [];
    // The order comes first; what the snapshot would send needs the search module, which this server lacks.
    expect(await run({ action: 'plan' })).toEqual({ success: false });
    const plan = output.join('\n');
    expect(plan).toMatch(new RegExp(`1\\. data   ${BACKFILL} \\(.*migrations/data-migrations/${BACKFILL}\\.js\\)`));
    expect(plan).toMatch(new RegExp(`2\\. schema \\d{8}_\\d{6}_initial after ${BACKFILL} \\(.*migrations/schema-migrations/`));
    expect(plan).toContain('This server has no RediSearch module');

    // Refused before anything runs: the snapshot could not be applied on this server.
    output = [];
    expect(await run({ action: 'run' })).toEqual({ success: false });
    expect(output.join('\n')).toContain('This server has no RediSearch module');
    expect(redis.cli('exists', 'backfilled')).toBe('0');
    expect(redis.cli('exists', 'om:migrations:app:data:ledger')).toBe('0');

    // Without the snapshot, the data migration runs through the executor under the project's namespace.
    rmSync(join(ws.dir, 'apps/app/migrations/schema-migrations'), { recursive: true });
    expect(await run({ action: 'run' })).toEqual({ success: true });
    expect(redis.cli('get', 'backfilled')).toBe('1');
    expect(redis.cli('hkeys', 'om:migrations:app:data:ledger')).toBe(BACKFILL);
    expect(await createSnapshot('--after', BACKFILL)).toBe(0);

    output = [];
    expect(await run({ action: 'status' })).toEqual({ success: true });
    expect(output.join('\n')).toContain('1 applied, 1 pending.');

    expect(await run({ action: 'rollback', everything: true })).toEqual({ success: true });
    expect(redis.cli('exists', 'backfilled')).toBe('0');
    expect(redis.cli('hlen', 'om:migrations:app:data:ledger')).toBe('0');
  });

  it('refuses a cycle between the kinds, and rollback without steps or everything', async () => {
    expect(await createSnapshot('--after', BACKFILL)).toBe(0);
    const [snapshot] = require('node:fs').readdirSync(join(ws.dir, 'apps/app/migrations/schema-migrations')) as string[];
    writeFileSync(
      join(ws.dir, `apps/app/migrations/data-migrations/${BACKFILL}.js`),
      `module.exports = { id: '${BACKFILL}', dependencies: ['schema:${snapshot!.replace('.json', '')}'], async up() {} };\n`,
    );
    // `create --after` loaded the file to check the id; under Jest a fresh load needs a fresh module registry.
    jest.resetModules();
    output = [];
    expect(await run({ action: 'run' })).toEqual({ success: false });
    expect(output.join('\n')).toContain('Migrations depend on each other in a cycle');
    expect(redis.cli('exists', 'om:migrations:app:data:ledger')).toBe('0');

    output = [];
    expect(await run({ action: 'rollback' })).toEqual({ success: false });
    expect(output.join('\n')).toContain('rollback needs either steps');
  });
});
