import { Command } from 'commander';
import { formatPlan } from '../../../schema/plan';
import { confirmOrAbort } from '../../confirm';
import { showIndexingProgress } from '../../schema-progress';
import { withSchemaMigrator, withSchemaOptions, type SchemaCliOptions } from './options';

interface AutoOptions extends SchemaCliOptions {
  dryRun?: boolean;
  yes?: boolean;
}

/**
 * `om migrate auto` (also `om migrate --auto`): the legacy immediate mode, for prototyping. Moves
 * every model's index to its current definition at once, with no files and no ledger.
 */
export function autoCommand(): Command {
  return withSchemaOptions(
    new Command('auto')
      .description('prototyping: bring every index to the models now, without migration files (legacy `migrate`)')
      .option('--dry-run', 'print every command it would send, and send nothing that writes')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)'),
  ).action((options: AutoOptions) =>
    withSchemaMigrator(options, async (migrator) => {
      const preview = await migrator.auto({ dryRun: true });
      const work = preview.filter((p) => p.steps.length > 0);
      for (const line of formatPlan(preview)) console.log(line);
      if (options.dryRun || work.length === 0) {
        console.log(work.length === 0 ? 'Every index matches the models.' : 'Dry run: nothing was sent.');
        return;
      }
      await confirmOrAbort(`Change ${work.length} index${work.length === 1 ? '' : 'es'} now, without a migration file?`, options);
      showIndexingProgress(migrator);
      await migrator.auto();
      console.log(`Done: ${work.length} index${work.length === 1 ? '' : 'es'} changed. Use \`om migrate create\` for changes you deploy.`);
    }),
  );
}
