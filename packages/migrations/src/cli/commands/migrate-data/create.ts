import { Command } from 'commander';
import { relative } from 'node:path';
import { resolveSettings } from '../../../config/settings';
import { createDataMigrationFile } from '../../../data/create-migration-file';

/** `om migrate-data create <name>`: writes a new, timestamped migration file. */
export function createCommand(): Command {
  return new Command('create')
    .description('create a new data migration file: <migrations-dir>/data-migrations/YYYYMMDD_HHMMSS_<name>.ts (UTC)')
    .argument('<name>', 'snake_case name, e.g. normalize_emails')
    .option('--migrations-dir <dir>', 'migrations root folder (env REDIS_OM_MIGRATIONS_DIR, default "migrations")')
    .action((name: string, options: { migrationsDir?: string }) => {
      const { migrationsDir, cwd } = resolveSettings({ migrationsDir: options.migrationsDir });
      const created = createDataMigrationFile({ name, migrationsDir, cwd });
      if (created.createdDir) console.log(`Created folder ${relative(cwd, created.file).replace(/[^/\\]+$/, '')}`);
      console.log(`Created data migration ${created.id}`);
      console.log(`  ${relative(cwd, created.file)}`);
    });
}
