import { Command } from 'commander';
import { SchemaMigrator } from '../../../schema/schema-migrator';
import { confirmOrAbort } from '../../confirm';
import { followKeyMoves, showIndexingProgress } from '../../schema-progress';
import { withSchemaMigrator, withSchemaOptions, type SchemaCliOptions } from './options';

interface RollbackOptions extends SchemaCliOptions {
  dryRun?: boolean;
  yes?: boolean;
}

/** `om migrate rollback <id>`: restores the index definitions a schema migration replaced. */
export function rollbackCommand(): Command {
  return withSchemaOptions(
    new Command('rollback')
      .description('restore the previous index definitions of an applied schema migration')
      .argument('<id>', 'the migration id, e.g. 20240101_120000_add_sortable')
      .option('--dry-run', 'print every command it would send, and send nothing that writes')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)'),
  ).action((id: string, options: RollbackOptions) =>
    withSchemaMigrator(options, async (migrator) => {
      const preview = await migrator.rollback(id, { dryRun: true });
      for (const line of SchemaMigrator.format(preview.migrations)) console.log(line);
      if (options.dryRun) {
        console.log('Dry run: nothing was sent.');
        return;
      }
      await confirmOrAbort(`Roll back schema migration ${id}?`, options);
      showIndexingProgress(migrator);
      const moves = followKeyMoves(migrator, migrator.settings, 'migrate rollback');
      await migrator.rollback(id).finally(() => moves.close());
      console.log(`Rolled back ${id}.`);
    }),
  );
}
