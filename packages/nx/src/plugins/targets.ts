import type { TargetConfiguration } from '@nx/devkit';
import type { MigrateDataExecutorOptions } from '../executors/migrate-data/schema';
import type { MigrateExecutorOptions } from '../executors/migrate/schema';
import type { MigrateAllExecutorOptions } from '../executors/migrate-all/schema';
import {
  DEFAULT_PROJECT_MIGRATIONS_DIR,
  SCHEMA_MIGRATIONS_FOLDER,
  singleModelsPath,
  type ProjectSettings,
} from '../utils/project-settings';

/** Options of `@om/nx/plugin` in nx.json: the names of the targets it infers. */
export interface OmPluginOptions {
  /** Runs pending data migrations. Default `migrate-data`. */
  targetName?: string;
  /** Shows applied and pending data migrations. Default `migrate-data-status`. */
  statusTargetName?: string;
  /** Rolls back data migrations (`--steps N` or an id). Default `migrate-data-rollback`. */
  rollbackTargetName?: string;
  /** Applies pending schema migrations (RediSearch indexes). Default `migrate`. */
  schemaTargetName?: string;
  /** Shows applied and pending schema migrations. Default `migrate-status`. */
  schemaStatusTargetName?: string;
  /** Rolls back one schema migration (its id). Default `migrate-rollback`. */
  schemaRollbackTargetName?: string;
  /** Compares live indexes with the applied schema migrations. Default `migrate-verify`. */
  schemaVerifyTargetName?: string;
  /** The offline, cached CI check: models against the latest snapshot. Default `migrate-check`. */
  schemaCheckTargetName?: string;
  /** Applies pending data and schema migrations in one dependency order (projects with both). Default `migrate-all`. */
  allTargetName?: string;
}

export type NormalizedPluginOptions = Required<OmPluginOptions>;

export const DEFAULT_TARGET_NAMES: NormalizedPluginOptions = {
  targetName: 'migrate-data',
  statusTargetName: 'migrate-data-status',
  rollbackTargetName: 'migrate-data-rollback',
  schemaTargetName: 'migrate',
  schemaStatusTargetName: 'migrate-status',
  schemaRollbackTargetName: 'migrate-rollback',
  schemaVerifyTargetName: 'migrate-verify',
  schemaCheckTargetName: 'migrate-check',
  allTargetName: 'migrate-all',
};

export const EXECUTOR = '@om/nx:migrate-data';
export const SCHEMA_EXECUTOR = '@om/nx:migrate';
export const ALL_EXECUTOR = '@om/nx:migrate-all';

/** Every target name, from the options or the default. */
export function normalizePluginOptions(options: OmPluginOptions | undefined): NormalizedPluginOptions {
  const names = { ...DEFAULT_TARGET_NAMES };
  for (const key of Object.keys(names) as (keyof NormalizedPluginOptions)[]) {
    if (options?.[key]) names[key] = options[key]!;
  }
  return names;
}

/** Tells whether a path relative to the project root is a folder (models may name one). */
export type IsDirectory = (projectRelativePath: string) => boolean;

/** The files whose change makes a project's migration targets affected. */
export function migrationInputs(
  settings: ProjectSettings,
  dependencyInput: '^production' | '^default',
  isDirectory: IsDirectory = () => false,
): string[] {
  return collectInputs(settings, dependencyInput, isDirectory, {
    folder: undefined,
    module: true,
  });
}

/**
 * The inputs of the schema check: the models and the schema-migration snapshots only (and what
 * the project depends on), so the check is cached until one of them changes, and
 * `nx affected -t migrate-check` selects exactly the projects whose models or snapshots changed.
 * redis-om itself is an input too: another version may compile a model to another index.
 */
export function schemaCheckInputs(
  settings: ProjectSettings,
  dependencyInput: '^production' | '^default',
  isDirectory: IsDirectory = () => false,
): NonNullable<TargetConfiguration['inputs']> {
  return [
    ...collectInputs(settings, dependencyInput, isDirectory, {
      folder: SCHEMA_MIGRATIONS_FOLDER,
      module: false,
    }),
    { externalDependencies: ['redis-om'] },
  ];
}

function collectInputs(
  settings: ProjectSettings,
  dependencyInput: string,
  isDirectory: IsDirectory,
  include: { folder: string | undefined; module: boolean },
): string[] {
  const environments = [settings, ...Object.values(settings.configurations ?? {})];
  const inputs = new Set<string>();
  for (const env of environments) {
    const dir = env.migrationsDir ?? (env === settings ? DEFAULT_PROJECT_MIGRATIONS_DIR : undefined);
    if (dir) inputs.add(`{projectRoot}/${trim(dir)}/${include.folder ? `${include.folder}/` : ''}**/*`);
  }
  const models = environments.flatMap((env) => (env.models === undefined ? [] : [env.models].flat()));
  if (models.length === 0) {
    // No models entry declared: any source file of the project may define a model.
    inputs.add('{projectRoot}/src/**/*');
  }
  for (const model of models) {
    const path = trim(model);
    inputs.add(/[*?{[]/.test(path) || !isDirectory(path) ? `{projectRoot}/${path}` : `{projectRoot}/${path}/**/*`);
  }
  if (include.module) {
    for (const env of environments) {
      if (env.module) inputs.add(`{projectRoot}/${trim(env.module)}`);
    }
  }
  inputs.add('!{projectRoot}/**/*.spec.[jt]s');
  inputs.add('!{projectRoot}/**/*.test.[jt]s');
  inputs.add(dependencyInput);
  return [...inputs];
}

/** Which kinds of migrations a project has, so which targets it gets. */
export interface MigrationKinds {
  /** Data migrations: a `data-migrations` folder, or a `metadata.om` block. */
  data: boolean;
  /** Schema migrations: a `schema-migrations` folder, or a models entry in `metadata.om`. */
  schema: boolean;
}

/** Whether the project declares a models entry (in any environment): it then has schema migrations. */
export function hasModels(settings: ProjectSettings): boolean {
  return [settings, ...Object.values(settings.configurations ?? {})].some((env) => env.models !== undefined);
}

type OmTarget = TargetConfiguration<
  Partial<MigrateDataExecutorOptions> | Partial<MigrateExecutorOptions> | Partial<MigrateAllExecutorOptions>
>;

/**
 * Every target of a project with Redis OM migrations. The targets that talk to Redis are never
 * cached and never run in parallel with another; the schema check needs no Redis and is cached.
 */
export function omTargets(
  names: NormalizedPluginOptions,
  settings: ProjectSettings,
  kinds: MigrationKinds,
  inputs: {
    migrations: string[];
    check: NonNullable<TargetConfiguration['inputs']>;
  },
): Record<string, OmTarget> {
  return {
    ...(kinds.data ? migrationTargets(names, settings, inputs.migrations) : {}),
    ...(kinds.schema ? schemaMigrationTargets(names, settings, inputs.migrations, inputs.check) : {}),
    // Both kinds may depend on each other (docs/ordering.md): one target runs them in one order.
    ...(kinds.data && kinds.schema
      ? {
          [names.allTargetName]: redisTarget(
            ALL_EXECUTOR,
            'migrate-all',
            settings,
            inputs.migrations,
            { action: 'run' as const },
            'Applies pending Redis OM data and schema migrations in one dependency order',
            { dryRun: true },
          ),
        }
      : {}),
  };
}

/** The data-migration targets: run, status, rollback. */
export function migrationTargets(
  names: NormalizedPluginOptions,
  settings: ProjectSettings,
  inputs: string[],
): Record<string, TargetConfiguration<Partial<MigrateDataExecutorOptions>>> {
  const base = (
    action: MigrateDataExecutorOptions['action'],
    description: string,
    example: Partial<MigrateDataExecutorOptions>,
  ) => redisTarget(EXECUTOR, 'migrate-data', settings, inputs, { action }, description, example);
  return {
    [names.targetName]: base('run', 'Runs pending Redis OM data migrations', {
      dryRun: true,
    }),
    [names.statusTargetName]: base('status', 'Shows applied and pending Redis OM data migrations', { detailed: true }),
    [names.rollbackTargetName]: base('rollback', 'Rolls back Redis OM data migrations (--steps N or an id)', {
      steps: 1,
    }),
  };
}

/**
 * The schema-migration targets: run, status, rollback, verify (Redis), and the offline check
 * when the project's models entry is one module.
 */
export function schemaMigrationTargets(
  names: NormalizedPluginOptions,
  settings: ProjectSettings,
  inputs: string[],
  checkInputs: NonNullable<TargetConfiguration['inputs']>,
): Record<string, TargetConfiguration<Partial<MigrateExecutorOptions>>> {
  const base = (
    action: MigrateExecutorOptions['action'],
    description: string,
    example: Partial<MigrateExecutorOptions>,
  ) => redisTarget(SCHEMA_EXECUTOR, 'migrate', settings, inputs, { action }, description, example);
  return {
    [names.schemaTargetName]: base('run', 'Applies pending Redis OM schema migrations (RediSearch indexes)', {
      dryRun: true,
    }),
    [names.schemaStatusTargetName]: base('status', 'Shows applied and pending Redis OM schema migrations', {
      json: true,
    }),
    [names.schemaRollbackTargetName]: base('rollback', 'Rolls back one Redis OM schema migration (its id)', {
      id: '20250101_120000_add_sortable_name',
      dryRun: true,
    }),
    [names.schemaVerifyTargetName]: base(
      'verify',
      'Compares the live RediSearch indexes with the applied schema migrations',
      {},
    ),
    // The check compiles the models: without one models module to load it could only fail.
    ...(canCheck(settings) ? { [names.schemaCheckTargetName]: checkTarget(settings, checkInputs) } : {}),
  };
}

/** Whether `om migrate check` can run for the project: its models entry is one module. */
export function canCheck(settings: ProjectSettings): boolean {
  return singleModelsPath(settings.models) !== undefined;
}

/** The offline schema check: no Redis, so cached on its inputs. */
function checkTarget(
  settings: ProjectSettings,
  checkInputs: NonNullable<TargetConfiguration['inputs']>,
): TargetConfiguration<Partial<MigrateExecutorOptions>> {
  return {
    executor: SCHEMA_EXECUTOR,
    options: { action: 'check' },
    ...configurationsOf(settings),
    // No Redis: the models and the snapshots decide the result, so it is cached on them.
    cache: true,
    inputs: checkInputs,
    outputs: [],
    metadata: {
      technologies: ['redis-om'],
      description: 'Fails when the Redis OM models differ from the latest schema migration (no Redis needed)',
      help: { command: 'npx om migrate check --help', example: { options: {} } },
    },
  };
}

/** A target that talks to Redis: never cached, never in parallel with another. */
function redisTarget<O extends { action: string }>(
  executor: string,
  command: string,
  settings: ProjectSettings,
  inputs: string[],
  options: O,
  description: string,
  example: Partial<O> | Record<string, unknown>,
): TargetConfiguration<O> {
  return {
    executor,
    options,
    ...configurationsOf(settings),
    cache: false,
    parallelism: false,
    inputs,
    metadata: {
      technologies: ['redis-om'],
      description,
      help: {
        command: `npx om ${command} ${options.action} --help`,
        example: { options: example },
      },
    },
  };
}

/** One (empty) configuration per environment of `metadata.om`, so Nx accepts `-c <name>`. */
function configurationsOf(settings: ProjectSettings): {
  configurations?: Record<string, object>;
} {
  const names = Object.keys(settings.configurations ?? {});
  return names.length > 0 ? { configurations: Object.fromEntries(names.map((name) => [name, {}])) } : {};
}

function trim(path: string): string {
  return path.replace(/^\.\/+/, '').replace(/[/\\]+$/, '');
}
