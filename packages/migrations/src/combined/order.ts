import { MigrationGraphError, MigrationStateError } from '../errors';
import { topologicalOrder } from '../data/order';
import { SCHEMA_DEPENDENCY_PREFIX, schemaDependencyId } from '../data/schema-dependencies';
import type { LedgerEntry } from '../state/ledger';

/**
 * Pure ordering of data and schema migrations as one graph, for `om migrate-all`. A data
 * migration depends on what its `dependencies` name (a data migration's id, or
 * `schema:<snapshot id>`); a schema snapshot depends on the snapshot before it (snapshots keep
 * their timestamp order) and on the data migrations its `after` names. Ties are broken by id,
 * which starts with the creation time, so the order is the same on every machine.
 */

/** A data migration as the ordering sees it. */
export interface DataNode {
  readonly id: string;
  readonly dependencies: readonly string[];
  readonly source: string;
}

/** A schema snapshot as the ordering sees it. */
export interface SchemaNode {
  readonly id: string;
  readonly after: readonly string[];
  readonly source: string;
}

/** One migration of either kind, in the combined order. */
export type Step<D extends DataNode = DataNode, S extends SchemaNode = SchemaNode> =
  | { readonly kind: 'data'; readonly ref: string; readonly id: string; readonly source: string; readonly dependencies: readonly string[]; readonly node: D }
  | { readonly kind: 'schema'; readonly ref: string; readonly id: string; readonly source: string; readonly dependencies: readonly string[]; readonly node: S };

/** What each ledger records as applied. */
export interface Ledgers {
  readonly data: readonly LedgerEntry[];
  readonly schema: readonly LedgerEntry[];
}

/** How a migration is named in dependencies and messages: `<id>` for data, `schema:<id>` for schema. */
export function refOf(kind: 'data' | 'schema', id: string): string {
  return kind === 'data' ? id : `${SCHEMA_DEPENDENCY_PREFIX}${id}`;
}

/**
 * Every known migration of both kinds in one order: each after what it depends on. Throws a
 * {@link MigrationGraphError} naming the migration and its file when a reference is unknown
 * (and not applied either: a file removed after it ran still satisfies what depends on it), or
 * the path of a cycle with each file.
 */
export function orderAll<D extends DataNode, S extends SchemaNode>(data: readonly D[], schema: readonly S[], ledgers: Ledgers): Step<D, S>[] {
  const schemaOrder = [...schema].sort((a, b) => compare(a.id, b.id));
  const steps: Step<D, S>[] = [
    ...data.map((node): Step<D, S> => ({ kind: 'data', ref: refOf('data', node.id), id: node.id, source: node.source, dependencies: node.dependencies, node })),
    ...schemaOrder.map((node, i): Step<D, S> => ({
      kind: 'schema',
      ref: refOf('schema', node.id),
      id: node.id,
      source: node.source,
      dependencies: [...(i > 0 ? [refOf('schema', schemaOrder[i - 1]!.id)] : []), ...node.after],
      node,
    })),
  ];
  const byRef = new Map(steps.map((s) => [s.ref, s]));
  const applied = appliedRefs(ledgers);
  for (const step of steps) {
    for (const dep of step.dependencies) {
      if (!byRef.has(dep) && !applied.has(dep)) throw unknownReference(step, dep);
    }
  }
  const graph = steps.map((step) => ({ ...step, id: step.ref, dependencies: step.dependencies.filter((dep) => byRef.has(dep)) }));
  const ordered = topologicalOrder(
    graph,
    (a, b) => compare(byRef.get(a.id)!.id, byRef.get(b.id)!.id) || compare(byRef.get(a.id)!.kind, byRef.get(b.id)!.kind),
    (cycle) =>
      new MigrationGraphError(`Migrations depend on each other in a cycle: ${cycle.map((ref) => `${ref} (${byRef.get(ref)!.source})`).join(' → ')}. Nothing was applied.`, {
        hint: 'Remove one of these dependencies (a data migration\'s `dependencies`, or a schema snapshot\'s `after`) so that the order is well defined.',
      }),
  );
  return ordered.map((node) => byRef.get(node.id)!);
}

/** The steps a run takes: those neither ledger records, in order. Pure. */
export function pendingSteps<T extends Step>(ordered: readonly T[], ledgers: Ledgers): T[] {
  const applied = appliedRefs(ledgers);
  return ordered.filter((step) => !applied.has(step.ref));
}

/** What a combined rollback undoes: the last `steps` migrations applied (of either kind), or all. */
export type AllRollbackRequest = { readonly steps: number } | { readonly all: true };

/**
 * The applied migrations a rollback undoes, newest first: ordered by when they were applied
 * (ties in the combined order), so the run that applied them is undone in exact reverse. Throws
 * a {@link MigrationStateError} when a chosen migration has no file any more, or when an applied
 * migration left in place depends on one chosen. Pure.
 */
export function planAllRollback<T extends Step>(ordered: readonly T[], ledgers: Ledgers, request: AllRollbackRequest): T[] {
  const position = new Map(ordered.map((step, i) => [step.ref, i]));
  const byRef = new Map(ordered.map((step) => [step.ref, step]));
  const applied = [
    ...ledgers.data.map((e) => ({ ref: refOf('data', e.id), at: e.appliedAt })),
    ...ledgers.schema.map((e) => ({ ref: refOf('schema', e.id), at: e.appliedAt })),
  ].sort((a, b) => compare(a.at, b.at) || (position.get(a.ref) ?? Infinity) - (position.get(b.ref) ?? Infinity));
  const newestFirst = applied.reverse();
  const chosen = 'steps' in request ? newestFirst.slice(0, request.steps) : newestFirst;
  const missing = chosen.filter((e) => !byRef.has(e.ref));
  if (missing.length > 0) {
    throw new MigrationStateError(`Cannot roll back ${missing.map((e) => e.ref).join(', ')}: no file defines ${missing.length === 1 ? 'it' : 'them'} any more (or the built-in is not enabled). Nothing was rolled back.`, {
      hint: 'Restore the file from version control (or pass --builtin), or roll back fewer steps.',
    });
  }
  const chosenRefs = new Set(chosen.map((e) => e.ref));
  for (const left of newestFirst.filter((e) => !chosenRefs.has(e.ref))) {
    const dependsOn = byRef.get(left.ref)?.dependencies.filter((dep) => chosenRefs.has(dep)) ?? [];
    if (dependsOn.length > 0) {
      throw new MigrationStateError(`Cannot roll back ${dependsOn.join(', ')}: ${left.ref}, which stays applied, depends on it. Nothing was rolled back.`, {
        hint: `Roll back ${left.ref} too (more --steps), or fewer steps.`,
      });
    }
  }
  return chosen.map((e) => byRef.get(e.ref)!);
}

function appliedRefs(ledgers: Ledgers): Set<string> {
  return new Set([...ledgers.data.map((e) => refOf('data', e.id)), ...ledgers.schema.map((e) => refOf('schema', e.id))]);
}

function unknownReference(step: Step, dep: string): MigrationGraphError {
  const schemaId = schemaDependencyId(dep);
  if (step.kind === 'schema') {
    return new MigrationGraphError(`Schema migration ${step.id} (${step.source}) runs after ${dep}, which is not a known data migration. Nothing was applied.`, {
      hint: `Fix the id in its "after" list, or add the data migration (built-ins join with --builtin).`,
    });
  }
  return new MigrationGraphError(
    schemaId !== undefined
      ? `Data migration ${step.id} (${step.source}) depends on ${dep}, which is not a known schema migration. Nothing was applied.`
      : `Data migration ${step.id} (${step.source}) depends on ${dep}, which is not a known migration. Nothing was applied.`,
    { hint: schemaId !== undefined ? `Fix the id (a file schema-migrations/${schemaId}.json), or create the snapshot with \`om migrate create\`.` : `Add the missing migration, or fix the id in the dependencies of ${step.id}.` },
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
