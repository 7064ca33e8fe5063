import { makeProject, runOm } from '../support/cli';
import { useRedisServer } from '../support/redis-server';

const ID = '001_datetime_fields_to_timestamps';

/**
 * The standard Nx layout: `paths` in tsconfig.base.json at the workspace root, an app with no
 * tsconfig of its own importing a library through the alias, a library tsconfig that extends
 * the base one.
 */
function workspace() {
  return makeProject({
    'tsconfig.base.json': JSON.stringify({
      compilerOptions: { baseUrl: '.', paths: { '@shop/models': ['libs/models/src/index.ts'], '@shop/util/*': ['libs/util/src/*'] } },
    }),
    'libs/models/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json' }),
    'libs/models/src/index.ts': `export { orderSchema } from './order';\n`,
    'libs/models/src/order.ts': `import { Schema } from 'redis-om';\nimport { suffix } from '@shop/util/names';\nexport const orderSchema = new Schema('Order' + suffix, { placedAt: { type: 'date' } }, { dataStructure: 'HASH' });\n`,
    'libs/util/src/names.ts': `export const suffix = '';\n`,
    'apps/api/src/models.ts': `export { orderSchema } from '@shop/models';\n`,
    'apps/api/migrations/data-migrations/20240101_000000_touch.ts': `import { orderSchema } from '@shop/models';\nexport default { id: '20240101_000000_touch', async up(ctx: any) { await ctx.redis.set('touched', orderSchema.schemaName); } };\n`,
    'apps/api/src/broken.ts': `export { orderSchema } from '@shop/missing';\n`,
    'apps/api/src/mapped-wrong.ts': `export * from '@shop/util/nothing-here';\n`,
  });
}

describe('models and migrations that import through the workspace path mapping (real redis-server)', () => {
  const live = useRedisServer();
  let project: ReturnType<typeof workspace>;
  beforeAll(() => {
    project = workspace();
  });
  afterAll(() => project.remove());
  const om = (...args: string[]) => runOm(['migrate-data', ...args], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });

  it('loads models re-exported from a library through tsconfig.base.json paths, with no tsconfig in the app', async () => {
    const status = await om('status', '--models', 'apps/api/src/models.ts', '--migrations-dir', 'apps/api/migrations');
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Pending migrations:\n  - 20240101_000000_touch`);
    expect(status.stdout).toContain(`Built-in migrations not enabled (they run only where enabled):\n  - ${ID}`);
  });

  it('runs a migration file that imports through the alias', async () => {
    const run = await om('run', '-y', '--migrations-dir', 'apps/api/migrations');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await live.redis.get('touched')).toBe('Order');
  });

  it('names the import that does not resolve and the tsconfig files consulted, not --models', async () => {
    const result = await om('status', '--models', 'apps/api/src/broken.ts', '--migrations-dir', 'apps/api/migrations');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "Cannot load the models entry apps/api/src/broken.ts: Cannot find module '@shop/missing' imported by apps/api/src/broken.ts: no \"paths\" entry matches it (tsconfig files consulted: tsconfig.base.json).",
    );
    expect(result.stderr).toContain("Add '@shop/missing' to \"paths\" in tsconfig.base.json");
    expect(result.stderr).not.toContain('Pass --models');
  });

  it('names the file a "paths" entry maps to when nothing is there, and the extends chain it read', async () => {
    project.write('libs/models/src/bad.ts', `export * from '@shop/util/gone';\n`);
    project.write('apps/api/src/via-lib.ts', `export * from '../../../libs/models/src/bad';\n`);
    const result = await om('status', '--models', 'apps/api/src/via-lib.ts', '--migrations-dir', 'apps/api/migrations');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "Cannot find module '@shop/util/gone' imported by libs/models/src/bad.ts: \"paths\" maps it to libs/util/src/gone, where no file exists (tsconfig files consulted: libs/models/tsconfig.json, tsconfig.base.json).",
    );
  });
});
