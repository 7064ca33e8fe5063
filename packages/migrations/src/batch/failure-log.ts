import type { Logger } from '../logger';
import type { ScanFailure } from './types';

/** One failure as a log line: where, the value, why, and what was done. */
export function describeFailure(f: ScanFailure): string {
  const where = `${f.scan}: ${f.key} ${f.type === 'hash' ? 'field' : 'path'} ${f.field}`;
  const what = `cannot convert ${JSON.stringify(f.value)}: ${f.reason}`;
  const done = f.action === 'defaulted' ? `; wrote the default ${f.written}` : f.action === 'skipped' ? (f.failureMode === 'skip' ? '; skipped' : '; left as it is') : '';
  return `${where}: ${what}${done}`;
}

/**
 * Prints failed values through a logger, one line each, up to `limit` of them (across every
 * scan it is given to), then `beyond` once: a run over a keyspace with many bad values must not
 * bury its summary. Failure mode `skip` prints at debug level (`--verbose`), uncounted. A failure
 * that stops the scan is left to the error it raises.
 */
export class FailureLog {
  private shown = 0;

  constructor(
    private readonly logger: Logger,
    private readonly options: { limit?: number; beyond?: string } = {},
  ) {}

  log(failure: ScanFailure): void {
    if (failure.action === 'stopped') return;
    if (failure.failureMode === 'skip') {
      this.logger.debug(describeFailure(failure));
      return;
    }
    const limit = this.options.limit ?? Infinity;
    this.shown += 1;
    if (this.shown <= limit) this.logger.warn(describeFailure(failure));
    else if (this.shown === limit + 1 && this.options.beyond) this.logger.warn(this.options.beyond);
  }
}
