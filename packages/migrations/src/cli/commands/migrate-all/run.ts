import { Command } from 'commander';
import { SchemaMigrator } from '../../../schema/schema-migrator';
import type { CombinedMigrator } from '../../../combined/combined-migrator';
import { withBatchOptions } from '../../batch-options';
import { confirmOrAbort } from '../../confirm';
import { withStopSignals } from '../../stop-signals';
import { showBatchProgress } from '../../batch-progress';
import { withOutputOptions } from '../../options';
import { CommandOutput } from '../../run-output';
import { showIndexingProgress, showKeyMoveProgress } from '../../schema-progress';
import { printPendingSteps, withAllOptions, withCombinedMigrator, type AllCliOptions } from './options';

interface RunOptions extends AllCliOptions {
  report?: string;
  dryRun?: boolean;
  yes?: boolean;
}

/** `om migrate-all run`: applies pending data and schema migrations in one dependency order, under one lock. */
export function runCommand(): Command {
  return withAllOptions(
    withOutputOptions(withBatchOptions(new Command('run')), { json: false })
      .description('apply pending data and schema migrations in dependency order, under one lock')
      .option('--dry-run', 'say what would run, in order, and send only reads')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)'),
  ).action((options: RunOptions) =>
    withCombinedMigrator(options, async (migrator) => {
      const pending = await printPendingSteps(migrator);
      if (pending.length === 0) return;
      if (!options.dryRun) await confirmOrAbort(`Apply ${pending.length} migration${pending.length === 1 ? '' : 's'} in this order?`, options);
      const output = followRun(migrator, 'migrate-all run', options);
      await output.around(async () => {
        const result = await withStopSignals((signal) => migrator.run({ dryRun: options.dryRun, signal }), migrator.settings);
        for (const step of result.applied) {
          if (step.plans) for (const line of SchemaMigrator.format([step.plans])) console.log(`    ${line}`);
        }
        const done = result.applied.length;
        const batches = Object.entries(result.batches).map(([kind, batch]) => `${kind} batch ${batch}`);
        if (result.dryRun) console.log(`Dry run: ${done} would run, ${result.skipped.length} would stay pending. Nothing was written.`);
        else console.log(`Applied ${done} migration${done === 1 ? '' : 's'}${batches.length > 0 ? ` (${batches.join(', ')})` : ''}.`);
        if (result.skipped.length > 0) console.log(`${result.skipped.length} left pending; see the reasons above.`);
      });
    }),
  );
}

/**
 * Prints each migration as it starts and ends, the progress of data migrations' scans, indexing
 * progress by tenths, and the key moves of renamed schemas, as `om migrate-data` and
 * `om migrate` do; collects the values that failed and the documents that could not move into
 * one failure report, summed up at the end of the output (see {@link CommandOutput}).
 */
export function followRun(migrator: CombinedMigrator, command: string, options: { verbose?: boolean; report?: string; redisUrl?: string }): CommandOutput {
  migrator.on('waitingForLock', ({ timeoutMs }) => console.log(`Another run holds the migration lock; waiting up to ${Math.round(timeoutMs / 1000)}s.`));
  migrator.on('migrated', ({ kind, id, durationMs, dryRun }) => console.log(`  ${dryRun ? 'would apply' : 'applied'} ${kind} ${id}${dryRun ? '' : ` (${durationMs} ms)`}`));
  migrator.on('skipped', ({ kind, id, reason }) => console.log(`  left pending ${kind} ${id}: ${reason}`));
  migrator.on('reverted', ({ kind, id, durationMs, dryRun }) => console.log(`  ${dryRun ? 'would roll back' : 'rolled back'} ${kind} ${id}${dryRun ? '' : ` (${durationMs} ms)`}`));
  showIndexingProgress(migrator);
  showBatchProgress(migrator, { verbose: options.verbose });
  showKeyMoveProgress(migrator);
  const output = new CommandOutput(command, options, migrator.settings);
  output.followAll(migrator);
  return output;
}
