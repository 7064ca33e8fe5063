import { Command } from 'commander';
import { SchemaMigrator } from '../../../schema/schema-migrator';
import { printPendingSteps, withAllOptions, withCombinedMigrator, type AllCliOptions } from './options';

/** `om migrate-all plan`: the pending migrations of both kinds in run order, and what each schema one sends. */
export function planCommand(): Command {
  return withAllOptions(new Command('plan').description('list pending data and schema migrations in the order `run` applies them; sends only reads')).action(
    (options: AllCliOptions) =>
      withCombinedMigrator(options, async (migrator) => {
        const pending = await printPendingSteps(migrator);
        if (!pending.some((step) => step.kind === 'schema')) return;
        console.log('Schema migrations would send:');
        for (const line of SchemaMigrator.format(await migrator.schemaPlans())) console.log(`  ${line}`);
      }),
  );
}
