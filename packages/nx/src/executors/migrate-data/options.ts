import { FAILURE_MODES, type FailureMode } from '@om/migrations';
import { z } from 'zod';
import { BUILTIN_NAMES, type EnvironmentSettings } from '../../utils/project-settings';
import { toArgv as commandArgv, type RunContext } from '../shared/argv';
import { projectOptions, YES_DESCRIPTION } from '../shared/common-options';
import {
  defineExecutorTable,
  parseOptions as parseWith,
  type ActionOf,
  type ExecutorOptions,
} from '../shared/option-table';

export { describeArgv, type RunContext } from '../shared/argv';

const positiveInt = z.number().int().min(1);

/** The options of commands that run batched data migrations. */
const BATCH = ['run', 'rollback', 'stats', 'verify'] as const;

/**
 * `@om/nx:migrate-data`: one line per `om migrate-data` action, one entry per option. Adding an
 * action or an option the CLI gained is one entry here; a spec checks the table against the
 * CLI itself, and schema.json is generated from it.
 *
 * Option names never take one of Nx's own (`nx run --target` is Nx's, so the CLI's `--target`
 * is `upTo`; `--verbose` is Nx's, and the CLI's follows it).
 */
export const MIGRATE_DATA = defineExecutorTable({
  command: 'migrate-data',
  executor: '@om/nx:migrate-data',
  title: 'Redis OM data migrations',
  description:
    "Runs one `om migrate-data` action for the project. Settings not given here come from the project's `metadata.om` (per --configuration), then defaults. Nx's --verbose also prints the `om` command line.",
  actionDescription:
    'What to do: an `om migrate-data` command (status, run, rollback, reset, stamp, stats, verify, progress, clear-progress).',
  actions: {
    status: {},
    run: {},
    rollback: {},
    reset: {},
    stamp: {},
    stats: {},
    verify: {},
    progress: {},
    'clear-progress': {},
  },
  options: {
    id: {
      description:
        'the migration id (rollback, stamp); for clear-progress, only checkpoints whose name starts with this.',
      schema: z.string().trim().min(1),
      actions: ['rollback', 'stamp', 'clear-progress'],
      requiredBy: ['stamp'],
      cli: 'argument',
      jsonSchema: { $default: { $source: 'argv', index: 0 } },
    },
    dryRun: {
      description: 'list what would happen, in order, and write nothing.',
      schema: z.boolean(),
      actions: ['run', 'rollback', 'reset'],
      cli: '--dry-run',
    },
    checkData: {
      description: 'scan the date fields of the models (models) and list values redis-om cannot read as dates.',
      schema: z.boolean(),
      actions: ['verify'],
      cli: '--check-data',
    },
    limit: {
      description: 'at most this many: migrations to run (run), offending values to list (verify).',
      schema: positiveInt,
      actions: ['run', 'verify'],
      cli: '--limit',
    },
    upTo: {
      description:
        "run pending migrations up to and including this id (the CLI's --target: Nx keeps --target for itself).",
      schema: z.string().trim().min(1),
      actions: ['run'],
      cli: '--target',
    },
    steps: {
      description: 'roll back the last N batches.',
      schema: positiveInt,
      actions: ['rollback'],
      cli: '--steps',
    },
    yes: {
      description: YES_DESCRIPTION,
      schema: z.boolean(),
      actions: ['run', 'rollback', 'reset'],
      elsewhere: 'ignore',
      cli: '--yes',
      default: true,
    },
    detailed: {
      description: 'show descriptions, sources, batches, and why pending migrations cannot run yet.',
      schema: z.boolean(),
      actions: ['status'],
      cli: '--detailed',
    },
    json: {
      description:
        'print JSON: the status, statistics or progress as one document; for run, rollback and reset, one event per line (started, progress, failureSummary, finished...), the human output going to stderr.',
      schema: z.boolean(),
      actions: ['status', 'stats', 'progress', 'run', 'rollback', 'reset'],
      cli: '--json',
    },
    report: {
      description:
        'write the failure report (JSON Lines, one failed value per line) to this file, relative to the project root. Default: <migrationsDir>/.om-reports/<time>-<action>.jsonl.',
      schema: z.string().min(1),
      actions: ['run', 'rollback', 'reset', 'verify'],
      cli: '--report',
      path: 'file',
      jsonSchema: { 'x-completion-type': 'file' },
    },
    failureMode: {
      description: 'what to do with a value that cannot be converted (default fail).',
      schema: z.enum(FAILURE_MODES as unknown as [FailureMode, ...FailureMode[]]),
      actions: BATCH,
      cli: '--failure-mode',
    },
    batchSize: {
      description: 'keys per SCAN COUNT and per pipeline (default 1000).',
      schema: z.number().int().min(1).max(100_000),
      actions: BATCH,
      cli: '--batch-size',
    },
    maxRate: {
      description: 'keys per second at most, on average, to leave room for the app (default unthrottled).',
      schema: z.number().positive().finite(),
      actions: BATCH,
      cli: '--max-rate',
    },
    scaleOut: {
      description:
        'share this run with the other processes started the same way (on this or other machines): each walks the cluster masters it takes under a lease; the ledger is written once.',
      schema: z.boolean(),
      actions: ['run'],
      cli: '--scale-out',
    },
    shareLease: {
      description: 'with scaleOut: lease of a share in seconds, renewed while walking it: how long a killed process holds its share (default 30).',
      schema: z.number().positive().finite(),
      actions: ['run'],
      cli: '--share-lease',
    },
    maxErrors: {
      description: 'failures tolerated before stopping (default unlimited).',
      schema: z.number().int().nonnegative(),
      actions: BATCH,
      cli: '--max-errors',
    },
    builtins: {
      description:
        "Built-in migrations to run beside the project's own (datetime: 001_datetime_fields_to_timestamps on the date fields of models). Default: the project's metadata.om.builtins, then none.",
      schema: z.array(z.enum(BUILTIN_NAMES)),
      actions: 'every',
      cli: '--builtin',
      fallback: ({ settings }) => settings.builtins,
    },
    timezone: {
      description: 'read naive ISO date-times in this IANA time zone (default UTC).',
      schema: z.string().min(1),
      actions: BATCH,
      cli: '--timezone',
    },
    ...projectOptions({
      migrationsDir:
        'Migrations root, relative to the project root. Default: the project\'s metadata.om.migrationsDir, then "migrations".',
      models:
        "Module exporting the project's redis-om Schemas, relative to the project root: what the built-ins and stats/verify work on. Default: the project's metadata.om.models when it is a single path.",
      redisUrl: 'Redis to migrate. Prefer redisUrlEnv: never commit a URL that holds a password.',
      redisUrlEnv:
        "Name of the environment variable that holds the Redis URL. Default: the project's metadata.om.redisUrlEnv, then REDIS_OM_URL.",
    }),
  },
  // `status` tells how to enable a built-in: under Nx, in the project's settings.
  engineEnv: ({ project }) => ({
    OM_BUILTIN_ENABLE_HINT: `add "builtins": ["<name>"] to metadata.om of project ${project} (or pass --builtins=<name>)`,
  }),
  refine: (options, ctx) => {
    if (options.action === 'rollback' && (options.id === undefined) === (options.steps === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'rollback needs either a migration id or steps (e.g. --steps=1), not both or neither',
      });
    }
  },
});

export type ActionName = ActionOf<typeof MIGRATE_DATA>;

/** Options of the `@om/nx:migrate-data` executor (schema.json describes each). */
export type MigrateDataExecutorOptions = ExecutorOptions<typeof MIGRATE_DATA>;

/** Validates the options; throws an Error naming every bad option. */
export function parseOptions(options: unknown): MigrateDataExecutorOptions {
  return parseWith(MIGRATE_DATA, options);
}

/** The `om migrate-data <action> [id] [flags]` argv for these options (see shared/argv). Pure. */
export function toArgv(
  options: MigrateDataExecutorOptions,
  settings: EnvironmentSettings,
  context: RunContext,
): string[] {
  return commandArgv(MIGRATE_DATA, options, settings, context);
}
