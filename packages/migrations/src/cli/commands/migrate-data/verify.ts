import { Command } from 'commander';
import type { DataMigrator } from '../../../data/data-migrator';
import { checkDatetimeData } from '../../../builtin/datetime/inspect';
import { requireModels } from '../../../builtin/datetime/require-models';
import { VerificationError } from '../../../errors';
import { createConsoleLogger } from '../../../logger';
import { withBatchOptions } from '../../batch-options';
import { parsePositiveInt, withCommonOptions, withMigrator, withOutputOptions, type CommonOptions } from '../../options';
import { CommandOutput } from '../../run-output';

/** What `verify` found wrong; the CLI exits non-zero. */
export class VerificationFailedError extends VerificationError {}

/**
 * `om migrate-data verify [--check-data]`: every migration applied and unchanged; with
 * `--check-data`, every date field of the models holds epoch seconds in range.
 */
export function verifyCommand(): Command {
  return withCommonOptions(
    withOutputOptions(withBatchOptions(new Command('verify')), { json: false })
      .description('check that every data migration is applied; with --check-data, that every date value is epoch seconds in range')
      .option('--check-data', 'scan the date fields of the models (--models) and list values redis-om cannot read as dates')
      .option('--limit <n>', 'list at most n offending values (default 50)', parsePositiveInt),
  ).action((options: CommonOptions & { checkData?: boolean; limit?: number }) =>
    withMigrator(options, async (migrator) => {
      const output = new CommandOutput('verify', options, migrator.settings);
      await output.around(() => verify(migrator, output, options));
    }),
  );
}

async function verify(migrator: DataMigrator, output: CommandOutput, options: CommonOptions & { checkData?: boolean; limit?: number }): Promise<void> {
  const problems: string[] = [];
  const status = await migrator.status();
  console.log(`Data migrations: ${status.appliedCount} applied, ${status.pendingCount} pending.`);
  if (status.pendingCount > 0) {
    problems.push(`${status.pendingCount} pending`);
    for (const id of status.pendingMigrations) console.log(`  pending: ${id}`);
  }
  for (const m of status.migrations.filter((x) => x.changedSinceApplied)) {
    console.log(`  changed since applied: ${m.id} (${m.source})`);
  }
  if (options.checkData) {
    const models = requireModels(options.models, migrator.settings.cwd, 'verify --check-data');
    const check = await checkDatetimeData(await migrator.client(), {
      models,
      batchSize: options.batchSize,
      maxRate: options.maxRate,
      keyPrefix: migrator.statePrefix,
      logger: createConsoleLogger({ verbose: options.verbose, redisUrls: [options.redisUrl] }),
      limit: options.limit,
      onOffender: (offender) => output.offender(offender),
    });
    console.log(`Date fields: ${check.values} values in ${check.keys} keys checked, ${check.offenderCount} not epoch seconds in range.`);
    for (const o of check.offenders) {
      console.log(`  ${o.key} ${o.field} = ${JSON.stringify(o.value)}: ${o.reason}`);
    }
    if (check.offenderCount > check.offenders.length) {
      console.log(`  … and ${check.offenderCount - check.offenders.length} more (raise --limit to list them).`);
    }
    if (check.offenderCount > 0) problems.push(`${check.offenderCount} date value${check.offenderCount === 1 ? '' : 's'} redis-om cannot read`);
  }
  if (problems.length > 0) {
    throw new VerificationFailedError(`Verification failed: ${problems.join(', ')}.`, {
      hint: 'Run pending migrations (om migrate-data run --models <path>) and fix the listed date values, then verify again.',
    });
  }
  console.log('Verification passed.');
}
