/**
 * @om/nx: the Nx plugin for Redis OM migrations. Generators, executors and inferred targets
 * are thin layers over @om/migrations.
 */
export { initGenerator } from './src/generators/init/init';
export { configurationGenerator } from './src/generators/configuration/configuration';
export { dataMigrationGenerator } from './src/generators/data-migration/data-migration';
export { schemaMigrationGenerator } from './src/generators/schema-migration/schema-migration';
export { default as migrateDataExecutor } from './src/executors/migrate-data/migrate-data.impl';
export { default as migrateExecutor } from './src/executors/migrate/migrate.impl';
export { createNodes, createNodesV2 } from './src/plugins/plugin';
export type { OmPluginOptions } from './src/plugins/targets';
export type { ProjectSettings, EnvironmentSettings } from './src/utils/project-settings';
export type { MigrateDataExecutorOptions } from './src/executors/migrate-data/schema';
export type { MigrateExecutorOptions } from './src/executors/migrate/schema';
