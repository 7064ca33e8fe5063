import { DataMigrator, MigrationFailedError, type DataMigratorEvents } from '../../src';
import { makeProject, recordingMigration } from '../support/cli';
import { useRedisServer } from '../support/redis-server';

const DIR = 'migrations/data-migrations';

const MODELS = `import { Schema } from 'redis-om';
export const userSchema = new Schema('user', { name: { type: 'string' }, email: { type: 'string' } }, { dataStructure: 'HASH' });
`;

describe('DataMigrator, the programmatic API', () => {
  const live = useRedisServer();

  it('status, run, rollback as in the seed, with events for progress', async () => {
    const project = makeProject({
      [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a'),
      [`${DIR}/20200102_000000_b.ts`]: recordingMigration('20200102_000000_b', { deps: ['20200101_000000_a'] }),
    });
    const migrator = new DataMigrator({ migrationsDir: 'migrations', cwd: project.dir, redisUrl: live.server.url });
    try {
      const status = await migrator.status();
      expect(status.pendingMigrations).toEqual(['20200101_000000_a', '20200102_000000_b']);

      const events: string[] = [];
      const record = (name: keyof DataMigratorEvents) => (e: { id?: string }) => events.push(`${name}:${e.id}`);
      migrator.on('migrating', record('migrating')).on('migrated', record('migrated'));
      const dry = await migrator.run({ dryRun: true });
      expect(dry.applied.map((a) => a.id)).toEqual(['20200101_000000_a', '20200102_000000_b']);
      expect(await live.redis.dbsize()).toBe(0);

      const result = await migrator.run({ dryRun: false, limit: 1 });
      expect(result).toMatchObject({ dryRun: false, batch: 1, skipped: [] });
      expect(result.applied.map((a) => a.id)).toEqual(['20200101_000000_a']);
      expect(events.slice(-2)).toEqual(['migrating:20200101_000000_a', 'migrated:20200101_000000_a']);

      await migrator.run();
      expect((await migrator.status()).appliedMigrations).toEqual(['20200101_000000_a', '20200102_000000_b']);
      const undone = await migrator.rollback('20200102_000000_b');
      expect(undone.rolledBack.map((r) => r.id)).toEqual(['20200102_000000_b']);
      expect(await live.redis.lrange('calls', 0, -1)).toEqual(['up:20200101_000000_a', 'up:20200102_000000_b', 'down:20200102_000000_b']);
    } finally {
      await migrator.close();
      project.remove();
    }
  });

  it('uses a client it is given and leaves it open', async () => {
    const project = makeProject({ [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a') });
    const migrator = new DataMigrator({ migrationsDir: 'migrations', cwd: project.dir, redis: live.redis });
    try {
      await migrator.run();
      await migrator.close();
      expect(await live.redis.lrange('calls', 0, -1)).toEqual(['up:20200101_000000_a']);
    } finally {
      project.remove();
    }
  });

  it('throws a MigrationFailedError naming the migration', async () => {
    const project = makeProject({ [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a', { up: "throw new TypeError('bad data');" }) });
    const migrator = new DataMigrator({ migrationsDir: 'migrations', cwd: project.dir, redis: live.redis });
    try {
      const failure = migrator.run();
      await expect(failure).rejects.toBeInstanceOf(MigrationFailedError);
      await expect(failure).rejects.toMatchObject({ migrationId: '20200101_000000_a', phase: 'up' });
      expect((await migrator.status()).appliedCount).toBe(0);
    } finally {
      project.remove();
    }
  });

  it('gives migrations a redis-om Repository, read-only in a dry run', async () => {
    const project = makeProject({
      'src/models.ts': MODELS,
      [`${DIR}/20200101_000000_seed.ts`]: `import { defineMigration } from '@om/migrations';
import { userSchema } from '../../src/models';
export default defineMigration({
  id: '20200101_000000_seed',
  supportsDryRun: true,
  async up(ctx) {
    const users = await ctx.repository(userSchema);
    if (ctx.dryRun) { ctx.logger.info('existing: ' + JSON.stringify(await users.fetch('1'))); return; }
    await users.save('1', { name: 'Ada', email: 'ADA@EXAMPLE.COM' });
  },
  async down(ctx) {
    const users = await ctx.repository(userSchema);
    await users.remove('1');
  },
});
`,
    });
    const lines: string[] = [];
    const logger = { info: (m: string) => lines.push(m), warn: () => undefined, error: () => undefined, debug: () => undefined };
    const migrator = new DataMigrator({ migrationsDir: 'migrations', cwd: project.dir, redis: live.redis, logger });
    try {
      await migrator.run({ dryRun: true });
      expect(lines).toEqual(['existing: {}']);
      expect(await live.redis.dbsize()).toBe(0);
      await migrator.run();
      expect(await live.redis.hgetall('user:1')).toEqual({ name: 'Ada', email: 'ADA@EXAMPLE.COM' });
      await migrator.rollback({ steps: 1 });
      expect(await live.redis.exists('user:1')).toBe(0);
    } finally {
      project.remove();
    }
  });
});
