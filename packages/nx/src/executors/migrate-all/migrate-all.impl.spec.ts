import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelsSource } from '../../testing/scratch';
import { useExecutorSuite } from '../../testing/executor-suite';
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
  const suite = useExecutorSuite({
    files: () => ({
      'apps/app/src/models.ts': modelsSource(),
      [`apps/app/migrations/data-migrations/${BACKFILL}.js`]: `module.exports = { id: '${BACKFILL}', async up(ctx) { await ctx.redis.set('backfilled', '1'); }, async down(ctx) { await ctx.redis.del('backfilled'); } };\n`,
    }),
    env: (url) => ({ APP_REDIS_URL: url }),
  });
  const context = () => suite.context('migrate-all', { models: 'src/models.ts', redisUrlEnv: 'APP_REDIS_URL' });

  const run = (options: Partial<MigrateAllExecutorOptions>) => migrateAllExecutor({ yes: true, ...options } as MigrateAllExecutorOptions, context());
  const createSnapshot = (...extra: string[]) =>
    main(['migrate', 'create', 'initial', '--models', join(suite.dir, 'apps/app/src/models.ts'), '--migrations-dir', join(suite.dir, 'apps/app/migrations'), ...extra]);

  it('plans both kinds in one order, applies and rolls back the data migration under the project namespace', async () => {
    expect(await createSnapshot('--after', BACKFILL)).toBe(0);
    suite.clearOutput();
    // The order comes first; what the snapshot would send needs the search module, which this server lacks.
    expect(await run({ action: 'plan' })).toEqual({ success: false });
    const plan = suite.output.join('\n');
    expect(plan).toMatch(new RegExp(`1\\. data   ${BACKFILL} \\(.*migrations/data-migrations/${BACKFILL}\\.js\\)`));
    expect(plan).toMatch(new RegExp(`2\\. schema \\d{8}_\\d{6}_initial after ${BACKFILL} \\(.*migrations/schema-migrations/`));
    expect(plan).toContain('This server has no RediSearch module');

    // Refused before anything runs: the snapshot could not be applied on this server.
    suite.clearOutput();
    expect(await run({ action: 'run' })).toEqual({ success: false });
    expect(suite.output.join('\n')).toContain('This server has no RediSearch module');
    expect(suite.redis.cli('exists', 'backfilled')).toBe('0');
    expect(suite.redis.cli('exists', 'om:migrations:app:data:ledger')).toBe('0');

    // Without the snapshot, the data migration runs through the executor under the project's namespace.
    rmSync(join(suite.dir, 'apps/app/migrations/schema-migrations'), { recursive: true });
    expect(await run({ action: 'run' })).toEqual({ success: true });
    expect(suite.redis.cli('get', 'backfilled')).toBe('1');
    expect(suite.redis.cli('hkeys', 'om:migrations:app:data:ledger')).toBe(BACKFILL);
    expect(await createSnapshot('--after', BACKFILL)).toBe(0);

    suite.clearOutput();
    expect(await run({ action: 'status' })).toEqual({ success: true });
    expect(suite.output.join('\n')).toContain('1 applied, 1 pending.');

    expect(await run({ action: 'rollback', everything: true })).toEqual({ success: true });
    expect(suite.redis.cli('exists', 'backfilled')).toBe('0');
    expect(suite.redis.cli('hlen', 'om:migrations:app:data:ledger')).toBe('0');
  });

  it('refuses a cycle between the kinds, and rollback without steps or everything', async () => {
    expect(await createSnapshot('--after', BACKFILL)).toBe(0);
    const [snapshot] = require('node:fs').readdirSync(join(suite.dir, 'apps/app/migrations/schema-migrations')) as string[];
    writeFileSync(
      join(suite.dir, `apps/app/migrations/data-migrations/${BACKFILL}.js`),
      `module.exports = { id: '${BACKFILL}', dependencies: ['schema:${snapshot!.replace('.json', '')}'], async up() {} };\n`,
    );
    // `create --after` loaded the file to check the id; under Jest a fresh load needs a fresh module registry.
    jest.resetModules();
    suite.clearOutput();
    expect(await run({ action: 'run' })).toEqual({ success: false });
    expect(suite.output.join('\n')).toContain('Migrations depend on each other in a cycle');
    expect(suite.redis.cli('exists', 'om:migrations:app:data:ledger')).toBe('0');

    suite.clearOutput();
    expect(await run({ action: 'rollback' })).toEqual({ success: false });
    expect(suite.output.join('\n')).toContain('rollback needs either steps');
  });
});
