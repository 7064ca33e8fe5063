import { Command } from 'commander';
import { withCommonOptions, withMigrator, withOutputOptions, type CommonOptions } from '../../options';
import { rollBack } from './rollback';

/** `om migrate-data reset`: rolls back every applied migration, newest first. */
export function resetCommand(): Command {
  return withCommonOptions(
    withOutputOptions(new Command('reset'), { json: true })
      .description('roll back every applied data migration, newest first')
      .option('--dry-run', 'list what would be rolled back, in order, and write nothing')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)'),
  ).action((options: CommonOptions & { dryRun?: boolean; yes?: boolean }) =>
    withMigrator(options, async (migrator) => {
      await rollBack(migrator, { all: true }, options, 'reset');
    }),
  );
}
