import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { MigrationGraphError, MigrationLoadError, describeCause } from '../errors';
import { BaseMigration, type DataMigration, type LoadedMigration } from './migration';
import { MIGRATION_FILE_PATTERN } from '../loading/migration-name';
import { looksLikePath, requireFresh } from '../loading/require-fresh';
import { ensureTypeScriptLoader } from '../loading/typescript';

/** The folder under the migrations root that holds data migrations. */
export const DATA_MIGRATIONS_FOLDER = 'data-migrations';

const functionSchema = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function');

const migrationSchema = z.object({
  id: z
    .string()
    .trim()
    .min(1, 'id is empty')
    .regex(/^[^\s]+$/, 'id must not contain whitespace'),
  description: z.string().default(''),
  dependencies: z.array(z.string().min(1)).default([]),
  supportsDryRun: z.boolean().default(false),
  up: functionSchema,
  down: functionSchema.optional(),
  canRun: functionSchema.optional(),
});

/**
 * Loads every migration file in `<migrationsDir>/data-migrations`, in file-name order.
 * Files that do not look like `YYYYMMDD_HHMMSS_name.ts` (helpers, `.d.ts`, specs) are ignored.
 */
export function loadMigrationsFromDir(migrationsDir: string, cwd: string = process.cwd()): LoadedMigration[] {
  const dir = resolve(cwd, migrationsDir, DATA_MIGRATIONS_FOLDER);
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((name) => MIGRATION_FILE_PATTERN.test(name) && !name.endsWith('.d.ts'))
    .sort();
  const loaded = files.map((name) => {
    const file = join(dir, name);
    const shown = relative(cwd, file) || file;
    const exported = requireMigrationModule(file, shown);
    const migration = pickSingleMigration(exported, shown);
    const checksum = createHash('sha256').update(readFileSync(file)).digest('hex');
    return toLoaded(migration, shown, checksum, basename(name, extname(name)));
  });
  assertUniqueIds(loaded);
  return loaded;
}

/**
 * Loads the `MIGRATIONS` array exported by a module (a path to a .ts or .js file, or a package
 * name), the counterpart of Redis OM Python's `--module`.
 */
export function loadMigrationsFromModule(specifier: string, cwd: string = process.cwd()): LoadedMigration[] {
  const isPath = looksLikePath(specifier);
  const file = isPath ? resolve(cwd, specifier) : specifier;
  const shown = isPath ? relative(cwd, file) || file : specifier;
  const exported = requireMigrationModule(file, shown, cwd) as { MIGRATIONS?: unknown };
  const list = exported?.MIGRATIONS;
  if (!Array.isArray(list)) {
    throw new MigrationLoadError(shown, `Module ${shown} does not export an array named MIGRATIONS.`, {
      hint: 'Add `export const MIGRATIONS = [myMigration, MyMigrationClass];` to it.',
    });
  }
  const loaded = list.map((entry, index) => {
    const migration = instantiate(entry, `${shown} (MIGRATIONS[${index}])`);
    if (!migration) {
      throw new MigrationLoadError(shown, `MIGRATIONS[${index}] in ${shown} is not a migration.`, {
        hint: 'Each entry is an object with id and up(), or a class that extends BaseMigration.',
      });
    }
    // A module holds many migrations: the checksum covers this migration's own code only.
    const code = [migration.up, migration.down, migration.canRun].map((fn) => (fn ? String(fn) : '')).join('\n');
    const checksum = createHash('sha256').update(code).digest('hex');
    return toLoaded(migration, `${shown} (MIGRATIONS[${index}])`, checksum, undefined);
  });
  assertUniqueIds(loaded);
  return loaded;
}

function requireMigrationModule(file: string, shown: string, cwd?: string): unknown {
  ensureTypeScriptLoader(cwd ?? resolve(file, '..'));
  try {
    return requireFresh(file, cwd ?? process.cwd());
  } catch (cause) {
    const missing = /Cannot find module '([^']+)'/.exec(describeCause(cause))?.[1];
    const notFound = (cause as { code?: string }).code === 'MODULE_NOT_FOUND' && missing === file;
    throw new MigrationLoadError(
      shown,
      notFound ? `Cannot find migration module ${shown}.` : `Cannot load ${shown}: ${missing !== undefined ? `Cannot find module '${missing}'` : firstLines(describeCause(cause))}`,
      {
        cause,
        hint: notFound
          ? 'Check the path given to --module.'
          : missing !== undefined
            ? `Install ${missing} where the migration can resolve it, or fix the import.`
            : 'Fix the file and run the command again.',
      },
    );
  }
}

function pickSingleMigration(exported: unknown, shown: string): DataMigration {
  const candidates = new Map<unknown, DataMigration>();
  const consider = (value: unknown) => {
    if (candidates.has(value)) return;
    const migration = instantiate(value, shown);
    if (migration) candidates.set(value, migration);
  };
  consider(exported);
  if (exported && typeof exported === 'object') {
    for (const value of Object.values(exported)) consider(value);
  }
  const found = [...candidates.values()];
  if (found.length === 0) {
    throw new MigrationLoadError(shown, `${shown} exports no data migration.`, {
      hint: 'Export one object with id and up(), e.g. `export default defineMigration({ id, up })`, or a class that extends BaseMigration.',
    });
  }
  if (found.length > 1) {
    throw new MigrationLoadError(shown, `${shown} exports ${found.length} data migrations; a file holds exactly one.`, {
      hint: 'Move the others into files of their own (om migrate-data create <name>).',
    });
  }
  return found[0]!;
}

/** Turns an exported value into a migration object, or undefined if it is not one. */
function instantiate(value: unknown, shown: string): DataMigration | undefined {
  if (typeof value === 'function') {
    const proto = (value as { prototype?: unknown }).prototype;
    const isMigrationClass =
      proto instanceof BaseMigration || (proto !== null && typeof proto === 'object' && typeof (proto as { up?: unknown }).up === 'function');
    if (!isMigrationClass) return undefined;
    try {
      return new (value as new () => DataMigration)();
    } catch (cause) {
      throw new MigrationLoadError(shown, `Cannot construct the migration class in ${shown}: ${describeCause(cause)}`, {
        cause,
        hint: 'A migration class is constructed with no arguments.',
      });
    }
  }
  if (value !== null && typeof value === 'object' && typeof (value as { up?: unknown }).up === 'function') {
    return value as DataMigration;
  }
  return undefined;
}

function toLoaded(migration: DataMigration, shown: string, checksum: string, defaultId: string | undefined): LoadedMigration {
  const raw = {
    id: migration.id || defaultId,
    description: migration.description,
    dependencies: migration.dependencies,
    supportsDryRun: migration.supportsDryRun,
    up: migration.up,
    down: migration.down,
    canRun: migration.canRun,
  };
  const parsed = migrationSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'migration'}: ${issue.message}`);
    throw new MigrationLoadError(shown, `Invalid data migration in ${shown}: ${problems.join('; ')}.`, {
      hint: 'A migration has a string id, an optional description, dependencies as an array of ids, and an up() function.',
    });
  }
  const { id, description, dependencies, supportsDryRun } = parsed.data;
  // A migration that left its id to the file name sees that id as this.id too.
  if (migration.id !== id) Object.defineProperty(migration, 'id', { value: id, enumerable: true });
  return { id, description, dependencies, supportsDryRun, source: shown, checksum, migration };
}

function assertUniqueIds(migrations: readonly LoadedMigration[]): void {
  const seen = new Map<string, string>();
  for (const m of migrations) {
    const other = seen.get(m.id);
    if (other !== undefined) {
      throw new MigrationGraphError(`Two data migrations have the id ${m.id}: ${other} and ${m.source}.`, {
        hint: 'Give one of them another id (ids must be unique).',
      });
    }
    seen.set(m.id, m.source);
  }
}

function firstLines(text: string): string {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.slice(0, 12).join('\n');
}
