import { Command } from 'commander';
import { VerificationError } from '../../../errors';
import { schemaCreateCommand, withSchemaMigrator, withSchemaOptions, type SchemaCliOptions } from './options';

/** Thrown by `om migrate check` when the models are ahead of the snapshots. */
export class SchemaCheckFailedError extends VerificationError {}

/** `om migrate check`: the offline CI check (no Redis): fails when models and snapshots differ. */
export function checkCommand(): Command {
  return withSchemaOptions(new Command('check').description('fail when the models differ from the latest schema migration (no Redis needed)'), { redis: false, indexing: false }).action(
    (options: SchemaCliOptions) =>
      withSchemaMigrator(options, async (migrator) => {
        const changes = await migrator.check();
        if (changes.length === 0) {
          console.log('The models match the latest schema migration.');
          return;
        }
        for (const change of changes) console.log(`  ${change.kind.padEnd(7)} ${change.indexName}`);
        throw new SchemaCheckFailedError(`${changes.length} index${changes.length === 1 ? '' : 'es'} changed without a schema migration.`, {
          hint: `Run \`${schemaCreateCommand()}\` and commit the new file.`,
        });
      }),
  );
}
