import { MigrationStateError } from '../errors';
import { relative } from 'node:path';
import type { LedgerEntry } from '../state/ledger';
import type { LoadedSnapshot } from '../schema/snapshot-store';

/**
 * How a data migration names a schema migration among its `dependencies`: `schema:<snapshot id>`.
 * The data ordering leaves these out (they are the other kind's); `om migrate-all` orders both
 * kinds together, and `om migrate-data run` refuses while one is not applied.
 */
export const SCHEMA_DEPENDENCY_PREFIX = 'schema:';

/** The schema migration a dependency names, or undefined for a data migration's id. */
export function schemaDependencyId(dependency: string): string | undefined {
  return dependency.startsWith(SCHEMA_DEPENDENCY_PREFIX) ? dependency.slice(SCHEMA_DEPENDENCY_PREFIX.length) : undefined;
}

/** Whether a dependency names a data migration (not `schema:<id>`). */
export function isDataDependency(dependency: string): boolean {
  return schemaDependencyId(dependency) === undefined;
}

/**
 * Refuses, before anything runs, a data run that takes a migration whose `schema:` dependency
 * is not applied: the two kinds must then run together, in one order. Pure.
 */
export function assertSchemaDependenciesApplied(
  planned: readonly { readonly id: string; readonly dependencies: readonly string[] }[],
  schemaLedger: readonly LedgerEntry[],
): void {
  const applied = new Set(schemaLedger.map((e) => e.id));
  for (const m of planned) {
    const waiting = m.dependencies.map(schemaDependencyId).filter((id): id is string => id !== undefined && !applied.has(id));
    if (waiting.length > 0) {
      throw new MigrationStateError(
        `Data migration ${m.id} depends on schema migration ${waiting.join(', ')}, which is not applied. Nothing was applied.`,
        { hint: 'Run both kinds in dependency order with `om migrate-all run` (or `om migrate run` first).' },
      );
    }
  }
}

/**
 * Refuses, before anything is undone, a data rollback that takes a migration an applied schema
 * snapshot runs after (its `after` names it): undoing it alone would leave that snapshot
 * applied on documents without what it waited for. Pure.
 */
export function assertNoSnapshotDependents(
  rolledBack: readonly { readonly id: string }[],
  snapshots: readonly LoadedSnapshot[],
  schemaLedger: readonly LedgerEntry[],
  cwd: string,
): void {
  const applied = new Set(schemaLedger.map((e) => e.id));
  for (const m of rolledBack) {
    const dependents = snapshots.filter((s) => applied.has(s.snapshot.id) && (s.snapshot.after ?? []).includes(m.id));
    if (dependents.length === 0) continue;
    const named = dependents.map((s) => `${s.snapshot.id} (${relative(cwd, s.file) || s.file})`).join(', ');
    throw new MigrationStateError(
      `Cannot roll back data migration ${m.id}: the applied schema migration${dependents.length === 1 ? '' : 's'} ${named} ${dependents.length === 1 ? 'runs' : 'run'} after it. Nothing was rolled back.`,
      { hint: `Roll back both kinds in dependency order with \`om migrate-all rollback\` (or \`om migrate rollback ${dependents[dependents.length - 1]!.snapshot.id}\` first).` },
    );
  }
}
