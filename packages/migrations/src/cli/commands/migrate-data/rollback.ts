import { Command } from 'commander';
import type { DataMigrator, RollbackResult } from '../../../data/data-migrator';
import type { RollbackRequest } from '../../../data/plan';
import { ConfigError } from '../../../errors';
import { confirmOrAbort } from '../../confirm';
import { parsePositiveInt, withCommonOptions, withMigrator, withOutputOptions, type CommonOptions, type OutputOptions } from '../../options';
import { withBatchOptions } from '../../batch-options';
import { CommandOutput } from '../../run-output';
import { withStopSignals } from '../../stop-signals';

interface RollbackOptions extends CommonOptions {
  steps?: number;
  dryRun?: boolean;
  yes?: boolean;
}

/** `om migrate-data rollback <id>` or `rollback --steps N`: undoes applied migrations. */
export function rollbackCommand(): Command {
  return withCommonOptions(
    withOutputOptions(withBatchOptions(new Command('rollback')), { json: true })
      .description('roll back one applied migration by id, or the last N batches with --steps')
      .argument('[id]', 'id of the applied migration to roll back')
      .option('--steps <n>', 'roll back the last n batches', parsePositiveInt)
      .option('--dry-run', 'list what would be rolled back, in order, and write nothing')
      .option('-y, --yes', 'do not ask for confirmation (required without a terminal)'),
  ).action((id: string | undefined, options: RollbackOptions) => {
    if ((id === undefined) === (options.steps === undefined)) {
      throw new ConfigError('Give either a migration id or --steps N, not both or neither.', {
        hint: 'e.g. om migrate-data rollback 20240101_120000_normalize_emails, or om migrate-data rollback --steps 1',
      });
    }
    const request: RollbackRequest = id !== undefined ? { id } : { steps: options.steps! };
    return withMigrator(options, async (migrator) => {
      await rollBack(migrator, request, options, 'rollback');
    });
  });
}

/** Plans, confirms and runs a rollback; shared with `reset`. */
export async function rollBack(
  migrator: DataMigrator,
  request: RollbackRequest,
  options: OutputOptions & { dryRun?: boolean; yes?: boolean },
  command: 'rollback' | 'reset',
): Promise<RollbackResult | undefined> {
  const output = new CommandOutput(command, options, migrator.settings);
  return output.around(async () => {
    const planned = await migrator.planRollback(request);
    if (planned.length === 0) {
      output.say('No applied data migrations to roll back.');
      output.result({ rolledBack: 0 });
      return undefined;
    }
    const count = `${planned.length} migration${planned.length === 1 ? '' : 's'}`;
    if (options.dryRun) {
      output.say(`Dry run: would roll back ${count}, in this order:`);
    } else {
      await confirmOrAbort(`Roll back ${count} (${planned.map((m) => m.id).join(', ')})?`, options);
      // Said once the lock is held: a runner that waited may find less to do than planned.
      migrator.on('started', ({ ids }) => {
        if (ids.length > 0) output.say(`Rolling back ${ids.length} migration${ids.length === 1 ? '' : 's'}:`);
      });
    }
    output.follow(migrator);
    const result = await withStopSignals((signal) => migrator.rollback(request, { dryRun: options.dryRun, signal }), migrator.settings);
    const done = result.rolledBack.length;
    output.result({ rolledBack: done });
    output.say(
      result.dryRun
        ? `Dry run: ${done} would be rolled back. Nothing was written.`
        : `Rolled back ${done} migration${done === 1 ? '' : 's'}.`,
    );
    return result;
  });
}
