import { MigrationGraphError } from '../errors';
import { isDataDependency } from './schema-dependencies';

interface Node {
  readonly id: string;
  readonly dependencies: readonly string[];
  readonly source: string;
}

/** A node of a dependency graph: its id and the ids it depends on (all of them nodes). */
export interface GraphNode {
  readonly id: string;
  readonly dependencies: readonly string[];
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
  const graph = migrations.map((m) => ({ id: m.id, dependencies: depsOf(m) }));
  return topologicalOrder(graph, compareIds, (cycle) =>
    new MigrationGraphError(`Data migrations depend on each other in a cycle: ${cycle.join(' → ')}.`, {
      hint: 'Remove one of these dependencies so that the order is well defined.',
    }),
  ).map((node) => byId.get(node.id)!);
}

/**
 * Orders the nodes so that each comes after its dependencies; among the nodes ready at each
 * point, the smallest by `compare` comes first, so the order is the same on every machine.
 * Every dependency must be a node (callers check, and name what is missing in their words);
 * a cycle throws `cycleError(path)`, the path closing on its first id.
 */
export function topologicalOrder<T extends GraphNode>(nodes: readonly T[], compare: (a: T, b: T) => number, cycleError: (cycle: string[]) => Error): T[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const byCompare = (a: string, b: string) => compare(byId.get(a)!, byId.get(b)!);
  const remaining = new Map(nodes.map((n) => [n.id, new Set(n.dependencies)]));
  const ordered: T[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining.entries()]
      .filter(([, deps]) => deps.size === 0)
      .map(([id]) => id)
      .sort(byCompare);
    if (ready.length === 0) throw cycleError(findCycle(remaining, byCompare));
    // Take one at a time so that a node that becomes ready competes by order with the rest.
    const next = ready[0]!;
    ordered.push(byId.get(next)!);
    remaining.delete(next);
    for (const deps of remaining.values()) deps.delete(next);
  }
  return ordered;
}

function compareIds(a: GraphNode, b: GraphNode): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function findCycle(graph: Map<string, Set<string>>, compare: (a: string, b: string) => number): string[] {
  const start = [...graph.keys()].sort(compare)[0]!;
  const path: string[] = [];
  const onPath = new Set<string>();
  let node = start;
  // Every node left has an unresolved dependency, so walking the smallest one always closes a loop.
  while (!onPath.has(node)) {
    path.push(node);
    onPath.add(node);
    node = [...graph.get(node)!].sort(compare)[0]!;
  }
  return [...path.slice(path.indexOf(node)), node];
}
