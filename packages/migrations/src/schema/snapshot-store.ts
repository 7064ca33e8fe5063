import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, describeCause } from '../errors';
import { SnapshotError } from './errors';
import { SCHEMA_MIGRATIONS_FOLDER, SNAPSHOT_FILE_PATTERN, parseSnapshot, renderSnapshot, type SchemaSnapshot } from './snapshot';

/**
 * Where a project's schema-migration files live: its `schema-migrations/` folder on disk for
 * the CLI and the API, an Nx `Tree` for the generator. The engine reads and writes snapshots
 * only through this, so both write exactly the same files.
 */
export interface SnapshotStore {
  /** The names of the files in the folder, in any order; none when it does not exist. */
  list(): readonly string[];
  /** The text of the file `name`. */
  read(name: string): string;
  /** Writes a new file `name`, creating the folder when needed. */
  write(name: string, text: string): void;
  /** How the file `name` is shown in messages and results (its path). */
  path(name: string): string;
}

/** A snapshot as read from a store. */
export interface LoadedSnapshot {
  readonly snapshot: SchemaSnapshot;
  /** Where it was read from, as the store names it (an absolute path on disk). */
  readonly file: string;
  /** sha256 (hex) of the file's text: recorded in the ledger, to tell a file edited since it was applied. */
  readonly checksum: string;
}

/** The store of `<migrationsDir>/schema-migrations/` on disk. */
export function fileSnapshotStore(migrationsDir: string): SnapshotStore {
  const dir = resolve(migrationsDir, SCHEMA_MIGRATIONS_FOLDER);
  return {
    list: () => (existsSync(dir) ? readdirSync(dir) : []),
    read: (name) => readFileSync(join(dir, name), 'utf8'),
    write: (name, text) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, name), text, { flag: 'wx' });
    },
    path: (name) => join(dir, name),
  };
}

/** Every snapshot in the store, oldest first, validated; files that are not snapshots are ignored. */
export function loadSnapshotsFrom(store: SnapshotStore): LoadedSnapshot[] {
  return store
    .list()
    .filter((name) => SNAPSHOT_FILE_PATTERN.test(name))
    .sort()
    .map((name) => {
      const file = store.path(name);
      let text: string;
      try {
        text = store.read(name);
      } catch (cause) {
        throw new SnapshotError(file, `Cannot read schema migration ${file}: ${describeCause(cause)}`, { cause });
      }
      return { snapshot: parseSnapshot(text, file), file, checksum: createHash('sha256').update(text).digest('hex') };
    });
}

/** Writes a snapshot as `<id>.json` and returns its path; never overwrites a file. */
export function writeSnapshotTo(store: SnapshotStore, snapshot: SchemaSnapshot): string {
  const name = `${snapshot.id}.json`;
  const file = store.path(name);
  if (store.list().includes(name)) {
    throw new ConfigError(`Schema migration ${file} already exists.`, { hint: 'Wait a second or choose another name.' });
  }
  store.write(name, renderSnapshot(snapshot));
  return file;
}

/** Every snapshot under `<migrationsDir>/schema-migrations/`, oldest first. None when the folder is absent. */
export function loadSnapshots(migrationsDir: string): LoadedSnapshot[] {
  return loadSnapshotsFrom(fileSnapshotStore(migrationsDir));
}

/** Writes a snapshot as `<migrationsDir>/schema-migrations/<id>.json`; never overwrites. */
export function writeSnapshot(migrationsDir: string, snapshot: SchemaSnapshot): { file: string; createdDir: boolean } {
  const createdDir = !existsSync(resolve(migrationsDir, SCHEMA_MIGRATIONS_FOLDER));
  return { file: writeSnapshotTo(fileSnapshotStore(migrationsDir), snapshot), createdDir };
}
