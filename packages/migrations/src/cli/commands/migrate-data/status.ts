import { Command } from 'commander';
import { formatStatus } from '../../format-status';
import { builtinEnableHint, withCommonOptions, withMigrator, type CommonOptions } from '../../options';

/** `om migrate-data status`: what is applied, what is pending, what changed. */
export function statusCommand(): Command {
  return withCommonOptions(
    new Command('status')
      .description('show applied and pending data migrations')
      .option('--detailed', 'show descriptions, sources, batches, and why pending migrations cannot run yet')
      .option('--json', 'print the status as JSON'),
  ).action((options: CommonOptions & { detailed?: boolean; json?: boolean }) =>
    withMigrator(options, async (migrator) => {
      const status = await migrator.status();
      const blocked = options.detailed ? await migrator.blockedReasons() : undefined;
      if (options.json) {
        console.log(JSON.stringify(blocked ? { ...status, blocked } : status, null, 2));
      } else {
        console.log(formatStatus(status, { detailed: options.detailed, blocked, enableHint: builtinEnableHint }));
      }
    }),
  );
}
