import { Command } from 'commander';
import { confirmOrAbort } from '../../confirm';
import { parsePositiveInt, parseLeaseSeconds, withCommonOptions, withMigrator, withOutputOptions, type CommonOptions } from '../../options';
import { withBatchOptions } from '../../batch-options';
import { CommandOutput } from '../../run-output';
import { withStopSignals } from '../../stop-signals';

interface RunOptions extends CommonOptions {
  dryRun?: boolean;
  limit?: number;
  target?: string;
  yes?: boolean;
}

/** `om migrate-data run`: applies pending migrations in order, as one batch. */
export function runCommand(): Command {
  return withCommonOptions(
    withOutputOptions(withBatchOptions(new Command('run')), { json: true })
      .description('run pending data migrations, dependencies first, then by id')
      .option('--dry-run', 'list what would run, in order, and write nothing')
      .option('--limit <n>', 'run at most n migrations', parsePositiveInt)
      .option('--target <id>', 'run pending migrations up to and including this one')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
      .option('--scale-out', 'share this run with the other processes started the same way (on this or other machines): each walks the masters it takes under a lease')
      .option('--share-lease <seconds>', 'with --scale-out: lease of a share, renewed while walking it: how long a killed process holds its share (default 30)', parseLeaseSeconds),
  ).action((options: RunOptions) =>
    withMigrator(options, async (migrator) => {
      const output = new CommandOutput('run', options, migrator.settings);
      await output.around(async () => {
        const planned = await migrator.plan({ limit: options.limit, target: options.target });
        if (planned.length === 0) {
          output.say('No pending data migrations.');
          output.result({ applied: 0, skipped: 0 });
          return;
        }
        const count = `${planned.length} migration${planned.length === 1 ? '' : 's'}`;
        if (options.dryRun) {
          output.say(`Dry run: would run ${count}, in this order:`);
        } else {
          await confirmOrAbort(`Run ${count}?`, options);
          // Said once the lock is held: a runner that waited may find less to do than planned.
          migrator.on('started', ({ ids }) => {
            if (ids.length > 0) output.say(`Running ${ids.length} migration${ids.length === 1 ? '' : 's'}:`);
          });
        }
        output.follow(migrator);
        const result = await withStopSignals(
          (signal) => migrator.run({ dryRun: options.dryRun, limit: options.limit, target: options.target, signal }),
          migrator.settings,
        );
        const done = result.applied.length;
        output.result({ applied: done, skipped: result.skipped.length, ...(result.batch === undefined ? {} : { batch: result.batch }) });
        if (result.dryRun) {
          output.say(`Dry run: ${done} would run, ${result.skipped.length} would stay pending. Nothing was written.`);
        } else if (done > 0) {
          output.say(`Applied ${done} migration${done === 1 ? '' : 's'} (batch ${result.batch}).`);
        } else if (result.skipped.length === 0) {
          output.say('Applied nothing: another run applied the pending migrations while this one waited for the lock.');
        }
        if (result.skipped.length > 0) {
          output.say(`${result.skipped.length} left pending; see the reasons above.`);
        }
      });
    }),
  );
}
