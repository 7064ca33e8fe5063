import { formatFiles, logger, readProjectConfiguration, type Tree } from '@nx/devkit';
import {
  DATA_MIGRATIONS_FOLDER,
  MIGRATION_FILE_PATTERN,
  SCHEMA_MIGRATIONS_FOLDER,
  createSchemaMigration,
  dataMigrationsView,
  formatClassified,
  validateMigrationName,
  type CreateResult,
  type DataMigrationsView,
  type Logger,
  type SnapshotStore,
} from '@om/migrations';
import { basename, join } from 'node:path';
import { describeError, registeredTargetNames } from '../../utils/generator-helpers';
import {
  DEFAULT_PROJECT_MIGRATIONS_DIR,
  SETTINGS_KEY,
  joinProjectPath,
  parseProjectSettings,
  resolveProjectModule,
  singleModelsPath,
} from '../../utils/project-settings';
import type { SchemaMigrationGeneratorSchema } from './schema';

/**
 * `nx g @om/nx:schema-migration <name> --project <project>`: snapshots the index changes the
 * project's models made since its latest schema migration, in
 * `<migrationsDir>/schema-migrations/`: the engine's `createSchemaMigration`, the same call
 * `om migrate create <name>` makes, given a store backed by the Tree. No change: a message and
 * no file.
 *
 * Where each input comes from: the models are code, so Node loads them from disk (the workspace
 * root is `tree.root`), exactly as `om migrate create` does; a models file changed only in the
 * Tree (by another generator in the same run) cannot be loaded and is refused. The snapshots so
 * far are read from the Tree and the new one is written to the Tree, so `--dry-run` writes
 * nothing and Nx prints the CREATE line.
 */
export async function schemaMigrationGenerator(
  tree: Tree,
  options: SchemaMigrationGeneratorSchema,
  now: Date = new Date(),
): Promise<void> {
  let name: string;
  try {
    name = validateMigrationName(options.name ?? '');
  } catch (error) {
    throw new Error(describeError(error));
  }
  const project = readProjectConfiguration(tree, options.project);
  const settings = parseProjectSettings(project.metadata?.[SETTINGS_KEY], `project "${options.project}"`);
  const models = options.models ?? singleModelsPath(settings.models);
  if (!models) {
    throw new Error(
      `Schema migrations of ${options.project} need its models entry: set "metadata.om.models" in its project ` +
        `configuration to the one module that exports its redis-om Schemas (e.g. "src/models.ts"), or pass --models.`,
    );
  }
  const modelsInTree = joinProjectPath(project.root, models);
  if (tree.listChanges().some((change) => change.path === modelsInTree)) {
    throw new Error(`${modelsInTree} was changed by this generator run and is not on disk yet; write it first.`);
  }
  const migrationsDir = options.migrationsDir ?? settings.migrationsDir ?? DEFAULT_PROJECT_MIGRATIONS_DIR;
  const dir = joinProjectPath(project.root, joinProjectPath(migrationsDir, SCHEMA_MIGRATIONS_FOLDER));

  let created: CreateResult;
  try {
    const projectDir = join(tree.root, project.root);
    created = await createSchemaMigration({
      store: treeSnapshotStore(tree, dir),
      models: resolveProjectModule(models, projectDir),
      cwd: projectDir,
      name,
      now,
      logger: devkitLogger,
      renames: options.rename,
      drops: options.drop,
      renameSchemas: options.renameSchema,
      dropSchemas: options.dropSchema,
      force: options.force,
      after: options.after,
      dataMigrations: (options.after?.length ?? 0) > 0 ? projectDataMigrations(tree, project.root, migrationsDir) : undefined,
    });
  } catch (error) {
    throw new Error(describeError(error));
  }
  const { snapshot } = created;
  if (!snapshot) {
    logger.info('No index changes: the models match the latest schema migration. No file was written.');
    return;
  }
  if (!options.skipFormat) await formatFiles(tree);
  const changes = snapshot.changes.map(
    (change) => `  ${change.kind.padEnd(7)} ${change.indexName}${change.hashOnly ? ' (redis-om hash only)' : ''}`,
  );
  const names = registeredTargetNames(tree);
  logger.info(
    [
      `Schema migration ${snapshot.id} for ${options.project}:`,
      ...changes,
      ...formatClassified(created.classified),
      snapshot.after
        ? `It runs after data migration ${snapshot.after.join(', ')}. Apply both in order with: nx run ${options.project}:${names.allTargetName} (preview: --dry-run)`
        : `Apply it with: nx run ${options.project}:${names.schemaTargetName} (preview: --dry-run)`,
    ].join('\n'),
  );
}

/**
 * The project's data migrations an `after` id may name: those on disk, loaded by the engine as
 * `om migrate-data` loads them (their ids), and those a generator created in this run, only in
 * the Tree yet (named by their file, as the data-migration generator writes them).
 */
function projectDataMigrations(tree: Tree, projectRoot: string, migrationsDir: string): DataMigrationsView {
  const onDisk = dataMigrationsView(migrationsDir, join(tree.root, projectRoot));
  const folder = joinProjectPath(projectRoot, joinProjectPath(migrationsDir, DATA_MIGRATIONS_FOLDER));
  const known = new Set(onDisk.migrations.map((m) => m.id));
  const created = tree
    .listChanges()
    .filter((change) => change.type === 'CREATE' && change.path === `${folder}/${basename(change.path)}`)
    .flatMap((change) => {
      const id = MIGRATION_FILE_PATTERN.exec(basename(change.path))?.[1];
      return id === undefined || known.has(id) ? [] : [{ id, dependencies: [], source: change.path }];
    });
  return { ...onDisk, folder, migrations: [...onDisk.migrations, ...created] };
}

/** The project's schema-migrations folder in the Tree, as the engine reads and writes snapshots. */
function treeSnapshotStore(tree: Tree, dir: string): SnapshotStore {
  return {
    list: () => (tree.exists(dir) ? tree.children(dir) : []),
    read: (name) => tree.read(`${dir}/${name}`, 'utf8') ?? '',
    write: (name, text) => tree.write(`${dir}/${name}`, text),
    path: (name) => `${dir}/${name}`,
  };
}

const devkitLogger: Logger = {
  info: (message) => logger.info(message),
  warn: (message) => logger.warn(message),
  error: (message) => logger.error(message),
  debug: (message) => logger.verbose(message),
};

export default schemaMigrationGenerator;
