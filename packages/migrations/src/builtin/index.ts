import { createHash } from 'node:crypto';
import { ConfigError } from '../errors';
import { loadModelSchemas } from '../loading/models';
import { DATETIME_MIGRATION_ID, datetimeMigration, type BuiltinMigration } from './datetime/migration';
import { dateTargets } from './datetime/targets';
import { isValidTimeZone } from './datetime/parse';

/** Settings the built-in migrations read. */
export interface BuiltinOptions {
  /** Module exporting the app's redis-om Schemas; without it no built-in migration is registered. */
  readonly models?: string;
  /** IANA zone for naive date-times (datetime migration). */
  readonly timeZone?: string;
  readonly cwd: string;
}

/** A built-in migration as the data migrator registers it beside the project's own. */
export interface RegisteredBuiltin {
  readonly migration: BuiltinMigration;
  /** Shown by `status --detailed` where a file migration shows its file. */
  readonly source: string;
  /** Constant: the built-in's code changes with the package version, not with user files. */
  readonly checksum: string;
}

/** Throws a {@link ConfigError} for a time zone `Intl` does not know. */
export function assertTimeZone(timeZone: string | undefined): void {
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    throw new ConfigError(`Unknown time zone ${JSON.stringify(timeZone)}.`, {
      hint: 'Use an IANA name such as UTC, Europe/Paris or America/New_York.',
    });
  }
}

/**
 * The built-in migrations, registered only when a models module is given and has date fields:
 * the datetime migration converts the date fields of those models, and without any it has
 * nothing to work on. (Registering it always would show a pending migration that cannot do
 * anything, and record it as done before there was anything to do.)
 */
export function builtinMigrations(options: BuiltinOptions): RegisteredBuiltin[] {
  if (options.models === undefined) return [];
  assertTimeZone(options.timeZone);
  const { schemas } = loadModelSchemas(options.models, options.cwd);
  // Models without a date field give it nothing to do: registered anyway it would be recorded as
  // applied, and never run when a date field is added later.
  if (dateTargets(schemas).length === 0) return [];
  return [
    {
      migration: datetimeMigration({ models: schemas, timeZone: options.timeZone }),
      source: `built-in (models: ${options.models})`,
      checksum: createHash('sha256').update(`@om/migrations built-in ${DATETIME_MIGRATION_ID} v1`).digest('hex'),
    },
  ];
}

export { DATETIME_MIGRATION_ID, datetimeMigration } from './datetime/migration';
export type { BuiltinMigration, DatetimeMigrationOptions } from './datetime/migration';
export type { DateModel } from './datetime/targets';
