import { CommanderError } from 'commander';
import {
  ConfigError,
  ConfirmationRequiredError,
  InterruptedError,
  LockTimeoutError,
  MigrationGraphError,
  MigrationLoadError,
  MigrationStateError,
  VerificationError,
} from '../errors';
import { IndexDefinitionError, SnapshotError } from '../schema/errors';

/**
 * What `om` exits with, so a CI job or a script can tell the outcomes apart without reading the
 * output. docs/cli.md lists them; each has a test against a real redis-server.
 */
export const EXIT_CODES = {
  /** Everything asked for was done (a dry run counts). */
  success: 0,
  /** A migration failed, or the run could not go on (Redis unreachable, the lock lost, the confirmation refused). */
  failed: 1,
  /** Bad input, found before anything was written: an option, a setting, a migration file, an id. */
  badInput: 2,
  /** `verify` or `check` found problems. */
  verificationFailed: 3,
  /** Another run held the migration lock for longer than `--lock-timeout`. */
  lockTimeout: 4,
  /** Stopped by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + SIGTERM). */
  terminated: 143,
} as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Errors that mean "what you gave is wrong": nothing was tried, fix the input and run again. */
const BAD_INPUT = [ConfigError, ConfirmationRequiredError, MigrationLoadError, MigrationGraphError, MigrationStateError, IndexDefinitionError, SnapshotError];

/** The exit code of a command that ended with `error`. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CODES.success : EXIT_CODES.badInput;
  if (error instanceof InterruptedError) return error.exitCode;
  if (error instanceof LockTimeoutError) return EXIT_CODES.lockTimeout;
  if (error instanceof VerificationError) return EXIT_CODES.verificationFailed;
  if (BAD_INPUT.some((kind) => error instanceof kind)) return EXIT_CODES.badInput;
  return EXIT_CODES.failed;
}
