import { InvalidArgumentError, Option, type Command } from 'commander';
import { FAILURE_MODES, type BatchOptions, type FailureMode } from '../batch/types';

/** The options of commands that run long, batched data migrations (`run`, `rollback`). */
export interface BatchCliOptions {
  failureMode?: FailureMode;
  batchSize?: number;
  maxRate?: number;
  maxErrors?: number;
  timezone?: string;
}

/**
 * Adds `--failure-mode`, `--batch-size`, `--max-rate`, `--max-errors` and `--timezone`. Left
 * out, each comes from the migration's own spec, then the defaults (fail, 1000, unthrottled,
 * unlimited, UTC).
 */
export function withBatchOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--failure-mode <mode>', 'what to do with a value that cannot be converted (default fail)').choices([...FAILURE_MODES]),
    )
    .option('--batch-size <n>', 'keys per SCAN COUNT and per pipeline (default 1000)', parseBatchSize)
    .option('--max-rate <keys/s>', 'keys per second at most, on average, to leave room for the app (default unthrottled)', parseMaxRate)
    .option('--max-errors <n>', 'failures tolerated before stopping (default unlimited)', parseNonNegativeInt)
    .option('--timezone <iana>', 'read naive ISO date-times in this IANA time zone (default UTC)');
}

/** The batch options of a command, for {@link DataMigrator}. */
export function batchOptionsOf(options: BatchCliOptions): BatchOptions {
  return { failureMode: options.failureMode, batchSize: options.batchSize, maxRate: options.maxRate, maxErrors: options.maxErrors };
}

function parseBatchSize(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 100_000) {
    throw new InvalidArgumentError('expected a whole number from 1 to 100000.');
  }
  return Number(value);
}

function parseMaxRate(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || !(Number(value) > 0)) {
    throw new InvalidArgumentError('expected keys per second, a number above 0 (e.g. 5000).');
  }
  return Number(value);
}

function parseNonNegativeInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number, 0 or more.');
  return Number(value);
}
