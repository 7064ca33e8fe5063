import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FailureAction, ScanFailure } from '../batch/types';
import { REPORTS_FOLDER } from '../config/defaults';
import { redactSecrets } from '../redact';

/**
 * One line of a failure report: one value a command could not handle. `action` is what was done
 * (`reported` for `verify --check-data`, which changes nothing); `migration` is null for `verify`.
 */
export interface FailureReportLine {
  readonly time: string;
  readonly command: string;
  readonly migration: string | null;
  readonly model: string;
  readonly scan: string;
  readonly key: string;
  /** A HASH field, or a JSONPath (`type` says which). */
  readonly field: string;
  readonly type: 'hash' | 'json';
  /** The value as found (cut to 200 characters). */
  readonly value: string;
  readonly reason: string;
  readonly action: FailureAction | 'reported';
  /** What was written instead, for `defaulted`. */
  readonly written?: string;
  readonly dryRun: boolean;
}

/** `2026-12-02T00:54:30.123Z` → `20261202T005430Z`: sorts by time, and is a valid file name everywhere. */
function fileStamp(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

/** Where a command's report goes without `--report`: `<migrations>/.om-reports/<timestamp>-<command>.jsonl`. */
export function defaultReportPath(migrationsDir: string, command: string, now = new Date()): string {
  return join(migrationsDir, REPORTS_FOLDER, `${fileStamp(now)}-${command}.jsonl`);
}

/**
 * The failure report of one command: JSON Lines, one failed value per line, appended as the run
 * goes with a write straight to the file (no buffer in this process), so a crash or a kill -9
 * leaves every line written before it. Opened at the first failure, so a clean run leaves no
 * file, unless the path was asked for (`--report`): then it is created at once, empty when
 * nothing failed. Every text is scrubbed of the run's Redis credentials.
 */
export class FailureReport {
  readonly path: string;
  private fd: number | undefined;
  private created = false;
  private lines = 0;

  constructor(
    path: string,
    private readonly options: { command: string; cwd: string; redisUrls: readonly (string | undefined)[]; createNow?: boolean },
  ) {
    this.path = resolve(options.cwd, path);
    if (options.createNow) this.open();
  }

  /** Lines written so far. */
  get count(): number {
    return this.lines;
  }

  /** True once the file exists. */
  get written(): boolean {
    return this.created;
  }

  /** Appends one failure of a scan. */
  add(failure: ScanFailure, migration: string | null, action: FailureReportLine['action'] = failure.action): void {
    const urls = [...this.options.redisUrls, process.env.REDIS_OM_URL];
    const clean = (text: string) => redactSecrets(text, urls);
    const line: FailureReportLine = {
      time: failure.at,
      command: this.options.command,
      migration,
      model: clean(failure.model),
      scan: clean(failure.scan),
      key: clean(failure.key),
      field: clean(failure.field),
      type: failure.type,
      value: clean(failure.value),
      reason: clean(failure.reason),
      action,
      ...(failure.written === undefined ? {} : { written: clean(failure.written) }),
      dryRun: failure.dryRun,
    };
    writeSync(this.open(), `${JSON.stringify(line)}\n`);
    this.lines += 1;
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): number {
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a');
      this.created = true;
    }
    return this.fd;
  }
}
