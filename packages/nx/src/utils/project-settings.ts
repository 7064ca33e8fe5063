import { z } from 'zod';
import { isAbsolute, join } from 'node:path';

/** The key under a project's `metadata` where it declares its Redis OM settings. */
export const SETTINGS_KEY = 'om';

/** Default migrations root, relative to the project root. */
export const DEFAULT_PROJECT_MIGRATIONS_DIR = 'migrations';

/** The environment variable that holds the Redis URL when a project names none. */
export const DEFAULT_REDIS_URL_ENV = 'REDIS_OM_URL';

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
    lockTimeout: z.number().nonnegative().optional(),
    lockLease: z.number().nonnegative().optional(),
  })
  .strict();

const projectSettings = environmentSettings
  .extend({ configurations: z.record(z.string(), environmentSettings).optional() })
  .strict();

/** What one environment (or the project as a whole) may declare. */
export type EnvironmentSettings = z.infer<typeof environmentSettings>;

/**
 * A project's Redis OM settings, declared in project.json as `metadata.om` (or in package.json
 * as `nx.metadata.om`). Paths are relative to the project root. The Redis URL is never
 * written here: `redisUrlEnv` names the environment variable that holds it.
 */
export type ProjectSettings = z.infer<typeof projectSettings>;

/**
 * Validates `metadata.om`. `where` names the file or project in the error. Unknown keys are
 * refused, so a `redisUrl` (a secret) never sits in a committed file unnoticed.
 */
export function parseProjectSettings(value: unknown, where: string): ProjectSettings {
  if (value === undefined || value === null) return {};
  const parsed = projectSettings.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys.some((key) => /url/i.test(key))) {
      return `${path ? `${path}: ` : ''}${issue.message}; keep the Redis URL in an environment variable and name it in redisUrlEnv`;
    }
    return `${path ? `${path}: ` : ''}${issue.message}`;
  });
  throw new Error(`Invalid Redis OM settings (metadata.${SETTINGS_KEY}) in ${where}: ${problems.join('; ')}.`);
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
