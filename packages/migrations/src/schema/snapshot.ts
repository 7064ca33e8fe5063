import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors';
import { migrationIdFor } from '../loading/migration-name';
import type { IndexChange, IndexState } from './diff';
import { SnapshotError } from './errors';
import { definitionHash, indexDefinitionSchema } from './index-definition';

/** The folder under the migrations directory that holds schema-migration snapshots. */
export const SCHEMA_MIGRATIONS_FOLDER = 'schema-migrations';

/** `YYYYMMDD_HHMMSS_<name>.json` (UTC). */
export const SNAPSHOT_FILE_PATTERN = /^(\d{8}_\d{6}_[A-Za-z0-9_]+)\.json$/;

/** Written into every snapshot so a later format can be told apart. */
export const SNAPSHOT_FORMAT = 'om-schema-migration/1';

const indexStateSchema = z
  .object({
    indexName: z.string().min(1),
    schemaName: z.string().min(1),
    indexHashName: z.string().min(1),
    indexHash: z.string().min(1),
    definition: indexDefinitionSchema,
    hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  })
  .strict();

const changeSchema = z
  .object({
    indexName: z.string().min(1),
    kind: z.enum(['added', 'changed', 'removed']),
    hashOnly: z.boolean(),
    before: indexStateSchema.nullable(),
    after: indexStateSchema.nullable(),
  })
  .strict();

const snapshotSchema = z
  .object({
    format: z.literal(SNAPSHOT_FORMAT),
    id: z.string().regex(/^\d{8}_\d{6}_[A-Za-z0-9_]+$/),
    name: z.string().min(1),
    createdAt: z.string().min(1),
    changes: z.array(changeSchema).min(1),
  })
  .strict();

/** The content of one schema-migration file: per changed index, its state before and after. */
export type SchemaSnapshot = z.infer<typeof snapshotSchema>;

/** A snapshot read from disk. */
export interface LoadedSnapshot {
  readonly snapshot: SchemaSnapshot;
  /** Absolute path of the file. */
  readonly file: string;
}

/** The snapshot for `changes`, named `name`, created at `now`. Pure. */
export function buildSnapshot(name: string, changes: readonly IndexChange[], now: Date): SchemaSnapshot {
  return {
    format: SNAPSHOT_FORMAT,
    id: migrationIdFor(name, now),
    name,
    createdAt: now.toISOString(),
    changes: changes.map((c) => ({
      indexName: c.indexName,
      kind: c.kind,
      hashOnly: c.hashOnly,
      before: c.before,
      after: c.after,
    })),
  };
}

/**
 * Checks a parsed snapshot: its shape (zod), that its id matches the file name, and that each
 * stored hash is the hash of the stored definition, so a hand edit of one without the other is
 * caught. Throws a {@link SnapshotError} naming the file and the first problem.
 */
export function validateSnapshot(data: unknown, file: string): SchemaSnapshot {
  const parsed = snapshotSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new SnapshotError(file, `Schema migration ${file} is not valid${where}: ${issue.message}`, {
      hint: 'Snapshots are written by `om migrate create`; restore the file from git or create it again.',
    });
  }
  const snapshot = parsed.data;
  const stem = SNAPSHOT_FILE_PATTERN.exec(file.split(/[\\/]/).pop() ?? '')?.[1];
  if (stem !== undefined && stem !== snapshot.id) {
    throw new SnapshotError(file, `Schema migration ${file} has id ${snapshot.id}, which does not match its file name`, {
      hint: 'Rename the file back, or set "id" to the file name without .json.',
    });
  }
  for (const change of snapshot.changes) {
    for (const side of ['before', 'after'] as const) {
      const state = change[side];
      if (state !== null && definitionHash(state.definition) !== state.hash) {
        throw new SnapshotError(
          file,
          `Schema migration ${file} is not valid: the ${side} definition of ${change.indexName} does not match its hash`,
          { hint: 'The definition was edited by hand. Restore the file, change the model, and run `om migrate create`.' },
        );
      }
    }
    const expectedSides = { added: [false, true], removed: [true, false], changed: [true, true] }[change.kind];
    if ((change.before !== null) !== expectedSides[0] || (change.after !== null) !== expectedSides[1]) {
      throw new SnapshotError(file, `Schema migration ${file} is not valid: ${change.indexName} is "${change.kind}" but has the wrong before/after`);
    }
  }
  return snapshot;
}

/** Reads and validates one snapshot file. */
export function readSnapshotFile(file: string): LoadedSnapshot {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new SnapshotError(file, `Cannot read schema migration ${file}: ${(cause as Error).message}`, { cause });
  }
  return { snapshot: validateSnapshot(data, file), file };
}

/** Every snapshot under `<migrationsDir>/schema-migrations/`, oldest first. None when the folder is absent. */
export function loadSnapshots(migrationsDir: string): LoadedSnapshot[] {
  const dir = resolve(migrationsDir, SCHEMA_MIGRATIONS_FOLDER);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => SNAPSHOT_FILE_PATTERN.test(f))
    .sort()
    .map((f) => readSnapshotFile(join(dir, f)));
}

/**
 * The index states the snapshots add up to, oldest to newest: what the models looked like when
 * the latest snapshot was written. Pure.
 */
export function stateAfterSnapshots(snapshots: readonly SchemaSnapshot[]): Map<string, IndexState> {
  const state = new Map<string, IndexState>();
  for (const snapshot of snapshots) {
    for (const change of snapshot.changes) {
      if (change.after === null) state.delete(change.indexName);
      else state.set(change.indexName, change.after);
    }
  }
  return state;
}

/** The text of a snapshot file, exactly as `writeSnapshot` writes it (the Nx generator writes it too). */
export function renderSnapshot(snapshot: SchemaSnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

/** Where `writeSnapshot` put the file. */
export interface WrittenSnapshot {
  readonly file: string;
  readonly createdDir: boolean;
}

/** Writes a snapshot as `<migrationsDir>/schema-migrations/<id>.json`; never overwrites. */
export function writeSnapshot(migrationsDir: string, snapshot: SchemaSnapshot): WrittenSnapshot {
  const dir = resolve(migrationsDir, SCHEMA_MIGRATIONS_FOLDER);
  const createdDir = !existsSync(dir);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${snapshot.id}.json`);
  if (existsSync(file)) {
    throw new ConfigError(`Schema migration ${file} already exists`, { hint: 'Wait a second or choose another name.' });
  }
  writeFileSync(file, renderSnapshot(snapshot), { flag: 'wx' });
  return { file, createdDir };
}
