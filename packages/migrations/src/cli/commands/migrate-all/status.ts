import { relative } from 'node:path';
import { Command } from 'commander';
import { withAllOptions, withCombinedMigrator, type AllCliOptions } from './options';

/** `om migrate-all status`: every migration of both kinds in run order, applied or pending. */
export function statusCommand(): Command {
  return withAllOptions(new Command('status').description('every data and schema migration in run order, applied or pending')).action((options: AllCliOptions) =>
    withCombinedMigrator(options, async (migrator) => {
      const entries = await migrator.status();
      if (entries.length === 0) {
        console.log('No data or schema migrations.');
        return;
      }
      for (const e of entries) {
        const waits = e.dependencies.length > 0 ? ` after ${e.dependencies.join(', ')}` : '';
        const state = e.applied ? `applied ${e.appliedAt}` : 'pending';
        console.log(`  ${state.padEnd(32)} ${e.kind.padEnd(6)} ${e.id}${waits} (${relative(migrator.settings.cwd, e.source) || e.source})`);
      }
      const pending = entries.filter((e) => !e.applied).length;
      console.log(`${entries.length - pending} applied, ${pending} pending.`);
    }),
  );
}
