import { join, relative, resolve } from 'node:path';
import { BUILTIN_MIGRATION_IDS } from '../builtin';
import type { DataMigrationsView } from '../schema/data-dependencies';
import { DATA_MIGRATIONS_FOLDER, loadMigrationsFromDir } from './load-migrations';

/**
 * The data migrations of `<migrationsDir>/data-migrations/`, loaded, as schema migrations check
 * against them (`om migrate rollback`'s dependents, `om migrate create --after`). None when the
 * folder is absent.
 *
 * @param migrationsDir - the migrations root, relative to `cwd` or absolute.
 * @param cwd - what file names in messages are shown relative to.
 */
export function dataMigrationsView(migrationsDir: string, cwd: string): DataMigrationsView {
  const root = resolve(cwd, migrationsDir);
  const folder = join(root, DATA_MIGRATIONS_FOLDER);
  return {
    folder: relative(cwd, folder) || folder,
    migrations: loadMigrationsFromDir(root, cwd).map(({ id, dependencies, source }) => ({ id, dependencies, source })),
    builtinIds: BUILTIN_MIGRATION_IDS,
  };
}
