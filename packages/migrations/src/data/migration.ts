import type { Repository, Schema } from 'redis-om';
import type { ScanContext } from '../batch/types';
import type { RedisClient } from '../redis/client';

/**
 * What every migration function receives: the scan machinery of {@link ScanContext} (logger,
 * dry-run flag, `scanTransform`, `clearCheckpoints`), a Redis client and redis-om repositories.
 */
export interface MigrationContext extends ScanContext {
  /**
   * An ioredis client for the target database. In a dry run it refuses every command that
   * writes (it throws {@link DryRunWriteError}), so a dry run can never change data.
   */
  readonly redis: RedisClient;
  /**
   * A redis-om `Repository` for a `Schema`, on a node-redis connection the engine opens on the
   * first call and closes after the run. In a dry run, its writing methods
   * (`save`, `remove`, `expire`, `expireAt`, `createIndex`, `dropIndex`) throw.
   */
  repository(schema: Schema): Promise<Repository>;
}

/** Why a migration cannot run now: `false`, or an object that says why. */
export type CanRunResult = boolean | { ok: boolean; reason?: string };

/** The shape of a data migration, as a plain object. */
export interface DataMigration {
  /** Unique, stable id. File migrations default to the file name without extension. */
  readonly id: string;
  /** One line shown by `status --detailed`. */
  readonly description?: string;
  /** Ids of migrations that must be applied first. */
  readonly dependencies?: readonly string[];
  /**
   * Set to true if `up` and `down` honour `ctx.dryRun` (read and report, never write): a dry run
   * then calls them. Otherwise a dry run only lists the migration and evaluates `canRun`.
   */
  readonly supportsDryRun?: boolean;
  /** Applies the migration. */
  up(ctx: MigrationContext): unknown | Promise<unknown>;
  /** Reverses it. Without `down`, the migration cannot be rolled back. */
  down?(ctx: MigrationContext): unknown | Promise<unknown>;
  /** Return false (or `{ ok: false, reason }`) to leave the migration pending for now. */
  canRun?(ctx: MigrationContext): CanRunResult | Promise<CanRunResult>;
}

/**
 * Base class for the class form of a data migration, the counterpart of Redis OM Python's
 * `BaseMigration`. Subclasses set `id` (or leave it to the file name), `description`,
 * `dependencies`, and implement `up` and optionally `down` and `canRun`.
 *
 * @example
 * ```ts
 * export default class NormalizeEmails extends BaseMigration {
 *   readonly id = '20240101_120000_normalize_emails';
 *   readonly description = 'Lowercase every user email';
 *   async up(ctx: MigrationContext) { ... }
 * }
 * ```
 */
export abstract class BaseMigration implements DataMigration {
  /** Left empty, the loader uses the file name without extension. */
  readonly id: string = '';
  readonly description: string = '';
  readonly dependencies: readonly string[] = [];
  readonly supportsDryRun: boolean = false;
  abstract up(ctx: MigrationContext): unknown | Promise<unknown>;
}

/** A migration that the loader validated, with where it came from and its checksum. */
export interface LoadedMigration {
  readonly id: string;
  readonly description: string;
  readonly dependencies: readonly string[];
  readonly supportsDryRun: boolean;
  /** Path of the file, or of the module that listed it. */
  readonly source: string;
  /** sha256 (hex) of the migration's file, or of its functions' source for module migrations. */
  readonly checksum: string;
  readonly migration: DataMigration;
}

/**
 * Types a data migration written as a plain object; returns it unchanged.
 *
 * @example
 * ```ts
 * export default defineMigration({
 *   id: '20240101_120000_normalize_emails',
 *   description: 'Lowercase every user email',
 *   dependencies: [],
 *   async up(ctx) { ... },
 * });
 * ```
 */
export function defineMigration<T extends DataMigration>(migration: T): T {
  return migration;
}
