import { Command } from 'commander';
import { confirmOrAbort } from '../../confirm';
import { followKeyMoves, showIndexingProgress } from '../../schema-progress';
import { finishPreview, maxSwapMemoryOption, printPendingPlan, withSchemaMigrator, withSchemaOptions, type SchemaCliOptions } from './options';

interface RunOptions extends SchemaCliOptions {
  dryRun?: boolean;
  yes?: boolean;
}

/** `om migrate run`: applies pending schema migrations, oldest first. */
export function runCommand(): Command {
  return withSchemaOptions(
    new Command('run')
      .description('apply pending schema migrations (swap: build beside the live index, then switch the alias)')
      .option('--dry-run', 'print every command it would send, and send nothing that writes')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
      .addOption(maxSwapMemoryOption()),
  ).action((options: RunOptions) =>
    withSchemaMigrator(options, async (migrator) => {
      const planned = await printPendingPlan(migrator);
      if (planned.length === 0) return;
      if (options.dryRun) return finishPreview(migrator, 'Dry run: nothing was sent.');
      await migrator.checkSwapMemory();
      await confirmOrAbort(`Apply ${planned.length} schema migration${planned.length === 1 ? '' : 's'} (${migrator.strategy})?`, options);
      showIndexingProgress(migrator);
      const moves = followKeyMoves(migrator, migrator.settings, 'migrate run');
      const result = await migrator.run().finally(() => moves.close());
      console.log(`Applied ${result.migrations.length} schema migration${result.migrations.length === 1 ? '' : 's'}${result.batch ? ` (batch ${result.batch})` : ''}.`);
    }),
  );
}
