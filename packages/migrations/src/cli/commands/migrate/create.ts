import { Command } from 'commander';
import { relative } from 'node:path';
import { validateMigrationName } from '../../../loading/migration-name';
import { withSchemaMigrator, withSchemaOptions, type SchemaCliOptions } from './options';

/** `om migrate create <name>`: snapshots the index changes since the latest snapshot. */
export function createCommand(): Command {
  return withSchemaOptions(
    new Command('create')
      .description('write schema-migrations/YYYYMMDD_HHMMSS_<name>.json with every index the models changed')
      .argument('<name>', 'short snake_case name, e.g. add_sortable_on_user_name'), { redis: false, indexing: false }).action((name: string, options: SchemaCliOptions) =>
    withSchemaMigrator(options, async (migrator) => {
      validateMigrationName(name);
      const result = await migrator.create(name);
      if (result.file === undefined) {
        console.log('No index changes: the models match the latest schema migration. No file was written.');
        return;
      }
      console.log(`Created schema migration ${relative(migrator.settings.cwd, result.file) || result.file}`);
      for (const change of result.changes) {
        console.log(`  ${change.kind.padEnd(7)} ${change.indexName}${change.hashOnly ? ' (redis-om hash only)' : ''}`);
      }
    }),
  );
}
