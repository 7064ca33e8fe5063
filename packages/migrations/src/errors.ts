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
        phase === 'up'
          ? 'It was not recorded as applied, but it may have changed data before it failed: Redis does not undo the writes it made. ' +
            'Check those keys (or restore them), make up() safe to run twice, fix the error and run again; migrations before it in this batch stay applied.'
          : phase === 'down'
            ? 'It stays recorded as applied. Fix its down() and roll back again.'
            : 'It stays pending. Fix its canRun() and run again.',
    });
  }
}

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
