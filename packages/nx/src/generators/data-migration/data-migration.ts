import { formatFiles, logger, readProjectConfiguration, type Tree } from '@nx/devkit';
import { DATA_MIGRATIONS_FOLDER, migrationIdFor, renderDataMigration, validateMigrationName } from '@om/migrations';
import {
  DEFAULT_PROJECT_MIGRATIONS_DIR,
  SETTINGS_KEY,
  joinProjectPath,
  parseProjectSettings,
} from '../../utils/project-settings';
import { describeError, registeredTargetNames } from '../../utils/generator-helpers';
import type { DataMigrationGeneratorSchema } from './schema';

/**
 * `nx g @om/nx:data-migration <name> --project <project>`: writes the same file as
 * `om migrate-data create <name>`, rendered by the engine, into the project's migrations folder.
 * `--dry-run` is Nx's own: nothing is written.
 */
export async function dataMigrationGenerator(
  tree: Tree,
  options: DataMigrationGeneratorSchema,
  now: Date = new Date(),
): Promise<void> {
  let name: string;
  let id: string;
  try {
    name = validateMigrationName(options.name ?? '');
    id = migrationIdFor(name, now);
  } catch (error) {
    throw new Error(describeError(error));
  }
  const project = readProjectConfiguration(tree, options.project);
  const settings = parseProjectSettings(project.metadata?.[SETTINGS_KEY], `project "${options.project}"`);
  const migrationsDir = options.migrationsDir ?? settings.migrationsDir ?? DEFAULT_PROJECT_MIGRATIONS_DIR;
  const dir = joinProjectPath(project.root, joinProjectPath(migrationsDir, DATA_MIGRATIONS_FOLDER));
  const file = `${dir}/${id}.ts`;
  if (tree.exists(file)) {
    throw new Error(`${file} already exists. Wait a second or choose another name.`);
  }
  const sameName = tree.exists(dir)
    ? tree.children(dir).find((f) => f.replace(/\.[cm]?[jt]s$/, '').endsWith(`_${name}`))
    : undefined;
  if (sameName) logger.warn(`Note: ${dir}/${sameName} has the same name; the new migration gets its own id.`);

  tree.write(file, renderDataMigration(id, name, now));
  if (!options.skipFormat) await formatFiles(tree);
  logger.info(
    `Data migration ${id} for ${options.project}. Run it with: nx run ${options.project}:${registeredTargetNames(tree).targetName}`,
  );
}

export default dataMigrationGenerator;
