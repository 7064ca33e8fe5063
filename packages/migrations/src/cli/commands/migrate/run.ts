import { Command } from 'commander';
import { SchemaMigrator } from '../../../schema/schema-migrator';
import { confirmOrAbort } from '../../confirm';
import { maxSwapMemoryOption, printEstimates, showIndexingProgress, withSchemaMigrator, withSchemaOptions, type SchemaCliOptions } from './options';

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
      const planned = await migrator.plan();
      if (planned.length === 0) {
        console.log('No pending schema migrations.');
        return;
      }
      for (const line of SchemaMigrator.format(planned)) console.log(line);
      if (options.dryRun) {
        await printEstimates(migrator);
        await migrator.checkSwapMemory();
        console.log('Dry run: nothing was sent.');
        return;
      }
      await migrator.checkSwapMemory();
      await confirmOrAbort(`Apply ${planned.length} schema migration${planned.length === 1 ? '' : 's'} (${migrator.strategy})?`, options);
      showIndexingProgress(migrator);
      const result = await migrator.run();
      console.log(`Applied ${result.migrations.length} schema migration${result.migrations.length === 1 ? '' : 's'}${result.batch ? ` (batch ${result.batch})` : ''}.`);
    }),
  );
}
