import { describeTableAgainstCli } from '../../testing/executor-table';
import { MIGRATE_ALL, parseOptions, toArgv } from './options';

describeTableAgainstCli(MIGRATE_ALL, []);

describe('@om/nx:migrate-all options', () => {
  const context = { workspaceRoot: '/ws', projectName: 'api', projectRoot: 'apps/api', env: { REDIS_OM_URL: 'redis://localhost:6379' } };

  it('builds one om migrate-all command line, with the project settings', () => {
    const argv = toArgv(parseOptions({ action: 'run', dryRun: true, builtins: ['datetime'], strategy: 'swap' }), { models: 'src/models.ts' }, context);
    expect(argv.slice(0, 2)).toEqual(['migrate-all', 'run']);
    expect(argv).toEqual(expect.arrayContaining(['--dry-run', '--builtin', 'datetime', '--strategy', 'swap', '--namespace', 'api']));
  });

  it('rolls back either --steps N or everything', () => {
    expect(toArgv(parseOptions({ action: 'rollback', everything: true }), {}, context)).toContain('--all');
    expect(() => parseOptions({ action: 'rollback' })).toThrow(/either steps/);
    expect(() => parseOptions({ action: 'rollback', steps: 1, everything: true })).toThrow(/either steps/);
  });
});
