import {
  addDependenciesToPackageJson,
  formatFiles,
  readNxJson,
  runTasksInSerial,
  updateNxJson,
  type GeneratorCallback,
  type PluginConfiguration,
  type Tree,
} from '@nx/devkit';
import { normalizePluginOptions, type OmPluginOptions } from '../../plugins/targets';
import {
  omMigrationsVersion,
  omNxVersion,
  redisOmVersion,
  swcCoreVersion,
  swcNodeRegisterVersion,
} from '../../utils/versions';
import type { InitGeneratorSchema } from './schema';
import { ignoreFailureReports } from '../../utils/gitignore';

export const PLUGIN_NAME = '@om/nx/plugin';

/** `nx g @om/nx:init`: registers the plugin and adds what running migrations needs. */
export async function initGenerator(tree: Tree, options: InitGeneratorSchema = {}): Promise<GeneratorCallback> {
  const tasks: GeneratorCallback[] = [];
  if (options.addPlugin !== false) addPlugin(tree, options);
  ignoreFailureReports(tree);
  if (!options.skipPackageJson) {
    const install = addDependenciesToPackageJson(
      tree,
      { 'redis-om': redisOmVersion },
      {
        '@om/nx': omNxVersion(),
        '@om/migrations': omMigrationsVersion(),
        // Loads TypeScript migrations and models on Node 20 without a build step.
        '@swc-node/register': swcNodeRegisterVersion,
        '@swc/core': swcCoreVersion,
      },
      undefined,
      options.keepExistingVersions !== false,
    );
    if (!options.skipInstall) tasks.push(install);
  }
  if (!options.skipFormat) await formatFiles(tree);
  return runTasksInSerial(...tasks);
}

/** Adds `@om/nx/plugin` to nx.json's plugins once, with the target names that differ from the defaults. */
function addPlugin(tree: Tree, options: InitGeneratorSchema): void {
  const nxJson = readNxJson(tree) ?? {};
  const plugins: PluginConfiguration[] = nxJson.plugins ?? [];
  const registered = plugins.some((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  if (registered) return;
  // Every name is written out, so nx.json shows the targets the plugin infers and how to rename them.
  const pluginOptions: OmPluginOptions = normalizePluginOptions(options);
  nxJson.plugins = [...plugins, { plugin: PLUGIN_NAME, options: pluginOptions }];
  updateNxJson(tree, nxJson);
}

export default initGenerator;
