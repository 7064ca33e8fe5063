import Module, { isBuiltin } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { createPathsMatcher, getTsconfig, type TsConfigResult } from 'get-tsconfig';

/** The path mapping that applies to the files of one folder, and where it was looked for. */
interface PathMapping {
  /** The tsconfig files read for it, nearest first (each with what it extends). */
  readonly consulted: readonly string[];
  /** The files a specifier may be, in the order TypeScript tries them (`paths`, then `baseUrl`). */
  readonly match?: (specifier: string) => string[];
  /** The patterns of `paths` (`@shop/models`, `@shop/util/*`). */
  readonly patterns: readonly string[];
}

/** Why an import of a user's file did not resolve: attached to Node's MODULE_NOT_FOUND error. */
export interface UnresolvedImport {
  readonly request: string;
  /** The file that imports it. */
  readonly importer: string;
  readonly consulted: readonly string[];
  /** What `paths` mapped it to (none when no entry matched). */
  readonly mappedTo: readonly string[];
}

const UNRESOLVED = Symbol('om.unresolvedImport');
const tsconfigCache = new Map<string, unknown>();
const mappings = new Map<string, PathMapping>();
let installed = false;

type ResolveFilename = (request: string, parent: { filename?: string | null } | undefined, isMain: boolean, options?: unknown) => string;

/**
 * Resolves the imports of the project's own files (models, migrations, the libraries they
 * import) through the workspace's TypeScript path mapping, as Nx's TypeScript tooling does: the
 * nearest tsconfig.json with its `extends` chain, else the nearest tsconfig.base.json (the
 * standard Nx layout, where a project has no tsconfig of its own). A mapped file is tried first,
 * as TypeScript does; then Node's own resolution. Files inside node_modules resolve as Node
 * resolves them. Installed once per process.
 */
export function registerPathAliases(): void {
  if (installed) return;
  installed = true;
  const moduleWithResolver = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = moduleWithResolver._resolveFilename;
  moduleWithResolver._resolveFilename = function (this: unknown, request, parent, isMain, options) {
    const importer = parent?.filename;
    if (!importer || !isBareSpecifier(request) || importer.includes(`${sep}node_modules${sep}`)) {
      return original.call(this, request, parent, isMain, options);
    }
    const mapping = pathMappingFor(dirname(importer));
    const candidates = mapping.match?.(request) ?? [];
    for (const candidate of candidates) {
      try {
        return original.call(this, candidate, parent, isMain, options);
      } catch {
        // The next candidate, then Node's own resolution.
      }
    }
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (error) {
      if ((error as { code?: string }).code === 'MODULE_NOT_FOUND' && typeof error === 'object' && error !== null) {
        // Without a matching `paths` pattern, the only candidate is the one under `baseUrl`.
        const mappedTo = mapping.patterns.some((pattern) => matchesPattern(request, pattern)) ? candidates : [];
        const unresolved: UnresolvedImport = { request, importer, consulted: mapping.consulted, mappedTo };
        Object.defineProperty(error, UNRESOLVED, { value: unresolved });
      }
      throw error;
    }
  };
}

/** The import that failed to resolve in a project's file, when `error` says one did. */
export function unresolvedImportOf(error: unknown): UnresolvedImport | undefined {
  return typeof error === 'object' && error !== null ? (error as { [UNRESOLVED]?: UnresolvedImport })[UNRESOLVED] : undefined;
}

/**
 * What to tell the user about an import that did not resolve: the import, the file, the
 * tsconfig files consulted, and how to fix it. Paths are shown relative to `cwd`.
 */
export function describeUnresolvedImport(unresolved: UnresolvedImport, cwd: string): { message: string; hint: string } {
  const show = (path: string) => relative(cwd, path) || path;
  const { request, importer, consulted, mappedTo } = unresolved;
  const files = [...new Set(consulted.flatMap((file) => extendsChain(file)))];
  const where = files.length > 0 ? `tsconfig files consulted: ${files.map(show).join(', ')}` : `no tsconfig.json or tsconfig.base.json above ${show(dirname(importer))}`;
  const mapped = mappedTo.length > 0 ? `"paths" maps it to ${mappedTo.map(show).join(', ')}, where no file exists` : 'no "paths" entry matches it';
  const base = consulted.at(-1);
  return {
    message: `Cannot find module '${request}' imported by ${show(importer)}: ${mapped} (${where}).`,
    hint:
      mappedTo.length > 0
        ? `Fix the "paths" entry of '${request}'${base ? ` in ${show(base)}` : ''} to point at the library's entry file.`
        : `Add '${request}' to "paths" in ${base ? show(base) : 'the workspace tsconfig.base.json'} (as Nx does for a library), or install the package where ${show(importer)} can resolve it.`,
  };
}

/**
 * A tsconfig file and the files it extends, in the order TypeScript reads them (a package's
 * config is named as written). Read only to tell the user where the mapping was looked for.
 */
function extendsChain(file: string, seen: ReadonlySet<string> = new Set()): string[] {
  if (seen.has(file)) return [];
  // Loaded when an import fails: a run that resolves everything never loads the compiler.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const { config } = ts.readConfigFile(file, ts.sys.readFile) as { config?: { extends?: unknown } };
  const parents = typeof config?.extends === 'string' ? [config.extends] : Array.isArray(config?.extends) ? config.extends.filter((e): e is string => typeof e === 'string') : [];
  const next = new Set([...seen, file]);
  return [
    file,
    ...parents.flatMap((parent) => (parent.startsWith('.') || isAbsolute(parent) ? extendsChain(resolve(dirname(file), parent.endsWith('.json') ? parent : `${parent}.json`), next) : [parent])),
  ];
}

/** The path mapping for the files of `dir` (cached per folder: a run loads many files of few). */
function pathMappingFor(dir: string): PathMapping {
  let mapping = mappings.get(dir);
  if (!mapping) {
    mapping = findPathMapping(dir);
    mappings.set(dir, mapping);
  }
  return mapping;
}

function findPathMapping(dir: string): PathMapping {
  const consulted: string[] = [];
  for (const name of ['tsconfig.json', 'tsconfig.base.json']) {
    const found: TsConfigResult | null = getTsconfig(dir, name, tsconfigCache);
    if (!found || consulted.includes(found.path)) continue;
    consulted.push(found.path);
    const match = createPathsMatcher(found);
    if (match) return { consulted, match, patterns: Object.keys(found.config.compilerOptions?.paths ?? {}) };
  }
  return { consulted, patterns: [] };
}

/** Whether a `paths` pattern (at most one `*`) matches the specifier, as TypeScript matches it. */
function matchesPattern(specifier: string, pattern: string): boolean {
  const star = pattern.indexOf('*');
  if (star === -1) return specifier === pattern;
  const [head, tail] = [pattern.slice(0, star), pattern.slice(star + 1)];
  return specifier.length >= head.length + tail.length && specifier.startsWith(head) && specifier.endsWith(tail);
}

/** A package name or path alias, not a relative or absolute path or a Node built-in. */
function isBareSpecifier(request: string): boolean {
  return !request.startsWith('.') && !isAbsolute(request) && !isBuiltin(request);
}
