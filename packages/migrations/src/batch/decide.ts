import { describeCause } from '../errors';
import type { Logger } from '../logger';
import { clip, failureRecord } from './checkpoint';
import { BatchStoppedError } from './errors';
import { FailureLog } from './failure-log';
import type { ReadValue } from './read-values';
import type { BatchCounters, FailureAction, FailureRecord, JsonValue, ScanFailure, ScanTransformSpec } from './types';

/** One value to write: compare-and-set from what was read (`expected`) to `next`. */
export interface ValueWrite {
  readonly field: string;
  /** The value as read, in the form the compare-and-set script compares. */
  readonly expected: string;
  /** The value to write, as the script writes it (HASH text, or JSON text). */
  readonly next: string;
  /** True when `next` is the spec's default written instead of a failed value. */
  readonly defaulted: boolean;
}

/** The values to write of one key. */
export interface KeyWrites {
  readonly key: string;
  readonly values: readonly ValueWrite[];
}

/**
 * What a scan decides about each value it reads, apart from any I/O: run the transform, apply
 * the failure mode (stop, skip, log and skip, or write the default), honour `maxErrors`, and
 * count every outcome. Counts go into the counters passed in, so a batch that stops leaves the
 * scan's totals untouched. Hands every failure, with what was done, to `report` (which prints
 * it) and to the spec's `onFailure`.
 */
export class ValueDecisions {
  private readonly failureMode: NonNullable<ScanTransformSpec['failureMode']>;
  private readonly report: (failure: ScanFailure) => void;
  /** Failures decided so far, written or not: what `maxErrors` counts. */
  private failedTotal: number;

  constructor(
    private readonly spec: ScanTransformSpec,
    private readonly logger: Logger,
    /** Failures counted before this run (resumed from a checkpoint). */
    failedBefore: number,
    /** Receives every failure; default: each is printed through `logger` (see {@link FailureLog}). */
    report?: (failure: ScanFailure) => void,
  ) {
    this.failureMode = spec.failureMode ?? 'fail';
    if (report) this.report = report;
    else {
      const log = new FailureLog(logger);
      this.report = (failure) => log.log(failure);
    }
    this.failedTotal = failedBefore;
  }

  /**
   * The writes of one batch: `values[k][f]` is the value of field (or path) `f` of `keys[k]`.
   * Counts into `delta`; throws a {@link BatchStoppedError} when the failure mode says stop.
   */
  decideBatch(keys: readonly string[], values: readonly (readonly ReadValue<string | JsonValue>[])[], delta: BatchCounters): KeyWrites[] {
    const fields = this.spec.type === 'hash' ? this.spec.fields : this.spec.paths;
    const writes: KeyWrites[] = [];
    keys.forEach((key, k) => {
      const planned: ValueWrite[] = [];
      fields.forEach((field, f) => {
        const write = this.decide(key, field, values[k]![f]!, delta);
        if (write) planned.push(write);
      });
      if (planned.length > 0) writes.push({ key, values: planned });
    });
    return writes;
  }

  /** Counts one key's writes once written: `conflicts` are the fields the app changed meanwhile. */
  tallyWritten(write: KeyWrites, conflicts: ReadonlySet<string>, counters: BatchCounters): void {
    let wrote = 0;
    for (const v of write.values) {
      if (conflicts.has(v.field)) {
        counters.conflicts += 1;
        this.logger.debug(`${this.spec.name}: ${write.key} ${v.field} changed since it was read; left as the app wrote it`);
      } else {
        wrote += 1;
        if (v.defaulted) counters.defaulted += 1;
        else counters.converted += 1;
      }
    }
    if (wrote > 0) counters.keysChanged += 1;
  }

  /** Counts the writes of a dry run, which sends none, as if every one had landed. */
  tallyDryRun(writes: readonly KeyWrites[], counters: BatchCounters): void {
    for (const w of writes) {
      counters.keysChanged += 1;
      for (const v of w.values) if (!v.defaulted) counters.converted += 1;
    }
  }

  /** The write of one value, or undefined to leave it. */
  private decide(key: string, field: string, read: ReadValue<string | JsonValue>, counters: BatchCounters): ValueWrite | undefined {
    if (read.kind === 'missing') {
      counters.missing += 1;
      return undefined;
    }
    if (read.kind === 'unreadable') return this.fail(failureRecord(key, field, read.raw, read.reason), undefined, counters);
    let next: string | JsonValue | undefined;
    try {
      next = (this.spec.transform as (v: string | JsonValue, at: { key: string; field: string }) => string | JsonValue | undefined)(read.value, {
        key,
        field,
      });
    } catch (error) {
      return this.fail(failureRecord(key, field, show(read.value), describeCause(error)), read.expected, counters);
    }
    if (next === undefined) {
      counters.unchanged += 1;
      return undefined;
    }
    return { field, expected: read.expected, next: this.serialize(next), defaulted: false };
  }

  /** Applies the failure mode to a value that failed; `expected` is absent when it could not be read. */
  private fail(record: FailureRecord, expected: string | undefined, counters: BatchCounters): ValueWrite | undefined {
    const { spec } = this;
    counters.failed += 1;
    this.failedTotal += 1;
    const failed = (action: FailureAction, written?: string): void => {
      const failure: ScanFailure = {
        ...record,
        scan: spec.name,
        model: spec.model ?? modelOf(spec.match),
        type: spec.type,
        failureMode: this.failureMode,
        action,
        ...(written === undefined ? {} : { written }),
        dryRun: spec.dryRun ?? false,
      };
      this.report(failure);
      spec.onFailure?.(failure);
    };
    if (this.failureMode === 'fail') {
      failed('stopped');
      throw new BatchStoppedError(spec.name, record, 'fail');
    }
    if (spec.maxErrors !== undefined && this.failedTotal > spec.maxErrors) {
      failed('stopped');
      throw new BatchStoppedError(spec.name, record, 'max-errors', spec.maxErrors);
    }
    if (this.failureMode !== 'default' || expected === undefined) {
      failed('skipped');
      return undefined;
    }
    const fallback = this.serialize(spec.defaultValue as string | JsonValue);
    failed('defaulted', fallback);
    return { field: record.field, expected, next: fallback, defaulted: true };
  }

  private serialize(value: string | JsonValue): string {
    return this.spec.type === 'hash' ? String(value) : JSON.stringify(value);
  }
}

/** `Person:*` → `Person`: the name failures of a scan without a `model` are reported under. */
export function modelOf(match: string): string {
  return match.replace(/[*:]+$/, '') || match;
}

function show(value: string | JsonValue): string {
  return typeof value === 'string' ? value : clip(JSON.stringify(value));
}
