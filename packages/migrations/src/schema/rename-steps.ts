import type { ScanTransformSpec } from '../batch/types';
import type { IndexDataStructure } from './index-definition';
import type { SchemaSnapshot } from './snapshot';

/**
 * Pure planning of the data steps of confirmed renames. Queries must keep working all along,
 * so a rename is three steps, not one: `copy` the value to the new field in every document
 * (the live index still reads the old one, the new index can be built on the new one), switch
 * the index, then `move` (delete the old field where the new one holds the same value). A
 * rollback runs the same steps from the new field back to the old one.
 */

/** One stored field to rename in every document of one model. */
export interface RenameStep {
  readonly indexName: string;
  readonly on: IndexDataStructure;
  /** The key prefixes of the model (`user:`); one scan per prefix. */
  readonly prefixes: readonly string[];
  /** The HASH field or JSONPath the value is in now. */
  readonly from: string;
  /** Where it goes. */
  readonly to: string;
}

/** Which half of a rename a scan does. */
export type RenamePhase = 'copy' | 'move';

/**
 * The stored location of an index field: the HASH field, or the JSONPath of the value itself
 * (redis-om indexes a `string[]` on JSON as `$.tags[*]`; the array moves as a whole).
 */
export function storedPath(identifier: string, on: IndexDataStructure): string {
  return on === 'JSON' ? identifier.replace(/\[\*\]$/, '') : identifier;
}

/** The renames of a snapshot, `up` (old → new) or `down` (a rollback: new → old). Pure. */
export function renameStepsOf(snapshot: SchemaSnapshot, direction: 'up' | 'down'): RenameStep[] {
  return snapshot.changes.flatMap((change) =>
    (change.renames ?? []).map((rename) => {
      const { on, prefixes } = change.before!.definition;
      const [from, to] = direction === 'up' ? [rename.from, rename.to] : [rename.to, rename.from];
      return { indexName: change.indexName, on, prefixes, from: storedPath(from, on), to: storedPath(to, on) };
    }),
  );
}

/** SCAN MATCH for every key under `prefix`, glob characters escaped. */
export function matchPrefix(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}

/** The checkpoint name of one scan: stable across reruns of the same migration. */
export function renameScanName(migrationId: string, step: RenameStep, phase: RenamePhase, prefix: string): string {
  return `schema:${migrationId}:${step.indexName}:${phase}:${step.from}>${step.to}:${prefix}`;
}

/** The prefix of every checkpoint of a migration's rename scans, to clear them once it is recorded. */
export function renameScanPrefix(migrationId: string): string {
  return `schema:${migrationId}:`;
}

/**
 * The scans of one phase of one step, for `scanTransform`: the value itself is written
 * (identity transform) to the other field. Pure.
 */
export function renameScans(migrationId: string, step: RenameStep, phase: RenamePhase): ScanTransformSpec[] {
  return step.prefixes.map((prefix) => {
    const base = { name: renameScanName(migrationId, step, phase, prefix), match: matchPrefix(prefix), relocate: { to: step.to, mode: phase }, keepCheckpoint: true };
    return step.on === 'HASH'
      ? { ...base, type: 'hash', fields: [step.from], transform: (value: string) => value }
      : { ...base, type: 'json', paths: [step.from], transform: (value) => value };
  });
}

/** What a rename step does, for plans and logs. */
export function describeRenameStep(step: RenameStep, phase: RenamePhase): string {
  const where = `${step.on === 'HASH' ? 'HASH field' : 'JSON path'} ${step.from} → ${step.to} in every ${step.prefixes.map((p) => `${p}*`).join(', ')} key`;
  return phase === 'copy'
    ? `(data) copy ${where}; the live index keeps reading ${step.from}`
    : `(data) remove ${step.from} where ${step.to} holds the same value (${where})`;
}
