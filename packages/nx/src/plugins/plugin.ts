import {
  createNodesFromFiles,
  readJsonFile,
  type CreateNodes,
  type CreateNodesContext,
  type CreateNodesResult,
} from '@nx/devkit';
import { DATA_MIGRATIONS_FOLDER, SCHEMA_MIGRATIONS_FOLDER } from '@om/migrations';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DEFAULT_PROJECT_MIGRATIONS_DIR, parseProjectSettings, type ProjectSettings } from '../utils/project-settings';
import {
  hasModels,
  migrationInputs,
  normalizePluginOptions,
  omTargets,
  schemaCheckInputs,
  type MigrationKinds,
  type OmPluginOptions,
} from './targets';

/** Projects are found by their project.json or package.json; only those with OM migrations get targets. */
const PROJECT_FILES = '**/{project.json,package.json}';

/**
 * `@om/nx/plugin`: infers migration targets for every project that has Redis OM migrations.
 * Data-migration targets: a `<migrationsDir>/data-migrations` folder, or a `metadata.om` block
 * in its project.json (package.json: `nx.metadata.om`). Schema-migration targets (and the
 * cached `migrate-check`): a `<migrationsDir>/schema-migrations` folder, or a models entry in
 * `metadata.om`.
 */
export const createNodes: CreateNodes<OmPluginOptions> = [
  PROJECT_FILES,
  (files, options, context) => {
    const names = normalizePluginOptions(options);
    return createNodesFromFiles(
      (file, _options, ctx) => createNodesForProjectFile(file, names, ctx),
      files,
      options,
      context,
    );
  },
];

/** The same plugin under its pre-Nx-23 name. */
export const createNodesV2 = createNodes;

function createNodesForProjectFile(
  file: string,
  names: ReturnType<typeof normalizePluginOptions>,
  context: CreateNodesContext,
): CreateNodesResult {
  const projectRoot = dirname(file);
  const absoluteRoot = join(context.workspaceRoot, projectRoot);
  const isPackageJson = basename(file) === 'package.json';
  // A project.json beside it describes the project; do not read the package.json twice.
  if (isPackageJson && existsSync(join(absoluteRoot, 'project.json'))) return {};

  const json = readJsonFile<Record<string, any>>(join(context.workspaceRoot, file));
  const declared = isPackageJson ? json.nx?.metadata?.om : json.metadata?.om;
  // The workspace's own package.json is a project only when it says so.
  if (isPackageJson && projectRoot === '.' && declared === undefined) return {};
  const settings: ProjectSettings = parseProjectSettings(declared, file);
  const migrationsDir = join(absoluteRoot, settings.migrationsDir ?? DEFAULT_PROJECT_MIGRATIONS_DIR);
  const kinds: MigrationKinds = {
    data: declared !== undefined || isDirectory(join(migrationsDir, DATA_MIGRATIONS_FOLDER)),
    schema: hasModels(settings) || isDirectory(join(migrationsDir, SCHEMA_MIGRATIONS_FOLDER)),
  };
  if (!kinds.data && !kinds.schema) return {};

  const namedInputs = {
    ...context.nxJsonConfiguration.namedInputs,
    ...json.namedInputs,
  };
  const dependencyInput = 'production' in namedInputs ? '^production' : '^default';
  const inProject = (path: string) => isDirectory(join(absoluteRoot, path));
  return {
    projects: {
      [projectRoot]: {
        root: projectRoot,
        targets: omTargets(names, settings, kinds, {
          migrations: migrationInputs(settings, dependencyInput, inProject),
          check: schemaCheckInputs(settings, dependencyInput, inProject),
        }),
      },
    },
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
