import type { SchemaActionName } from './actions';

/** Options of the `@om/nx:migrate` executor; see schema.json for their descriptions. */
export interface MigrateExecutorOptions {
  action: SchemaActionName;
  /** rollback: the id of the schema migration to roll back. */
  id?: string;
  /** run, rollback, auto: print every command it would send, and send nothing that writes. */
  dryRun?: boolean;
  /** run, rollback, auto: go ahead without asking (default true under Nx). */
  yes?: boolean;
  /** status: print the status as JSON. */
  json?: boolean;
  /** `swap` (default): build beside the live index and switch an alias; `recreate`: drop and create. */
  strategy?: 'swap' | 'recreate';
  /** Seconds: longest wait for one index to finish indexing (CLI default 3600). */
  indexingTimeout?: number;
  /** Documents a new index may fail to index before the run fails (CLI default 0). */
  maxIndexingFailures?: number;
  /** Relative to the project root. Default: metadata.om.migrationsDir, then "migrations". */
  migrationsDir?: string;
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
