import type * as Zod from 'zod';
import { isAbsolute, join } from 'node:path';

/** The key under a project's `metadata` where it declares its Redis OM settings. */
export const SETTINGS_KEY = 'om';

/** Default migrations root, relative to the project root. */
export const DEFAULT_PROJECT_MIGRATIONS_DIR = 'migrations';

/** The environment variable that holds the Redis URL when a project names none. */
export const DEFAULT_REDIS_URL_ENV = 'REDIS_OM_URL';

/**
 * The engine's folders under a migrations root. Named here, not imported from @om/migrations,
 * so that building the project graph never loads the engine (a spec checks they are the same).
 */
export const DATA_MIGRATIONS_FOLDER = 'data-migrations';
export const SCHEMA_MIGRATIONS_FOLDER = 'schema-migrations';

/** The engine's built-in migrations, by the name `builtins` takes (a spec checks they are the engine's). */
export const BUILTIN_NAMES = ['datetime'] as const;

/** The schemas of `metadata.om`, built from zod once it is loaded. */
function buildSchemas(z: typeof Zod.z) {
  const envVarName = z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable, e.g. APP_REDIS_URL');
  const relativePath = z
    .string()
    .min(1, 'must not be empty')
    .refine((value) => !/^([A-Za-z]:)?[/\\]/.test(value), 'must be relative to the project root');
  const environmentSettings = z
    .object({
      migrationsDir: relativePath.optional(),
      models: z.union([relativePath, z.array(relativePath)]).optional(),
      module: relativePath.optional(),
      redisUrlEnv: envVarName.optional(),
      keyPrefix: z.string().min(1).optional(),
      namespace: z.string().min(1).optional(),
      builtins: z.array(z.enum(BUILTIN_NAMES)).optional(),
      lockTimeout: z.number().nonnegative().optional(),
      lockLease: z.number().nonnegative().optional(),
    })
    .strict();
  const projectSettings = environmentSettings
    .extend({ configurations: z.record(z.string(), environmentSettings).optional() })
    .strict();
  return { environmentSettings, projectSettings };
}

type Schemas = ReturnType<typeof buildSchemas>;
let schemas: Schemas | undefined;

/**
 * zod is loaded on the first settings to read, not with the plugin: a project graph that comes
 * from the plugin's cache reads none, and zod is most of what loading the plugin would cost.
 */
function settingsSchemas(): Schemas {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (schemas ??= buildSchemas((require('zod') as typeof Zod).z));
}

/** What one environment (or the project as a whole) may declare. */
export type EnvironmentSettings = Zod.infer<Schemas['environmentSettings']>;

/**
 * A project's Redis OM settings, declared in project.json as `metadata.om` (or in package.json
 * as `nx.metadata.om`). Paths are relative to the project root. The Redis URL is never
 * written here: `redisUrlEnv` names the environment variable that holds it.
 */
export type ProjectSettings = Zod.infer<Schemas['projectSettings']>;

/**
 * Validates `metadata.om`. `where` names the file or project in the error. Unknown keys are
 * refused (with the nearest valid one), so a typo never passes for a default, and a
 * `redisUrl` (a secret) never sits in a committed file unnoticed.
 */
export function parseProjectSettings(value: unknown, where: string): ProjectSettings {
  const { settings, problems } = readSettings(value);
  if (problems.length === 0) return settings;
  throw new Error(describeProblems(problems, where));
}

/**
 * `metadata.om` as far as it is valid, and what is wrong with the rest: for the project graph,
 * where one project's mistake must not take every project's targets down. The entries at fault
 * are left out; the executor refuses to run on such settings (parseProjectSettings).
 */
export function readSettingsLeniently(value: unknown, where: string): { settings: ProjectSettings; problem?: string } {
  const { settings, problems } = readSettings(value);
  return problems.length === 0 ? { settings } : { settings, problem: describeProblems(problems, where) };
}

export function describeProblems(problems: readonly string[], where: string): string {
  return `Invalid Redis OM settings (metadata.${SETTINGS_KEY}) in ${where}: ${problems.join('; ')}.`;
}

function readSettings(value: unknown): { settings: ProjectSettings; problems: string[] } {
  if (value === undefined || value === null) return { settings: {}, problems: [] };
  const { projectSettings } = settingsSchemas();
  const parsed = projectSettings.safeParse(value);
  if (parsed.success) return { settings: parsed.data, problems: [] };
  const problems = parsed.error.issues.map((issue) => describeIssue(issue, value));
  // What is left once every entry at fault is dropped; nothing, when that still fails.
  const kept = withoutPaths(value, parsed.error.issues.flatMap(faultyPaths));
  const retry = projectSettings.safeParse(kept);
  return { settings: retry.success ? retry.data : {}, problems };
}

function describeIssue(issue: Zod.core.$ZodIssue, value: unknown): string {
  const path = issue.path.join('.');
  const at = path ? `${path}: ` : '';
  if (issue.code === 'invalid_value') {
    // Name what was written, so a typo in a list (builtins) is found at a glance.
    const found = issue.path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | undefined)?.[key], value);
    return `${at}${JSON.stringify(found)} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (issue.code !== 'unrecognized_keys') return `${at}${issue.message}`;
  if (issue.keys.some((key) => /url/i.test(key))) {
    return `${at}${issue.message}; keep the Redis URL in an environment variable and name it in redisUrlEnv`;
  }
  const { environmentSettings, projectSettings } = settingsSchemas();
  const valid = Object.keys((issue.path.length === 0 ? projectSettings : environmentSettings).shape);
  const suggestions = issue.keys.map((key) => nearest(key, valid)).filter((s): s is string => s !== undefined);
  const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.map((s) => `"${s}"`).join(', ')}?)` : '';
  return `${at}${issue.message}${hint}`;
}

/** The valid key closest to `key`, when it is close enough to be a typo of it. */
export function nearest(key: string, valid: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of valid) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(key.length / 3)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The paths to drop for one issue: the unknown keys, or the entry with the bad value. */
function faultyPaths(issue: Zod.core.$ZodIssue): PropertyKey[][] {
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => [...issue.path, key]);
  // A bad item of a list (models) drops the whole list: a list with a hole is no list.
  const item = issue.path.findIndex((key) => typeof key === 'number');
  const path = item === -1 ? issue.path : issue.path.slice(0, item);
  return path.length > 0 ? [path] : [];
}

function withoutPaths(value: unknown, paths: readonly PropertyKey[][]): unknown {
  const copy: unknown = structuredClone(value);
  for (const path of paths) {
    let node = copy as Record<PropertyKey, unknown> | undefined;
    for (const key of path.slice(0, -1)) {
      const next = node?.[key];
      node = typeof next === 'object' && next !== null ? (next as Record<PropertyKey, unknown>) : undefined;
    }
    if (node && path.length > 0) delete node[path[path.length - 1]!];
  }
  return copy;
}

/** The project's settings with one environment's values laid over them. */
export function settingsFor(settings: ProjectSettings, configurationName: string | undefined): EnvironmentSettings {
  const { configurations, ...base } = settings;
  const environment = configurationName ? configurations?.[configurationName] : undefined;
  return { ...base, ...environment };
}

/** Reads `metadata.om` from a project configuration (as the project graph holds it). */
export function readProjectSettings(project: {
  root: string;
  name?: string;
  metadata?: Record<string, unknown>;
}): ProjectSettings {
  return parseProjectSettings(project.metadata?.[SETTINGS_KEY], `project "${project.name ?? project.root}"`);
}

/** Joins a project root and a path relative to it, with forward slashes. */
export function joinProjectPath(projectRoot: string, path: string): string {
  const root = projectRoot === '.' || projectRoot === '' ? '' : projectRoot.replace(/[/\\]+$/, '');
  const rest = path.replace(/^\.\/+/, '').replace(/[/\\]+$/, '');
  if (rest === '' || rest === '.') return root || '.';
  return root ? `${root}/${rest}` : rest;
}

/**
 * The project's models entry as one module to load (the CLI's `--models`): only when it is one
 * path. A list or a glob describes the files for `nx affected`, not a module to load.
 */
export function singleModelsPath(models: string | string[] | undefined): string | undefined {
  if (typeof models !== 'string' || /[*?{[]/.test(models)) return undefined;
  return models;
}

/**
 * A module entry (models, module) as the engine loads it: a path is made absolute from the
 * project's folder; a package name (`@acme/models`, `models`) is kept as it is.
 */
export function resolveProjectModule(specifier: string, projectDir: string): string {
  return looksLikePath(specifier) ? (isAbsolute(specifier) ? specifier : join(projectDir, specifier)) : specifier;
}

/** A path relative to the project root, rather than a package name (`@acme/models`, `models`). */
function looksLikePath(specifier: string): boolean {
  if (specifier.startsWith('.') || isAbsolute(specifier) || /\.[cm]?[jt]s$/.test(specifier)) return true;
  return !specifier.startsWith('@') && specifier.includes('/');
}
