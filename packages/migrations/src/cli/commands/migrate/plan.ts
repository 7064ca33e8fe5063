import { Command } from 'commander';
import { finishPreview, maxSwapMemoryOption, printPendingPlan, withSchemaMigrator, withSchemaOptions, type SchemaCliOptions } from './options';

/**
 * `om migrate plan`: what `run` would send for each pending schema migration, with an estimate
 * (documents, expected time, extra memory of a swap). Sends nothing that writes.
 */
export function planCommand(): Command {
  return withSchemaOptions(
    new Command('plan').description('print what run would send, with documents affected, expected time and the extra memory of a swap').addOption(maxSwapMemoryOption()),
  ).action((options: SchemaCliOptions) =>
    withSchemaMigrator(options, async (migrator) => {
      if ((await printPendingPlan(migrator)).length > 0) await finishPreview(migrator, 'Plan only: nothing was sent.');
    }),
  );
}
