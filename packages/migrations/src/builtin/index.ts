import { createHash } from 'node:crypto';
import { ConfigError } from '../errors';
import type { LoadedMigration } from '../data/migration';
import { DATETIME_MIGRATION_ID, datetimeMigration } from './datetime/migration';
import { loadModels, type ModelSchema } from './datetime/models';
import { isValidTimeZone } from './datetime/parse';

/** Settings the built-in migrations read. */
export interface BuiltinOptions {
  /** Module exporting the app's redis-om Schemas; without it no built-in migration is registered. */
  readonly models?: string;
  /** IANA zone for naive date-times (datetime migration). */
  readonly timeZone?: string;
  readonly cwd: string;
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
 * The built-in migrations, registered only when a models module is given: the datetime
 * migration converts the date fields of those models, and without models it has nothing to
 * work on. (Registering it always would show a pending migration that cannot do anything.)
 */
export function builtinMigrations(options: BuiltinOptions): LoadedMigration[] {
  if (options.models === undefined) return [];
  assertTimeZone(options.timeZone);
  const models: ModelSchema[] = loadModels(options.models, options.cwd);
  const migration = datetimeMigration({ models, timeZone: options.timeZone });
  return [
    {
      id: DATETIME_MIGRATION_ID,
      description: migration.description ?? '',
      dependencies: [],
      supportsDryRun: true,
      source: `built-in (models: ${options.models})`,
      // Constant: the built-in's code changes with the package version, not with user files.
      checksum: createHash('sha256').update(`@om/migrations built-in ${DATETIME_MIGRATION_ID} v1`).digest('hex'),
      migration,
    },
  ];
}

export { DATETIME_MIGRATION_ID, datetimeMigration } from './datetime/migration';
export type { DatetimeMigrationOptions } from './datetime/migration';
export { loadModels } from './datetime/models';
export type { ModelSchema } from './datetime/models';
