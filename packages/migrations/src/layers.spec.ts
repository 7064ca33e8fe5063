import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The engine's layers, lowest first: a module may import its own layer, a lower one, or a
 * neutral module, never a higher one. Layers of one rank may import each other in one
 * direction only (no cycle between layers). Neutral modules import only neutral modules.
 */
const RANKS: Readonly<Record<string, number>> = {
  config: 1,
  redis: 2,
  state: 3,
  batch: 3,
  data: 4,
  schema: 4,
  builtin: 4,
  // Runs data and schema migrations in one order; the CLI and the API sit beside it.
  combined: 5,
  cli: 5,
  // The public API gathers every layer but the CLI.
  index: 5,
};
const NEUTRAL = new Set(['errors', 'logger', 'loading', 'redact']);

const SRC = __dirname;

interface Edge {
  readonly from: string;
  readonly to: string;
}

/** The layer of a path relative to src/: its first segment (a folder, or a top-level module). */
function layerOf(path: string): string {
  return path.split('/')[0]!.replace(/(\.spec)?\.ts$/, '');
}

/** Every import, export-from and require of a module inside src/, as paths relative to src/. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => relative(SRC, resolve(dirname(file), name)).split('\\').join('/'))
    .filter((path) => !path.startsWith('..'));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** What breaks the layering: imports upward, neutral modules importing layers, cycles. */
export function layeringProblems(edges: readonly Edge[]): string[] {
  const problems: string[] = [];
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (a === b) continue;
    if (NEUTRAL.has(a) && !NEUTRAL.has(b)) problems.push(`${from} is neutral but imports ${to} (layer ${b})`);
    if (!NEUTRAL.has(a) && !NEUTRAL.has(b)) {
      const ra = RANKS[a];
      const rb = RANKS[b];
      if (ra === undefined) problems.push(`${from}: layer ${a} has no rank; add it to RANKS`);
      else if (rb === undefined) problems.push(`${to}: layer ${b} has no rank; add it to RANKS`);
      else if (rb > ra) problems.push(`${from} (layer ${a}) imports ${to} from the higher layer ${b}`);
    }
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  const cycle = findCycle(graph);
  if (cycle) problems.push(`layers import each other in a cycle: ${cycle.join(' → ')}`);
  return problems;
}

function findCycle(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node];
    if (done.has(node)) return undefined;
    path.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      const found = visit(next);
      if (found) return found;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const found = visit(node);
    if (found) return found;
  }
  return undefined;
}

describe('the layers of src/', () => {
  const edges = sourceFiles(SRC).flatMap((file) => {
    const from = relative(SRC, file).split('\\').join('/');
    return importsOf(file).map((to) => ({ from, to }));
  });

  it('reads the imports of every module', () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges).toContainEqual({ from: 'data/data-migrator.ts', to: 'state/engine-state' });
  });

  it('import downward only, and never in a cycle', () => {
    expect(layeringProblems(edges)).toEqual([]);
  });

  it('the check catches an upward import, a neutral module importing a layer, and a cycle', () => {
    expect(layeringProblems([{ from: 'state/ledger.ts', to: 'data/migration' }])).toEqual([
      'state/ledger.ts (layer state) imports data/migration from the higher layer data',
    ]);
    expect(layeringProblems([{ from: 'loading/models.ts', to: 'schema/compile' }])).toEqual([
      'loading/models.ts is neutral but imports schema/compile (layer schema)',
    ]);
    expect(
      layeringProblems([
        { from: 'data/context.ts', to: 'builtin/index' },
        { from: 'builtin/index.ts', to: 'data/migration' },
      ]),
    ).toEqual(['layers import each other in a cycle: builtin → data → builtin']);
  });
});
