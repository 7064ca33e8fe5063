import { Command } from 'commander';
import { formatSchemaStatus } from '../../format-schema-status';
import { schemaCreateCommand, withSchemaMigrator, withSchemaOptions, type SchemaCliOptions } from './options';

/** `om migrate status`: which schema migrations are applied and which are pending. */
export function statusCommand(): Command {
  return withSchemaOptions(new Command('status').description('show applied and pending schema migrations').option('--json', 'print the status as JSON'), { redis: true, indexing: false }).action(
    (options: SchemaCliOptions & { json?: boolean }) =>
      withSchemaMigrator(options, async (migrator) => {
        const status = await migrator.status();
        console.log(options.json ? JSON.stringify(status, null, 2) : formatSchemaStatus(status, { createCommand: schemaCreateCommand() }));
      }),
  );
}
