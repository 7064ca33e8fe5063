import { z } from 'zod';
import type { EnvironmentSettings } from '../../utils/project-settings';
import { toArgv as commandArgv, type RunContext } from '../shared/argv';
import { projectOptions } from '../shared/common-options';
import { defineExecutorTable, parseOptions as parseWith, type ExecutorOptions } from '../shared/option-table';
import { MIGRATE_DATA } from '../migrate-data/options';
import { MIGRATE } from '../migrate/options';

/** `run` and `rollback` change data and indexes: they preview with --dry-run, ask first, and run batched scans. */
const WRITES = ['run', 'rollback'] as const;

/** An option of another executor's table, for the actions of this one. */
function sharedOption<T extends { actions: unknown }, A extends readonly ('status' | 'plan' | 'run' | 'rollback')[] | 'every'>(
  option: T,
  actions: A,
): Omit<T, 'actions'> & { actions: A } {
  return { ...option, actions };
}

const data = MIGRATE_DATA.options;
const schema = MIGRATE.options;

/**
 * `@om/nx:migrate-all`: one line per `om migrate-all` action, one entry per option. The options
 * are those of both kinds (the batch options of data migrations, the indexing options of schema
 * migrations), shared with their executors' tables. A spec checks this table against the CLI.
 */
export const MIGRATE_ALL = defineExecutorTable({
  command: 'migrate-all',
  executor: '@om/nx:migrate-all',
  title: 'Redis OM data and schema migrations, in one order',
  description:
    "Runs one `om migrate-all` action for the project: data and schema migrations together, in dependency order (a data migration's `schema:<id>` dependencies, a snapshot's `after`), under one lock. Settings not given here come from the project's `metadata.om` (per --configuration), then defaults.",
  actionDescription: 'What to do: an `om migrate-all` command (status, plan, run, rollback).',
  actions: {
    status: {},
    plan: {},
    run: {},
    rollback: {},
  },
  options: {
    dryRun: {
      description: 'say what would run (or be rolled back), in order, and send only reads.',
      schema: z.boolean(),
      actions: WRITES,
      cli: '--dry-run',
    },
    yes: sharedOption(schema.yes, WRITES),
    steps: {
      description: 'roll back the last N migrations applied, of either kind.',
      schema: z.number().int().min(1),
      actions: ['rollback'],
      cli: '--steps',
    },
    // Not `all`: `nx run-many --all` is Nx's own.
    everything: {
      description: 'roll back every applied migration of both kinds.',
      schema: z.boolean(),
      actions: ['rollback'],
      cli: '--all',
    },
    report: sharedOption(data.report, WRITES),
    failureMode: sharedOption(data.failureMode, WRITES),
    batchSize: sharedOption(data.batchSize, WRITES),
    maxRate: sharedOption(data.maxRate, WRITES),
    maxErrors: sharedOption(data.maxErrors, WRITES),
    timezone: sharedOption(data.timezone, WRITES),
    builtins: data.builtins,
    ...projectOptions({
      migrationsDir:
        'Migrations root, relative to the project root (data-migrations/ and schema-migrations/). Default: the project\'s metadata.om.migrationsDir, then "migrations".',
      models:
        "Module exporting the project's redis-om Schemas, relative to the project root: what the built-ins work on. Default: the project's metadata.om.models when it is a single path.",
      redisUrl: 'Redis to migrate (with the search module, database 0). Prefer redisUrlEnv: never commit a URL that holds a password.',
      redisUrlEnv:
        "Name of the environment variable that holds the Redis URL. Default: the project's metadata.om.redisUrlEnv, then REDIS_OM_URL.",
    }),
    strategy: schema.strategy,
    indexingTimeout: schema.indexingTimeout,
    maxIndexingFailures: schema.maxIndexingFailures,
    maxSwapMemory: sharedOption(schema.maxSwapMemory, 'every'),
  },
  refine: (options, ctx) => {
    if (options.action === 'rollback' && (options.steps === undefined) === (options.everything === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'rollback needs either steps (e.g. --steps=1) or --everything, not both or neither' });
    }
  },
});

/** Options of the `@om/nx:migrate-all` executor (schema.json describes each). */
export type MigrateAllExecutorOptions = ExecutorOptions<typeof MIGRATE_ALL>;

/** Validates the options; throws an Error naming every bad option. */
export function parseOptions(options: unknown): MigrateAllExecutorOptions {
  return parseWith(MIGRATE_ALL, options);
}

/** The `om migrate-all <action> [flags]` argv for these options (see shared/argv). Pure. */
export function toArgv(options: MigrateAllExecutorOptions, settings: EnvironmentSettings, context: RunContext): string[] {
  return commandArgv(MIGRATE_ALL, options, settings, context);
}
