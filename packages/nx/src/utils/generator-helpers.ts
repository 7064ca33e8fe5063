import { readNxJson, type Tree } from '@nx/devkit';
import { OmError } from '@om/migrations';
import { PLUGIN_NAME } from '../generators/init/init';
import { normalizePluginOptions, type NormalizedPluginOptions, type OmPluginOptions } from '../plugins/targets';

/** The target names as nx.json registers the plugin (or the defaults), for generators' hints. */
export function registeredTargetNames(tree: Tree): NormalizedPluginOptions {
  const entry = readNxJson(tree)?.plugins?.find((p) => typeof p !== 'string' && p.plugin === PLUGIN_NAME);
  const options = (typeof entry === 'string' ? undefined : entry?.options) as OmPluginOptions | undefined;
  return normalizePluginOptions(options);
}

/** An engine error as one message, with its hint (generators have no CLI to print hints). */
export function describeError(error: unknown): string {
  if (error instanceof OmError) return error.hint ? `${error.message} ${error.hint}` : error.message;
  return error instanceof Error ? error.message : String(error);
}
