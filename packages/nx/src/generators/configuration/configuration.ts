import {
  formatFiles,
  generateFiles,
  joinPathFragments,
  readNxJson,
  readProjectConfiguration,
  updateNxJson,
  updateProjectConfiguration,
  type Tree,
} from '@nx/devkit';
import { join } from 'node:path';
import { migrationInputs, migrationTargets, normalizePluginOptions } from '../../plugins/targets';
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

/**
 * `nx g @om/nx:configuration --project app`: explicit targets for a project that does not use
 * the inferred ones, its settings in `metadata.om`, and its migrations folder.
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
  };
  parseProjectSettings(settings, `project "${options.project}"`);

  const names = normalizePluginOptions(options);
  const nxJson = readNxJson(tree) ?? {};
  const namedInputs = { ...nxJson.namedInputs, ...project.namedInputs };
  const inputs = migrationInputs(settings, 'production' in namedInputs ? '^production' : '^default', (path) =>
    isDirectoryInTree(tree, joinPathFragments(project.root, path)),
  );
  project.metadata = { ...project.metadata, [SETTINGS_KEY]: settings };
  project.targets = { ...project.targets, ...migrationTargets(names, settings, inputs) };
  updateProjectConfiguration(tree, options.project, project);
  excludeFromInference(tree, project.root);

  const migrationsRoot = joinProjectPath(project.root, settings.migrationsDir ?? DEFAULT_PROJECT_MIGRATIONS_DIR);
  generateFiles(tree, join(__dirname, 'files'), migrationsRoot, {
    project: options.project,
    redisUrlEnv: settings.redisUrlEnv ?? DEFAULT_REDIS_URL_ENV,
    ...names,
    tmpl: '',
  });
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
