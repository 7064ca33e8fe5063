import { isAbsolute, join, relative } from 'node:path';
import {
  DEFAULT_PROJECT_MIGRATIONS_DIR,
  resolveProjectModule,
  singleModelsPath,
  type EnvironmentSettings,
} from '../../utils/project-settings';
import { flagFor, type ActionSpec, type CommandTable } from './command-table';

/** Everything the executor needs to know about where it runs. */
export interface RunContext {
  workspaceRoot: string;
  projectRoot: string;
  env: NodeJS.ProcessEnv;
}

/** Executor options as the argv builder sees them: the action, its id, and named options. */
export interface CommandOptions {
  action: string;
  id?: string;
  migrationsDir?: string;
  module?: string;
  models?: string;
  redisUrl?: string;
  redisUrlEnv?: string;
  keyPrefix?: string;
  lockTimeout?: number;
  lockLease?: number;
  verbose?: boolean;
}

/** Common options the builder fills from the project's settings; the others pass through as given. */
const PROJECT_SCOPED = new Set([
  'migrationsDir',
  'module',
  'models',
  'redisUrl',
  'keyPrefix',
  'lockTimeout',
  'lockLease',
  'verbose',
]);

/**
 * Builds the `om` argv for one action: `<command> <action> [id] [flags]`. Settings come from the
 * options, then the project's settings (already resolved for the configuration), then defaults.
 * Paths are made absolute from the project root. An offline action gets no Redis URL. Pure.
 */
export function toArgv(
  table: CommandTable,
  options: CommandOptions,
  settings: EnvironmentSettings,
  context: RunContext,
): string[] {
  const spec: ActionSpec = table.actions[options.action]!;
  const value = (option: string) => (options as unknown as Record<string, unknown>)[option];
  const argv = [table.command, options.action];
  if (spec.positional && options.id) argv.push(options.id);
  for (const option of spec.options) pushFlag(argv, option, value(option));

  const projectPath = (path: string) =>
    isAbsolute(path) ? path : join(context.workspaceRoot, context.projectRoot, path);
  const migrationsDir = options.migrationsDir ?? settings.migrationsDir ?? DEFAULT_PROJECT_MIGRATIONS_DIR;
  argv.push('--migrations-dir', projectPath(migrationsDir));
  const projectDir = join(context.workspaceRoot, context.projectRoot);
  const module = table.common.includes('module') ? (options.module ?? settings.module) : undefined;
  if (module) argv.push('--module', resolveProjectModule(module, projectDir));
  const models = options.models ?? singleModelsPath(settings.models);
  if (models) argv.push('--models', resolveProjectModule(models, projectDir));
  if (!spec.offline) {
    const redisUrl = options.redisUrl ?? redisUrlFromEnv(options.redisUrlEnv ?? settings.redisUrlEnv, context.env);
    if (redisUrl) argv.push('--redis-url', redisUrl);
  }
  pushFlag(argv, 'keyPrefix', options.keyPrefix ?? settings.keyPrefix);
  pushFlag(argv, 'lockTimeout', options.lockTimeout ?? settings.lockTimeout);
  pushFlag(argv, 'lockLease', options.lockLease ?? settings.lockLease);
  for (const option of table.common) if (!PROJECT_SCOPED.has(option)) pushFlag(argv, option, value(option));
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
