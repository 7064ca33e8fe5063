import { Command } from 'commander';
import type { DataMigrator } from '../../../data/data-migrator';
import { CheckpointStore } from '../../../batch/checkpoint';
import { formatCheckpoint } from '../../format-checkpoint';
import { withCommonOptions, withMigrator, type CommonOptions } from '../../options';

/** Prints a line per migration event, so long runs show where they are. */
export function printProgress(migrator: DataMigrator, options: { verbose?: boolean } = {}): void {
  let index = 0;
  migrator.on('waitingForLock', ({ timeoutMs }) => {
    console.log(`Another run holds the migration lock; waiting up to ${Math.round(timeoutMs / 1000)}s...`);
  });
  migrator.on('migrating', ({ id, description, dryRun, previewable }) => {
    index += 1;
    const note = previewable ? '' : ' (not previewed: it needs the migrations above to have run)';
    if (dryRun) console.log(`  ${index}. ${id}${description ? ` - ${description}` : ''}${note}`);
    else if (options.verbose) console.log(`  → ${id}${description ? ` - ${description}` : ''}`);
  });
  migrator.on('migrated', ({ id, durationMs, dryRun }) => {
    if (!dryRun) console.log(`  ✓ ${id} (${durationMs} ms)`);
  });
  migrator.on('skipped', ({ id, reason }) => {
    console.log(`  - ${id} skipped: ${reason}`);
  });
  migrator.on('reverting', ({ id, dryRun }) => {
    index += 1;
    if (dryRun) console.log(`  ${index}. ${id}`);
    else if (options.verbose) console.log(`  ← ${id}`);
  });
  migrator.on('reverted', ({ id, durationMs, dryRun }) => {
    if (!dryRun) console.log(`  ✓ rolled back ${id} (${durationMs} ms)`);
  });
}

/** `om migrate-data progress`: the saved progress of interrupted (or running) batched migrations. */
export function progressCommand(): Command {
  return withCommonOptions(
    new Command('progress').description('show the saved progress of interrupted migrations (a rerun resumes from it)').option('--json', 'print it as JSON'),
  ).action((options: CommonOptions & { json?: boolean }) =>
    withMigrator(options, async (migrator) => {
      const checkpoints = await new CheckpointStore(await migrator.client(), migrator.statePrefix).list();
      if (options.json) console.log(JSON.stringify(checkpoints, null, 2));
      else if (checkpoints.length === 0) console.log('No saved progress: no batched migration was interrupted.');
      else for (const c of checkpoints) console.log(formatCheckpoint(c));
    }),
  );
}
