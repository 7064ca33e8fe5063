import type { ScanContext, ScanTransformResult, ScanTransformSpec } from '../../batch/types';
import { dateTargets, type DateModel, type DateTarget } from './targets';
import { hashToIso, hashToSeconds, jsonToIso, jsonToSeconds } from './transforms';

/** Id of the built-in datetime migration (sorts before every `YYYYMMDD_HHMMSS_` migration). */
export const DATETIME_MIGRATION_ID = '001_datetime_fields_to_timestamps';

/** Options of {@link datetimeMigration}. */
export interface DatetimeMigrationOptions {
  /** The models whose `date` fields are converted; a function is called when the migration runs. */
  readonly models: readonly DateModel[] | (() => readonly DateModel[]);
  /** IANA zone in which naive ISO date-times are read. Default UTC. */
  readonly timeZone?: string;
}

/**
 * A built-in migration: a data migration (it can be given wherever a `DataMigration` is) that
 * needs nothing of its context but the scan machinery.
 */
export interface BuiltinMigration {
  readonly id: string;
  readonly description: string;
  readonly dependencies: readonly string[];
  readonly supportsDryRun: boolean;
  up(ctx: ScanContext): Promise<ScanTransformResult[]>;
  down(ctx: ScanContext): Promise<ScanTransformResult[]>;
}

/** Checkpoint names of one direction: `<id>:up:<model>`, `<id>:down:<model>`. */
export function checkpointPrefix(direction: 'up' | 'down'): string {
  return `${DATETIME_MIGRATION_ID}:${direction}:`;
}

/**
 * The built-in migration `001_datetime_fields_to_timestamps`: rewrites every `date` field of
 * the models from an ISO 8601 string to epoch seconds as redis-om 0.4.7 reads them (decimal
 * text in a HASH, a number in JSON). `down()` writes them back as ISO 8601 UTC strings.
 * Each model is one resumable scan; a model finished before an interruption is not scanned
 * again on resume, and the checkpoints are cleared once every model is done.
 */
export function datetimeMigration(options: DatetimeMigrationOptions): BuiltinMigration {
  const models = () => (typeof options.models === 'function' ? options.models() : options.models);
  return {
    id: DATETIME_MIGRATION_ID,
    description: 'Convert date fields from ISO 8601 strings to epoch seconds (HASH: decimal text, JSON: number)',
    dependencies: [],
    supportsDryRun: true,
    up: (ctx) => convertAll(ctx, dateTargets(models()), 'up', options.timeZone),
    down: (ctx) => convertAll(ctx, dateTargets(models()), 'down', options.timeZone),
  };
}

/** The scan of one model in one direction. Pure. */
export function scanSpecFor(target: DateTarget, direction: 'up' | 'down', timeZone?: string): ScanTransformSpec {
  const base = { name: `${checkpointPrefix(direction)}${target.schemaName}`, model: target.schemaName, match: target.match, keepCheckpoint: true };
  if (target.structure === 'HASH') {
    return { ...base, type: 'hash', fields: target.fields, transform: direction === 'up' ? hashToSeconds(timeZone) : hashToIso, defaultValue: '0' };
  }
  return { ...base, type: 'json', paths: target.fields, transform: direction === 'up' ? jsonToSeconds(timeZone) : jsonToIso, defaultValue: 0 };
}

async function convertAll(ctx: ScanContext, targets: DateTarget[], direction: 'up' | 'down', timeZone?: string): Promise<ScanTransformResult[]> {
  if (targets.length === 0) {
    ctx.logger.info('No model has a date field: nothing to convert.');
    return [];
  }
  const results: ScanTransformResult[] = [];
  const report = (target: DateTarget, result: ScanTransformResult) => {
    const c = result.counters;
    const verb = ctx.dryRun ? 'would convert' : 'converted';
    ctx.logger.info(
      result.alreadyDone
        ? `  ${target.schemaName}: done in an earlier, interrupted run`
        : `  ${target.schemaName} (${target.structure}, ${target.names.join(', ')}): ${c.keys} keys, ${verb} ${c.converted} values, ` +
            `${c.unchanged} already ${direction === 'up' ? 'numeric' : 'ISO strings'}, ${c.missing} missing, ${c.failed} failed` +
            (c.defaulted ? ` (${c.defaulted} set to 0)` : '') +
            (c.conflicts ? `, ${c.conflicts} changed by the app meanwhile (left alone)` : ''),
    );
  };
  for (const target of targets) {
    const result = await ctx.scanTransform(scanSpecFor(target, direction, timeZone));
    results.push(result);
    report(target, result);
  }
  // A model scanned early may sit on a server that restarted (or failed over) while later
  // models were scanned, and the writes of its scan may not have survived. Each kept, done
  // checkpoint is checked again: an unchanged server answers at once, another process is
  // scanned again. Until one pass finds every model done on the servers answering now.
  for (let again = !ctx.dryRun; again; ) {
    again = false;
    for (const [i, target] of targets.entries()) {
      const result = await ctx.scanTransform(scanSpecFor(target, direction, timeZone));
      if (result.alreadyDone) continue;
      results[i] = result;
      report(target, result);
      again = true;
    }
  }
  if (!ctx.dryRun) await ctx.clearCheckpoints(checkpointPrefix(direction));
  return results;
}
