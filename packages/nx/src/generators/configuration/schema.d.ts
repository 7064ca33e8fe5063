export interface ConfigurationGeneratorSchema {
  project: string;
  /** Relative to the project root. Default "migrations". */
  migrationsDir?: string;
  /** The project's models entry (file, folder or glob), relative to the project root. */
  models?: string;
  /** Environment variable that holds the Redis URL. */
  redisUrlEnv?: string;
  /** Built-in migrations the project enables (written to metadata.om `builtins`). */
  builtins?: Array<'datetime'>;
  /** The project's ledger namespace (written to metadata.om `namespace`; default the project name). */
  namespace?: string;
  targetName?: string;
  statusTargetName?: string;
  rollbackTargetName?: string;
  schemaTargetName?: string;
  schemaStatusTargetName?: string;
  schemaRollbackTargetName?: string;
  schemaVerifyTargetName?: string;
  schemaCheckTargetName?: string;
  allTargetName?: string;
  skipFormat?: boolean;
}
