/**
 * @om/migrations: schema and data migrations for redis-om.
 *
 * The programmatic API; the `om` CLI and the Nx plugin run the same engine. What is exported
 * here is what users and tools built on the engine need, each with its documentation at its
 * declaration; everything else is internal and may change (tests import it by path).
 * `public-api.spec.ts` keeps this list deliberate.
 */

// Data migrations: the runner, the migration contract, files and ids.
export { DataMigrator } from './data/data-migrator';
export type { DataMigratorOptions, DataMigratorEvents, DataSteps, FinishedEvent, RunResult, RollbackResult, SkippedMigration } from './data/data-migrator';
export type { FailureSummary, ModelFailures } from './data/failure-summary';
export { BaseMigration, defineMigration } from './data/migration';
export type { CanRunResult, DataMigration, LoadedMigration, MigrationContext } from './data/migration';
export type { DataMigrationStatus, MigrationStatusEntry, RollbackRequest } from './data/plan';
export type { StatusCounts } from './state/status-counts';
export type { LedgerEntry } from './state/ledger';
export { createDataMigrationFile, renderDataMigration } from './data/create-migration-file';
export type { CreatedMigration } from './data/create-migration-file';
export { DATA_MIGRATIONS_FOLDER } from './data/load-migrations';
export { validateMigrationName, migrationIdFor, MIGRATION_FILE_PATTERN } from './loading/migration-name';

// Both kinds in one dependency order (`om migrate-all`).
export { CombinedMigrator } from './combined/combined-migrator';
export type {
  CombinedMigratorOptions,
  CombinedMigratorEvents,
  CombinedRunResult,
  CombinedRollbackResult,
  CombinedStatusEntry,
  CombinedStep,
  DataStepNode,
  SchemaStepNode,
  StepRef,
} from './combined/combined-migrator';
export { orderAll, pendingSteps, planAllRollback } from './combined/order';
export type { AllRollbackRequest, Ledgers, Step } from './combined/order';
export { SCHEMA_DEPENDENCY_PREFIX } from './data/schema-dependencies';
export { dataMigrationsView } from './data/data-migrations-view';
export type { DataMigrationsView } from './schema/data-dependencies';

// Settings, connection, logging.
export { resolveSettings } from './config/settings';
export type { Settings, SettingsInput } from './config/settings';
export { DEFAULT_MIGRATIONS_DIR, DEFAULT_REDIS_URL, DEFAULT_KEY_PREFIX, REPORTS_FOLDER } from './config/defaults';
export { redactRedisUrl, redactSecrets } from './redact';
export { connectRedis } from './redis/connect';
export type { RedisClient } from './redis/client';
export { createConsoleLogger, silentLogger } from './logger';
export type { Logger } from './logger';

// Models: what `--models` loads.
export { loadModelSchemas } from './loading/models';
export type { LoadedModels, ModelField, ModelSchema } from './loading/models';

// Schema migrations: the runner, `create` over a snapshot store, and the documented building blocks.
export { SchemaMigrator } from './schema/schema-migrator';
export type { MigrationEstimate, SchemaCreateChoices, SchemaMigratorOptions, SchemaMigratorEvents, SchemaRunResult, PlannedMigration, VerifyResult } from './schema/schema-migrator';
export type { SchemaMigrationStatus, SchemaMigrationStatusEntry } from './schema/status';
export type { VerifiedIndex } from './schema/verify';
export { createSchemaMigration } from './schema/create';
export type { CreateResult, CreateSchemaMigrationOptions } from './schema/create';
export { fileSnapshotStore } from './schema/snapshot-store';
export type { LoadedSnapshot, SnapshotStore } from './schema/snapshot-store';
export { SCHEMA_MIGRATIONS_FOLDER, SNAPSHOT_FILE_PATTERN } from './schema/snapshot';
export type { SchemaSnapshot } from './schema/snapshot';
export { compileSchema, compileSchemas } from './schema/compile';
export type { CompiledIndex, CompileOptions, RedisOmSchemaLike } from './schema/compile';
export { definitionHash } from './schema/index-definition';
export type { IndexDefinition, IndexField, IndexFieldType, IndexDataStructure } from './schema/index-definition';
export { parseFtInfo } from './schema/ft-info';
export type { LiveIndex, IndexingStatus } from './schema/ft-info';
export { diffIndexStates } from './schema/diff';
export { classifyChange, formatClassified } from './schema/classify';
export type { ChangeClass, ClassifiedChange, FieldRename } from './schema/classify';
export type { IndexEstimate, MeasuredRename } from './schema/estimate';
export type { RenameStep, RenamePhase } from './schema/rename-steps';
export type { IndexChange, IndexChangeKind, IndexState, IndexStates, DefinitionDifference } from './schema/diff';
export { planIndex, formatPlan } from './schema/plan';
export type { IndexPlan, IndexPlanInput, PlanStep, LiveLayout, SchemaStrategy } from './schema/plan';
export { classifySearchError, isMissingIndexError } from './schema/redis-errors';
export type { SearchErrorKind } from './schema/redis-errors';

// Errors: every error the engine raises on purpose.
export {
  OmError,
  ConfigError,
  RedisConnectionError,
  MigrationLoadError,
  MigrationGraphError,
  MigrationStateError,
  MigrationFailedError,
  LockTimeoutError,
  LockLostError,
  ConfirmationRequiredError,
  AbortedError,
  DryRunWriteError,
  ResumableError,
  ConnectionLostError,
  InterruptedError,
  VerificationError,
} from './errors';
export { IndexDefinitionError, SnapshotError, SearchModuleMissingError, SearchDatabaseError, SchemaPlanError } from './schema/errors';
export { BatchStoppedError } from './batch/errors';

// Batched scan-transform-write, for long data migrations.
export { scanTransform, DEFAULT_BATCH_SIZE } from './batch/scan-transform';
export { CheckpointStore } from './batch/checkpoint';
export type { Checkpoint } from './batch/checkpoint';
export { FAILURE_MODES } from './batch/types';
export type {
  BatchCounters,
  BatchOptions,
  BatchProgress,
  FailureAction,
  FailureMode,
  FailureRecord,
  FieldTransform,
  HashScanTransform,
  JsonScanTransform,
  JsonValue,
  ScanContext,
  ScanFailure,
  ScanEnvironment,
  ScanTransformResult,
  ScanTransformSpec,
  ValueLocation,
} from './batch/types';

// The built-in datetime migration and its read-only passes.
export { DATETIME_MIGRATION_ID, datetimeMigration } from './builtin/datetime/migration';
export type { BuiltinMigration, DatetimeMigrationOptions } from './builtin/datetime/migration';
export { BUILTIN_NAMES } from './builtin';
export type { AvailableBuiltin, BuiltinName } from './builtin';
export type { DateModel } from './builtin/datetime/targets';
export { parseDatetime, epochSecondsToIso, isValidTimeZone } from './builtin/datetime/parse';
export type { ParsedDatetime, ParseOptions } from './builtin/datetime/parse';
export { datetimeStats, checkDatetimeData } from './builtin/datetime/inspect';
export type { DatetimeStats, DatetimeCheck, ModelStats } from './builtin/datetime/inspect';

