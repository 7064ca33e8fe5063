import { MigrationGraphError } from '../errors';
import { isDataDependency } from './schema-dependencies';

interface Node {
  readonly id: string;
  readonly dependencies: readonly string[];
  readonly source: string;
}

/**
 * Orders migrations so that every migration comes after its dependencies, and otherwise by id,
 * so the order is the same on every machine. Throws before anything runs when a dependency is
 * unknown or the dependencies form a cycle. Dependencies on schema migrations (`schema:<id>`)
 * are left to `om migrate-all`, which orders both kinds.
 */
export function orderMigrations<T extends Node>(migrations: readonly T[]): T[] {
  const byId = new Map(migrations.map((m) => [m.id, m]));
  const depsOf = (m: Node) => m.dependencies.filter(isDataDependency);
  for (const m of migrations) {
    for (const dep of depsOf(m)) {
      if (!byId.has(dep)) {
        throw new MigrationGraphError(`Data migration ${m.id} (${m.source}) depends on ${dep}, which is not a known migration.`, {
          hint: `Add the missing migration, or fix the id in the dependencies of ${m.id}.`,
        });
      }
      if (dep === m.id) {
        throw new MigrationGraphError(`Data migration ${m.id} depends on itself.`, {
          hint: `Remove ${m.id} from its own dependencies.`,
        });
      }
    }
  }
  const remaining = new Map(migrations.map((m) => [m.id, new Set(depsOf(m))]));
  const ordered: T[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining.entries()]
      .filter(([, deps]) => deps.size === 0)
      .map(([id]) => id)
      .sort(compareIds);
    if (ready.length === 0) {
      const cycle = findCycle(remaining);
      throw new MigrationGraphError(`Data migrations depend on each other in a cycle: ${cycle.join(' → ')}.`, {
        hint: 'Remove one of these dependencies so that the order is well defined.',
      });
    }
    // Take one at a time so that a migration that becomes ready competes by id with the rest.
    const next = ready[0]!;
    ordered.push(byId.get(next)!);
    remaining.delete(next);
    for (const deps of remaining.values()) deps.delete(next);
  }
  return ordered;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function findCycle(graph: Map<string, Set<string>>): string[] {
  const start = [...graph.keys()].sort(compareIds)[0]!;
  const path: string[] = [];
  const onPath = new Set<string>();
  let node = start;
  // Every node left has an unresolved dependency, so walking the smallest one always closes a loop.
  while (!onPath.has(node)) {
    path.push(node);
    onPath.add(node);
    node = [...graph.get(node)!].sort(compareIds)[0]!;
  }
  return [...path.slice(path.indexOf(node)), node];
}
