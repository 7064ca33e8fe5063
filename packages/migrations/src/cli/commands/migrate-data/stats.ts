import { Command } from 'commander';
import { datetimeStats } from '../../../builtin/datetime/inspect';
import { DATETIME_MIGRATION_ID } from '../../../builtin/datetime/migration';
import { requireModels } from '../../../builtin/datetime/require-models';
import { withBatchOptions } from '../../batch-options';
import { withCommonOptions, withMigrator, type CommonOptions } from '../../options';

/** `om migrate-data stats`: what the datetime migration would convert, and how long it would take. */
export function statsCommand(): Command {
  return withCommonOptions(
    withBatchOptions(new Command('stats'))
      .description(`count the date values ${DATETIME_MIGRATION_ID} would convert (read-only), with a time estimate`)
      .option('--json', 'print the statistics as JSON'),
  ).action((options: CommonOptions & { json?: boolean }) =>
    withMigrator(options, async (migrator) => {
      const models = requireModels(options.models, migrator.settings.cwd, 'stats');
      const stats = await datetimeStats(await migrator.client(), {
        models,
        timeZone: options.timezone,
        batchSize: options.batchSize,
        maxRate: options.maxRate,
        keyPrefix: migrator.statePrefix,
        logger: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
      });
      if (options.json) {
        console.log(JSON.stringify(stats, null, 2));
        return;
      }
      console.log(`${DATETIME_MIGRATION_ID}: date fields of ${stats.models.length} model${stats.models.length === 1 ? '' : 's'}`);
      for (const m of stats.models) {
        console.log(
          `  ${m.schemaName} (${m.structure}: ${m.fields.join(', ')}): ${m.keys} keys; ${m.valuesToConvert} values to convert in ${m.keysToChange} keys, ` +
            `${m.alreadyNumeric} already numeric, ${m.missing} missing, ${m.unconvertible} cannot be converted`,
        );
      }
      console.log(`  Total: ${stats.keys} keys, ${stats.valuesToConvert} values to convert, ${stats.unconvertible} cannot be converted.`);
      console.log(
        `  Measured ${Math.round(stats.keysPerSecond)} keys/s reading (${(stats.scanMs / 1000).toFixed(1)} s); ` +
          `estimated run time ~${formatDuration(stats.estimatedRunMs)} (reads plus a write per key to convert).`,
      );
      if (stats.unconvertible > 0) {
        console.log('  Values that cannot be converted meet --failure-mode (default fail): see `run --failure-mode`.');
      }
    }),
  );
}

function formatDuration(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
