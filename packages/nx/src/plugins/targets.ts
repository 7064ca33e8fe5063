import type { TargetConfiguration } from '@nx/devkit';
import type { MigrateDataExecutorOptions } from '../executors/migrate-data/schema';
import { DEFAULT_PROJECT_MIGRATIONS_DIR, type ProjectSettings } from '../utils/project-settings';

/** Options of `@om/nx/plugin` in nx.json: the names of the targets it infers. */
export interface OmPluginOptions {
  /** Runs pending data migrations. Default `migrate-data`. */
  targetName?: string;
  /** Shows applied and pending data migrations. Default `migrate-data-status`. */
  statusTargetName?: string;
  /** Rolls back data migrations (`--steps N` or an id). Default `migrate-data-rollback`. */
  rollbackTargetName?: string;
}

export type NormalizedPluginOptions = Required<OmPluginOptions>;

export const DEFAULT_TARGET_NAMES: NormalizedPluginOptions = {
  targetName: 'migrate-data',
  statusTargetName: 'migrate-data-status',
  rollbackTargetName: 'migrate-data-rollback',
};

export const EXECUTOR = '@om/nx:migrate-data';

export function normalizePluginOptions(options: OmPluginOptions | undefined): NormalizedPluginOptions {
  return {
    targetName: options?.targetName || DEFAULT_TARGET_NAMES.targetName,
    statusTargetName: options?.statusTargetName || DEFAULT_TARGET_NAMES.statusTargetName,
    rollbackTargetName: options?.rollbackTargetName || DEFAULT_TARGET_NAMES.rollbackTargetName,
  };
}

/** The files whose change makes a project's migration targets affected. */
export function migrationInputs(
  settings: ProjectSettings,
  dependencyInput: '^production' | '^default',
  isDirectory: (projectRelativePath: string) => boolean = () => false,
): string[] {
  const environments = [settings, ...Object.values(settings.configurations ?? {})];
  const inputs = new Set<string>();
  for (const env of environments) {
    const dir = env.migrationsDir ?? (env === settings ? DEFAULT_PROJECT_MIGRATIONS_DIR : undefined);
    if (dir) inputs.add(`{projectRoot}/${trim(dir)}/**/*`);
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
  for (const env of environments) {
    if (env.module) inputs.add(`{projectRoot}/${trim(env.module)}`);
  }
  inputs.add('!{projectRoot}/**/*.spec.[jt]s');
  inputs.add('!{projectRoot}/**/*.test.[jt]s');
  inputs.add(dependencyInput);
  return [...inputs];
}

/**
 * The targets of a project with Redis OM migrations. Every one talks to Redis, so none is
 * cached and none runs in parallel with another.
 */
export function migrationTargets(
  names: NormalizedPluginOptions,
  settings: ProjectSettings,
  inputs: string[],
): Record<string, TargetConfiguration<Partial<MigrateDataExecutorOptions>>> {
  const configurations = Object.fromEntries(Object.keys(settings.configurations ?? {}).map((name) => [name, {}]));
  const base = (
    action: MigrateDataExecutorOptions['action'],
    description: string,
    example: Partial<MigrateDataExecutorOptions>,
  ): TargetConfiguration<Partial<MigrateDataExecutorOptions>> => ({
    executor: EXECUTOR,
    options: { action },
    ...(Object.keys(configurations).length > 0 ? { configurations } : {}),
    cache: false,
    parallelism: false,
    inputs,
    metadata: {
      technologies: ['redis-om'],
      description,
      help: { command: `npx om migrate-data ${action} --help`, example: { options: example } },
    },
  });
  return {
    [names.targetName]: base('run', 'Runs pending Redis OM data migrations', { dryRun: true }),
    [names.statusTargetName]: base('status', 'Shows applied and pending Redis OM data migrations', { detailed: true }),
    [names.rollbackTargetName]: base('rollback', 'Rolls back Redis OM data migrations (--steps N or an id)', {
      steps: 1,
    }),
  };
}

function trim(path: string): string {
  return path.replace(/^\.\/+/, '').replace(/[/\\]+$/, '');
}
