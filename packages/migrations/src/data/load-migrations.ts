import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { MigrationGraphError, MigrationLoadError, describeCause } from '../errors';
import { BaseMigration, type DataMigration, type LoadedMigration } from './migration';
import { classifyMigrationFileName, MIGRATION_EXTENSIONS } from '../loading/migration-name';
import { looksLikePath, requireFresh } from '../loading/require-fresh';
import { describeUnresolvedImport, unresolvedImportOf } from '../loading/path-aliases';
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

/** How {@link loadMigrationsFromDir} treats the folder. */
export interface LoadFromDirOptions {
  /** The folder was named by the user (option or environment): a missing one is an error, not "no migrations". */
  readonly required?: boolean;
  /** Told about every file in data-migrations/ that is not a migration (helpers, notes), so none is skipped silently. */
  readonly onIgnored?: (file: string, reason: string) => void;
}

function kindOf(path: string): 'missing' | 'file' | 'folder' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}

/**
 * Loads every migration file in `<migrationsDir>/data-migrations`, in file-name order.
 * Files named `YYYYMMDD_HHMMSS_name` with a `.ts`, `.js`, `.cts` or `.cjs` extension load;
 * a file that starts like one but is not (a month 13, a dash in the name) is refused with the
 * reason; type declarations, source maps and specs are passed over; any other file is reported to
 * `onIgnored`.
 */
export function loadMigrationsFromDir(migrationsDir: string, cwd: string = process.cwd(), options: LoadFromDirOptions = {}): LoadedMigration[] {
  const root = resolve(cwd, migrationsDir);
  const shownRoot = relative(cwd, root) || root;
  const rootKind = kindOf(root);
  if (rootKind === 'file') {
    throw new MigrationLoadError(shownRoot, `The migrations folder ${shownRoot} is a file, not a folder.`, {
      hint: 'Point --migrations-dir (or REDIS_OM_MIGRATIONS_DIR) at the folder that holds data-migrations/.',
    });
  }
  if (rootKind === 'missing') {
    if (!options.required) return [];
    throw new MigrationLoadError(shownRoot, `The migrations folder ${shownRoot} does not exist.`, {
      hint: 'Check --migrations-dir (or REDIS_OM_MIGRATIONS_DIR) for a typo; `om migrate-data create <name>` creates the folder with a first migration.',
    });
  }
  const dir = join(root, DATA_MIGRATIONS_FOLDER);
  const dirKind = kindOf(dir);
  if (dirKind === 'missing') return [];
  if (dirKind === 'file') {
    throw new MigrationLoadError(shownRoot, `${relative(cwd, dir) || dir} is a file, not a folder.`, {
      hint: 'Data migrations live in the folder data-migrations/ under the migrations folder.',
    });
  }
  const files: string[] = [];
  const stems = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const shown = relative(cwd, join(dir, name)) || join(dir, name);
    const verdict = classifyMigrationFileName(name);
    if (verdict.kind === 'passed-over') continue;
    if (verdict.kind === 'ignored') {
      options.onIgnored?.(shown, verdict.reason);
      continue;
    }
    if (verdict.kind === 'invalid') {
      throw new MigrationLoadError(shown, `${shown} is not a valid migration file name: ${verdict.reason}.`, {
        hint: 'Name data migrations YYYYMMDD_HHMMSS_name.ts (a real UTC date and time, then letters, digits and underscores), as `om migrate-data create <name>` does; move files that are not migrations out of data-migrations/.',
      });
    }
    const other = stems.get(verdict.stem);
    if (other !== undefined) {
      throw new MigrationGraphError(`${other} and ${shown} are the same migration in two forms (${verdict.stem}).`, {
        hint: `A compiled copy beside its source? Keep one of them: delete the .js file, or compile into another folder. Extensions that load: ${MIGRATION_EXTENSIONS.join(', ')}.`,
      });
    }
    stems.set(verdict.stem, shown);
    files.push(name);
  }
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
    const unresolved = notFound ? undefined : unresolvedImportOf(cause);
    if (unresolved) {
      const { message, hint } = describeUnresolvedImport(unresolved, cwd ?? process.cwd());
      throw new MigrationLoadError(shown, `Cannot load ${shown}: ${message}`, { cause, hint });
    }
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
