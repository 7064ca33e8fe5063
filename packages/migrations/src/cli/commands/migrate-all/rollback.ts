import { Command } from 'commander';
import { ConfigError } from '../../../errors';
import { withBatchOptions } from '../../batch-options';
import { confirmOrAbort } from '../../confirm';
import { parsePositiveInt, withOutputOptions } from '../../options';
import { withStopSignals } from '../../stop-signals';
import { followRun } from './run';
import { withAllOptions, withCombinedMigrator, type AllCliOptions } from './options';

interface RollbackOptions extends AllCliOptions {
  steps?: number;
  all?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  report?: string;
}

/** `om migrate-all rollback --steps N` (or `--all`): undoes the last N migrations of either kind, newest first. */
export function rollbackCommand(): Command {
  return withAllOptions(
    withOutputOptions(withBatchOptions(new Command('rollback')), { json: false })
      .description('roll back the last N applied migrations of either kind, newest first (--steps N), or all of them (--all)')
      .option('--steps <n>', 'roll back the n migrations applied last, data or schema', parsePositiveInt)
      .option('--all', 'roll back every applied migration of both kinds')
      .option('--dry-run', 'list what would be rolled back, in order, and write nothing')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)'),
  ).action((options: RollbackOptions) => {
    if ((options.steps === undefined) === (options.all === undefined)) {
      throw new ConfigError('Give either --steps N or --all, not both or neither.', { hint: 'e.g. om migrate-all rollback --steps 1' });
    }
    const request = options.all ? ({ all: true } as const) : { steps: options.steps! };
    return withCombinedMigrator(options, async (migrator) => {
      if (!options.dryRun) await confirmOrAbort(`Roll back ${options.all ? 'every applied migration' : `the last ${options.steps} migration${options.steps === 1 ? '' : 's'}`} of both kinds?`, options);
      const output = followRun(migrator, 'migrate-all rollback', options);
      await output.around(async () => {
        const result = await withStopSignals((signal) => migrator.rollback(request, { dryRun: options.dryRun, signal }), migrator.settings);
        const done = result.rolledBack.length;
        if (done === 0) console.log('No applied migrations to roll back.');
        else if (result.dryRun) {
          console.log(`Dry run: would roll back ${done} migration${done === 1 ? '' : 's'}, in this order:`);
          for (const step of result.rolledBack) console.log(`  ${step.kind.padEnd(6)} ${step.id}`);
          console.log('Nothing was written.');
        } else console.log(`Rolled back ${done} migration${done === 1 ? '' : 's'}.`);
      });
    });
  });
}
