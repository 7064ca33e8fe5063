import { ConfigError } from '../errors';

/** `YYYYMMDD_HHMMSS_<name>` followed by a TypeScript or JavaScript extension. */
export const MIGRATION_FILE_PATTERN = /^(\d{8}_\d{6}_[A-Za-z0-9_]+)\.(ts|js|cts|cjs)$/;

/**
 * Checks a name given to `create`: letters, digits and underscores, so that it is a safe file
 * name on every platform and a readable id.
 */
export function validateMigrationName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') {
    throw new ConfigError('A migration name is required.', {
      hint: 'Give a short snake_case name, e.g. normalize_emails.',
    });
  }
  if (/[/\\]/.test(trimmed) || trimmed.includes('..')) {
    throw new ConfigError(`Invalid migration name "${name}": it must not contain path separators or "..".`, {
      hint: 'Give a plain snake_case name, e.g. normalize_emails; use --migrations-dir to choose the folder.',
    });
  }
  if (!/^[A-Za-z0-9_]+$/.test(trimmed)) {
    throw new ConfigError(`Invalid migration name "${name}": use only letters, digits and underscores.`, {
      hint: 'For example: normalize_emails.',
    });
  }
  if (trimmed.length > 100) {
    throw new ConfigError(`Invalid migration name "${name}": longer than 100 characters.`);
  }
  return trimmed;
}

/** The UTC timestamp prefix of a migration id: `YYYYMMDD_HHMMSS`. */
export function timestampPrefix(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}_` +
    `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`
  );
}

/** The id (and file stem) of a new migration named `name`, created at `now`. */
export function migrationIdFor(name: string, now: Date): string {
  return `${timestampPrefix(now)}_${validateMigrationName(name)}`;
}
