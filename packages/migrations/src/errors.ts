import { constants } from 'node:os';

/**
 * Every error the engine raises on purpose is an {@link OmError}: a message that names the
 * problem with its facts (which migration, which file, which key) and a hint that names the fix.
 * The CLI prints `message` and `hint` and never a stack trace for these.
 */
export class OmError extends Error {
  /** What the user can do about it, when there is something to do. */
  readonly hint?: string;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Bad options or settings, found before anything touches Redis. */
export class ConfigError extends OmError {}

/** Redis could not be reached, refused the credentials or the database index. */
export class RedisConnectionError extends OmError {}

/** The Redis user may not run a command or touch a key the engine needs (an ACL `NOPERM`). */
export class RedisPermissionError extends OmError {}

/** A migration file or module could not be loaded or does not export a valid migration. */
export class MigrationLoadError extends OmError {
  constructor(
    readonly file: string,
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** Two migrations share an id, a dependency is missing, or dependencies form a cycle. */
export class MigrationGraphError extends OmError {}

/** A rollback, stamp or target names a migration that cannot take part in it. */
export class MigrationStateError extends OmError {}

/**
 * A run stopped where the same command picks it up again: a scan with its checkpoint saved, or
 * between migrations. Its hint says how to resume, and stays the hint when a migration's
 * failure wraps it (the generic "fix up()" advice would be wrong).
 */
export class ResumableError extends OmError {}

/**
 * A scan lost its connection to Redis for longer than the client retries (the server is down,
 * or unreachable), after saving its checkpoint at the last batch written.
 */
export class ConnectionLostError extends ResumableError {}

/**
 * A run stopped on request (Ctrl-C or SIGTERM in the CLI, an aborted `signal` through the API)
 * at a safe point: at a batch boundary with the checkpoint saved, between migrations, or while
 * waiting for the lock. Nothing half done is recorded as applied.
 */
export class InterruptedError extends ResumableError {
  /** The signal that asked for the stop, when the abort reason named one (`'SIGINT'`). */
  readonly signal?: NodeJS.Signals;
  /** Where it stopped, e.g. "001_datetime_fields_to_timestamps:up:Event after 12000 keys". */
  readonly where: string;
  /** True once the run has given the migration lock back (set by the lock's holder). */
  lockReleased = false;

  constructor(reason: unknown, where: string, options: { hint?: string } = {}) {
    const signal = typeof reason === 'string' && reason in constants.signals ? (reason as NodeJS.Signals) : undefined;
    super(`Stopped ${signal ? `by ${signal}` : 'on request'}: ${where}.`, { hint: options.hint ?? 'To resume, run the same command again.' });
    this.signal = signal;
    this.where = where;
  }

  /** What a process stopped by this signal exits with, as shells report it: 128 + its number (SIGINT 130, SIGTERM 143). */
  get exitCode(): number {
    return this.signal ? 128 + constants.signals[this.signal] : 1;
  }
}

/** A migration's `up`, `down` or `canRun` threw. */
export class MigrationFailedError extends OmError {
  constructor(
    readonly migrationId: string,
    readonly phase: 'up' | 'down' | 'canRun',
    cause: unknown,
  ) {
    super(`Data migration ${migrationId} failed in ${phase}(): ${describeCause(cause)}`, {
      cause,
      hint:
        cause instanceof ResumableError && cause.hint
          ? cause.hint
          : phase === 'up'
          ? 'It was not recorded as applied, but it may have changed data before it failed: Redis does not undo the writes it made. ' +
            'Check those keys (or restore them), make up() safe to run twice, fix the error and run again; migrations before it in this batch stay applied.'
          : phase === 'down'
            ? 'It stays recorded as applied. Fix its down() and roll back again.'
            : 'It stays pending. Fix its canRun() and run again.',
    });
  }
}

/**
 * A check found problems (`verify` found a pending or changed migration, a bad value or a
 * drifted index; `check` found a model change without a snapshot). Nothing failed: the CLI
 * exits 3, so CI can tell "the check says no" from "the check could not run".
 */
export class VerificationError extends OmError {}

/** Another process holds the migration lock and did not release it in time. */
export class LockTimeoutError extends OmError {}

/** The lock lease expired while this process was running migrations. */
export class LockLostError extends OmError {}

/** A command that changes data needs a confirmation that cannot be asked for. */
export class ConfirmationRequiredError extends OmError {}

/** The user answered no to a confirmation. */
export class AbortedError extends OmError {}

/** A migration tried to write during a dry run. */
export class DryRunWriteError extends OmError {}

/**
 * The error a Redis reply or socket raised, under the OmError that wraps it with a message for
 * the user: what retry and failover decisions look at.
 */
export function underlyingError(error: unknown): unknown {
  return error instanceof OmError && error.cause !== undefined ? error.cause : error;
}

/** The cause of an error as one line of text, without a stack. */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message || cause.name;
  if (typeof cause === 'string') return cause;
  try {
    return JSON.stringify(cause);
  } catch {
    return String(cause);
  }
}
