import { relative, resolve } from 'node:path';
import type { CombinedMigrator } from '../combined/combined-migrator';
import type { DataMigrator, FinishedEvent } from '../data/data-migrator';
import type { FailureSummary } from '../data/failure-summary';
import type { ScanFailure } from '../batch/types';
import { showBatchProgress } from './batch-progress';
import { printProgress } from './commands/migrate-data/progress';
import { exitCodeOf } from './exit-codes';
import { defaultReportPath, FailureReport } from './failure-report';
import { JsonEvents } from './json-events';
import { cannotMoveLine } from './schema-progress';

/** Failed values printed one by one before the console only counts them (`--verbose`: all). */
export const FAILURES_SHOWN = 20;

/** The output options of the commands that run migrations or check data. */
export interface OutputOptions {
  /** One JSON event per line on stdout; the human lines go to stderr. */
  json?: boolean;
  verbose?: boolean;
  /** Where the failure report goes (default under the migrations folder). */
  report?: string;
  redisUrl?: string;
}

/** The line the console prints once past {@link FAILURES_SHOWN} failed values. */
export const FAILURES_BEYOND = `more failed values are not printed one by one (the first ${FAILURES_SHOWN} are above): the summary at the end counts them and names the report that holds every one (--verbose prints them all).`;

/** What a command's output needs of the migrator's settings. */
interface Where {
  readonly migrationsDir: string;
  readonly cwd: string;
}

const afterReport = new WeakMap<object, () => void>();

/**
 * Prints what must come after a failed command's error message (its failure summary, the
 * `finished` event), so it stays the last thing printed. Called by main() once reportError has
 * written the error.
 */
export function printAfterError(error: unknown): void {
  if (typeof error === 'object' && error !== null) afterReport.get(error)?.();
}

/**
 * The output of one command that runs migrations (`run`, `rollback`, `reset`) or checks data
 * (`verify`): its failure report, the console's failure summary (always the last lines), and
 * under `--json` the migrator's events as JSON Lines on stdout instead of the human progress.
 */
export class CommandOutput {
  readonly report: FailureReport;
  private readonly json?: JsonEvents;
  private summary?: FailureSummary;
  private finished?: FinishedEvent;
  private extra: Record<string, unknown> = {};
  /** `verify --check-data`: offending values per model (no migrator summary there). */
  private readonly offenders = new Map<string, number>();

  constructor(
    private readonly command: string,
    private readonly options: OutputOptions,
    private readonly where: Where,
  ) {
    const path = options.report ?? defaultReportPath(resolve(where.cwd, where.migrationsDir), command.replace(/ /g, '-'));
    this.report = new FailureReport(path, { command, cwd: where.cwd, redisUrls: [options.redisUrl], createNow: options.report !== undefined });
    if (options.json) this.json = new JsonEvents([options.redisUrl]);
  }

  /** A line for people: stdout, or stderr under `--json` (stdout then holds only events). */
  say(line: string): void {
    if (this.json) process.stderr.write(`${line}\n`);
    else console.log(line);
  }

  /** Follows a migrator's run: its failures into the report, its events onto the console or as JSON. */
  follow(migrator: DataMigrator): void {
    migrator.on('failure', (failure) => this.report.add(failure, failure.id));
    migrator.on('failureSummary', (summary) => {
      this.summary = summary;
      this.json?.write('failureSummary', { ...summary, report: this.reportPath() });
    });
    migrator.on('finished', (finished) => (this.finished = finished));
    if (!this.json) {
      printProgress(migrator, { verbose: this.options.verbose });
      showBatchProgress(migrator, { verbose: this.options.verbose });
      return;
    }
    const json = this.json;
    for (const type of ['started', 'waitingForLock', 'migrating', 'reverting', 'skipped', 'migrated', 'reverted'] as const) {
      migrator.on(type, (payload: object) => json.write(type, payload));
    }
    migrator.on('progress', (progress) => json.progress(progress));
  }

  /**
   * Follows `om migrate-all`'s failures: the values its data migrations could not convert and
   * the documents its renamed schemas could not move, into one report (named on the console at
   * the first document that cannot move, and in the summary that ends the output).
   */
  followAll(migrator: CombinedMigrator): void {
    let named = false;
    migrator.on('failure', ({ kind, id, failure }) => {
      this.report.add(failure, id);
      if (kind === 'schema' && !named) {
        named = true;
        this.say(cannotMoveLine(this.reportPath()!));
      }
    });
    migrator.on('failureSummary', (summary) => (this.summary = summary));
  }

  /** One value `verify --check-data` found wrong: into the report, and counted for the summary. */
  offender(failure: ScanFailure): void {
    this.report.add(failure, null, 'reported');
    this.offenders.set(failure.model, (this.offenders.get(failure.model) ?? 0) + 1);
  }

  /** Adds what the command did (`applied`, `rolledBack`...) to the `finished` event. */
  result(fields: Record<string, unknown>): void {
    this.extra = { ...this.extra, ...fields };
  }

  /**
   * Runs the command's body, then ends its output: the failure summary (and the `finished`
   * event) last, also when it throws, after the error message.
   */
  async around<T>(body: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await body();
    } catch (error) {
      this.report.close();
      if (typeof error === 'object' && error !== null) afterReport.set(error, () => this.end(error));
      else this.end(error);
      throw error;
    }
    this.report.close();
    this.end(undefined);
    return result;
  }

  /** The report's path as the user would type it, or null when no report was written. */
  reportPath(): string | null {
    if (!this.report.written) return null;
    const shown = relative(this.where.cwd, this.report.path);
    return shown.startsWith('..') ? this.report.path : shown;
  }

  private end(error: unknown): void {
    if (this.json) {
      const finished = this.finished;
      this.json.write('finished', {
        command: this.command,
        ok: error === undefined,
        exitCode: error === undefined ? 0 : exitCodeOf(error),
        ...(finished ? { action: finished.action, dryRun: finished.dryRun, durationMs: finished.durationMs } : {}),
        ...this.extra,
        failed: this.summary?.failed ?? this.report.count,
        report: this.reportPath(),
        ...(error === undefined ? {} : { error: finished?.error ?? describeError(error) }),
      });
      return;
    }
    for (const line of this.summaryLines()) this.say(line);
  }

  /** The console's failure summary: one line per migration and model, then the report. */
  summaryLines(): string[] {
    const failed = this.summary?.failed ?? [...this.offenders.values()].reduce((a, b) => a + b, 0);
    const path = this.reportPath();
    // A report may hold only documents a renamed schema could not move (said when it began).
    if (failed === 0) return path && this.report.count === 0 ? [`No failed values; the failure report ${path} is empty.`] : [];
    const values = (n: number) => `${n} value${n === 1 ? '' : 's'}`;
    const lines = this.summary
      ? this.summary.models.map((m) => {
          const done = (['defaulted', 'skipped', 'stopped'] as const).filter((k) => m[k] > 0).map((k) => `${m[k]} ${k}`);
          return `  ${m.model} (${m.id}): ${values(m.failed)} failed: ${done.join(', ')}`;
        })
      : [...this.offenders].map(([model, n]) => `  ${model}: ${values(n)} not epoch seconds in range`);
    const shown = !this.summary ? 'listed above up to --limit' : this.options.verbose ? 'all printed above' : `at most ${FAILURES_SHOWN} printed above; --verbose prints all`;
    const where = path ? `every one is in the failure report ${path}` : 'no failure report was written';
    return [this.summary ? 'Failed values, per model:' : 'Offending values, per model:', ...lines, `${values(failed)} in all (${shown}); ${where}`];
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
