import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { useExecutorSuite } from '../../testing/executor-suite';
import migrateDataExecutor from './migrate-data.impl';
import type { MigrateDataExecutorOptions } from './schema';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require('@om/migrations/cli') as { main(argv: readonly string[]): Promise<number> };

function migration(id: string, key: string, extra = ''): string {
  return `module.exports = {
  id: '${id}',
  description: 'sets ${key}',
  async up(ctx) { ${extra} await ctx.redis.set('${key}', '1'); },
  async down(ctx) { await ctx.redis.del('${key}'); },
};
`;
}

describe('@om/nx:migrate-data against a real redis-server', () => {
  const suite = useExecutorSuite({
    files: () => ({
      'apps/app/migrations/data-migrations/20250101_000000_first.js': migration('20250101_000000_first', 'first'),
      'apps/app/migrations/data-migrations/20250102_000000_second.js': migration('20250102_000000_second', 'second'),
    }),
    env: (url) => ({ APP_REDIS_URL: url, STAGING_REDIS_URL: `${url}/0` }),
  });
  const context = (configurationName?: string) =>
    suite.context('migrate-data', { redisUrlEnv: 'APP_REDIS_URL', configurations: { staging: { redisUrlEnv: 'STAGING_REDIS_URL', keyPrefix: 'staging:' } } }, configurationName);

  const run = (options: Partial<MigrateDataExecutorOptions>, configurationName?: string) =>
    migrateDataExecutor({ yes: true, ...options } as MigrateDataExecutorOptions, context(configurationName));

  it('runs pending migrations, shows the status, and rolls back the last batch', async () => {
    await expect(run({ action: 'run' })).resolves.toEqual({ success: true });
    expect(suite.redis.cli('get', 'first')).toBe('1');
    expect(suite.redis.cli('get', 'second')).toBe('1');
    expect(suite.output.join('\n')).toContain('Applied 2 migrations (batch 1).');

    suite.clearOutput();
    await expect(run({ action: 'status', json: true })).resolves.toEqual({ success: true });
    const status = JSON.parse(suite.output.join('\n'));
    expect(JSON.stringify(status)).toContain('20250102_000000_second');

    await expect(run({ action: 'rollback', steps: 1 })).resolves.toEqual({ success: true });
    expect(suite.redis.cli('exists', 'first')).toBe('0');
    expect(suite.redis.cli('exists', 'second')).toBe('0');
  });

  it("keeps the project's ledger under its name, and under a configuration's keyPrefix the layout before namespaces", async () => {
    await run({ action: 'run', limit: 1 });
    expect(suite.redis.cli('hkeys', 'om:migrations:app:data:ledger')).toBe('20250101_000000_first');
    expect(suite.redis.cli('exists', 'om:migrations:data:ledger')).toBe('0');
    await run({ action: 'run', limit: 1 }, 'staging');
    expect(suite.redis.cli('hkeys', 'staging:data:ledger')).toBe('20250101_000000_first');
    expect(suite.redis.cli('get', 'second')).toBe('');
  });

  it('prints exactly what the CLI prints for the same call', async () => {
    await run({ action: 'status' });
    const fromExecutor = suite.output.splice(0);
    await main([
      'migrate-data',
      'status',
      '--migrations-dir',
      join(suite.dir, 'apps/app/migrations'),
      '--redis-url',
      suite.redis.url,
      '--namespace',
      'app',
    ]);
    expect(fromExecutor).toEqual(suite.output);
    expect(fromExecutor.join('\n')).toMatch(/pending/i);
  });

  it("honours --dry-run, --limit and --upTo (the CLI's --target)", async () => {
    await expect(run({ action: 'run', dryRun: true })).resolves.toEqual({ success: true });
    expect(suite.redis.cli('exists', 'first')).toBe('0');
    await run({ action: 'run', limit: 1 });
    expect(suite.redis.cli('exists', 'first')).toBe('1');
    expect(suite.redis.cli('exists', 'second')).toBe('0');
    await run({ action: 'rollback', steps: 1 });
    await expect(run({ action: 'run', upTo: '20250101_000000_first' })).resolves.toEqual({ success: true });
    expect(suite.redis.cli('exists', 'first')).toBe('1');
    expect(suite.redis.cli('exists', 'second')).toBe('0');
  });

  it('stamps a migration without running it', async () => {
    await expect(run({ action: 'stamp', id: '20250101_000000_first' })).resolves.toEqual({ success: true });
    await run({ action: 'run' });
    expect(suite.redis.cli('exists', 'first')).toBe('0');
    expect(suite.redis.cli('get', 'second')).toBe('1');
  });

  it('shows and clears saved progress (progress, clear-progress)', async () => {
    await expect(run({ action: 'progress' })).resolves.toEqual({ success: true });
    expect(suite.output.join('\n')).toMatch(/No saved progress/);
    await expect(run({ action: 'clear-progress' })).resolves.toEqual({ success: true });
    expect(suite.output.join('\n')).toMatch(/No saved progress to clear/);
  });

  it('selects the environment with the configuration: its Redis URL variable and key prefix', async () => {
    await expect(run({ action: 'run' }, 'staging')).resolves.toEqual({ success: true });
    expect(suite.redis.cli('keys', 'staging:*')).not.toBe('');
    expect(suite.redis.cli('keys', 'om:migrations:*')).toBe('');
  });

  it('fails with { success: false } when a migration throws, and says which one', async () => {
    writeFileSync(
      join(suite.dir, 'apps/app/migrations/data-migrations/20250103_000000_broken.js'),
      migration('20250103_000000_broken', 'broken', "throw new Error('boom');"),
    );
    await expect(run({ action: 'run' })).resolves.toEqual({ success: false });
    expect(suite.output.join('\n')).toMatch(/20250103_000000_broken/);
    expect(suite.output.join('\n')).toMatch(/boom/);
  });

  it('fails with { success: false } on invalid options, before touching Redis', async () => {
    await expect(run({ action: 'status', limit: 3 })).resolves.toEqual({ success: false });
    expect(suite.output.join('\n')).toMatch(/limit does not apply to action "status"/);
  });

  it('fails clearly when the Redis URL variable is not set', async () => {
    delete process.env.APP_REDIS_URL;
    await expect(run({ action: 'status' })).resolves.toEqual({ success: false });
    expect(suite.output.join('\n')).toMatch(/APP_REDIS_URL is not set/);
  });

  it('fails with { success: false } when Redis is unreachable', async () => {
    await expect(run({ action: 'status', redisUrl: 'redis://127.0.0.1:1' })).resolves.toEqual({ success: false });
  });
});
