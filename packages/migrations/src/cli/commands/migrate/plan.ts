import { Command } from 'commander';
import { SchemaMigrator } from '../../../schema/schema-migrator';
import { maxSwapMemoryOption, printEstimates, withSchemaMigrator, withSchemaOptions, type SchemaCliOptions } from './options';

/**
 * `om migrate plan`: what `run` would send for each pending schema migration, with an estimate
 * (documents, expected time, extra memory of a swap). Sends nothing that writes.
 */
export function planCommand(): Command {
  return withSchemaOptions(
    new Command('plan').description('print what run would send, with documents affected, expected time and the extra memory of a swap').addOption(maxSwapMemoryOption()),
  ).action((options: SchemaCliOptions) =>
    withSchemaMigrator(options, async (migrator) => {
      const planned = await migrator.plan();
      if (planned.length === 0) {
        console.log('No pending schema migrations.');
        return;
      }
      for (const line of SchemaMigrator.format(planned)) console.log(line);
      await printEstimates(migrator);
      // The same refusal `run` would give, so a plan in CI fails where the run would.
      await migrator.checkSwapMemory();
      console.log('Plan only: nothing was sent.');
    }),
  );
}
