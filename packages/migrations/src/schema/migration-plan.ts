import { MigrationStateError } from '../errors';
import type { LedgerEntry } from '../state/ledger';
import type { IndexState } from './diff';
import { planIndex, reportedHash, versionedIndexName, type IndexPlan, type LiveLayout, type SchemaStrategy } from './plan';
import type { SchemaSnapshot } from './snapshot';
import type { LoadedSnapshot } from './snapshot-store';

/**
 * Pure planning of schema migrations as a whole: which snapshots a run applies, what a
 * rollback may undo, and which index moves each makes. What to send for one move is
 * `planIndex`'s job; reading what is live and sending is the migrator's.
 */

/** One index to bring to a state. */
export interface IndexMove {
  readonly indexName: string;
  /** The state to reach, or null to remove the index. */
  readonly target: IndexState | null;
  /** The key where redis-om stores the index's hash (the target's, else the one removed). */
  readonly hashName: string;
}

/** The moves of a snapshot: `up` to its states after, `down` (a rollback) to its states before. */
export function movesOf(snapshot: SchemaSnapshot, direction: 'up' | 'down'): IndexMove[] {
  return snapshot.changes.map((change) => {
    const [target, other] = direction === 'up' ? [change.after, change.before] : [change.before, change.after];
    return { indexName: change.indexName, target, hashName: (target ?? other)!.indexHashName };
  });
}

/** The moves that bring every model's index to its compiled state (`auto`). */
export function movesToModels(states: Iterable<IndexState>): IndexMove[] {
  return [...states].map((target) => ({ indexName: target.indexName, target, hashName: target.indexHashName }));
}

/** The snapshots the ledger records as applied (`applied: true`) or not, oldest first. */
export function snapshotsBy(snapshots: readonly LoadedSnapshot[], ledger: readonly LedgerEntry[], applied: boolean): LoadedSnapshot[] {
  const ids = new Set(ledger.map((e) => e.id));
  return snapshots.filter((s) => ids.has(s.snapshot.id) === applied);
}

/**
 * The moves that roll back snapshot `id`, after checking it can be: it exists, is applied, and
 * no later applied snapshot touches the same indexes. Throws a {@link MigrationStateError}.
 */
export function planSchemaRollback(snapshots: readonly LoadedSnapshot[], ledger: readonly LedgerEntry[], id: string): IndexMove[] {
  const target = snapshots.find((s) => s.snapshot.id === id);
  if (!target) {
    throw new MigrationStateError(`No schema migration has the id ${id}.`, {
      hint: snapshots.length > 0 ? `Known ids: ${snapshots.map((s) => s.snapshot.id).join(', ')}.` : 'There are no schema migrations yet.',
    });
  }
  const entry = ledger.find((e) => e.id === id);
  if (!entry) throw new MigrationStateError(`Schema migration ${id} is not applied, so there is nothing to roll back.`);
  const touched = new Set(target.snapshot.changes.map((c) => c.indexName));
  const later = ledger
    .filter((e) => e.order > entry.order)
    .filter((e) => snapshots.find((s) => s.snapshot.id === e.id)?.snapshot.changes.some((c) => touched.has(c.indexName)));
  if (later.length > 0) {
    throw new MigrationStateError(`Cannot roll back ${id}: later applied schema migrations change the same indexes: ${later.map((e) => e.id).join(', ')}.`, {
      hint: 'Roll those back first.',
    });
  }
  return movesOf(target.snapshot, 'down');
}

/** The plan of one move against `live`, given every real index on the server. Pure. */
export function planMove(move: IndexMove, live: LiveLayout, existingIndexes: readonly string[], strategy: SchemaStrategy): IndexPlan {
  return planIndex({ indexName: move.indexName, target: move.target, live, existingIndexes, strategy, indexHashName: move.hashName });
}

/** The layout a move leaves, so a dry run can plan later snapshots of the same index. Pure. */
export function layoutAfter(move: IndexMove, live: LiveLayout, strategy: SchemaStrategy): LiveLayout {
  const { indexName, target } = move;
  if (target === null) return { kind: 'absent', physicalName: null, reportedHash: null, storedIndexHash: live.storedIndexHash };
  const swapped = strategy === 'swap';
  const sameIndex = live.kind !== 'absent' && live.reportedHash === reportedHash(target.definition, indexName);
  return {
    kind: sameIndex ? live.kind : swapped ? 'alias' : 'plain',
    physicalName: sameIndex ? live.physicalName : swapped ? versionedIndexName(indexName, target.hash) : indexName,
    reportedHash: reportedHash(target.definition, indexName),
    storedIndexHash: target.indexHash,
  };
}
