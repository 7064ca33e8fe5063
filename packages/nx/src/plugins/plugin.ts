import type { CreateNodes, CreateNodesContext, ProjectConfiguration } from '@nx/devkit';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
// The devkit's helpers, from the modules of nx that export them (as @nx/devkit does): the plugin
// worker that loads this plugin has them loaded already, and @nx/devkit's own entry points
// would load about 250 more modules into every Nx command. A spec keeps it that way.
import { hashArray, hashObject } from 'nx/src/hasher/file-hasher';
import { createNodesFromFiles } from 'nx/src/project-graph/plugins';
import { workspaceDataDirectoryForWorkspace } from 'nx/src/utils/cache-directory';
import { readJsonFile } from 'nx/src/utils/fileutils';
import { logger } from 'nx/src/utils/logger';
import { PluginCache } from 'nx/src/utils/plugin-cache-utils';
import { hashMultiGlobWithWorkspaceContext } from 'nx/src/utils/workspace-context';
import {
  DATA_MIGRATIONS_FOLDER,
  DEFAULT_PROJECT_MIGRATIONS_DIR,
  readSettingsLeniently,
  SCHEMA_MIGRATIONS_FOLDER,
} from '../utils/project-settings';
import { ownPackageJson } from '../utils/versions';
import {
  hasModels,
  migrationInputs,
  normalizePluginOptions,
  omTargets,
  schemaCheckInputs,
  type MigrationKinds,
  type NormalizedPluginOptions,
  type OmPluginOptions,
} from './targets';

/** Projects are found by their project.json or package.json; only those with OM migrations get targets. */
const PROJECT_FILES = '**/{project.json,package.json}';

/** What one project file gives, as cached: its project (if any) and what is wrong with its settings. */
interface CachedNodes {
  project?: Pick<ProjectConfiguration, 'root' | 'targets'>;
  problem?: string;
}

/**
 * `@om/nx/plugin`: infers migration targets for every project that has Redis OM migrations.
 * Data-migration targets: a `<migrationsDir>/data-migrations` folder, or a `metadata.om` block
 * in its project.json (package.json: `nx.metadata.om`). Schema-migration targets (and the
 * cached `migrate-check`): a `<migrationsDir>/schema-migrations` folder, or a models entry in
 * `metadata.om`.
 *
 * Results are cached by a hash of what they are read from (the project's files, the plugin's
 * options, the workspace's named inputs), as Nx's own plugins cache theirs. Settings that are
 * not valid are reported as a warning against their file, and leave the other projects alone.
 */
export const createNodes: CreateNodes<OmPluginOptions> = [
  PROJECT_FILES,
  async (files, options, context) => {
    const names = normalizePluginOptions(options);
    const hashedOptions = { names, production: hasProductionInput(context) };
    const cache = new PluginCache<CachedNodes>(
      join(
        workspaceDataDirectoryForWorkspace(context.workspaceRoot),
        `om-nx-${ownPackageJson().version}-${hashObject(hashedOptions)}.hash`,
      ),
    );
    const hashes = await hashesOfProjects(files.map(dirname), hashedOptions, context);
    try {
      return await createNodesFromFiles(
        (file, _options, ctx, index) => {
          // The hash covers the project's folder: the file itself, and every file of it.
          const key = `${hashes[index]}:${file}`;
          let nodes = cache.get(key);
          if (!nodes) {
            nodes = nodesForProjectFile(file, names, ctx);
            cache.set(key, nodes);
          }
          // Reported on every graph build while the file is wrong, from the cache too.
          if (nodes.problem) logger.warn(`@om/nx/plugin: ${nodes.problem}`);
          return nodes.project ? { projects: { [nodes.project.root]: nodes.project } } : {};
        },
        files,
        options,
        context,
      );
    } finally {
      cache.writeToDisk();
    }
  },
];

/** The same plugin under its pre-Nx-23 name. */
export const createNodesV2 = createNodes;

function nodesForProjectFile(file: string, names: NormalizedPluginOptions, context: CreateNodesContext): CachedNodes {
  const projectRoot = dirname(file);
  const absoluteRoot = join(context.workspaceRoot, projectRoot);
  const isPackageJson = basename(file) === 'package.json';
  // A project.json beside it describes the project; do not read the package.json twice.
  if (isPackageJson && existsSync(join(absoluteRoot, 'project.json'))) return {};

  const json = readJsonFile<ProjectFile>(join(context.workspaceRoot, file));
  const declared = isPackageJson ? json.nx?.metadata?.om : json.metadata?.om;
  // The workspace's own package.json is a project only when it says so.
  if (isPackageJson && projectRoot === '.' && declared === undefined) return {};
  const { settings, problem } = readSettingsLeniently(declared, file);
  const migrationsDir = join(absoluteRoot, settings.migrationsDir ?? DEFAULT_PROJECT_MIGRATIONS_DIR);
  const kinds: MigrationKinds = {
    data: declared !== undefined || isDirectory(join(migrationsDir, DATA_MIGRATIONS_FOLDER)),
    schema: hasModels(settings) || isDirectory(join(migrationsDir, SCHEMA_MIGRATIONS_FOLDER)),
  };
  if (!kinds.data && !kinds.schema) return { problem };

  const namedInputs = { ...context.nxJsonConfiguration.namedInputs, ...json.namedInputs };
  const dependencyInput = 'production' in namedInputs ? '^production' : '^default';
  const inProject = (path: string) => isDirectory(join(absoluteRoot, path));
  return {
    project: {
      root: projectRoot,
      targets: omTargets(names, settings, kinds, {
        migrations: migrationInputs(settings, dependencyInput, inProject),
        check: schemaCheckInputs(settings, dependencyInput, inProject),
      }),
    },
    problem,
  };
}

/** The parts of a project.json or package.json the plugin reads. */
interface ProjectFile {
  metadata?: { om?: unknown };
  nx?: { metadata?: { om?: unknown } };
  namedInputs?: Record<string, unknown>;
}

/**
 * One hash per project root: of every file under it, and of the options. What @nx/devkit's
 * calculateHashesForCreateNodes computes, from the file hashes Nx's workspace context holds.
 */
async function hashesOfProjects(roots: string[], options: object, context: CreateNodesContext): Promise<string[]> {
  if (roots.length === 0) return [];
  const fileHashes = await hashMultiGlobWithWorkspaceContext(
    context.workspaceRoot,
    roots.map((root) => [root === '.' ? '**/*' : `${root}/**/*`]),
  );
  const optionsHash = hashObject(options);
  return fileHashes.map((hash) => hashArray([hash, optionsHash]));
}

/** Whether the workspace names a production input: the targets' dependency input follows it. */
function hasProductionInput(context: CreateNodesContext): boolean {
  return 'production' in (context.nxJsonConfiguration.namedInputs ?? {});
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
