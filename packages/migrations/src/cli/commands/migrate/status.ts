import { Command } from 'commander';
import { schemaCreateCommand, withSchemaMigrator, withSchemaOptions, type SchemaCliOptions } from './options';

/** `om migrate status`: which schema migrations are applied and which are pending. */
export function statusCommand(): Command {
  return withSchemaOptions(new Command('status').description('show applied and pending schema migrations').option('--json', 'print the status as JSON'), { redis: true, indexing: false }).action(
    (options: SchemaCliOptions & { json?: boolean }) =>
      withSchemaMigrator(options, async (migrator) => {
        const status = await migrator.status();
        if (options.json) {
          console.log(JSON.stringify(status, null, 2));
          return;
        }
        console.log('Schema migration status:');
        console.log(`  Total migrations: ${status.totalMigrations}`);
        console.log(`  Applied: ${status.appliedCount}`);
        console.log(`  Pending: ${status.pendingCount}`);
        for (const [title, applied] of [['Pending', false], ['Applied', true]] as const) {
          const list = status.migrations.filter((m) => m.applied === applied);
          if (list.length === 0) continue;
          console.log(`\n${title} migrations:`);
          for (const m of list) {
            const changed = m.changedSinceApplied ? ' (file changed since applied)' : '';
            console.log(`  - ${m.id}: ${m.indexes.join(', ')}${m.appliedAt ? ` (applied ${m.appliedAt}, batch ${m.batch})` : ''}${changed}`);
          }
        }
        if (status.modelChanges && status.modelChanges.length > 0) {
          console.log(`\nChanged in the models since the latest schema migration (run \`${schemaCreateCommand()}\`):`);
          for (const c of status.modelChanges) console.log(`  - ${c.kind} ${c.indexName}`);
        }
        if (status.missing.length > 0) {
          console.log(`\nApplied but without a file: ${status.missing.map((e) => e.id).join(', ')}`);
        }
      }),
  );
}
