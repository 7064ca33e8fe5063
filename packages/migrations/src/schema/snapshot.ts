import { z } from 'zod';
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
    renames: z.array(z.object({ from: z.string().min(1), to: z.string().min(1) }).strict()).min(1).optional(),
    /** A schema rename (on an added index): the removed index of the same snapshot it replaces. */
    renamedFrom: z.string().min(1).optional(),
  })
  .strict();

/** A data migration's id, as its file or module defines it. */
const afterIdSchema = z
  .string()
  .regex(/^[^\s]+$/, 'a data migration id has no whitespace')
  .refine((id) => !id.startsWith('schema:'), 'after names data migrations; schema migrations already run in timestamp order');

const snapshotSchema = z
  .object({
    format: z.literal(SNAPSHOT_FORMAT),
    id: z.string().regex(/^\d{8}_\d{6}_[A-Za-z0-9_]+$/),
    name: z.string().min(1),
    createdAt: z.string().min(1),
    /**
     * Data migrations that must be applied before this snapshot (`om migrate create --after`):
     * `om migrate-all` runs them first, `om migrate run` refuses until they are applied.
     * Absent in snapshots written before it existed.
     */
    after: z.array(afterIdSchema).min(1).optional(),
    changes: z.array(changeSchema).min(1),
  })
  .strict();

/** The content of one schema-migration file: per changed index, its state before and after. */
export type SchemaSnapshot = z.infer<typeof snapshotSchema>;

/** The snapshot for `changes`, named `name`, created at `now`, run after the data migrations `after`. Pure. */
export function buildSnapshot(name: string, changes: readonly IndexChange[], now: Date, after: readonly string[] = []): SchemaSnapshot {
  return {
    format: SNAPSHOT_FORMAT,
    id: migrationIdFor(name, now),
    name,
    createdAt: now.toISOString(),
    ...(after.length > 0 ? { after: [...new Set(after)] } : {}),
    changes: changes.map((c) => ({
      indexName: c.indexName,
      kind: c.kind,
      hashOnly: c.hashOnly,
      before: c.before,
      after: c.after,
      ...(c.renames && c.renames.length > 0 ? { renames: c.renames.map((r) => ({ from: r.from, to: r.to })) } : {}),
      ...(c.renamedFrom !== undefined ? { renamedFrom: c.renamedFrom } : {}),
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
    for (const rename of change.renames ?? []) {
      const from = change.before?.definition.fields.some((f) => f.identifier === rename.from);
      const to = change.after?.definition.fields.some((f) => f.identifier === rename.to);
      if (change.kind !== 'changed' || !from || !to || change.before!.definition.on !== change.after!.definition.on) {
        throw new SnapshotError(file, `Schema migration ${file} is not valid: rename ${rename.from} → ${rename.to} of ${change.indexName} does not name a field before and a field after`, {
          hint: 'Renames are written by `om migrate create --rename old:new`; restore the file from git or create it again.',
        });
      }
    }
    if (change.renamedFrom !== undefined) {
      const removed = snapshot.changes.find((c) => c.kind === 'removed' && c.indexName === change.renamedFrom);
      const claimed = snapshot.changes.filter((c) => c.renamedFrom === change.renamedFrom).length;
      if (change.kind !== 'added' || !removed || claimed > 1 || removed.before!.definition.on !== change.after!.definition.on) {
        throw new SnapshotError(file, `Schema migration ${file} is not valid: ${change.indexName} is renamed from ${change.renamedFrom}, which is not one index this migration removes`, {
          hint: 'Schema renames are written by `om migrate create --rename-schema old:new`; restore the file from git or create it again.',
        });
      }
    }
  }
  return snapshot;
}

/**
 * Parses and validates the text of one snapshot file; `file` names it in errors. Throws a
 * {@link SnapshotError} for text that is not JSON or not a valid snapshot.
 */
export function parseSnapshot(text: string, file: string): SchemaSnapshot {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new SnapshotError(file, `Cannot read schema migration ${file}: ${(cause as Error).message}`, { cause });
  }
  return validateSnapshot(data, file);
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

/** The text of a snapshot file, exactly as `om migrate create` and the Nx generator write it. */
export function renderSnapshot(snapshot: SchemaSnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}
