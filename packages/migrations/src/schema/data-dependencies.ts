import { ConfigError, MigrationStateError } from '../errors';
import type { LedgerEntry } from '../state/ledger';
import type { LoadedSnapshot } from './snapshot-store';

/**
 * The project's data migrations as schema migrations need to see them, for the checks that span
 * both kinds (a rollback's dependents, `create --after`). The schema layer does not load data
 * migrations itself (they are code, loaded by the data layer): the caller hands them over.
 */
export interface DataMigrationsView {
  /** The folder they were loaded from, as the user would type it (named when there are none). */
  readonly folder: string;
  /** Every data migration loaded from it. */
  readonly migrations: readonly { readonly id: string; readonly dependencies: readonly string[]; readonly source: string }[];
  /** Ids of the built-in migrations a project may enable (`--builtin`): a snapshot may run after one. */
  readonly builtinIds: readonly string[];
}

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

/**
 * Refuses, before anything is sent, to roll back a snapshot that an applied data migration
 * depends on (`schema:<id>` in its `dependencies`): undoing it alone would leave that data
 * migration applied on an index it no longer has. Pure.
 */
export function assertNoDataDependents(snapshotId: string, data: DataMigrationsView, dataLedger: readonly LedgerEntry[]): void {
  const applied = new Set(dataLedger.map((e) => e.id));
  // How a data migration names a snapshot (data/schema-dependencies.ts); the data layer sits beside this one.
  const reference = `schema:${snapshotId}`;
  const dependents = data.migrations.filter((m) => applied.has(m.id) && m.dependencies.includes(reference));
  if (dependents.length === 0) return;
  const named = dependents.map((m) => `${m.id} (${m.source})`).join(', ');
  throw new MigrationStateError(
    `Cannot roll back schema migration ${snapshotId}: the applied data migration${dependents.length === 1 ? '' : 's'} ${named} ${dependents.length === 1 ? 'depends' : 'depend'} on it (${reference}). Nothing was rolled back.`,
    { hint: `Roll back both kinds in dependency order with \`om migrate-all rollback\` (or \`om migrate-data rollback ${dependents[0]!.id}\` first).` },
  );
}

/**
 * Refuses, before a snapshot is written, an `after` id that names no data migration of the
 * project (nor a built-in one): a typo would otherwise only show at `om migrate-all`. Pure.
 */
export function assertAfterKnown(after: readonly string[], data: DataMigrationsView): void {
  const known = new Set([...data.migrations.map((m) => m.id), ...data.builtinIds]);
  const unknown = after.filter((id) => !known.has(id));
  if (unknown.length === 0) return;
  const ids = data.migrations.map((m) => m.id);
  const builtins = data.builtinIds.length > 0 ? `; built-in: ${data.builtinIds.join(', ')}` : '';
  const listed = ids.length > 0 ? `The data migrations in ${data.folder} are: ${ids.join(', ')}${builtins}.` : `There are no data migrations in ${data.folder}${builtins}.`;
  throw new ConfigError(
    `No schema migration was written: --after ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a data migration' : 'are not data migrations'} of this project. ${listed}`,
    { hint: 'Give the id of a data migration (`om migrate-data create <name>` writes one), or check it for a typo.' },
  );
}
