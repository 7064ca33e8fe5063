import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject, recordingMigration, runOm, runOmInTerminal } from '../support/cli';
import { useRedisServer } from '../support/redis-server';

const DIR = 'migrations/data-migrations';

describe('om migrate-data against a real redis-server', () => {
  const live = useRedisServer();

  const om = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => runOm(args, { cwd, env: { REDIS_OM_URL: live.server.url, ...env } });
  const calls = () => live.redis.lrange('calls', 0, -1);

  it('creates, lists, runs, rolls back and resets, like the seed', async () => {
    const project = makeProject();
    try {
      const created = await om(['migrate-data', 'create', 'normalize_emails'], project.dir);
      expect(created.code).toBe(0);
      expect(created.stdout).toMatch(/Created data migration \d{8}_\d{6}_normalize_emails/);
      const [file] = readdirSync(join(project.dir, DIR));
      expect(file).toMatch(/^\d{8}_\d{6}_normalize_emails\.ts$/);
      const id = file!.replace(/\.ts$/, '');

      project.write(`${DIR}/20200101_000000_first.ts`, recordingMigration('20200101_000000_first'));
      let status = await om(['migrate-data', 'status'], project.dir);
      expect(status.stdout).toContain('Total migrations: 2\n  Applied: 0\n  Pending: 2');
      expect(status.stdout).toContain(`Pending migrations:\n  - 20200101_000000_first\n  - ${id}`);

      const run = await om(['migrate-data', 'run', '-y'], project.dir);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Applied 2 migrations (batch 1).');
      expect(await calls()).toEqual(['up:20200101_000000_first']);

      status = await om(['migrate-data', 'status', '--json'], project.dir);
      expect(JSON.parse(status.stdout)).toMatchObject({ appliedCount: 2, pendingCount: 0 });

      const rollback = await om(['migrate-data', 'rollback', '20200101_000000_first', '-y'], project.dir);
      expect(rollback.code).toBe(0);
      expect(await calls()).toEqual(['up:20200101_000000_first', 'down:20200101_000000_first']);

      const reset = await om(['migrate-data', 'reset', '-y'], project.dir);
      expect(reset.code).toBe(0);
      expect(reset.stdout).toContain('Rolled back 1 migration.');
      status = await om(['migrate-data', 'status', '--json'], project.dir);
      expect(JSON.parse(status.stdout)).toMatchObject({ appliedCount: 0, pendingCount: 2 });
    } finally {
      project.remove();
    }
  });

  it('runs dependencies first, then by id, and records batches that rollback --steps undoes', async () => {
    const project = makeProject({
      [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a', { deps: ['20200103_000000_c'] }),
      [`${DIR}/20200102_000000_b.ts`]: recordingMigration('20200102_000000_b'),
      [`${DIR}/20200103_000000_c.ts`]: recordingMigration('20200103_000000_c'),
    });
    try {
      expect((await om(['migrate-data', 'run', '-y', '--limit', '2'], project.dir)).code).toBe(0);
      expect(await calls()).toEqual(['up:20200102_000000_b', 'up:20200103_000000_c']);
      expect((await om(['migrate-data', 'run', '-y'], project.dir)).stdout).toContain('Applied 1 migration (batch 2).');
      expect(await calls()).toHaveLength(3);

      const steps = await om(['migrate-data', 'rollback', '--steps', '1', '-y'], project.dir);
      expect(steps.code).toBe(0);
      expect((await calls()).slice(3)).toEqual(['down:20200101_000000_a']);
      await om(['migrate-data', 'rollback', '--steps', '1', '-y'], project.dir);
      expect((await calls()).slice(4)).toEqual(['down:20200103_000000_c', 'down:20200102_000000_b']);
    } finally {
      project.remove();
    }
  });

  it('runs up to --target, inclusive', async () => {
    const project = makeProject({
      [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a'),
      [`${DIR}/20200102_000000_b.ts`]: recordingMigration('20200102_000000_b'),
      [`${DIR}/20200103_000000_c.ts`]: recordingMigration('20200103_000000_c'),
    });
    try {
      const result = await om(['migrate-data', 'run', '-y', '--target', '20200102_000000_b'], project.dir);
      expect(result.code).toBe(0);
      expect(await calls()).toEqual(['up:20200101_000000_a', 'up:20200102_000000_b']);
    } finally {
      project.remove();
    }
  });

  it('--dry-run lists what would run in order and writes nothing', async () => {
    const project = makeProject({
      [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a', { deps: ['20200102_000000_b'] }),
      [`${DIR}/20200102_000000_b.ts`]: recordingMigration('20200102_000000_b', {
        extra: 'supportsDryRun: true,',
        up: "if (ctx.dryRun) { ctx.logger.info('would touch ' + (await ctx.redis.dbsize()) + ' keys'); return; }",
      }),
    });
    try {
      await live.redis.set('existing', '1');
      const before = await live.redis.dbsize();
      const result = await om(['migrate-data', 'run', '--dry-run'], project.dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Dry run: would run 2 migrations, in this order:\n  1. 20200102_000000_b - test migration 20200102_000000_b\nwould touch 1 keys\n  2. 20200101_000000_a');
      expect(result.stdout).toContain('Nothing was written.');
      expect(await live.redis.dbsize()).toBe(before);
      expect(await live.redis.keys('om:*')).toEqual([]);
    } finally {
      project.remove();
    }
  });

  it('a migration that writes during a dry run is stopped before the write', async () => {
    const project = makeProject({
      [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a', { extra: 'supportsDryRun: true,' }),
    });
    try {
      const result = await om(['migrate-data', 'run', '--dry-run'], project.dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Data migration 20200101_000000_a tried to send RPUSH during a dry run; nothing was written.');
      expect(await live.redis.dbsize()).toBe(0);
    } finally {
      project.remove();
    }
  });

  it('a migration that throws is not recorded; earlier ones in its batch stay applied', async () => {
    const project = makeProject({
      [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a'),
      [`${DIR}/20200102_000000_b.ts`]: recordingMigration('20200102_000000_b', { up: "throw new Error('boom in b');" }),
      [`${DIR}/20200103_000000_c.ts`]: recordingMigration('20200103_000000_c'),
    });
    try {
      const result = await om(['migrate-data', 'run', '-y'], project.dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('error: Data migration 20200102_000000_b failed in up(): boom in b');
      expect(result.stderr).not.toMatch(/\n\s+at /);
      const status = JSON.parse((await om(['migrate-data', 'status', '--json'], project.dir)).stdout);
      expect(status.appliedMigrations).toEqual(['20200101_000000_a']);
      expect(status.pendingMigrations).toEqual(['20200102_000000_b', '20200103_000000_c']);
      expect(await live.redis.exists('om:migrations:lock')).toBe(0);
    } finally {
      project.remove();
    }
  });

  it('canRun() false leaves a migration and its dependents pending, with the reason', async () => {
    const project = makeProject({
      [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a', {
        canRun: "return { ok: (await ctx.redis.exists('ready')) === 1, reason: 'key ready is not set' };",
      }),
      [`${DIR}/20200102_000000_b.ts`]: recordingMigration('20200102_000000_b', { deps: ['20200101_000000_a'] }),
      [`${DIR}/20200103_000000_c.ts`]: recordingMigration('20200103_000000_c', { canRun: 'return false;' }),
      [`${DIR}/20200104_000000_d.ts`]: recordingMigration('20200104_000000_d'),
    });
    try {
      const result = await om(['migrate-data', 'run', '-y'], project.dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('20200101_000000_a skipped: key ready is not set');
      expect(result.stdout).toContain('20200102_000000_b skipped: its dependency 20200101_000000_a did not run');
      expect(result.stdout).toContain('20200103_000000_c skipped: canRun() returned false');
      expect(await calls()).toEqual(['up:20200104_000000_d']);
      const detailed = await om(['migrate-data', 'status', '--detailed'], project.dir);
      expect(detailed.stdout).toContain('20200101_000000_a  (cannot run yet: key ready is not set)');

      await live.redis.set('ready', '1');
      await om(['migrate-data', 'run', '-y'], project.dir);
      expect((await calls()).slice(1)).toEqual(['up:20200101_000000_a', 'up:20200102_000000_b']);
    } finally {
      project.remove();
    }
  });

  it('status flags an applied migration whose file changed, or is gone', async () => {
    const project = makeProject({
      [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a'),
      [`${DIR}/20200102_000000_b.ts`]: recordingMigration('20200102_000000_b'),
    });
    try {
      await om(['migrate-data', 'run', '-y'], project.dir);
      project.write(`${DIR}/20200101_000000_a.ts`, recordingMigration('20200101_000000_a', { up: '// edited' }));
      project.write(`${DIR}/20200102_000000_b.ts`, '');
      require('node:fs').rmSync(join(project.dir, `${DIR}/20200102_000000_b.ts`));
      const status = await om(['migrate-data', 'status'], project.dir);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('  - 20200101_000000_a  (CHANGED since it was applied)');
      expect(status.stdout).toContain('  - 20200102_000000_b  (MISSING: applied');
    } finally {
      project.remove();
    }
  });

  it('stamp marks a migration applied without running it', async () => {
    const project = makeProject({ [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a') });
    try {
      const result = await om(['migrate-data', 'stamp', '20200101_000000_a'], project.dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Stamped 20200101_000000_a as applied (batch 1)');
      expect(await calls()).toEqual([]);
      expect((await om(['migrate-data', 'run', '-y'], project.dir)).stdout).toContain('No pending data migrations.');
    } finally {
      project.remove();
    }
  });

  it('loads the class form and a --module with a MIGRATIONS export', async () => {
    const project = makeProject({
      [`${DIR}/20200101_000000_cls.ts`]: `import { BaseMigration, type MigrationContext } from '@om/migrations';
export class Cls extends BaseMigration {
  override readonly description = 'class form';
  async up(ctx: MigrationContext) { await ctx.redis.rpush('calls', 'up:' + this.id); }
}
`,
      'lib/migrations.ts': `import { BaseMigration, type MigrationContext } from '@om/migrations';
class One extends BaseMigration {
  override readonly id = '001_one';
  async up(ctx: MigrationContext) { await ctx.redis.rpush('calls', 'up:001_one'); }
}
export const MIGRATIONS = [One, { id: '002_two', dependencies: ['001_one'], up: async (ctx: MigrationContext) => { await ctx.redis.rpush('calls', 'up:002_two'); } }];
`,
    });
    try {
      expect((await om(['migrate-data', 'run', '-y'], project.dir)).code).toBe(0);
      expect(await calls()).toEqual(['up:20200101_000000_cls']);
      const moduleRun = await om(['migrate-data', 'run', '-y', '--module', './lib/migrations.ts'], project.dir);
      expect(moduleRun.stderr).toBe('');
      expect(await calls()).toEqual(['up:20200101_000000_cls', 'up:001_one', 'up:002_two']);
    } finally {
      project.remove();
    }
  });

  it('honours REDIS_OM_MIGRATIONS_DIR and --migrations-dir', async () => {
    const project = makeProject({ ['custom/data-migrations/20200101_000000_a.ts']: recordingMigration('20200101_000000_a') });
    try {
      const viaEnv = await om(['migrate-data', 'status', '--json'], project.dir, { REDIS_OM_MIGRATIONS_DIR: 'custom' });
      expect(JSON.parse(viaEnv.stdout).totalMigrations).toBe(1);
      const viaFlag = await om(['migrate-data', 'status', '--json', '--migrations-dir', 'custom'], project.dir);
      expect(JSON.parse(viaFlag.stdout).totalMigrations).toBe(1);
      const created = await om(['migrate-data', 'create', 'x', '--migrations-dir', 'other'], project.dir);
      expect(created.code).toBe(0);
      expect(readdirSync(join(project.dir, 'other/data-migrations'))).toHaveLength(1);
    } finally {
      project.remove();
    }
  });

  it('without a terminal, run refuses without -y and changes nothing', async () => {
    const project = makeProject({ [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a') });
    try {
      const result = await om(['migrate-data', 'run'], project.dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('"Run 1 migration?" needs an answer, and there is no terminal to ask on.');
      expect(result.stderr).toContain('Pass -y (--yes)');
      expect(await live.redis.dbsize()).toBe(0);
    } finally {
      project.remove();
    }
  });

  it('on a terminal, run asks first: y runs, n changes nothing', async () => {
    const project = makeProject({ [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a') });
    try {
      const env = { REDIS_OM_URL: live.server.url };
      const no = await runOmInTerminal(['migrate-data', 'run'], 'n\r', { cwd: project.dir, env });
      expect(no.stdout).toContain('Run 1 migration?');
      expect(no.stdout).toContain('Aborted: nothing was changed.');
      expect(no.code).toBe(1);
      expect(await live.redis.dbsize()).toBe(0);
      const yes = await runOmInTerminal(['migrate-data', 'run'], 'y\r', { cwd: project.dir, env });
      expect(yes.stdout).toContain('Applied 1 migration (batch 1).');
      expect(yes.code).toBe(0);
      expect(await calls()).toEqual(['up:20200101_000000_a']);
    } finally {
      project.remove();
    }
  });

  it('writes the generated file so that it loads and runs as it is', async () => {
    const project = makeProject();
    try {
      await om(['migrate-data', 'create', 'fresh'], project.dir);
      const [file] = readdirSync(join(project.dir, DIR));
      expect(readFileSync(join(project.dir, DIR, file!), 'utf8')).toContain("import { defineMigration } from '@om/migrations';");
      const run = await om(['migrate-data', 'run', '-y'], project.dir);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('fresh: nothing to do yet');
      expect(existsSync(join(project.dir, DIR))).toBe(true);
    } finally {
      project.remove();
    }
  });
});
