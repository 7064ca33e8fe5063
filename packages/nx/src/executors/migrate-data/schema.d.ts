import type { ActionName } from './actions';

/** Options of the `@om/nx:migrate-data` executor; see schema.json for their descriptions. */
export interface MigrateDataExecutorOptions {
  action: ActionName;
  /** Migration id: `rollback <id>` and `stamp <id>`. */
  id?: string;
  /** run: run pending migrations up to and including this id (CLI --target). */
  target?: string;
  limit?: number;
  steps?: number;
  dryRun?: boolean;
  yes?: boolean;
  detailed?: boolean;
  json?: boolean;
  /** Relative to the project root. Default: metadata.om.migrationsDir, then "migrations". */
  migrationsDir?: string;
  /** Relative to the project root (or a package name): load MIGRATIONS from this module. */
  module?: string;
  /** Redis URL. Prefer redisUrlEnv: a URL may hold a password. */
  redisUrl?: string;
  /** Name of the environment variable that holds the Redis URL. */
  redisUrlEnv?: string;
  keyPrefix?: string;
  /** Seconds to wait for another run to release the lock. */
  lockTimeout?: number;
  verbose?: boolean;
}
