/**
 * @om/migrations: schema and data migrations for redis-om.
 *
 * The programmatic API; the `om` CLI and the Nx plugin run the same engine.
 */
export { DataMigrator } from './data/data-migrator';
export type {
  DataMigratorOptions,
  DataMigratorEvents,
  RunResult,
  RollbackResult,
  SkippedMigration,
} from './data/data-migrator';
export { BaseMigration, defineMigration } from './data/migration';
export type {
  CanRunResult,
  DataMigration,
  LoadedMigration,
  MigrationContext,
} from './data/migration';
export type { RedisClient } from './redis/client';
export type { DataMigrationStatus, MigrationStatusEntry, RollbackRequest } from './data/plan';
export type { LedgerEntry } from './state/ledger';
export { createDataMigrationFile, renderDataMigration } from './data/create-migration-file';
export type { CreatedMigration } from './data/create-migration-file';
export { validateMigrationName, migrationIdFor, MIGRATION_FILE_PATTERN } from './loading/migration-name';
export { loadMigrationsFromDir, loadMigrationsFromModule, DATA_MIGRATIONS_FOLDER } from './data/load-migrations';
export { resolveSettings } from './config/settings';
export { DEFAULT_MIGRATIONS_DIR, DEFAULT_REDIS_URL, DEFAULT_KEY_PREFIX } from './config/defaults';
export type { Settings, SettingsInput } from './config/settings';
export { redactRedisUrl } from './config/redis-url';
export { connectRedis } from './redis/connect';
export type { Logger } from './logger';
export { createConsoleLogger, silentLogger } from './logger';
export { SchemaMigrator } from './schema/schema-migrator';
export type {
  SchemaMigratorOptions,
  SchemaMigratorEvents,
  SchemaMigrationStatus,
  SchemaMigrationStatusEntry,
  SchemaRunResult,
  PlannedMigration,
  VerifyResult,
  VerifiedIndex,
  CreateResult,
} from './schema/schema-migrator';
export { compileSchema, compileSchemas } from './schema/compile';
export type { CompiledIndex, CompileOptions, RedisOmSchemaLike } from './schema/compile';
export { definitionHash, normalizeDefinition, indexDefinitionSchema } from './schema/index-definition';
export type { IndexDefinition, IndexField, IndexFieldType, IndexDataStructure } from './schema/index-definition';
export { parseFtInfo, parseIndexingStatus, asReportedByFtInfo } from './schema/ft-info';
export type { LiveIndex, IndexingStatus } from './schema/ft-info';
export { parseFtCreateArgs, renderFtCreateArgs } from './schema/ft-create-args';
export { diffIndexStates, describeDefinitionDifferences, statesOfCompiled } from './schema/diff';
export type { IndexChange, IndexState, DefinitionDifference } from './schema/diff';
export { planIndex, formatPlan, versionedIndexName, liveLayoutOf } from './schema/plan';
export type { IndexPlan, PlanStep, LiveLayout, SchemaStrategy } from './schema/plan';
export {
  SCHEMA_MIGRATIONS_FOLDER,
  SNAPSHOT_FILE_PATTERN,
  buildSnapshot,
  renderSnapshot,
  validateSnapshot,
  stateAfterSnapshots,
} from './schema/snapshot';
export type { SchemaSnapshot } from './schema/snapshot';
export { loadModelSchemas } from './loading/models';
export type { LoadedModels, ModelSchema, ModelField } from './loading/models';
export { classifySearchError, isMissingIndexError } from './schema/redis-errors';
export type { SearchErrorKind } from './schema/redis-errors';
export * from './schema/errors';
export * from './errors';
/** The zod this package validates with, so that tools built on it (the Nx plugin) share one copy. */
export { z } from 'zod';
export { scanTransform, CheckpointStore, BatchStoppedError, DEFAULT_BATCH_SIZE, FAILURE_MODES } from './batch';
export type {
  BatchCounters,
  BatchOptions,
  BatchProgress,
  Checkpoint,
  FailureMode,
  FailureRecord,
  FieldTransform,
  HashScanTransform,
  JsonScanTransform,
  JsonValue,
  ScanTransformResult,
  ScanTransformSpec,
  ValueLocation,
} from './batch';
export { DATETIME_MIGRATION_ID, datetimeMigration } from './builtin';
export type { BuiltinMigration, DatetimeMigrationOptions, DateModel } from './builtin';
export { parseDatetime, epochSecondsToIso, isValidTimeZone } from './builtin/datetime/parse';
export type { ParsedDatetime } from './builtin/datetime/parse';
export { datetimeStats, checkDatetimeData } from './builtin/datetime/inspect';
export type { DatetimeStats, DatetimeCheck, ModelStats } from './builtin/datetime/inspect';
