import { MigrationStateError } from '../errors';
import type { LedgerEntry } from '../state/ledger';

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
