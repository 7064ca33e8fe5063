import {
  formatFiles,
  generateFiles,
  joinPathFragments,
  logger,
  readNxJson,
  readProjectConfiguration,
  updateNxJson,
  updateProjectConfiguration,
  type Tree,
} from '@nx/devkit';
import { join } from 'node:path';
import { SCHEMA_MIGRATIONS_FOLDER } from '@om/migrations';
import {
  hasModels,
  migrationInputs,
  normalizePluginOptions,
  omTargets,
  schemaCheckInputs,
  type MigrationKinds,
} from '../../plugins/targets';
import {
  DEFAULT_PROJECT_MIGRATIONS_DIR,
  DEFAULT_REDIS_URL_ENV,
  SETTINGS_KEY,
  joinProjectPath,
  parseProjectSettings,
  type ProjectSettings,
} from '../../utils/project-settings';
import { PLUGIN_NAME } from '../init/init';
import type { ConfigurationGeneratorSchema } from './schema';
import { ignoreFailureReports } from '../../utils/gitignore';

/**
 * `nx g @om/nx:configuration --project app`: explicit targets for a project that does not use
 * the inferred ones (the data-migration targets, and the schema-migration ones when the project
 * has a models entry), its settings in `metadata.om`, and its migrations folder.
 */
export async function configurationGenerator(tree: Tree, options: ConfigurationGeneratorSchema): Promise<void> {
  const project = readProjectConfiguration(tree, options.project);
  const existing = parseProjectSettings(project.metadata?.[SETTINGS_KEY], `project "${options.project}"`);
  const settings: ProjectSettings = {
    ...existing,
    ...(options.migrationsDir && options.migrationsDir !== DEFAULT_PROJECT_MIGRATIONS_DIR
      ? { migrationsDir: options.migrationsDir }
      : {}),
    ...(options.models ? { models: options.models } : {}),
    ...(options.redisUrlEnv ? { redisUrlEnv: options.redisUrlEnv } : {}),
    ...(options.builtins?.length ? { builtins: [...new Set([...(existing.builtins ?? []), ...options.builtins])] } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
  };
  parseProjectSettings(settings, `project "${options.project}"`);

  const names = normalizePluginOptions(options);
  const nxJson = readNxJson(tree) ?? {};
  const namedInputs = { ...nxJson.namedInputs, ...project.namedInputs };
  const dependencyInput = 'production' in namedInputs ? '^production' : '^default';
  const inProject = (path: string) => isDirectoryInTree(tree, joinPathFragments(project.root, path));
  // Schema migrations compile the models: without a models entry there is nothing to snapshot.
  const kinds: MigrationKinds = { data: true, schema: hasModels(settings) };
  if (!kinds.schema) {
    logger.warn(
      `No models entry for ${options.project}: schema-migration targets were not added. ` +
        'Run again with --models=<the module that exports its redis-om Schemas> to add them.',
    );
  }
  project.metadata = { ...project.metadata, [SETTINGS_KEY]: settings };
  project.targets = {
    ...project.targets,
    ...omTargets(names, settings, kinds, {
      migrations: migrationInputs(settings, dependencyInput, inProject),
      check: schemaCheckInputs(settings, dependencyInput, inProject),
    }),
  };
  updateProjectConfiguration(tree, options.project, project);
  excludeFromInference(tree, project.root);

  const migrationsRoot = joinProjectPath(project.root, settings.migrationsDir ?? DEFAULT_PROJECT_MIGRATIONS_DIR);
  generateFiles(tree, join(__dirname, 'files'), migrationsRoot, {
    project: options.project,
    redisUrlEnv: settings.redisUrlEnv ?? DEFAULT_REDIS_URL_ENV,
    schema: kinds.schema,
    ...names,
    tmpl: '',
  });
  const snapshots = joinProjectPath(migrationsRoot, SCHEMA_MIGRATIONS_FOLDER);
  if (kinds.schema && !tree.exists(snapshots)) tree.write(`${snapshots}/.gitkeep`, '');
  ignoreFailureReports(tree);
  if (!options.skipFormat) await formatFiles(tree);
}

/** A project with explicit targets does not also get inferred ones: exclude it from the plugin. */
function excludeFromInference(tree: Tree, projectRoot: string): void {
  const nxJson = readNxJson(tree);
  if (!nxJson?.plugins) return;
  let changed = false;
  nxJson.plugins = nxJson.plugins.map((entry) => {
    const plugin = typeof entry === 'string' ? { plugin: entry } : entry;
    if (plugin.plugin !== PLUGIN_NAME) return entry;
    const pattern = projectRoot === '.' ? '{project.json,package.json}' : `${projectRoot}/**`;
    if (plugin.exclude?.includes(pattern)) return entry;
    changed = true;
    return { ...plugin, exclude: [...(plugin.exclude ?? []), pattern] };
  });
  if (changed) updateNxJson(tree, nxJson);
}

function isDirectoryInTree(tree: Tree, path: string): boolean {
  return tree.exists(path) && !tree.isFile(path);
}

export default configurationGenerator;
