import { Command } from 'commander';
import { VerificationError } from '../../../errors';
import { withSchemaMigrator, withSchemaOptions, type SchemaCliOptions } from './options';

/** Thrown by `om migrate verify` when a live index differs from the applied snapshots. */
export class SchemaDriftError extends VerificationError {}

/** `om migrate verify`: compares live indexes with the applied snapshots; exits non-zero on drift. */
export function verifyCommand(): Command {
  return withSchemaOptions(new Command('verify').description('compare live indexes with the applied schema migrations; fail on drift'), { redis: true, indexing: false }).action(
    (options: SchemaCliOptions) =>
      withSchemaMigrator(options, async (migrator) => {
        const result = await migrator.verify();
        for (const index of result.indexes) {
          const where = index.physicalName && index.physicalName !== index.indexName ? ` (via ${index.physicalName})` : '';
          console.log(`${index.status === 'ok' ? 'ok   ' : 'DRIFT'} ${index.indexName}${where}: ${index.status}`);
          for (const d of index.differences) {
            console.log(`        ${d.path}: expected ${JSON.stringify(d.expected)}, live ${JSON.stringify(d.actual)}`);
          }
        }
        if (result.indexes.length === 0) console.log('No applied schema migrations: nothing to verify.');
        if (!result.ok) {
          const bad = result.indexes.filter((i) => i.status !== 'ok').length;
          throw new SchemaDriftError(`${bad} index${bad === 1 ? '' : 'es'} differ from the applied schema migrations.`, {
            hint: 'Run `om migrate run` to apply the expected definitions, or find what changed them.',
          });
        }
      }),
  );
}
