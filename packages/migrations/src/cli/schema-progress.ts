import { relative, resolve } from 'node:path';
import type { BatchProgress, ScanFailure } from '../batch/types';
import type { IndexingStatus } from '../schema/ft-info';
import { defaultReportPath, FailureReport } from './failure-report';

/**
 * The console output of schema migrations while they run, shared by `om migrate run|rollback`
 * and `om migrate-all run|rollback` so both say the same: indexing progress, the key moves of
 * renamed schemas, and the failure report of the documents that could not move.
 */

/** What {@link showIndexingProgress} needs of a migrator (schema, or `migrate-all`'s). */
export interface IndexingSource {
  on(event: 'indexing', listener: (event: { indexName: string; status: IndexingStatus }) => void): unknown;
}

/** What {@link followKeyMoves} needs of a migrator (schema, or `migrate-all`'s). */
export interface KeyMoveSource {
  on(event: 'failure', listener: (event: { id: string; failure: ScanFailure }) => void): unknown;
  on(event: 'movingKeys', listener: (event: { pass: 'move' | 'sweep'; progress: BatchProgress }) => void): unknown;
}

/** Where a command runs: the report goes under the migrations folder, scrubbed of the Redis URL. */
export interface ReportWhere {
  readonly cwd: string;
  readonly migrationsDir: string;
  readonly redisUrl: string;
}

/** Prints indexing progress while a migrator builds indexes: one line per 10 %. */
export function showIndexingProgress(migrator: IndexingSource): void {
  const shown = new Map<string, number>();
  migrator.on('indexing', ({ indexName, status }) => {
    const step = status.indexing ? Math.floor(status.percentIndexed * 10) : 10;
    if (shown.get(indexName) === step) return;
    shown.set(indexName, step);
    console.log(`  ${indexName}: ${status.indexing ? `indexing ${Math.round(status.percentIndexed * 100)}%` : 'indexed'} (${status.numDocs} documents)`);
  });
}

/**
 * Follows the key moves of renamed schemas: a progress line per batch pass decile, and every
 * document that could not move into a failure report
 * (`<migrations>/.om-reports/<time>-<command, dashed>.jsonl`), named on the console at the
 * first one. `command` is as the user typed it (`migrate run`). Returns what closes the report.
 */
export function followKeyMoves(migrator: KeyMoveSource, where: ReportWhere, command: string): { close(): void } {
  const { cwd, migrationsDir, redisUrl } = where;
  let report: FailureReport | undefined;
  migrator.on('failure', ({ id, failure }) => {
    if (!report) {
      report = new FailureReport(defaultReportPath(resolve(cwd, migrationsDir), command.replace(/ /g, '-')), { command, cwd, redisUrls: [redisUrl] });
      console.log(cannotMoveLine(relative(cwd, report.path) || report.path));
    }
    report.add(failure, id);
  });
  showKeyMoveProgress(migrator);
  return { close: () => report?.close() };
}

/** The line that names the report at the first document a renamed schema could not move. */
export function cannotMoveLine(reportPath: string): string {
  return `  documents that cannot move are listed in ${reportPath}`;
}

/** A progress line per decile of each renamed schema's key move. */
export function showKeyMoveProgress(migrator: { on(event: 'movingKeys', listener: (event: { pass: 'move' | 'sweep'; progress: BatchProgress }) => void): unknown }): void {
  const shown = new Map<string, number>();
  migrator.on('movingKeys', ({ pass, progress }) => {
    const step = Math.floor(progress.fraction * 10);
    if (pass !== 'move' || shown.get(progress.name) === step) return;
    shown.set(progress.name, step);
    console.log(`  moving keys: ${progress.counters.converted} moved, ${progress.counters.keys} scanned (${Math.round(progress.fraction * 100)}%)`);
  });
}
