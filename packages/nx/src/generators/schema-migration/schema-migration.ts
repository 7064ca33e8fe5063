import { formatFiles, logger, readProjectConfiguration, type Tree } from '@nx/devkit';
import {
  SCHEMA_MIGRATIONS_FOLDER,
  SNAPSHOT_FILE_PATTERN,
  SchemaMigrator,
  buildSnapshot,
  diffIndexStates,
  renderSnapshot,
  stateAfterSnapshots,
  statesOfCompiled,
  validateMigrationName,
  validateSnapshot,
  type CompiledIndex,
  type Logger,
  type SchemaSnapshot,
} from '@om/migrations';
import { join } from 'node:path';
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
 * project's models made since its latest schema migration, as the same file
 * `om migrate create <name>` writes (built and rendered by the engine), in
 * `<migrationsDir>/schema-migrations/`. No change: a message and no file.
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

  let snapshot: SchemaSnapshot | undefined;
  try {
    const projectDir = join(tree.root, project.root);
    const compiled = await compileModels(resolveProjectModule(models, projectDir), projectDir);
    const changes = diffIndexStates(stateAfterSnapshots(readSnapshots(tree, dir)), statesOfCompiled(compiled));
    if (changes.length > 0) snapshot = buildSnapshot(name, changes, now);
  } catch (error) {
    throw new Error(describeError(error));
  }
  if (!snapshot) {
    logger.info('No index changes: the models match the latest schema migration. No file was written.');
    return;
  }
  const file = `${dir}/${snapshot.id}.json`;
  if (tree.exists(file)) throw new Error(`${file} already exists. Wait a second or choose another name.`);
  tree.write(file, renderSnapshot(snapshot));
  if (!options.skipFormat) await formatFiles(tree);
  const changes = snapshot.changes.map(
    (change) => `  ${change.kind.padEnd(7)} ${change.indexName}${change.hashOnly ? ' (redis-om hash only)' : ''}`,
  );
  const names = registeredTargetNames(tree);
  logger.info(
    [
      `Schema migration ${snapshot.id} for ${options.project}:`,
      ...changes,
      `Apply it with: nx run ${options.project}:${names.schemaTargetName} (preview: --dry-run)`,
    ].join('\n'),
  );
}

/** The models compiled by the engine, with the project's own redis-om. */
async function compileModels(models: string, projectDir: string): Promise<CompiledIndex[]> {
  const migrator = new SchemaMigrator({
    models,
    cwd: projectDir,
    logger: devkitLogger,
  });
  try {
    return await migrator.compile();
  } finally {
    await migrator.close();
  }
}

/** The project's schema migrations as the Tree has them, oldest first, validated by the engine. */
function readSnapshots(tree: Tree, dir: string): SchemaSnapshot[] {
  if (!tree.exists(dir)) return [];
  return tree
    .children(dir)
    .filter((file) => SNAPSHOT_FILE_PATTERN.test(file))
    .sort()
    .map((file) => {
      const path = `${dir}/${file}`;
      let data: unknown;
      try {
        data = JSON.parse(tree.read(path, 'utf8') ?? '');
      } catch (cause) {
        throw new Error(`Cannot read schema migration ${path}: ${(cause as Error).message}`);
      }
      return validateSnapshot(data, path);
    });
}

const devkitLogger: Logger = {
  info: (message) => logger.info(message),
  warn: (message) => logger.warn(message),
  error: (message) => logger.error(message),
  debug: (message) => logger.verbose(message),
};

export default schemaMigrationGenerator;
