import { createHash } from 'node:crypto';
import { ConfigError } from '../errors';
import { loadModelSchemas } from '../loading/models';
import { DATETIME_MIGRATION_ID, datetimeMigration, type BuiltinMigration } from './datetime/migration';
import { dateTargets } from './datetime/targets';
import { isValidTimeZone } from './datetime/parse';

/** The built-in migrations a project can enable, by the name `--builtin` takes. */
export const BUILTIN_NAMES = ['datetime'] as const;

/** The name of a built-in migration: what `--builtin` and `builtins: [...]` take. */
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

const BUILTIN_IDS: Readonly<Record<BuiltinName, string>> = { datetime: DATETIME_MIGRATION_ID };

/** The ids of every built-in migration, enabled or not: what a snapshot's `after` may also name. */
export const BUILTIN_MIGRATION_IDS: readonly string[] = Object.values(BUILTIN_IDS);

/** Settings the built-in migrations read. */
export interface BuiltinOptions {
  /** Module exporting the app's redis-om Schemas; without it no built-in migration is registered. */
  readonly models?: string;
  /** The built-ins to register; the others are only reported as available. */
  readonly enabled: readonly BuiltinName[];
  /** IANA zone for naive date-times (datetime migration). */
  readonly timeZone?: string;
  readonly cwd: string;
}

/** A built-in migration that would have work to do here but is not enabled. */
export interface AvailableBuiltin {
  /** What `--builtin` takes to enable it. */
  readonly name: BuiltinName;
  readonly id: string;
  readonly description: string;
}

/** The built-ins of a project: those enabled, and those that could be. */
export interface ProjectBuiltins {
  readonly registered: RegisteredBuiltin[];
  readonly available: AvailableBuiltin[];
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
 * The names given to enable built-ins, checked: the edge where a JavaScript caller or a settings
 * file may hand over anything. Throws a {@link ConfigError} naming the unknown ones.
 */
export function parseBuiltinNames(names: readonly unknown[] | undefined): BuiltinName[] {
  const given = names ?? [];
  const unknown = given.filter((name) => !(BUILTIN_NAMES as readonly unknown[]).includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(`Unknown built-in migration ${unknown.map((name) => JSON.stringify(name)).join(', ')} (--builtin).`, {
      hint: `The built-ins are: ${BUILTIN_NAMES.join(', ')}, e.g. --builtin datetime.`,
    });
  }
  return [...new Set(given as BuiltinName[])];
}

/** The built-in of a migration id, when the id is one of theirs. */
export function builtinNameOf(id: string): BuiltinName | undefined {
  return BUILTIN_NAMES.find((name) => BUILTIN_IDS[name] === id);
}

/**
 * The built-in migrations. Each runs only where it is enabled: a project that writes one
 * backfill must not get every date field of every model rewritten as well. The datetime
 * migration needs models with date fields: without any it has nothing to work on, so it is
 * neither registered nor offered (registered anyway it would be recorded as applied, and never
 * run once a date field is added). Enabled without models, it asks for them.
 */
export function builtinMigrations(options: BuiltinOptions): ProjectBuiltins {
  const enabled = options.enabled.includes('datetime');
  if (options.models === undefined) {
    if (!enabled) return { registered: [], available: [] };
    throw new ConfigError('The built-in migration datetime (--builtin datetime) needs your models to find the date fields.', {
      hint: 'Pass --models <path>, a module that exports your redis-om Schemas (e.g. --models src/models.ts).',
    });
  }
  assertTimeZone(options.timeZone);
  const { schemas } = loadModelSchemas(options.models, options.cwd);
  if (dateTargets(schemas).length === 0) return { registered: [], available: [] };
  const migration = datetimeMigration({ models: schemas, timeZone: options.timeZone });
  if (!enabled) return { registered: [], available: [{ name: 'datetime', id: migration.id, description: migration.description }] };
  return {
    registered: [
      {
        migration,
        source: `built-in datetime (models: ${options.models})`,
        checksum: createHash('sha256').update(`@om/migrations built-in ${DATETIME_MIGRATION_ID} v1`).digest('hex'),
      },
    ],
    available: [],
  };
}

export { DATETIME_MIGRATION_ID, datetimeMigration } from './datetime/migration';
export type { BuiltinMigration, DatetimeMigrationOptions } from './datetime/migration';
export type { DateModel } from './datetime/targets';
