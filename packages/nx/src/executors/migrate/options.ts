import { z } from 'zod';
import {
  DEFAULT_PROJECT_MIGRATIONS_DIR,
  singleModelsPath,
  type EnvironmentSettings,
} from '../../utils/project-settings';
import { toArgv as commandArgv, type RunContext } from '../shared/argv';
import { projectOptions, seconds, YES_DESCRIPTION } from '../shared/common-options';
import {
  defineExecutorTable,
  parseOptions as parseWith,
  type ActionOf,
  type EngineRun,
  type ExecutorOptions,
} from '../shared/option-table';

/** `run`, `rollback` and `auto` change indexes: they preview with --dry-run and ask first. */
const WRITES = ['run', 'rollback', 'auto'] as const;

// `om migrate` loads snapshots, never a MIGRATIONS module.
const { module: _dataOnly, ...schemaProjectOptions } = projectOptions({
  migrationsDir:
    'Migrations root, relative to the project root; snapshots live in its schema-migrations/. Default: the project\'s metadata.om.migrationsDir, then "migrations".',
  models:
    "Module exporting the project's redis-om Schemas, relative to the project root. Default: the project's metadata.om.models when it is a single path.",
  redisUrl:
    'Redis to migrate (with the search module, database 0). Prefer redisUrlEnv: never commit a URL that holds a password. Not read by check.',
  redisUrlEnv:
    "Name of the environment variable that holds the Redis URL. Default: the project's metadata.om.redisUrlEnv, then REDIS_OM_URL. Not read by check.",
});

/**
 * `@om/nx:migrate`: one line per `om migrate` action, one entry per option. `create` is not an
 * action: a task does not write files into the workspace; `nx g @om/nx:schema-migration` does.
 * A spec checks this table against the CLI itself, and schema.json is generated from it.
 */
export const MIGRATE = defineExecutorTable({
  command: 'migrate',
  executor: '@om/nx:migrate',
  title: 'Redis OM schema migrations',
  description:
    "Runs one `om migrate` action (RediSearch index definitions) for the project. Settings not given here come from the project's `metadata.om` (per --configuration), then defaults. Nx's --verbose also prints the `om` command line and every command sent.",
  actionDescription:
    'What to do: an `om migrate` command (status, plan, run, rollback, verify, check, auto). Create snapshots with `nx g @om/nx:schema-migration`.',
  actions: {
    status: {},
    plan: {},
    run: {},
    rollback: {},
    verify: {},
    check: { offline: true },
    auto: {},
  },
  options: {
    id: {
      description: 'the id of the schema migration to roll back.',
      schema: z.string().trim().min(1),
      actions: ['rollback'],
      requiredBy: ['rollback'],
      cli: 'argument',
      jsonSchema: { $default: { $source: 'argv', index: 0 } },
    },
    dryRun: {
      description: 'print every command it would send, and send nothing that writes.',
      schema: z.boolean(),
      actions: WRITES,
      cli: '--dry-run',
    },
    yes: {
      description: YES_DESCRIPTION,
      schema: z.boolean(),
      actions: WRITES,
      elsewhere: 'ignore',
      cli: '--yes',
      default: true,
    },
    json: {
      description: 'print the status as JSON.',
      schema: z.boolean(),
      actions: ['status'],
      cli: '--json',
    },
    ...schemaProjectOptions,
    strategy: {
      description:
        'swap (default): build the new index beside the live one, then switch the alias; recreate: drop (documents kept) and create.',
      schema: z.enum(['swap', 'recreate']),
      actions: 'every',
      cli: '--strategy',
    },
    indexingTimeout: {
      description: 'Seconds: longest wait for one index to finish indexing (default 3600).',
      schema: seconds,
      actions: 'every',
      cli: '--indexing-timeout',
    },
    maxIndexingFailures: {
      description:
        'Documents a new index may fail to index (values that do not fit the definition) before the run fails and the old index keeps serving (default 0).',
      schema: z.number().int().nonnegative(),
      actions: 'every',
      cli: '--max-indexing-failures',
    },
    maxSwapMemory: {
      description:
        'MB: refuse a swap whose second index would need more extra memory than this while both coexist (estimated from FT.INFO), before anything is sent.',
      schema: z.number().positive(),
      actions: ['plan', 'run'],
      cli: '--max-swap-memory',
    },
  },
  // `om migrate check` and `status` tell how to snapshot a model change: under Nx, the generator.
  engineEnv: (run) => ({ OM_SCHEMA_CREATE_COMMAND: schemaMigrationCommand(run) }),
});

/**
 * The generator command that snapshots this project's model changes, with `--models` and
 * `--migrationsDir` where the run used others than the generator would read (an option, or a
 * configuration's settings: `nx g` has no configurations).
 */
export function schemaMigrationCommand({ project, options, settings, projectSettings }: EngineRun): string {
  const command = [`nx g @om/nx:schema-migration <name> --project=${project}`];
  const models = (options.models as string | undefined) ?? singleModelsPath(settings.models);
  if (models && models !== singleModelsPath(projectSettings.models)) command.push(`--models=${models}`);
  const dir = (options.migrationsDir as string | undefined) ?? settings.migrationsDir ?? DEFAULT_PROJECT_MIGRATIONS_DIR;
  if (dir !== (projectSettings.migrationsDir ?? DEFAULT_PROJECT_MIGRATIONS_DIR)) command.push(`--migrationsDir=${dir}`);
  return command.join(' ');
}

export type SchemaActionName = ActionOf<typeof MIGRATE>;

/** Options of the `@om/nx:migrate` executor (schema.json describes each). */
export type MigrateExecutorOptions = ExecutorOptions<typeof MIGRATE>;

/** Validates the options; throws an Error naming every bad option. */
export function parseOptions(options: unknown): MigrateExecutorOptions {
  return parseWith(MIGRATE, options);
}

/** The `om migrate <action> [id] [flags]` argv for these options (see shared/argv). Pure. */
export function toArgv(options: MigrateExecutorOptions, settings: EnvironmentSettings, context: RunContext): string[] {
  return commandArgv(MIGRATE, options, settings, context);
}
