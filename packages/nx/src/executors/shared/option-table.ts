import { z } from 'zod';
import type { EnvironmentSettings, ProjectSettings } from '../../utils/project-settings';

/** What an option's fallback may read when the option is not given. */
export interface FallbackSources {
  /** The project's `metadata.om`, with the selected configuration laid over it. */
  settings: EnvironmentSettings;
  /** The task's environment (Nx has loaded the project's .env files into it). */
  env: NodeJS.ProcessEnv;
  /** The options as given. */
  options: Readonly<Record<string, unknown>>;
  /** The Nx project the task runs for. */
  project: string;
}

/** One executor option: everything schema.json, the validation, and the `om` argv need to know. */
export interface ExecutorOption<A extends string = string, S extends z.ZodType = z.ZodType> {
  /** What `nx run --help` and Nx Console show; the actions that take it are prefixed when not every one does. */
  description: string;
  /** The value's type and bounds: the executor validates with it, and schema.json's type comes from it. */
  schema: S;
  /** The actions that take it. */
  actions: readonly A[] | 'every';
  /** Actions that cannot run without it (for the positional argument). */
  requiredBy?: readonly A[];
  /**
   * Given to an action that does not take it: refused (default), or ignored, for an option
   * whose schema.json default (`yes: true`) must fit every action of one target.
   */
  elsewhere?: 'refuse' | 'ignore';
  /**
   * Where the value goes on the `om` command line: a flag, the positional argument after the
   * action, or nowhere (the executor reads it: `redisUrlEnv`).
   */
  cli: `--${string}` | 'argument' | 'none';
  /** schema.json's `default`: Nx fills it in when the option is not given. */
  default?: z.output<S>;
  /** The value when the option is not given: the project's settings, then a default. */
  fallback?: (from: FallbackSources) => z.output<S> | undefined;
  /** A path relative to the project root: a folder, a file, or a module (a path, or a package name kept as it is). */
  path?: 'folder' | 'file' | 'module';
  /** Only for actions that talk to Redis (the others get neither the URL nor its variable looked up). */
  redis?: true;
  /** More schema.json keywords, for Nx Console and Nx's argv parsing (`$default`, `x-priority`...). */
  jsonSchema?: Readonly<Record<string, unknown>>;
}

/** One action: an `om <command> <action>` subcommand. */
export interface ExecutorAction {
  /** Needs no Redis (`om migrate check`): no Redis URL is looked up or passed. */
  offline?: true;
}

/**
 * Everything an executor maps to the `om` CLI, in one place: the command, its actions, and
 * each option with its type, description, actions, flag and defaults. schema.json (generated
 * at build time), the zod validation, the option types and the argv all come from it.
 */
export interface ExecutorTable<
  A extends string = string,
  O extends Record<string, ExecutorOption<A>> = Record<string, ExecutorOption<A>>,
> {
  /** The `om` command: `migrate-data` or `migrate`. */
  command: string;
  /** The executor, as messages name it: `@om/nx:migrate-data`. */
  executor: string;
  title: string;
  description: string;
  actionDescription: string;
  actions: Readonly<Record<A, ExecutorAction>>;
  /** In the order their flags are passed: the action's own first, then those of every action. */
  options: O;
  /** Rules across options, beyond one option's type (rollback: an id or steps). */
  refine?(options: { action: A } & Record<string, unknown>, ctx: z.RefinementCtx): void;
  /** Environment of the engine's call: how its hints name commands under Nx. */
  engineEnv?(run: EngineRun<A>): Record<string, string>;
}

/** What the executor knows about the run when it calls the engine. */
export interface EngineRun<A extends string = string> {
  project: string;
  options: { action: A } & Readonly<Record<string, unknown>>;
  /** The project's settings for the selected configuration. */
  settings: EnvironmentSettings;
  /** The project's `metadata.om` as declared, configurations included. */
  projectSettings: ProjectSettings;
}

/** Declares a table with its action names and option names kept as literal types. */
export function defineExecutorTable<const A extends string, const O extends Record<string, ExecutorOption<NoInfer<A>>>>(
  table: ExecutorTable<A, O>,
): ExecutorTable<A, O> {
  return table;
}

export type ActionOf<T> = T extends ExecutorTable<infer A> ? A : never;

/** The executor's options, as the table types them (schema.d.ts). */
export type ExecutorOptions<T> =
  T extends ExecutorTable<infer A, infer O> ? { action: A } & { [K in keyof O]?: z.output<O[K]['schema']> } : never;

export function actionNames<A extends string>(table: ExecutorTable<A>): [A, ...A[]] {
  return Object.keys(table.actions) as [A, ...A[]];
}

export function appliesTo(option: ExecutorOption, action: string): boolean {
  return option.actions === 'every' || option.actions.includes(action);
}

/** `dryRun` → `dry-run`: the spelling of an option on a command line. */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** `dry-run` → `dryRun`. */
function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The zod schema of the executor's options. Unknown keys are refused, not dropped: a misspelt
 * `dryRun` must never turn into a real run. Both spellings Nx may hand over (`dryRun`,
 * `dry-run`) are read as one option; the two given with different values are refused.
 */
export function optionsSchema<A extends string, O extends Record<string, ExecutorOption<A>>>(
  table: ExecutorTable<A, O>,
) {
  const fields: Record<string, z.ZodType> = { action: z.enum(actionNames(table)) };
  for (const [name, option] of Object.entries<ExecutorOption<A>>(table.options))
    fields[name] = option.schema.optional();
  return z
    .preprocess(
      (value, ctx) => (isRecord(value) ? camelCaseKeys(value, ctx) : value),
      z.strictObject(fields).superRefine((options, ctx) => {
        checkActions(table, options as { action: A } & Record<string, unknown>, ctx);
        table.refine?.(options as { action: A } & Record<string, unknown>, ctx);
      }),
    )
    .transform((options) => options as ExecutorOptions<ExecutorTable<A, O>>);
}

/** Validates executor options; throws an Error naming every bad option. */
export function parseOptions<A extends string, O extends Record<string, ExecutorOption<A>>>(
  table: ExecutorTable<A, O>,
  options: unknown,
): ExecutorOptions<ExecutorTable<A, O>> {
  const parsed = optionsSchema(table).safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys')
      return `unknown option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
    return issue.path.length ? `${issue.path.join('.')} ${issue.message}` : issue.message;
  });
  throw new Error(`Invalid options for ${table.executor}: ${problems.join('; ')}.`);
}

/**
 * Refuses options that do not apply to the chosen action, and a missing required argument.
 * An option left off by a target default (`false`) is not an option given.
 */
function checkActions<A extends string>(
  table: ExecutorTable<A>,
  options: { action: A } & Record<string, unknown>,
  ctx: z.RefinementCtx,
): void {
  const { action } = options;
  for (const [name, option] of Object.entries<ExecutorOption<A>>(table.options)) {
    const value = options[name];
    if (value === undefined || value === false || appliesTo(option, action) || option.elsewhere === 'ignore') continue;
    ctx.addIssue({ code: 'custom', path: [name], message: `does not apply to action "${action}"` });
  }
  for (const [name, option] of Object.entries<ExecutorOption<A>>(table.options)) {
    if (option.requiredBy?.includes(action) && options[name] === undefined) {
      ctx.addIssue({ code: 'custom', path: [name], message: `is required by action "${action}"` });
    }
  }
}

function camelCaseKeys(value: Record<string, unknown>, ctx: z.RefinementCtx): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const name = camelCase(key);
    if (name in out && out[name] !== v) {
      ctx.addIssue({ code: 'custom', path: [name], message: `is given twice, with different values (${key})` });
    }
    out[name] = v;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The executor's schema.json, as Nx reads it (argv parsing, `--help`, validation before the
 * executor runs) and Nx Console shows it. Generated from the table at build time.
 */
export function executorJsonSchema(table: ExecutorTable): Record<string, unknown> {
  const names = actionNames(table);
  const properties: Record<string, unknown> = {
    action: {
      type: 'string',
      description: table.actionDescription,
      enum: names,
      'x-priority': 'important',
    },
  };
  for (const [name, option] of Object.entries(table.options)) {
    properties[name] = {
      ...jsonType(option.schema),
      description:
        option.actions === 'every' ? option.description : `${option.actions.join(', ')}: ${option.description}`,
      ...(option.default === undefined ? {} : { default: option.default }),
      ...option.jsonSchema,
    };
  }
  return {
    $schema: 'https://json-schema.org/schema',
    version: 2,
    title: table.title,
    description: table.description,
    type: 'object',
    cli: 'nx',
    properties,
    required: ['action'],
    additionalProperties: false,
  };
}

/** The JSON Schema of one value, without zod's bounds of a safe integer (every integer option has them). */
function jsonType(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { unrepresentable: 'any' }) as Record<string, unknown>;
  if (json.maximum === Number.MAX_SAFE_INTEGER) delete json.maximum;
  if (json.minimum === Number.MIN_SAFE_INTEGER) delete json.minimum;
  return json;
}
