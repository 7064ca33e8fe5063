import { relative } from 'node:path';
import type { LedgerEntry } from '../state/ledger';
import { countStatus, type StatusCounts } from '../state/status-counts';
import { classifyChange, type ClassifiedChange } from './classify';
import { classifyWithSchemaRenames } from './schema-renames';
import type { IndexChange } from './diff';
import type { LoadedSnapshot } from './snapshot-store';

/** One snapshot and whether it is applied. */
export interface SchemaMigrationStatusEntry {
  readonly id: string;
  /** The snapshot file, relative to the project. */
  readonly file: string;
  readonly indexes: readonly string[];
  readonly applied: boolean;
  readonly appliedAt?: string;
  readonly batch?: number;
  /** The file changed since it was applied. */
  readonly changedSinceApplied: boolean;
  /** Each difference the snapshot makes, classified. */
  readonly classified: readonly ClassifiedChange[];
}

/** What `status` reports. */
export interface SchemaMigrationStatus extends StatusCounts {
  readonly migrations: SchemaMigrationStatusEntry[];
  /** Applied according to the ledger, but no snapshot file has that id any more. */
  readonly missing: LedgerEntry[];
  /**
   * Indexes the models changed since the latest snapshot (run `create`); present only when the
   * migrator was given `models`.
   */
  readonly modelChanges?: IndexChange[];
  /** `modelChanges` classified (renames are not known before `create` asks). */
  readonly modelChangesClassified?: ClassifiedChange[];
}

/**
 * Joins the snapshots with the ledger. Pure. `cwd` is what file paths are shown relative to;
 * `modelChanges` is passed through when the models were compiled.
 */
export function buildSchemaStatus(
  snapshots: readonly LoadedSnapshot[],
  ledger: readonly LedgerEntry[],
  options: { cwd: string; modelChanges?: IndexChange[] },
): SchemaMigrationStatus {
  const applied = new Map(ledger.map((e) => [e.id, e]));
  const migrations = snapshots.map(({ snapshot, file, checksum }): SchemaMigrationStatusEntry => {
    const entry = applied.get(snapshot.id);
    return {
      id: snapshot.id,
      file: relative(options.cwd, file) || file,
      indexes: snapshot.changes.map((c) => c.indexName),
      applied: entry !== undefined,
      appliedAt: entry?.appliedAt,
      batch: entry?.batch,
      changedSinceApplied: entry !== undefined && entry.checksum !== checksum,
      classified: classifyWithSchemaRenames(snapshot.changes),
    };
  });
  const ids = new Set(snapshots.map((s) => s.snapshot.id));
  return {
    ...countStatus(migrations),
    migrations,
    missing: ledger.filter((e) => !ids.has(e.id)),
    modelChanges: options.modelChanges,
    modelChangesClassified: options.modelChanges?.flatMap((c) => classifyChange(c)),
  };
}
