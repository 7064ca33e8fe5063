import type { FailureMode } from '@om/migrations';
import type { ActionName } from './actions';

/** Options of the `@om/nx:migrate-data` executor; see schema.json for their descriptions. */
export interface MigrateDataExecutorOptions {
  action: ActionName;
  /** Migration id: `rollback <id>` and `stamp <id>`; checkpoint name prefix: `clear-progress [name]`. */
  id?: string;
  /** run: run pending migrations up to and including this id (CLI --target). */
  target?: string;
  limit?: number;
  steps?: number;
  dryRun?: boolean;
  yes?: boolean;
  detailed?: boolean;
  json?: boolean;
  /** verify: scan the models' date fields for values redis-om cannot read. */
  checkData?: boolean;
  failureMode?: FailureMode;
  batchSize?: number;
  maxErrors?: number;
  /** IANA time zone for naive ISO date-times (default UTC). */
  timezone?: string;
  /** Relative to the project root. Default: metadata.om.migrationsDir, then "migrations". */
  migrationsDir?: string;
  /** Relative to the project root (or a package name): load MIGRATIONS from this module. */
  module?: string;
  /** Module exporting the project's redis-om Schemas (relative to the project root). Default: metadata.om.models when it is one path. */
  models?: string;
  /** Redis URL. Prefer redisUrlEnv: a URL may hold a password. */
  redisUrl?: string;
  /** Name of the environment variable that holds the Redis URL. */
  redisUrlEnv?: string;
  keyPrefix?: string;
  /** Seconds to wait for another run to release the lock. */
  lockTimeout?: number;
  /** Seconds: lease of the lock, renewed while running. */
  lockLease?: number;
  verbose?: boolean;
}
