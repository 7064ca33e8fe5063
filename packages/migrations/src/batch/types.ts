import type { ShareSettings } from './shares';
import type { Logger } from '../logger';

/**
 * What to do with a value the transform cannot handle:
 * - `fail`: stop at the first one; nothing of the current batch is written, the checkpoint stays
 *   at the batch before, so a rerun (after fixing the data) resumes there;
 * - `skip`: leave the value as it is; logged at debug level only (`--verbose`);
 * - `log_and_skip`: leave it and log a warning with key, field and value;
 * - `default`: write the default value instead (for dates: epoch 0) and log a warning.
 */
export type FailureMode = 'skip' | 'fail' | 'default' | 'log_and_skip';

/** Every failure mode, in the order the CLI lists them. */
export const FAILURE_MODES: readonly FailureMode[] = ['skip', 'fail', 'default', 'log_and_skip'];

/** A JSON value as RedisJSON stores it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Where a value is: its key and its field (a HASH field, or a JSONPath in a JSON document). */
export interface ValueLocation {
  readonly key: string;
  readonly field: string;
}

/**
 * Turns one stored value into the value to write: return `undefined` to leave it as it is,
 * throw (any error; its message is the reason) when the value cannot be handled.
 */
export type FieldTransform<V> = (value: V, at: ValueLocation) => V | undefined;

/** The tuning knobs of a scan, with the CLI's `run` options as their source. */
export interface BatchOptions {
  /** SCAN COUNT and the number of keys read and written per pipeline. Default 1000. */
  readonly batchSize?: number;
  /**
   * Keys per second at most, on average (a token bucket debited a batch at a time), so that a
   * migration leaves room for the application. Default: unthrottled.
   */
  readonly maxRate?: number;
  /** Default `fail`. */
  readonly failureMode?: FailureMode;
  /** Failures tolerated before the run stops (the next one stops it). Default: unlimited. */
  readonly maxErrors?: number;
}

interface ScanTransformBase extends BatchOptions {
  /**
   * Names the checkpoint, so an interrupted scan resumes where it stopped. Use a stable name
   * (the migration id, plus the model when one migration scans several).
   */
  readonly name: string;
  /** SCAN MATCH pattern, e.g. `Person:*`. */
  readonly match: string;
  /** Read and report only; write nothing, save no checkpoint. */
  readonly dryRun?: boolean;
  /** Resume from a saved checkpoint (default true); false starts over and replaces it. */
  readonly resume?: boolean;
  /**
   * Keep the checkpoint (marked done) after a complete scan, so a rerun skips it. For
   * migrations that scan several times and clear their checkpoints once all are done.
   * Default false: a complete scan removes its checkpoint.
   */
  readonly keepCheckpoint?: boolean;
  /** Called after every batch, for progress output. */
  readonly onBatch?: (progress: BatchProgress) => void;
  /** Called with every failure, with what was done about it, e.g. to list offenders. */
  readonly onFailure?: (failure: ScanFailure) => void;
  /**
   * The name failures are reported under (the model's schema name for the built-in migration).
   * Default: `match` without its trailing `*` and `:` (`Person:*` → `Person`).
   */
  readonly model?: string;
  /**
   * Write the transformed value under another field (HASH) or path (JSON) instead of in place:
   * the scan of a renamed field. Needs exactly one field or path. `copy` sets the target from
   * the source (the source stays, so an index on either finds the document); `move` sets the
   * target only when it is absent, and deletes the source once the target holds the value. Both
   * are compare-and-set on the source; a `move` whose target holds another value leaves both
   * and counts a conflict.
   */
  readonly relocate?: Relocation;
}

/** Where {@link ScanTransformSpec.relocate} writes to, and whether the source stays. */
export interface Relocation {
  /** The HASH field, or the JSONPath (`$.name`), the value goes to. */
  readonly to: string;
  readonly mode: 'copy' | 'move';
}

/** A scan over HASH keys, transforming some of their fields. */
export interface HashScanTransform extends ScanTransformBase {
  readonly type: 'hash';
  /** The HASH fields to read (HMGET) and transform. */
  readonly fields: readonly string[];
  readonly transform: FieldTransform<string>;
  /** Written instead of a value that failed, in failure mode `default`. */
  readonly defaultValue?: string;
}

/** A scan over RedisJSON documents, transforming the single value at each JSONPath. */
export interface JsonScanTransform extends ScanTransformBase {
  readonly type: 'json';
  /** JSONPaths (`$.createdAt`, `$["address"]["since"]`), each expected to match at most one value. */
  readonly paths: readonly string[];
  readonly transform: FieldTransform<JsonValue>;
  /** Written instead of a value that failed, in failure mode `default`. */
  readonly defaultValue?: JsonValue;
}

/** What {@link scanTransform} does: a HASH or a JSON scan. */
export type ScanTransformSpec = HashScanTransform | JsonScanTransform;

/** Running totals of a scan; constant size, saved in the checkpoint. */
export interface BatchCounters {
  /** Keys SCAN returned (a key may come twice: SCAN guarantees at least once). */
  keys: number;
  /** Keys where at least one value was written. */
  keysChanged: number;
  /** Values written with their transformed value. */
  converted: number;
  /** Values the transform left as they were (already converted). */
  unchanged: number;
  /** Fields or paths absent from the key (or null). */
  missing: number;
  /** Values the transform could not handle. */
  failed: number;
  /** Failed values replaced by the default (failure mode `default`). */
  defaulted: number;
  /** Values not written because an app changed them between our read and our write. */
  conflicts: number;
  batches: number;
}

/** The last failure, as the checkpoint and `progress` show it. */
export interface FailureRecord {
  readonly key: string;
  readonly field: string;
  /** The value, cut to 200 characters. */
  readonly value: string;
  readonly reason: string;
  readonly at: string;
}

/**
 * What a scan did with a value it could not handle: left it (`skipped`, failure modes `skip`
 * and `log_and_skip`, or a value that could not be read), wrote the default (`defaulted`), or
 * stopped the scan (`stopped`: failure mode `fail`, or past `maxErrors`). In a dry run, what it
 * would have done.
 */
export type FailureAction = 'skipped' | 'defaulted' | 'stopped';

/** One value a scan could not handle: where, what, why, and what was done about it. */
export interface ScanFailure extends FailureRecord {
  /** The scan's name (its checkpoint). */
  readonly scan: string;
  /** See {@link ScanTransformSpec} `model`. */
  readonly model: string;
  /** `hash`: `field` is a HASH field; `json`: `field` is a JSONPath. */
  readonly type: 'hash' | 'json';
  readonly failureMode: FailureMode;
  readonly action: FailureAction;
  /** What was written instead (action `defaulted`), as stored. */
  readonly written?: string;
  readonly dryRun: boolean;
}

/** Progress after a batch. */
export interface BatchProgress {
  readonly name: string;
  readonly counters: Readonly<BatchCounters>;
  /** Estimated share of the keyspace scanned, 0 to 1 (from the SCAN cursors). */
  readonly fraction: number;
  /** Keys per second since this run (not the resumed one) started. */
  readonly keysPerSecond: number;
  readonly elapsedMs: number;
  /**
   * Estimated time left, from the share scanned by this run so far and the time it took
   * (undefined until this run has moved the share); 0 once the scan is complete.
   */
  readonly etaMs?: number;
}

/** What a complete scan did. */
export interface ScanTransformResult {
  readonly name: string;
  readonly counters: Readonly<BatchCounters>;
  /** True when it continued from a checkpoint. */
  readonly resumed: boolean;
  /** True when a done checkpoint said there was nothing left to do. */
  readonly alreadyDone: boolean;
  readonly durationMs: number;
  readonly dryRun: boolean;
  /**
   * Every server the scan walked (`host:port`) with the run_id of the process on which its scan
   * completed, unchanged from cursor 0 to the last write (undefined when the server does not
   * tell it). A server that later answers with another run_id may have lost those writes.
   */
  readonly servers: readonly { readonly node: string; readonly runId?: string }[];
}

/** What the helper needs besides the spec: where to log, where to keep checkpoints. */
export interface ScanEnvironment {
  readonly logger: Logger;
  /**
   * Receives every failure instead of the logger: whoever gives it prints them (the data
   * migrator prints the first few of a run, and emits every one). Without it, each failure is
   * logged: a warning, or debug for failure mode `skip`.
   */
  readonly onFailure?: (failure: ScanFailure) => void;
  /**
   * The prefix the checkpoint lives under: the engine's key prefix (default `om:migrations:`),
   * followed by the namespace when there is one.
   */
  readonly keyPrefix: string;
  /**
   * Once aborted, the scan stops at the next batch boundary, after the batch being written and
   * its checkpoint, and throws an `InterruptedError` naming `signal.reason` (e.g. `'SIGINT'`).
   */
  readonly signal?: AbortSignal;
  /**
   * Share the scan with the other processes of a scaled-out run (`om migrate-data run
   * --scale-out`): each process walks the masters it takes under a lease. Ignored in a dry run.
   */
  readonly share?: ShareSettings;
}

/**
 * What code that runs batched scans gets from the context it runs in. Data migrations get it
 * as part of their `MigrationContext`; the built-in migrations need nothing more.
 */
export interface ScanContext {
  /** Prints through the CLI (or the logger given to the API). `debug` shows with `--verbose`. */
  readonly logger: Logger;
  /** True during `run --dry-run` and `rollback --dry-run`. */
  readonly dryRun: boolean;
  /**
   * The batched scan-transform-write of long migrations (the built-in datetime migration uses
   * it): SCAN on every master, pipelined reads and compare-and-set writes, failure modes, a
   * checkpoint saved every batch and resumed from on the next run, progress output. The run's
   * `--batch-size`, `--max-rate`, `--failure-mode` and `--max-errors`, when given, override the spec's. In a
   * dry run it reads and reports, and writes nothing.
   */
  scanTransform(spec: ScanTransformSpec): Promise<ScanTransformResult>;
  /** Removes the checkpoints whose names start with `namePrefix` (nothing in a dry run); returns how many. */
  clearCheckpoints(namePrefix: string): Promise<number>;
}

/** Zeroed counters. */
export function emptyCounters(): BatchCounters {
  return { keys: 0, keysChanged: 0, converted: 0, unchanged: 0, missing: 0, failed: 0, defaulted: 0, conflicts: 0, batches: 0 };
}

/** The sum of two sets of counters. */
export function addCounters(a: BatchCounters, b: BatchCounters): BatchCounters {
  const sum = { ...a };
  for (const k of Object.keys(sum) as (keyof BatchCounters)[]) sum[k] += b[k];
  return sum;
}
