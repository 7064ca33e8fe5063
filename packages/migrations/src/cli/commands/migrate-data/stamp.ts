import { Command } from 'commander';
import { withCommonOptions, withMigrator, type CommonOptions } from '../../options';

/** `om migrate-data stamp <id>`: records a migration as applied without running it. */
export function stampCommand(): Command {
  return withCommonOptions(
    new Command('stamp')
      .description('mark a pending migration as applied without running it')
      .argument('<id>', 'id of the pending migration'),
  ).action((id: string, options: CommonOptions) =>
    withMigrator(options, async (migrator) => {
      const entry = await migrator.stamp(id);
      console.log(`Stamped ${entry.id} as applied (batch ${entry.batch}); its up() did not run.`);
    }),
  );
}
