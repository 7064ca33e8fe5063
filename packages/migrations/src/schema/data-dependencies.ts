import { MigrationStateError } from '../errors';
import type { LedgerEntry } from '../state/ledger';
import type { LoadedSnapshot } from './snapshot-store';

/**
 * Refuses, before anything is sent, a schema run whose pending snapshots wait on a data
 * migration (`after`) that is not applied: the two kinds must then run together, in one order
 * (`om migrate-all run`). Pure.
 */
export function assertDataDependenciesApplied(pending: readonly LoadedSnapshot[], dataLedger: readonly LedgerEntry[]): void {
  const applied = new Set(dataLedger.map((e) => e.id));
  for (const { snapshot, file } of pending) {
    const waiting = (snapshot.after ?? []).filter((id) => !applied.has(id));
    if (waiting.length > 0) {
      throw new MigrationStateError(
        `Schema migration ${snapshot.id} (${file}) runs after data migration ${waiting.join(', ')}, which is not applied. Nothing was applied.`,
        { hint: 'Run both kinds in dependency order with `om migrate-all run` (or `om migrate-data run` first).' },
      );
    }
  }
}
