/**
 * @om/nx: the Nx plugin for Redis OM migrations. Generators, executors and inferred targets
 * are thin layers over @om/migrations.
 */
export { DataMigrator } from '@om/migrations';
