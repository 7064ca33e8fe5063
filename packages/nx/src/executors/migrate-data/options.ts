import { isAbsolute, join, relative } from 'node:path';
import { FAILURE_MODES, z, type FailureMode } from '@om/migrations';
import { DEFAULT_PROJECT_MIGRATIONS_DIR, type EnvironmentSettings } from '../../utils/project-settings';
import { ACTION_NAMES, ACTIONS, COMMON_OPTIONS, flagFor, type ActionSpec } from './actions';
import type { MigrateDataExecutorOptions } from './schema';

const positiveInt = z.number().int().min(1);

/** The executor's options, checked again at run time (schema.json is what Nx Console shows). */
export const optionsSchema = z
  .object({
    action: z.enum(ACTION_NAMES),
    id: z.string().trim().min(1).optional(),
    target: z.string().trim().min(1).optional(),
    limit: positiveInt.optional(),
    steps: positiveInt.optional(),
    dryRun: z.boolean().optional(),
    yes: z.boolean().optional(),
    detailed: z.boolean().optional(),
    json: z.boolean().optional(),
    checkData: z.boolean().optional(),
    failureMode: z.enum(FAILURE_MODES as unknown as [FailureMode, ...FailureMode[]]).optional(),
    batchSize: z.number().int().min(1).max(100_000).optional(),
    maxErrors: z.number().int().nonnegative().optional(),
    timezone: z.string().min(1).optional(),
    migrationsDir: z.string().min(1).optional(),
    module: z.string().min(1).optional(),
    models: z.string().min(1).optional(),
    redisUrl: z
      .string()
      .refine((url) => /^rediss?:\/\//.test(url), 'must start with redis:// or rediss://')
      .optional(),
    redisUrlEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable')
      .optional(),
    keyPrefix: z.string().min(1).optional(),
    lockTimeout: z.number().nonnegative().optional(),
    lockLease: z.number().nonnegative().optional(),
    verbose: z.boolean().optional(),
  })
  .superRefine((options, ctx) => {
    const spec: ActionSpec = ACTIONS[options.action];
    const allowed = new Set<string>([...spec.options, ...COMMON_OPTIONS, 'action', 'redisUrlEnv', 'yes']);
    if (spec.positional) allowed.add('id');
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined || value === false || allowed.has(key)) continue;
      ctx.addIssue({ code: 'custom', path: [key], message: `does not apply to action "${options.action}"` });
    }
    if (spec.positional === 'required' && !options.id) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: `is required by action "${options.action}"` });
    }
    if (options.action === 'rollback' && (options.id === undefined) === (options.steps === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'rollback needs either a migration id or steps (e.g. --steps=1), not both or neither',
      });
    }
  });

/** Validates the options; throws an Error naming every bad option. */
export function parseOptions(options: unknown): MigrateDataExecutorOptions {
  const parsed = optionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) =>
    issue.path.length ? `${issue.path.join('.')} ${issue.message}` : issue.message,
  );
  throw new Error(`Invalid options for @om/nx:migrate-data: ${problems.join('; ')}.`);
}

/** Everything the executor needs to know about where it runs. */
export interface RunContext {
  workspaceRoot: string;
  projectRoot: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Builds the `om` argv for one action: `migrate-data <action> [id] [flags]`. Settings come from
 * the options, then the project's settings (already resolved for the configuration), then
 * defaults. Paths are made absolute from the project root. Pure.
 */
export function toArgv(
  options: MigrateDataExecutorOptions,
  settings: EnvironmentSettings,
  context: RunContext,
): string[] {
  const spec: ActionSpec = ACTIONS[options.action];
  const argv = ['migrate-data', options.action];
  if (spec.positional && options.id) argv.push(options.id);
  for (const option of spec.options) pushFlag(argv, option, options[option]);

  const projectPath = (path: string) =>
    isAbsolute(path) ? path : join(context.workspaceRoot, context.projectRoot, path);
  const migrationsDir = options.migrationsDir ?? settings.migrationsDir ?? DEFAULT_PROJECT_MIGRATIONS_DIR;
  argv.push('--migrations-dir', projectPath(migrationsDir));
  const module = options.module ?? settings.module;
  if (module) argv.push('--module', looksLikePath(module) ? projectPath(module) : module);
  const models = options.models ?? singleModelsPath(settings.models);
  if (models) argv.push('--models', looksLikePath(models) ? projectPath(models) : models);
  const redisUrl = options.redisUrl ?? redisUrlFromEnv(options.redisUrlEnv ?? settings.redisUrlEnv, context.env);
  if (redisUrl) argv.push('--redis-url', redisUrl);
  pushFlag(argv, 'keyPrefix', options.keyPrefix ?? settings.keyPrefix);
  pushFlag(argv, 'lockTimeout', options.lockTimeout ?? settings.lockTimeout);
  pushFlag(argv, 'lockLease', options.lockLease ?? settings.lockLease);
  pushFlag(argv, 'verbose', options.verbose);
  return argv;
}

/** The argv as a command line to show, with the Redis URL's password hidden. */
export function describeArgv(argv: readonly string[], workspaceRoot: string): string {
  const shown = argv.map((arg, i) => {
    if (argv[i - 1] === '--redis-url') return arg.replace(/\/\/([^@/]*)@/, '//***@');
    if (isAbsolute(arg)) return relative(workspaceRoot, arg) || '.';
    return /\s/.test(arg) ? JSON.stringify(arg) : arg;
  });
  return `om ${shown.join(' ')}`;
}

function redisUrlFromEnv(name: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  // Without a name, the CLI reads REDIS_OM_URL itself, then falls back to its default.
  if (!name) return undefined;
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(
      `The environment variable ${name} is not set. It should hold the Redis URL of this project (redisUrlEnv).`,
    );
  }
  return value;
}

function pushFlag(argv: string[], option: string, value: unknown): void {
  if (value === undefined || value === false) return;
  if (value === true) argv.push(flagFor(option));
  else argv.push(flagFor(option), String(value));
}

/** A path relative to the project root, rather than a package name (`@acme/models`, `models`). */
function looksLikePath(specifier: string): boolean {
  if (specifier.startsWith('.') || isAbsolute(specifier) || /\.[cm]?[jt]s$/.test(specifier)) return true;
  return !specifier.startsWith('@') && specifier.includes('/');
}

/**
 * The project's models entry as the CLI's `--models` module: only when it is one path. A list
 * or a glob describes the files for `nx affected`, not a module to load.
 */
function singleModelsPath(models: string | string[] | undefined): string | undefined {
  if (typeof models !== 'string' || /[*?{[]/.test(models)) return undefined;
  return models;
}
