import { isAbsolute, join, relative } from 'node:path';
import { resolveProjectModule, type EnvironmentSettings } from '../../utils/project-settings';
import { appliesTo, type ExecutorOption, type ExecutorTable } from './option-table';

/** Everything the executor needs to know about where it runs. */
export interface RunContext {
  workspaceRoot: string;
  /** The Nx project's name: its namespace unless the settings name one or a key prefix. */
  projectName: string;
  projectRoot: string;
  env: NodeJS.ProcessEnv;
  /** Nx's own `--verbose` (or NX_VERBOSE_LOGGING): the CLI's `--verbose` follows it. */
  verbose?: boolean;
}

/**
 * Builds the `om` argv for one action: `<command> <action> [argument] [flags]`, the action's
 * own flags first, then those of every action, in the table's order. A value comes from the
 * options, then the option's fallback (the project's settings, then a default). Paths are made
 * absolute from the project root. An offline action gets no Redis URL. Pure.
 */
export function toArgv<A extends string>(
  table: ExecutorTable<A>,
  options: { action: A } & Readonly<Record<string, unknown>>,
  settings: EnvironmentSettings,
  context: RunContext,
): string[] {
  const { action } = options;
  const offline = table.actions[action].offline === true;
  const projectDir = join(context.workspaceRoot, context.projectRoot);
  const entries = Object.entries<ExecutorOption<A>>(table.options).filter(
    ([, option]) => appliesTo(option, action) && !(offline && option.redis),
  );
  const argv = [table.command, action];
  for (const [name, option] of entries) {
    if (option.cli === 'argument' && options[name] !== undefined) argv.push(String(options[name]));
  }
  const ordered = [
    ...entries.filter(([, option]) => option.actions !== 'every'),
    ...entries.filter(([, option]) => option.actions === 'every'),
  ];
  for (const [name, option] of ordered) {
    if (option.cli === 'argument' || option.cli === 'none') continue;
    const value = options[name] ?? option.fallback?.({ settings, env: context.env, options, project: context.projectName });
    pushFlag(
      argv,
      option.cli,
      typeof value === 'string' && option.path ? resolvePath(value, option.path, projectDir) : value,
    );
  }
  if (context.verbose) argv.push('--verbose');
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

/**
 * The Redis URL held by the environment variable `name`. Without a name, the CLI reads
 * REDIS_OM_URL itself, then falls back to its default.
 */
export function redisUrlFromEnv(name: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (!name) return undefined;
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(
      `The environment variable ${name} is not set. It should hold the Redis URL of this project (redisUrlEnv).`,
    );
  }
  return value;
}

function resolvePath(value: string, kind: 'folder' | 'file' | 'module', projectDir: string): string {
  if (kind === 'module') return resolveProjectModule(value, projectDir);
  return isAbsolute(value) ? value : join(projectDir, value);
}

function pushFlag(argv: string[], flag: string, value: unknown): void {
  if (value === undefined || value === false) return;
  if (Array.isArray(value)) for (const item of value) argv.push(flag, String(item));
  else if (value === true) argv.push(flag);
  else argv.push(flag, String(value));
}
