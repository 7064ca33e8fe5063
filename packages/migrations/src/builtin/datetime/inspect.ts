import { scanTransform } from '../../batch/scan-transform';
import type { FailureRecord, JsonValue, ScanFailure, ScanTransformSpec } from '../../batch/types';
import type { RedisClient } from '../../redis/client';
import type { Logger } from '../../logger';
import { scanSpecFor } from './migration';
import { dateTargets, type DateModel, type DateTarget } from './targets';
import { hashValueProblem, jsonValueProblem } from './transforms';

/** Read-only passes over the date fields: `stats` before the migration, `verify --check-data` after. */

interface InspectOptions {
  readonly models: readonly DateModel[];
  readonly logger: Logger;
  readonly keyPrefix: string;
  readonly batchSize?: number;
  /** Keys per second at most (`--max-rate`), so a pass over production leaves room for the app. */
  readonly maxRate?: number;
}

/** What `stats` reports for one model. */
export interface ModelStats {
  readonly schemaName: string;
  readonly structure: 'HASH' | 'JSON';
  readonly fields: readonly string[];
  readonly keys: number;
  /** Keys with at least one value to convert. */
  readonly keysToChange: number;
  readonly valuesToConvert: number;
  readonly alreadyNumeric: number;
  readonly missing: number;
  /** Values the migration cannot convert (they meet the failure mode). */
  readonly unconvertible: number;
}

/** What `stats` reports. */
export interface DatetimeStats {
  readonly models: ModelStats[];
  readonly keys: number;
  readonly valuesToConvert: number;
  readonly unconvertible: number;
  /** Keys per second this read-only pass measured. */
  readonly keysPerSecond: number;
  readonly scanMs: number;
  /**
   * Estimated run time of the migration: this pass's time (the run reads the same) plus as much
   * again for the share of keys that need a write (a compare-and-set costs about one read);
   * with `maxRate`, the keys at that rate.
   */
  readonly estimatedRunMs: number;
}

/** Counts what the datetime migration would convert, by a read-only pass that times itself. */
export async function datetimeStats(redis: RedisClient, options: InspectOptions & { timeZone?: string }): Promise<DatetimeStats> {
  const started = performance.now();
  const models: ModelStats[] = [];
  for (const target of dateTargets(options.models)) {
    const spec: ScanTransformSpec = { ...scanSpecFor(target, 'up', options.timeZone), dryRun: true, failureMode: 'skip', batchSize: options.batchSize, maxRate: options.maxRate };
    const { counters: c } = await scanTransform(redis, spec, { logger: options.logger, keyPrefix: options.keyPrefix });
    models.push({
      schemaName: target.schemaName,
      structure: target.structure,
      fields: target.names,
      keys: c.keys,
      keysToChange: c.keysChanged,
      valuesToConvert: c.converted,
      alreadyNumeric: c.unchanged,
      missing: c.missing,
      unconvertible: c.failed,
    });
  }
  const scanMs = performance.now() - started;
  const keys = sum(models, (m) => m.keys);
  const keysToChange = sum(models, (m) => m.keysToChange);
  return {
    models,
    keys,
    valuesToConvert: sum(models, (m) => m.valuesToConvert),
    unconvertible: sum(models, (m) => m.unconvertible),
    keysPerSecond: scanMs > 0 ? (keys * 1000) / scanMs : 0,
    scanMs,
    // Throttled, this pass ran at the rate (or slower), and so will the run.
    estimatedRunMs: keys === 0 ? 0 : options.maxRate === undefined ? scanMs * (1 + keysToChange / keys) : Math.max(scanMs, (keys * 1000) / options.maxRate),
  };
}

/** What `verify --check-data` found. */
export interface DatetimeCheck {
  readonly keys: number;
  /** Date values present and checked. */
  readonly values: number;
  /** Values that are not epoch seconds in range; `offenders` lists the first `limit`. */
  readonly offenderCount: number;
  readonly offenders: FailureRecord[];
}

/**
 * Checks every date field of the models: present values must be what redis-om 0.4.7 reads as
 * a date: decimal seconds text (HASH) or a number (JSON), within years 0001-9999 (an epoch in
 * milliseconds is out of range). Read-only.
 */
export async function checkDatetimeData(
  redis: RedisClient,
  options: InspectOptions & { limit?: number; /** Receives every offending value, also those past `limit`. */ onOffender?: (offender: ScanFailure) => void },
): Promise<DatetimeCheck> {
  const limit = options.limit ?? 50;
  const offenders: FailureRecord[] = [];
  let keys = 0;
  let values = 0;
  let offenderCount = 0;
  for (const target of dateTargets(options.models)) {
    const { counters: c } = await scanTransform(redis, checkSpec(target, options, (f) => {
      if (offenders.length < limit) offenders.push(f);
      options.onOffender?.(f);
    }), { logger: options.logger, keyPrefix: options.keyPrefix });
    keys += c.keys;
    values += c.unchanged + c.failed;
    offenderCount += c.failed;
  }
  return { keys, values, offenderCount, offenders };
}

function checkSpec(target: DateTarget, options: Pick<InspectOptions, 'batchSize' | 'maxRate'>, onFailure: (f: ScanFailure) => void): ScanTransformSpec {
  const { batchSize, maxRate } = options;
  const base = { name: `verify:${target.schemaName}`, model: target.schemaName, match: target.match, dryRun: true, failureMode: 'skip' as const, batchSize, maxRate, onFailure };
  const check =
    <V>(problem: (value: V) => string | undefined) =>
    (value: V): undefined => {
      const reason = problem(value);
      if (reason !== undefined) throw new Error(reason);
      return undefined;
    };
  return target.structure === 'HASH'
    ? { ...base, type: 'hash', fields: target.fields, transform: check<string>(hashValueProblem) }
    : { ...base, type: 'json', paths: target.fields, transform: check<JsonValue>(jsonValueProblem) };
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((total, item) => total + of(item), 0);
}
