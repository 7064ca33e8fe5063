import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { ConfigError } from '../errors';
import { DATA_MIGRATIONS_FOLDER } from './load-migrations';
import { migrationIdFor } from '../loading/migration-name';

/** The source of a new data migration file. Pure. */
export function renderDataMigration(id: string, name: string, now: Date): string {
  const created = now.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  return `/**
 * Data migration: ${name}
 * Created: ${created}
 */
import { defineMigration } from '@om/migrations';

export default defineMigration({
  id: '${id}',
  description: '${name.replace(/_/g, ' ')}',
  // Ids of migrations that must be applied first.
  dependencies: [],

  async up(ctx) {
    // Apply the change. ctx.redis is an ioredis client; ctx.repository(schema) gives a
    // redis-om Repository. Write it so that running it twice does no harm.
    ctx.logger.info('${name}: nothing to do yet');
  },

  async down(ctx) {
    // Reverse up(). Delete down() if the change cannot be undone: rollback then refuses.
    ctx.logger.info('${name}: nothing to undo');
  },

  // Return false, or { ok: false, reason: '...' }, to leave the migration pending for now.
  // async canRun(ctx) {
  //   return true;
  // },
});
`;
}

/** Where `create` wrote the new migration. */
export interface CreatedMigration {
  readonly id: string;
  /** Absolute path of the new file. */
  readonly file: string;
  /** True when the data-migrations folder did not exist and was created. */
  readonly createdDir: boolean;
}

/**
 * Writes `<migrationsDir>/data-migrations/YYYYMMDD_HHMMSS_<name>.ts` (UTC), creating the
 * folder when needed. Never overwrites a file.
 */
export function createDataMigrationFile(options: {
  name: string;
  migrationsDir: string;
  cwd?: string;
  now?: Date;
}): CreatedMigration {
  const now = options.now ?? new Date();
  const id = migrationIdFor(options.name, now);
  const dir = resolve(options.cwd ?? process.cwd(), options.migrationsDir, DATA_MIGRATIONS_FOLDER);
  const shownDir = relative(process.cwd(), dir) || dir;
  let createdDir: boolean;
  try {
    createdDir = mkdirSync(dir, { recursive: true }) !== undefined;
  } catch (error) {
    throw fileSystemError(error, `Cannot create the folder ${shownDir}`, options.migrationsDir);
  }
  const file = join(dir, `${id}.ts`);
  try {
    writeFileSync(file, renderDataMigration(id, options.name.trim(), now), { flag: 'wx' });
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') {
      throw new ConfigError(`${relative(process.cwd(), file)} already exists.`, {
        hint: 'Wait a second or choose another name.',
      });
    }
    throw fileSystemError(error, `Cannot write ${relative(process.cwd(), file) || file}`, options.migrationsDir);
  }
  return { id, file, createdDir };
}

/** A file-system refusal in the user's words: what was refused, why, and which option to change. */
function fileSystemError(error: unknown, what: string, migrationsDir: string): ConfigError {
  const code = (error as { code?: string }).code;
  const why =
    code === 'ENOTDIR' || code === 'EEXIST'
      ? 'a part of that path is a file, not a folder'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'the file system is read-only'
          : code === 'ENOSPC'
            ? 'the disk is full'
            : (code ?? String(error));
  return new ConfigError(`${what}: ${why}.`, {
    cause: error,
    hint: `Check --migrations-dir (now ${JSON.stringify(migrationsDir)}): it must name a folder you can write to, or one that can be created.`,
  });
}
