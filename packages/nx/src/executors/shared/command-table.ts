import { z } from '@om/migrations';

/**
 * One action of an executor: an `om <command> <action>` subcommand, the positional argument it
 * takes (`id`) and the options it accepts besides the common ones.
 */
export interface ActionSpec {
  positional: 'required' | 'optional' | undefined;
  options: readonly string[];
  /** The action needs no Redis (e.g. `om migrate check`): no Redis URL is looked up or passed. */
  offline?: boolean;
}

/**
 * What an executor maps to the CLI: which `om` command, its actions, and the options every
 * action accepts. The `migrate-data` and `migrate` executors are each one such table; the rest
 * (validation, argv, running) is shared.
 */
export interface CommandTable {
  /** The `om` command: `migrate-data` or `migrate`. */
  readonly command: string;
  /** The executor, as messages name it: `@om/nx:migrate-data`. */
  readonly executor: string;
  readonly actions: Readonly<Record<string, ActionSpec>>;
  /** The CLI options every action of the command accepts. */
  readonly common: readonly string[];
}

/** `dryRun` → `--dry-run`. */
export function flagFor(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const positiveSeconds = z.number().nonnegative();

/** The zod fields every executor shares: the project-scoped settings and the usual switches. */
export const commonOptionFields = {
  id: z.string().trim().min(1).optional(),
  dryRun: z.boolean().optional(),
  yes: z.boolean().optional(),
  json: z.boolean().optional(),
  migrationsDir: z.string().min(1).optional(),
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
  lockTimeout: positiveSeconds.optional(),
  lockLease: positiveSeconds.optional(),
  verbose: z.boolean().optional(),
};

/**
 * A zod refinement: refuses options that do not apply to the chosen action, and a missing
 * required `id`. Options left off by a target default (`false`) are ignored, and `yes` is
 * accepted everywhere, so one target default (`yes: true`) fits every action.
 */
export function checkActionOptions(table: CommandTable) {
  return (options: { action: string; id?: string } & Record<string, unknown>, ctx: z.RefinementCtx): void => {
    const spec = table.actions[options.action];
    if (!spec) return; // the action enum reports it
    const allowed = new Set<string>([...spec.options, ...table.common, 'action', 'redisUrlEnv', 'yes']);
    if (spec.positional) allowed.add('id');
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined || value === false || allowed.has(key)) continue;
      ctx.addIssue({ code: 'custom', path: [key], message: `does not apply to action "${options.action}"` });
    }
    if (spec.positional === 'required' && !options.id) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: `is required by action "${options.action}"` });
    }
  };
}

/** Validates executor options with `schema`; throws an Error naming every bad option. */
export function parseWith<T>(table: CommandTable, schema: z.ZodType<T>, options: unknown): T {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) =>
    issue.path.length ? `${issue.path.join('.')} ${issue.message}` : issue.message,
  );
  throw new Error(`Invalid options for ${table.executor}: ${problems.join('; ')}.`);
}
