import { MIGRATE } from './migrate/options';
import { MIGRATE_DATA } from './migrate-data/options';
import { MIGRATE_ALL } from './migrate-all/options';
import type { ExecutorTable } from './shared/option-table';

/**
 * Every executor of executors.json, by name, with its table: the build writes each one's
 * schema.json from it (scripts/executor-schemas.js).
 */
export const EXECUTOR_TABLES: Readonly<Record<string, ExecutorTable>> = {
  'migrate-data': MIGRATE_DATA,
  migrate: MIGRATE,
  'migrate-all': MIGRATE_ALL,
};
