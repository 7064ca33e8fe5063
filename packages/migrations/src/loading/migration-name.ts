import { ConfigError } from '../errors';

/** `YYYYMMDD_HHMMSS_<name>` followed by a TypeScript or JavaScript extension. */
export const MIGRATION_FILE_PATTERN = /^(\d{8}_\d{6}_[A-Za-z0-9_]+)\.(ts|js|cts|cjs)$/;

/** The extensions a data migration file may have (CommonJS, loaded with `require`). */
export const MIGRATION_EXTENSIONS = ['.ts', '.js', '.cts', '.cjs'] as const;

/** What the loader makes of a file in data-migrations/. */
export type MigrationFileVerdict =
  | { readonly kind: 'migration'; readonly stem: string }
  /** Starts like a migration but is not one: refused, with the reason. */
  | { readonly kind: 'invalid'; readonly reason: string }
  /** Not a migration (a helper module, a README): reported, not loaded. */
  | { readonly kind: 'ignored'; readonly reason: string }
  /** Never a migration: type declarations, source maps, specs, dotfiles. */
  | { readonly kind: 'passed-over' };

/** Classifies a file name found in data-migrations/. Pure. */
export function classifyMigrationFileName(name: string): MigrationFileVerdict {
  if (name.startsWith('.') || /\.d\.[cm]?ts$|\.map$|\.(spec|test)\.[cm]?[jt]s$/.test(name)) return { kind: 'passed-over' };
  const stamp = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})_/.exec(name);
  if (!stamp) {
    return /^\d{8}_\d{6}/.test(name) || /^\d{6,}_/.test(name)
      ? { kind: 'invalid', reason: 'it does not start with YYYYMMDD_HHMMSS_' }
      : { kind: 'ignored', reason: 'not named YYYYMMDD_HHMMSS_name.ts, so it is not loaded as a migration' };
  }
  const [, y, mo, d, h, mi, se] = stamp.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  if (date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) {
    return { kind: 'invalid', reason: `${name.slice(0, 15)} is not a real date and time` };
  }
  const extension = /\.[^.]+$/.exec(name)?.[0] ?? '';
  if (!(MIGRATION_EXTENSIONS as readonly string[]).includes(extension)) {
    return {
      kind: 'invalid',
      reason: extension === '' ? 'it has no extension' : `the extension ${extension} does not load (use ${MIGRATION_EXTENSIONS.join(', ')})`,
    };
  }
  const stem = name.slice(0, -extension.length);
  const rest = stem.slice(16);
  if (!/^[A-Za-z0-9_]+$/.test(rest)) {
    return {
      kind: 'invalid',
      reason: rest === '' ? 'the name after the timestamp is missing' : `"${rest}" may hold only letters, digits and underscores`,
    };
  }
  return { kind: 'migration', stem };
}

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
