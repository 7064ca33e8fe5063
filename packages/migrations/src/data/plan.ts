import { builtinNameOf, type AvailableBuiltin } from '../builtin';
import { MigrationStateError } from '../errors';
import type { LedgerEntry } from '../state/ledger';
import { countStatus, type StatusCounts } from '../state/status-counts';
import type { LoadedMigration } from './migration';

/** The state of one known migration. */
export interface MigrationStatusEntry {
  readonly id: string;
  readonly description: string;
  readonly dependencies: readonly string[];
  readonly source: string;
  readonly applied: boolean;
  readonly appliedAt?: string;
  readonly batch?: number;
  readonly durationMs?: number;
  /** True when the migration was applied from a file whose content has changed since. */
  readonly changedSinceApplied: boolean;
}

/** What `status` reports. Field names follow Redis OM Python's `status()`. */
export interface DataMigrationStatus extends StatusCounts {
  /** Every known migration, in run order. */
  readonly migrations: MigrationStatusEntry[];
  /**
   * Applied according to the ledger, but no file or module defines them any more (or, for a
   * built-in, it is not enabled).
   */
  readonly missing: LedgerEntry[];
  /** Built-in migrations that would have work to do here but are not enabled. */
  readonly builtinsNotEnabled: AvailableBuiltin[];
}

/** Joins the ordered migrations with the ledger. Pure. */
export function buildStatus(
  ordered: readonly LoadedMigration[],
  ledger: readonly LedgerEntry[],
  builtinsNotEnabled: readonly AvailableBuiltin[] = [],
): DataMigrationStatus {
  const applied = new Map(ledger.map((e) => [e.id, e]));
  const known = new Set(ordered.map((m) => m.id));
  const migrations = ordered.map((m): MigrationStatusEntry => {
    const entry = applied.get(m.id);
    return {
      id: m.id,
      description: m.description,
      dependencies: m.dependencies,
      source: m.source,
      applied: entry !== undefined,
      appliedAt: entry?.appliedAt,
      batch: entry?.batch,
      durationMs: entry?.durationMs,
      changedSinceApplied: entry !== undefined && entry.checksum !== m.checksum,
    };
  });
  return {
    ...countStatus(migrations),
    migrations,
    missing: ledger.filter((e) => !known.has(e.id)),
    builtinsNotEnabled: [...builtinsNotEnabled],
  };
}

/** Which pending migrations a `run` takes, in order. Pure. */
export function planRun(
  ordered: readonly LoadedMigration[],
  ledger: readonly LedgerEntry[],
  options: { limit?: number; target?: string } = {},
): LoadedMigration[] {
  const applied = new Set(ledger.map((e) => e.id));
  let pending = ordered.filter((m) => !applied.has(m.id));
  if (options.target !== undefined) {
    const index = ordered.findIndex((m) => m.id === options.target);
    if (index < 0) throw unknownMigration(options.target, ordered);
    // Dependencies always come earlier, so the prefix up to the target is complete.
    const upTo = new Set(ordered.slice(0, index + 1).map((m) => m.id));
    pending = pending.filter((m) => upTo.has(m.id));
  }
  if (options.limit !== undefined) pending = pending.slice(0, options.limit);
  return pending;
}

/** What to roll back: one id, the last `steps` batches, or everything. */
export type RollbackRequest = { id: string } | { steps: number } | { all: true };

/** The migrations a rollback undoes, newest first, after checking each can be undone. Pure. */
export function planRollback(
  ordered: readonly LoadedMigration[],
  ledger: readonly LedgerEntry[],
  request: RollbackRequest,
): LoadedMigration[] {
  const byId = new Map(ordered.map((m) => [m.id, m]));
  const newestFirst = [...ledger].sort((a, b) => b.order - a.order);
  let chosen: LedgerEntry[];
  if ('id' in request) {
    const entry = ledger.find((e) => e.id === request.id);
    if (!entry) {
      if (!byId.has(request.id)) throw unknownMigration(request.id, ordered);
      throw new MigrationStateError(`Data migration ${request.id} is not applied, so there is nothing to roll back.`, {
        hint: 'See what is applied with `om migrate-data status`.',
      });
    }
    const dependents = ordered.filter((m) => m.dependencies.includes(request.id) && ledger.some((e) => e.id === m.id));
    if (dependents.length > 0) {
      throw new MigrationStateError(
        `Cannot roll back ${request.id}: applied migrations depend on it: ${dependents.map((m) => m.id).join(', ')}.`,
        { hint: 'Roll those back first.' },
      );
    }
    chosen = [entry];
  } else if ('steps' in request) {
    const batches = [...new Set(newestFirst.map((e) => e.batch))].slice(0, request.steps);
    chosen = newestFirst.filter((e) => batches.includes(e.batch));
  } else {
    chosen = newestFirst;
  }
  const missing = chosen.filter((e) => !byId.has(e.id));
  const builtin = missing.map((e) => builtinNameOf(e.id)).find((name) => name !== undefined);
  if (builtin !== undefined) {
    const id = missing.find((e) => builtinNameOf(e.id) === builtin)!.id;
    throw new MigrationStateError(`Cannot roll back ${id}: it is the built-in migration ${builtin}, which is not enabled here. Nothing was rolled back.`, {
      hint: `Enable it (--builtin ${builtin}, or builtins: ["${builtin}"]) with your models, and roll back again.`,
    });
  }
  if (missing.length > 0) {
    throw new MigrationStateError(
      `Cannot roll back ${missing.map((e) => e.id).join(', ')}: no migration file defines ${missing.length === 1 ? 'it' : 'them'} any more.`,
      { hint: 'Restore the file from version control, or remove the ledger entry if its effects are gone.' },
    );
  }
  const withoutDown = chosen.filter((e) => typeof byId.get(e.id)!.migration.down !== 'function');
  if (withoutDown.length > 0) {
    throw new MigrationStateError(
      `Cannot roll back ${withoutDown.map((e) => e.id).join(', ')}: no down() defined. Nothing was rolled back.`,
      { hint: 'Add a down() to the migration, or leave it applied.' },
    );
  }
  return chosen.map((e) => byId.get(e.id)!);
}

/** The migration `stamp` records as applied without running it. Pure. */
export function planStamp(ordered: readonly LoadedMigration[], ledger: readonly LedgerEntry[], id: string): LoadedMigration {
  const migration = ordered.find((m) => m.id === id);
  if (!migration) throw unknownMigration(id, ordered);
  const applied = new Set(ledger.map((e) => e.id));
  if (applied.has(id)) {
    throw new MigrationStateError(`Data migration ${id} is already applied.`);
  }
  const pendingDeps = migration.dependencies.filter((dep) => !applied.has(dep));
  if (pendingDeps.length > 0) {
    throw new MigrationStateError(`Cannot stamp ${id}: its dependencies are not applied: ${pendingDeps.join(', ')}.`, {
      hint: 'Run or stamp those first.',
    });
  }
  return migration;
}

function unknownMigration(id: string, ordered: readonly LoadedMigration[]): MigrationStateError {
  const known = ordered.map((m) => m.id);
  return new MigrationStateError(`No data migration has the id ${id}.`, {
    hint: known.length > 0 ? `Known ids: ${known.join(', ')}.` : 'There are no data migrations yet.',
  });
}
