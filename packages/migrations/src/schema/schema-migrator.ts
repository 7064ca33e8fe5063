import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { databaseIndexOf } from '../config/redis-url';
import { resolveSettings, type Settings, type SettingsInput } from '../config/settings';
import { ConfigError } from '../errors';
import { silentLogger, type Logger } from '../logger';
import { CheckpointStore } from '../batch/checkpoint';
import { scanTransform } from '../batch/scan-transform';
import type { BatchProgress, ScanFailure } from '../batch/types';
import type { RedisClient } from '../redis/client';
import { EngineState, type LockedRun } from '../state/engine-state';
import type { CompiledIndex } from './compile';
import { formatClassified, type ClassifiedChange } from './classify';
import { changesSinceSnapshots, classifyChanges, compileModels, createSchemaMigration, type CreateResult, type CreateSchemaMigrationOptions } from './create';
import { statesOfCompiled, type IndexChange } from './diff';
import { IndexingTimeoutError, SearchDatabaseError } from './errors';
import type { IndexingStatus } from './ft-info';
import { assertSwapMemory, estimateIndex, type IndexEstimate, type MeasuredRename } from './estimate';
import { countKeys, executePlan, listIndexes, readLiveLayout, waitUntilIndexed } from './live';
import {
  layoutAfter,
  movesOf,
  movesToModels,
  planMove,
  planSchemaRollback,
  snapshotsBy,
  type IndexMove,
} from './migration-plan';
import { DEFAULT_STRATEGY, formatPlan, splitBuild, type IndexPlan, type LiveLayout, type SchemaStrategy } from './plan';
import { describeRenameStep, renameScanPrefix, renameScans, renameStepsOf, type RenamePhase, type RenameStep } from './rename-steps';
import { endSchemaRename, keysToMove, planSchemaRename, startSchemaRename, type SchemaRenameEnv } from './schema-rename-run';
import { describeSchemaRename, schemaRenameStepsOf, withoutRetired, type SchemaRenameStep } from './schema-rename-steps';
import { stateAfterSnapshots, type SchemaSnapshot } from './snapshot';
import { fileSnapshotStore, loadSnapshotsFrom, type LoadedSnapshot, type SnapshotStore } from './snapshot-store';
import { assertDataDependenciesApplied, assertNoDataDependents, type DataMigrationsView } from './data-dependencies';
import { buildSchemaStatus, type SchemaMigrationStatus } from './status';
import { verifyIndex, type VerifiedIndex } from './verify';

/** Options of {@link SchemaMigrator}. Unset values come from the environment, then defaults. */
export interface SchemaMigratorOptions extends SettingsInput {
  /** The project's models entry: a module exporting its redis-om Schemas. Needed by create/check. */
  models?: string;
  /** An open ioredis client to use instead of connecting to `redisUrl`. Not closed by `close()`. */
  redis?: RedisClient;
  /** `swap` (default) or `recreate`. */
  strategy?: SchemaStrategy;
  /** Receives what the migrator does; silent by default. */
  logger?: Logger;
  /** Longest wait for one index to finish indexing, in ms (default 1 hour). */
  indexingTimeoutMs?: number;
  /** FT.INFO poll interval while waiting, in ms (default 250). */
  pollMs?: number;
  /** Documents a new index may fail to index before the run fails (default 0). */
  maxIndexingFailures?: number;
  /**
   * Refuse `run` (before anything is sent) when a swap would need more than this many MB of
   * extra memory while the old and the new index coexist (estimated from FT.INFO).
   */
  maxSwapMemoryMb?: number;
  /**
   * The project's data migrations, loaded when a check spans both kinds: `rollback` refuses a
   * snapshot an applied data migration depends on, `create` refuses an `after` id that names
   * none. The CLI passes the loaded folder; without it those two checks are skipped.
   */
  dataMigrations?: () => DataMigrationsView;
}

/** What a pending migration is expected to cost, per index it moves. */
export interface MigrationEstimate {
  readonly id: string;
  readonly indexes: readonly IndexEstimate[];
  /** Renamed schemas: documents to move to the new key prefix (SCAN count; 0 for an index-name change). */
  readonly keyMoves?: readonly { readonly step: SchemaRenameStep; readonly keys: number }[];
}

/** How `create` treats removed fields and blocked changes (see {@link CreateSchemaMigrationOptions}). */
export type SchemaCreateChoices = Pick<
  CreateSchemaMigrationOptions,
  'renames' | 'drops' | 'ask' | 'force' | 'after' | 'renameSchemas' | 'dropSchemas' | 'askSchema'
>;

/** Events a {@link SchemaMigrator} emits while it works, for progress output. */
export interface SchemaMigratorEvents {
  migrating: [{ id: string; dryRun: boolean }];
  migrated: [{ id: string; durationMs: number; dryRun: boolean }];
  command: [{ argv: readonly string[]; why: string }];
  indexing: [{ indexName: string; status: IndexingStatus }];
  /** After every batch of a renamed field's scan (`copy` before the index switches, `move` after). */
  renaming: [{ step: RenameStep; phase: RenamePhase; progress: BatchProgress }];
  waitingForLock: [{ timeoutMs: number }];
  /** After every batch of a renamed schema's key move (`move`, then `sweep` for keys written meanwhile). */
  movingKeys: [{ step: SchemaRenameStep; pass: 'move' | 'sweep'; progress: BatchProgress }];
  /** A document that could not move (its new key exists): it stays where it is. */
  failure: [{ id: string; failure: ScanFailure }];
}

/** What one migration would send, per index. */
export interface PlannedMigration {
  readonly id: string;
  readonly plans: readonly IndexPlan[];
  /** What the migration changes, classified (index-only, document-dependent, blocked). */
  readonly classified?: readonly ClassifiedChange[];
  /** Renamed fields: copied in every document before `plans`, the old field removed after. */
  readonly renames?: readonly RenameStep[];
  /** Renamed schemas: documents moved to the new key prefix (or only the index renamed) around `plans`. */
  readonly schemaRenames?: readonly SchemaRenameStep[];
}

/** What `run` or `rollback` did (or would do). */
export interface SchemaRunResult {
  readonly dryRun: boolean;
  readonly migrations: readonly PlannedMigration[];
  readonly batch?: number;
}

/** What `verify` reports. */
export interface VerifyResult {
  readonly ok: boolean;
  readonly indexes: readonly VerifiedIndex[];
}

/**
 * Schema migrations: the programmatic counterpart of `om migrate`. Snapshots of the models'
 * index definitions are files under `<migrationsDir>/schema-migrations/`; applying one moves
 * each changed index to its new definition (swap or recreate) and records it in a ledger.
 *
 * @example
 * ```ts
 * const migrator = new SchemaMigrator({ models: 'src/models.ts' });
 * await migrator.create('add_sortable_name');
 * await migrator.run();
 * await migrator.close();
 * ```
 */
export class SchemaMigrator extends EventEmitter<SchemaMigratorEvents> {
  readonly settings: Settings;
  readonly strategy: SchemaStrategy;
  private readonly models?: string;
  private readonly logger: Logger;
  private readonly waitOptions: { timeoutMs?: number; pollMs?: number; maxIndexingFailures?: number };
  private readonly engine: EngineState;
  private readonly maxSwapMemoryMb?: number;
  private readonly dataMigrations?: () => DataMigrationsView;

  constructor(options: SchemaMigratorOptions = {}) {
    super();
    const { models, redis, strategy, logger, indexingTimeoutMs, pollMs, maxIndexingFailures, maxSwapMemoryMb, dataMigrations, ...settings } = options;
    this.maxSwapMemoryMb = maxSwapMemoryMb;
    this.dataMigrations = dataMigrations;
    this.settings = resolveSettings(settings);
    if (strategy !== undefined && strategy !== 'swap' && strategy !== 'recreate') {
      throw new ConfigError(`Unknown strategy "${String(strategy)}".`, { hint: 'Use swap (default) or recreate.' });
    }
    this.strategy = strategy ?? DEFAULT_STRATEGY;
    this.models = models;
    this.logger = logger ?? silentLogger;
    this.waitOptions = { timeoutMs: indexingTimeoutMs, pollMs, maxIndexingFailures };
    this.engine = new EngineState(this.settings, 'schema', this.logger, redis);
  }

  /** Compiles the models into index definitions. Touches no Redis. */
  async compile(): Promise<CompiledIndex[]> {
    return compileModels(this.requireModels(), this.settings.cwd, this.logger);
  }

  /** The snapshots on disk, oldest first. Touches no Redis. */
  snapshots(): LoadedSnapshot[] {
    return loadSnapshotsFrom(this.store());
  }

  /** How the models differ from the latest snapshot: the offline CI check. Touches no Redis. */
  async check(): Promise<IndexChange[]> {
    return changesSinceSnapshots(this.store(), await this.compile());
  }

  /**
   * Writes a snapshot of what changed since the latest one; writes nothing when nothing did.
   * A removed field must be renamed (`renames: ['old:new']`, or `ask` answers it) or dropped
   * (`drops`), else nothing is written and the error says how to go on.
   */
  async create(name: string, now: Date = new Date(), choices: SchemaCreateChoices = {}): Promise<CreateResult> {
    const dataMigrations = (choices.after?.length ?? 0) > 0 ? this.dataMigrations?.() : undefined;
    return createSchemaMigration({ store: this.store(), models: this.requireModels(), cwd: this.settings.cwd, name, now, logger: this.logger, ...choices, dataMigrations });
  }

  /** Which snapshots are applied. */
  async status(): Promise<SchemaMigrationStatus> {
    const snapshots = this.snapshots();
    const entries = await this.engine.read(async (run) => run.entries);
    const modelChanges = this.models === undefined ? undefined : await this.check();
    return buildSchemaStatus(snapshots, entries, { cwd: this.settings.cwd, modelChanges });
  }

  /**
   * What `run` would send for each pending snapshot, against what is live now. Takes no lock and
   * writes nothing. Indexes touched by an earlier pending snapshot are planned from the layout
   * that snapshot would leave.
   */
  async plan(): Promise<PlannedMigration[]> {
    return this.engine.read(async ({ redis, entries }) => {
      const pending = snapshotsBy(this.snapshots(), entries, false);
      const existing = await listIndexes(redis);
      const predicted = new Map<string, LiveLayout>();
      const out: PlannedMigration[] = [];
      for (const { snapshot } of pending) {
        out.push({
          id: snapshot.id,
          plans: await this.planWithSchemaRenames(redis, snapshot, 'up', movesOf(snapshot, 'up'), existing, predicted),
          classified: classifyChanges(snapshot.changes),
          renames: renameStepsOf(snapshot, 'up'),
          schemaRenames: schemaRenameStepsOf(snapshot, 'up'),
        });
      }
      return out;
    });
  }

  /**
   * What each pending migration is expected to cost, against what is live now: documents
   * (FT.INFO num_docs; with `count`, a SCAN count of the keys and a read-only pass over each
   * renamed field, timed), expected time from the server's own indexing rate and the measured
   * reads, and the extra memory of a swap. Takes no lock and writes nothing.
   */
  async estimate(options: { count?: boolean } = {}): Promise<MigrationEstimate[]> {
    return this.engine.read(async ({ redis, entries }) => {
      const existing = await listIndexes(redis);
      const out: MigrationEstimate[] = [];
      for (const { snapshot } of snapshotsBy(this.snapshots(), entries, false)) {
        const steps = renameStepsOf(snapshot, 'up');
        const indexes: IndexEstimate[] = [];
        for (const move of movesOf(snapshot, 'up')) {
          const { layout, info } = await readLiveLayout(redis, move.indexName, move.hashName);
          const plan = planMove(move, layout, existing, this.strategy);
          const builds = plan.steps.some((step) => step.kind === 'wait-indexed');
          const own = steps.filter((step) => step.indexName === move.indexName);
          const renames = options.count ? await Promise.all(own.map((step) => this.measureRename(redis, snapshot.id, step))) : [];
          const keys = !options.count || move.target === null ? null : (renames[0]?.keys ?? (await countKeys(redis, move.target.definition)));
          indexes.push(estimateIndex({ indexName: move.indexName, strategy: this.strategy, builds, live: info?.size ?? null, keys, renames }));
        }
        const keyMoves = options.count ? await Promise.all(schemaRenameStepsOf(snapshot, 'up').map(async (step) => ({ step, keys: await keysToMove(redis, step) }))) : [];
        out.push({ id: snapshot.id, indexes, ...(keyMoves.length > 0 ? { keyMoves } : {}) });
      }
      return out;
    });
  }

  /**
   * Throws a {@link SchemaPlanError} when a pending migration's swaps need more extra memory than
   * `maxSwapMemoryMb` (FT.INFO sizes); does nothing without that option. `run` checks it first.
   */
  async checkSwapMemory(): Promise<void> {
    if (this.maxSwapMemoryMb !== undefined) for (const m of await this.estimate()) assertSwapMemory(m.indexes, this.maxSwapMemoryMb);
  }

  /** Applies every pending snapshot, oldest first, as one batch, under the migration lock. */
  async run(options: { dryRun?: boolean } = {}): Promise<SchemaRunResult> {
    await this.checkSwapMemory();
    if (options.dryRun) return { dryRun: true, migrations: await this.plan() };
    this.assertDatabaseZero();
    return this.engine.run('run', { onWait: this.onWait }, async (run) => {
      const pending = snapshotsBy(this.snapshots(), run.entries, false);
      assertDataDependenciesApplied(pending, await run.entriesOf('data'));
      const done: PlannedMigration[] = [];
      for (const loaded of pending) done.push(await this.applySnapshot(run, loaded));
      return { dryRun: false, migrations: done, batch: done.length > 0 ? run.batch : undefined };
    });
  }

  /**
   * Applies one pending snapshot inside a run that holds the lock, and records it: one step of
   * `run`, for a runner that interleaves schema migrations with data migrations (`om migrate-all`).
   */
  async applySnapshot(run: LockedRun, { snapshot, checksum }: LoadedSnapshot): Promise<PlannedMigration> {
    // Opens nothing new on a client it was given: it sets the key prefix the checkpoints use.
    await this.engine.open();
    const started = Date.now();
    this.emit('migrating', { id: snapshot.id, dryRun: false });
    const plans = await this.applyWithRenames(run, snapshot, 'up');
    const durationMs = Date.now() - started;
    await run.record({ id: snapshot.id, checksum, durationMs });
    await this.clearRenameCheckpoints(run, snapshot.id);
    this.emit('migrated', { id: snapshot.id, durationMs, dryRun: false });
    return { id: snapshot.id, plans };
  }

  /**
   * Restores the definitions a snapshot replaced (removes the indexes it added), the same way
   * `run` applies them, and removes it from the ledger. Only the newest applied snapshot that
   * touches those indexes can be rolled back.
   */
  async rollback(id: string, options: { dryRun?: boolean } = {}): Promise<SchemaRunResult> {
    const dryRun = options.dryRun ?? false;
    if (!dryRun) this.assertDatabaseZero();
    return this.engine.run('rollback', { dryRun, onWait: this.onWait }, async (run) => {
      const moves = planSchemaRollback(this.snapshots(), run.entries, id);
      // Read under the lock, as `run` reads the data ledger: no data run can record meanwhile.
      const dataLedger = this.dataMigrations ? await run.entriesOf('data') : [];
      if (dataLedger.length > 0) assertNoDataDependents(id, this.dataMigrations!(), dataLedger);
      const snapshot = this.snapshots().find((s) => s.snapshot.id === id)!.snapshot;
      if (dryRun) {
        return {
          dryRun,
          migrations: [
            { id, plans: await this.planWithSchemaRenames(run.redis, snapshot, 'down', moves, await listIndexes(run.redis)), renames: renameStepsOf(snapshot, 'down'), schemaRenames: schemaRenameStepsOf(snapshot, 'down') },
          ],
        };
      }
      return { dryRun, migrations: [await this.revertSnapshot(run, snapshot, moves)] };
    });
  }

  /**
   * Rolls back one applied snapshot inside a run that holds the lock, through the `moves`
   * {@link planSchemaRollback} allowed, and removes it from the ledger.
   */
  async revertSnapshot(run: LockedRun, snapshot: SchemaSnapshot, moves: readonly IndexMove[]): Promise<PlannedMigration> {
    await this.engine.open();
    const { id } = snapshot;
    this.emit('migrating', { id, dryRun: false });
    const started = Date.now();
    const plans = await this.applyWithRenames(run, snapshot, 'down', moves);
    await run.remove(id);
    await this.clearRenameCheckpoints(run, id);
    this.emit('migrated', { id, durationMs: Date.now() - started, dryRun: false });
    return { id, plans };
  }

  /**
   * Compares every index the applied snapshots define with what is live: definitions (through
   * what FT.INFO can show) and redis-om's stored hash.
   */
  async verify(): Promise<VerifyResult> {
    return this.engine.read(async ({ redis, entries }) => {
      const expected = stateAfterSnapshots(snapshotsBy(this.snapshots(), entries, true).map((s) => s.snapshot));
      const indexes: VerifiedIndex[] = [];
      for (const state of expected.values()) {
        const { layout, info } = await readLiveLayout(redis, state.indexName, state.indexHashName);
        indexes.push(verifyIndex(state, info, layout.storedIndexHash));
      }
      return { ok: indexes.every((i) => i.status === 'ok'), indexes };
    });
  }

  /**
   * The seeds' legacy immediate mode, for prototyping: moves every model's index straight to its
   * compiled definition (same strategies, same hash handling), without snapshot files and without
   * the ledger. Indexes of removed models are left alone. Returns what it sent (or would send).
   */
  async auto(options: { dryRun?: boolean } = {}): Promise<IndexPlan[]> {
    const dryRun = options.dryRun ?? false;
    const moves = movesToModels(statesOfCompiled(await this.compile()).values());
    if (!dryRun) this.assertDatabaseZero();
    return this.engine.run('auto', { dryRun, onWait: this.onWait }, async (run) =>
      dryRun ? this.planMoves(run.redis, moves, await listIndexes(run.redis)) : this.apply(run, moves),
    );
  }

  /** The plans as printable lines, for `--dry-run`. */
  static format(migrations: readonly PlannedMigration[]): string[] {
    return migrations.flatMap((m) => [
      `Migration ${m.id}:`,
      ...formatClassified(m.classified ?? []),
      ...(m.schemaRenames ?? []).flatMap((step) => describeSchemaRename(step).map((line) => `  ${line}`)),
      ...(m.renames ?? []).map((step) => `  ${describeRenameStep(step, 'copy')}`),
      ...formatPlan(m.plans),
      ...(m.renames ?? []).map((step) => `  ${describeRenameStep(step, 'move')}`),
    ]);
  }

  /** Closes the Redis connection the migrator opened (not one passed in as `redis`). */
  close(): Promise<void> {
    return this.engine.close();
  }

  /**
   * Plans moves against what is live, or against what an earlier planned move leaves
   * (`predicted`, updated as it goes). Sends nothing.
   */
  private async planMoves(
    redis: RedisClient,
    moves: readonly IndexMove[],
    existing: readonly string[],
    predicted = new Map<string, LiveLayout>(),
  ): Promise<IndexPlan[]> {
    const plans: IndexPlan[] = [];
    for (const move of moves) {
      const live = predicted.get(move.indexName) ?? (await readLiveLayout(redis, move.indexName, move.hashName)).layout;
      plans.push(planMove(move, live, existing, this.strategy));
      predicted.set(move.indexName, layoutAfter(move, live, this.strategy));
    }
    return plans;
  }

  /**
   * The plans of a snapshot's moves with its schema renames around them: the bridge (or alias)
   * first, the ordinary moves planned from what it leaves, the old names retired last. Sends nothing.
   */
  private async planWithSchemaRenames(
    redis: RedisClient,
    snapshot: SchemaSnapshot,
    direction: 'up' | 'down',
    moves: readonly IndexMove[],
    existing: readonly string[],
    predicted = new Map<string, LiveLayout>(),
  ): Promise<IndexPlan[]> {
    const steps = schemaRenameStepsOf(snapshot, direction);
    const renamed = await Promise.all(steps.map((step) => planSchemaRename(redis, step, existing, this.strategy)));
    renamed.forEach((r, i) => predicted.set(steps[i]!.to.indexName, r.toAfterStart));
    const ordinary = await this.planMoves(redis, withoutRetired(moves, steps), existing, predicted);
    return [...renamed.map((r) => r.start), ...ordinary, ...renamed.map((r) => r.end)];
  }

  /**
   * A snapshot's moves with its renamed fields: every document gets the new field first (the
   * live index keeps answering from the old one), then the index moves, then the old field is
   * removed. Each scan keeps its checkpoint until the migration is recorded, so a rerun after a
   * stop skips the scans already complete and resumes the one that was cut.
   */
  private async applyWithRenames(run: LockedRun, snapshot: SchemaSnapshot, direction: 'up' | 'down', moves: readonly IndexMove[] = movesOf(snapshot, direction)): Promise<IndexPlan[]> {
    const steps = renameStepsOf(snapshot, direction);
    // A renamed schema: the documents move under a bridge index first; the old name is
    // retired after the new one switched, instead of being removed like a deleted model.
    const schemaSteps = schemaRenameStepsOf(snapshot, direction);
    const env = this.schemaRenameEnv(run, snapshot.id);
    for (const step of schemaSteps) await startSchemaRename(env, step);
    await this.renameData(run, snapshot.id, steps, 'copy');
    const plans = await this.apply(run, withoutRetired(moves, schemaSteps));
    await this.renameData(run, snapshot.id, steps, 'move');
    for (const step of schemaSteps) plans.push(await endSchemaRename(env, step));
    return plans;
  }

  private schemaRenameEnv(run: LockedRun, migrationId: string): SchemaRenameEnv {
    return {
      run,
      migrationId,
      strategy: this.strategy,
      logger: this.logger,
      statePrefix: this.engine.statePrefix,
      send: (plan) => this.send(run, plan),
      onProgress: (step, pass, progress) => this.emit('movingKeys', { step, pass, progress }),
      onFailure: (failure) => {
        this.logger.warn(`${failure.scan}: ${failure.key}: ${failure.reason}`);
        this.emit('failure', { id: migrationId, failure });
      },
    };
  }

  private async renameData(run: LockedRun, migrationId: string, steps: readonly RenameStep[], phase: RenamePhase): Promise<void> {
    for (const step of steps) {
      this.logger.info(describeRenameStep(step, phase));
      for (const spec of renameScans(migrationId, step, phase)) {
        run.assertHeld();
        const result = await scanTransform(
          run.redis,
          {
            ...spec,
            onBatch: (progress) => {
              run.assertHeld();
              this.emit('renaming', { step, phase, progress });
            },
          },
          { logger: this.logger, keyPrefix: this.engine.statePrefix },
        );
        const c = result.counters;
        if (c.conflicts > 0) {
          this.logger.warn(
            `${step.indexName}: ${c.conflicts} document(s) kept ${step.from} because it changed while being ${phase === 'copy' ? 'copied' : 'removed'}` +
              (phase === 'move'
                ? ` or ${step.to} holds another value; both fields are kept there: compare them`
                : `; the step after the index switch sets ${step.to} in them`),
          );
        }
      }
    }
  }

  /** A read-only pass over a renamed field's keys (the copy scan as a dry run), timed. */
  private async measureRename(redis: RedisClient, migrationId: string, step: RenameStep): Promise<MeasuredRename> {
    let keys = 0;
    let values = 0;
    let readMs = 0;
    for (const spec of renameScans(migrationId, step, 'copy')) {
      const result = await scanTransform(redis, { ...spec, dryRun: true, keepCheckpoint: false }, { logger: silentLogger, keyPrefix: this.engine.statePrefix });
      keys += result.counters.keys;
      values += result.counters.converted + result.counters.failed;
      readMs += result.durationMs;
    }
    return { step, keys, values, readMs };
  }

  private async clearRenameCheckpoints(run: LockedRun, migrationId: string): Promise<void> {
    await new CheckpointStore(run.redis, this.engine.statePrefix).clear({ prefix: renameScanPrefix(migrationId) });
  }

  /**
   * Plans every move against the layout live now, then builds every new index the moves need
   * beside the live ones, and switches none until all of them are fully indexed: a snapshot whose
   * second index fails on its documents leaves the first as it was. On such a failure the indexes
   * this run built are dropped (never with DD), so the server is left as it was found and nothing
   * is recorded; an index that only ran out of time is left to finish (the next run reuses it).
   */
  private async apply(run: LockedRun, moves: readonly IndexMove[]): Promise<IndexPlan[]> {
    const existing = await listIndexes(run.redis);
    const plans: IndexPlan[] = [];
    for (const move of moves) {
      const { layout } = await readLiveLayout(run.redis, move.indexName, move.hashName);
      plans.push(planMove(move, layout, existing, this.strategy));
    }
    const parts = plans.map(splitBuild);
    // The definition may already be live, e.g. left by a recreate that failed on indexing
    // failures or stopped while indexing: it counts as applied only once fully indexed within
    // the failure limit, as a freshly built one would, so it is checked with the builds.
    const checkLive = (i: number) => moves[i]!.target !== null && !plans[i]!.steps.some((step) => step.kind === 'wait-indexed');
    const built: string[] = [];
    try {
      for (const [i, plan] of plans.entries()) {
        const { build } = parts[i]!;
        if (build.length === 0 && !checkLive(i)) continue;
        run.assertHeld();
        this.logger.info(plan.summary);
        await this.send(run, { ...plan, steps: build });
        if (checkLive(i)) {
          await waitUntilIndexed(run.redis, plan.indexName, {
            ...this.waitOptions,
            onProgress: (indexName, status) => this.emit('indexing', { indexName, status }),
          });
        }
        // Only what this run created: one found from an earlier run was there before it.
        if (build.some((step) => step.kind === 'command')) built.push(parts[i]!.builds!);
      }
    } catch (error) {
      if (!(error instanceof IndexingTimeoutError)) {
        for (const name of built) {
          this.logger.info(`${name}: dropped (no DD): the migration failed before any index switched`);
          await run.redis.call('FT.DROPINDEX', name).catch(() => undefined);
        }
      }
      throw error;
    }
    for (const [i, plan] of plans.entries()) {
      const { build, rest } = parts[i]!;
      run.assertHeld();
      if (build.length === 0 && !checkLive(i)) this.logger.info(plan.summary);
      await this.send(run, { ...plan, steps: rest });
    }
    return plans;
  }

  /** Sends a plan while the lock is held, reporting each command and the indexing progress. */
  private send(run: LockedRun, plan: IndexPlan): Promise<void> {
    return executePlan(run.redis, plan, {
      ...this.waitOptions,
      onCommand: (argv, why) => {
        run.assertHeld();
        this.emit('command', { argv, why });
        this.logger.debug(`  ${argv.join(' ')}`);
      },
      onProgress: (indexName, status) => this.emit('indexing', { indexName, status }),
    });
  }

  private requireModels(): string {
    if (this.models === undefined) {
      throw new ConfigError('Schema migrations need your models.', {
        hint: 'Pass --models <path>, a module that exports your redis-om Schemas (e.g. --models src/models.ts).',
      });
    }
    return this.models;
  }

  /**
   * RediSearch creates indexes only from database 0, yet drops them from any (indexes are
   * global): refuse before the first command, or `recreate` would drop an index it cannot rebuild.
   */
  assertDatabaseZero(): void {
    const db = databaseIndexOf(this.settings.redisUrl);
    if (db !== 0) {
      throw new SearchDatabaseError(`Schema migrations need database 0, and the Redis URL selects database ${db}.`, {
        hint: 'RediSearch refuses to create indexes on db != 0 (indexes are server-wide). Use redis://host:port/0.',
      });
    }
  }

  private store(): SnapshotStore {
    return fileSnapshotStore(resolve(this.settings.cwd, this.settings.migrationsDir));
  }

  private readonly onWait = (timeoutMs: number) => this.emit('waitingForLock', { timeoutMs });
}
