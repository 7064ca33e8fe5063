import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { databaseIndexOf } from '../config/redis-url';
import { resolveSettings, type Settings, type SettingsInput } from '../config/settings';
import type { RedisClient } from '../redis/client';
import { ConfigError, LockLostError, MigrationStateError } from '../errors';
import { silentLogger, type Logger } from '../logger';
import { EngineState } from '../state/engine-state';
import { stateKeys } from '../state/keys';
import type { LedgerEntry } from '../state/ledger';
import { MigrationLock, type HeldLock } from '../state/lock';
import { compileSchemas, type CompiledIndex } from './compile';
import {
  diffIndexStates,
  statesOfCompiled,
  type IndexChange,
  type IndexState,
} from './diff';
import type { IndexingStatus } from './ft-info';
import { SearchDatabaseError } from './errors';
import { executePlan, listIndexes, readLiveLayout, waitUntilIndexed } from './live';
import { loadModelSchemas } from '../loading/models';
import { DEFAULT_STRATEGY, formatPlan, planIndex, reportedHash, versionedIndexName, type IndexPlan, type LiveLayout, type SchemaStrategy } from './plan';
import { verifyIndex, type VerifiedIndex } from './verify';
export type { VerifiedIndex } from './verify';
import { buildSnapshot, loadSnapshots, stateAfterSnapshots, writeSnapshot, type LoadedSnapshot, type SchemaSnapshot } from './snapshot';

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
}

/** Events a {@link SchemaMigrator} emits while it works, for progress output. */
export interface SchemaMigratorEvents {
  migrating: [{ id: string; dryRun: boolean }];
  migrated: [{ id: string; durationMs: number; dryRun: boolean }];
  command: [{ argv: readonly string[]; why: string }];
  indexing: [{ indexName: string; status: IndexingStatus }];
  waitingForLock: [{ timeoutMs: number }];
}

/** One snapshot and whether it is applied. */
export interface SchemaMigrationStatusEntry {
  readonly id: string;
  readonly file: string;
  readonly indexes: readonly string[];
  readonly applied: boolean;
  readonly appliedAt?: string;
  readonly batch?: number;
  /** The file changed since it was applied. */
  readonly changedSinceApplied: boolean;
}

/** What `status` reports. */
export interface SchemaMigrationStatus {
  readonly totalMigrations: number;
  readonly appliedCount: number;
  readonly pendingCount: number;
  readonly pendingMigrations: string[];
  readonly appliedMigrations: string[];
  readonly migrations: SchemaMigrationStatusEntry[];
  /** Applied according to the ledger, but no snapshot file has that id any more. */
  readonly missing: LedgerEntry[];
  /**
   * Indexes the models changed since the latest snapshot (run `create`); present only when the
   * migrator was given `models`.
   */
  readonly modelChanges?: IndexChange[];
}

/** What one migration would send, per index. */
export interface PlannedMigration {
  readonly id: string;
  readonly plans: readonly IndexPlan[];
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

/** What `create` did. */
export interface CreateResult {
  readonly changes: readonly IndexChange[];
  /** Absent when nothing changed: no file is written then. */
  readonly file?: string;
  readonly snapshot?: SchemaSnapshot;
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

  constructor(options: SchemaMigratorOptions = {}) {
    super();
    const { models, redis, strategy, logger, indexingTimeoutMs, pollMs, maxIndexingFailures, ...settings } = options;
    this.settings = resolveSettings(settings);
    if (strategy !== undefined && strategy !== 'swap' && strategy !== 'recreate') {
      throw new ConfigError(`Unknown strategy "${String(strategy)}".`, { hint: 'Use swap (default) or recreate.' });
    }
    this.strategy = strategy ?? DEFAULT_STRATEGY;
    this.models = models;
    this.logger = logger ?? silentLogger;
    this.waitOptions = { timeoutMs: indexingTimeoutMs, pollMs, maxIndexingFailures };
    this.engine = new EngineState(this.settings, 'schema', redis);
  }

  /** Compiles the models into index definitions. Touches no Redis. */
  async compile(): Promise<CompiledIndex[]> {
    if (this.models === undefined) {
      throw new ConfigError('Schema migrations need your models.', {
        hint: 'Pass --models <path>, a module that exports your redis-om Schemas (e.g. --models src/models.ts).',
      });
    }
    const loaded = loadModelSchemas(this.models, this.settings.cwd);
    const compiled = await compileSchemas(loaded.schemas, { resolveFrom: loaded.resolveFrom });
    for (const c of compiled) for (const w of c.warnings) this.logger.warn(`${c.schemaName}: ${w}`);
    return compiled;
  }

  /** The snapshots on disk, oldest first. Touches no Redis. */
  snapshots(): LoadedSnapshot[] {
    return loadSnapshots(this.migrationsDir());
  }

  /** How the models differ from the latest snapshot: the offline CI check. Touches no Redis. */
  async check(): Promise<IndexChange[]> {
    const compiled = await this.compile();
    return diffIndexStates(stateAfterSnapshots(this.snapshots().map((s) => s.snapshot)), statesOfCompiled(compiled));
  }

  /** Writes a snapshot of what changed since the latest one; writes nothing when nothing did. */
  async create(name: string, now: Date = new Date()): Promise<CreateResult> {
    const changes = await this.check();
    if (changes.length === 0) return { changes };
    const snapshot = buildSnapshot(name, changes, now);
    const { file } = writeSnapshot(this.migrationsDir(), snapshot);
    return { changes, file, snapshot };
  }

  /** Which snapshots are applied. */
  async status(): Promise<SchemaMigrationStatus> {
    const snapshots = this.snapshots();
    const { ledger } = await this.state();
    const entries = await ledger.entries();
    const applied = new Map(entries.map((e) => [e.id, e]));
    const migrations = snapshots.map(({ snapshot, file }): SchemaMigrationStatusEntry => {
      const entry = applied.get(snapshot.id);
      return {
        id: snapshot.id,
        file: relative(this.settings.cwd, file) || file,
        indexes: snapshot.changes.map((c) => c.indexName),
        applied: entry !== undefined,
        appliedAt: entry?.appliedAt,
        batch: entry?.batch,
        changedSinceApplied: entry !== undefined && entry.checksum !== checksumOf(file),
      };
    });
    const ids = new Set(snapshots.map((s) => s.snapshot.id));
    return {
      totalMigrations: migrations.length,
      appliedCount: migrations.filter((m) => m.applied).length,
      pendingCount: migrations.filter((m) => !m.applied).length,
      pendingMigrations: migrations.filter((m) => !m.applied).map((m) => m.id),
      appliedMigrations: migrations.filter((m) => m.applied).map((m) => m.id),
      migrations,
      missing: entries.filter((e) => !ids.has(e.id)),
      modelChanges: this.models === undefined ? undefined : await this.check(),
    };
  }

  /**
   * What `run` would send for each pending snapshot, against what is live now. Takes no lock and
   * writes nothing. Indexes touched by an earlier pending snapshot are planned from the layout
   * that snapshot would leave.
   */
  async plan(): Promise<PlannedMigration[]> {
    const { redis, ledger } = await this.state();
    const applied = new Set((await ledger.entries()).map((e) => e.id));
    const pending = this.snapshots().filter((s) => !applied.has(s.snapshot.id));
    const predicted = new Map<string, LiveLayout>();
    const existing = await listIndexes(redis);
    const out: PlannedMigration[] = [];
    for (const { snapshot } of pending) {
      const plans: IndexPlan[] = [];
      for (const change of snapshot.changes) {
        const target = change.after;
        const hashName = (target ?? change.before)!.indexHashName;
        const live = predicted.get(change.indexName) ?? (await readLiveLayout(redis, change.indexName, hashName)).layout;
        plans.push(planIndex({ indexName: change.indexName, target, live, existingIndexes: existing, strategy: this.strategy, indexHashName: hashName }));
        predicted.set(change.indexName, this.layoutAfter(change.indexName, target, live));
      }
      out.push({ id: snapshot.id, plans });
    }
    return out;
  }

  /** Applies every pending snapshot, oldest first, as one batch, under the migration lock. */
  async run(options: { dryRun?: boolean } = {}): Promise<SchemaRunResult> {
    if (options.dryRun) return { dryRun: true, migrations: await this.plan() };
    this.assertDatabaseZero();
    const { redis, ledger, lock } = await this.state();
    const held = await this.acquire(lock, 'run');
    try {
      const entries = await ledger.entries();
      const applied = new Set(entries.map((e) => e.id));
      const pending = this.snapshots().filter((s) => !applied.has(s.snapshot.id));
      const batch = Math.max(0, ...entries.map((e) => e.batch)) + 1;
      let order = Math.max(-1, ...entries.map((e) => e.order)) + 1;
      const done: PlannedMigration[] = [];
      for (const { snapshot, file } of pending) {
        const started = Date.now();
        this.emit('migrating', { id: snapshot.id, dryRun: false });
        const plans = await this.apply(redis, snapshot.changes.map((c) => ({ indexName: c.indexName, target: c.after, hashName: (c.after ?? c.before)!.indexHashName })), held);
        const durationMs = Date.now() - started;
        await ledger.record(
          { id: snapshot.id, appliedAt: new Date().toISOString(), batch, order: order++, checksum: checksumOf(file), durationMs },
          held.value,
        );
        this.emit('migrated', { id: snapshot.id, durationMs, dryRun: false });
        done.push({ id: snapshot.id, plans });
      }
      return { dryRun: false, migrations: done, batch: done.length > 0 ? batch : undefined };
    } finally {
      await held.release();
    }
  }

  /**
   * Restores the definitions a snapshot replaced (removes the indexes it added), the same way
   * `run` applies them, and removes it from the ledger. Only the newest applied snapshot that
   * touches those indexes can be rolled back.
   */
  async rollback(id: string, options: { dryRun?: boolean } = {}): Promise<SchemaRunResult> {
    if (!options.dryRun) this.assertDatabaseZero();
    const { redis, ledger, lock } = await this.state();
    const held = options.dryRun ? undefined : await this.acquire(lock, 'rollback');
    try {
      const entries = await ledger.entries();
      const snapshots = this.snapshots();
      const target = snapshots.find((s) => s.snapshot.id === id);
      if (!target) {
        throw new MigrationStateError(`No schema migration has the id ${id}.`, {
          hint: snapshots.length > 0 ? `Known ids: ${snapshots.map((s) => s.snapshot.id).join(', ')}.` : 'There are no schema migrations yet.',
        });
      }
      const entry = entries.find((e) => e.id === id);
      if (!entry) throw new MigrationStateError(`Schema migration ${id} is not applied, so there is nothing to roll back.`);
      const touched = new Set(target.snapshot.changes.map((c) => c.indexName));
      const later = entries
        .filter((e) => e.order > entry.order)
        .filter((e) => snapshots.find((s) => s.snapshot.id === e.id)?.snapshot.changes.some((c) => touched.has(c.indexName)));
      if (later.length > 0) {
        throw new MigrationStateError(`Cannot roll back ${id}: later applied schema migrations change the same indexes: ${later.map((e) => e.id).join(', ')}.`, {
          hint: 'Roll those back first.',
        });
      }
      const changes = target.snapshot.changes.map((c) => ({ indexName: c.indexName, target: c.before, hashName: (c.before ?? c.after)!.indexHashName }));
      if (options.dryRun) {
        const existing = await listIndexes(redis);
        const plans: IndexPlan[] = [];
        for (const c of changes) {
          const { layout } = await readLiveLayout(redis, c.indexName, c.hashName);
          plans.push(planIndex({ indexName: c.indexName, target: c.target, live: layout, existingIndexes: existing, strategy: this.strategy, indexHashName: c.hashName }));
        }
        return { dryRun: true, migrations: [{ id, plans }] };
      }
      this.emit('migrating', { id, dryRun: false });
      const started = Date.now();
      const plans = await this.apply(redis, changes, held!);
      await ledger.remove(id, held!.value);
      this.emit('migrated', { id, durationMs: Date.now() - started, dryRun: false });
      return { dryRun: false, migrations: [{ id, plans }] };
    } finally {
      await held?.release();
    }
  }

  /**
   * Compares every index the applied snapshots define with what is live: definitions (through
   * what FT.INFO can show) and redis-om's stored hash.
   */
  async verify(): Promise<VerifyResult> {
    const { redis, ledger } = await this.state();
    const applied = new Set((await ledger.entries()).map((e) => e.id));
    const expected = stateAfterSnapshots(this.snapshots().filter((s) => applied.has(s.snapshot.id)).map((s) => s.snapshot));
    const indexes: VerifiedIndex[] = [];
    for (const state of expected.values()) {
      const { layout, info } = await readLiveLayout(redis, state.indexName, state.indexHashName);
      indexes.push(verifyIndex(state, info, layout.storedIndexHash));
    }
    return { ok: indexes.every((i) => i.status === 'ok'), indexes };
  }

  /**
   * The seeds' legacy immediate mode, for prototyping: moves every model's index straight to its
   * compiled definition (same strategies, same hash handling), without snapshot files and without
   * the ledger. Indexes of removed models are left alone. Returns what it sent (or would send).
   */
  async auto(options: { dryRun?: boolean } = {}): Promise<IndexPlan[]> {
    const targets = [...statesOfCompiled(await this.compile()).values()].map((target) => ({
      indexName: target.indexName,
      target,
      hashName: target.indexHashName,
    }));
    if (!options.dryRun) this.assertDatabaseZero();
    const { redis, lock } = await this.state();
    if (options.dryRun) {
      const existing = await listIndexes(redis);
      const plans: IndexPlan[] = [];
      for (const t of targets) {
        const { layout } = await readLiveLayout(redis, t.indexName, t.hashName);
        plans.push(planIndex({ indexName: t.indexName, target: t.target, live: layout, existingIndexes: existing, strategy: this.strategy }));
      }
      return plans;
    }
    const held = await this.acquire(lock, 'auto');
    try {
      return await this.apply(redis, targets, held);
    } finally {
      await held.release();
    }
  }

  /** The plans as printable lines, for `--dry-run`. */
  static format(migrations: readonly PlannedMigration[]): string[] {
    return migrations.flatMap((m) => [`Migration ${m.id}:`, ...formatPlan(m.plans)]);
  }

  /** Closes the Redis connection the migrator opened (not one passed in as `redis`). */
  close(): Promise<void> {
    return this.engine.close();
  }

  /** Plans and sends each change against the layout live at that moment. */
  private async apply(
    redis: RedisClient,
    changes: readonly { indexName: string; target: IndexState | null; hashName: string }[],
    held: HeldLock,
  ): Promise<IndexPlan[]> {
    const plans: IndexPlan[] = [];
    for (const change of changes) {
      assertHeld(held);
      const [{ layout }, existing] = await Promise.all([readLiveLayout(redis, change.indexName, change.hashName), listIndexes(redis)]);
      const plan = planIndex({
        indexName: change.indexName,
        target: change.target,
        live: layout,
        existingIndexes: existing,
        strategy: this.strategy,
        indexHashName: change.hashName,
      });
      this.logger.info(plan.summary);
      await executePlan(redis, plan, {
        ...this.waitOptions,
        onCommand: (argv, why) => {
          assertHeld(held);
          this.emit('command', { argv, why });
          this.logger.debug(`  ${argv.join(' ')}`);
        },
        onProgress: (indexName, status) => this.emit('indexing', { indexName, status }),
      });
      if (change.target !== null && !plan.steps.some((step) => step.kind === 'wait-indexed')) {
        // The definition was already live, e.g. left by a recreate that failed on indexing
        // failures or stopped while indexing: it counts as applied only once fully indexed
        // within the failure limit, as a freshly built one would.
        await waitUntilIndexed(redis, change.indexName, {
          ...this.waitOptions,
          onProgress: (indexName, status) => this.emit('indexing', { indexName, status }),
        });
      }
      plans.push(plan);
    }
    return plans;
  }

  /** The layout a change leaves, for planning later snapshots in a dry run. */
  private layoutAfter(indexName: string, target: IndexState | null, live: LiveLayout): LiveLayout {
    if (target === null) return { kind: 'absent', physicalName: null, reportedHash: null, storedIndexHash: live.storedIndexHash };
    const swapped = this.strategy === 'swap';
    const sameIndex = live.kind !== 'absent' && live.reportedHash === reportedHash(target.definition, indexName);
    return {
      kind: sameIndex ? live.kind : swapped ? 'alias' : 'plain',
      physicalName: sameIndex ? live.physicalName : swapped ? versionedIndexName(indexName, target.hash) : indexName,
      reportedHash: reportedHash(target.definition, indexName),
      storedIndexHash: target.indexHash,
    };
  }

  /**
   * RediSearch creates indexes only from database 0, yet drops them from any (indexes are
   * global): refuse before the first command, or `recreate` would drop an index it cannot rebuild.
   */
  private assertDatabaseZero(): void {
    const db = databaseIndexOf(this.settings.redisUrl);
    if (db !== 0) {
      throw new SearchDatabaseError(`Schema migrations need database 0, and the Redis URL selects database ${db}.`, {
        hint: 'RediSearch refuses to create indexes on db != 0 (indexes are server-wide). Use redis://host:port/0.',
      });
    }
  }

  private migrationsDir(): string {
    return resolve(this.settings.cwd, this.settings.migrationsDir);
  }

  private state() {
    return this.engine.open();
  }

  private acquire(lock: MigrationLock, command: string): Promise<HeldLock> {
    return this.engine.acquire(lock, `om migrate ${command}`, (timeoutMs) => this.emit('waitingForLock', { timeoutMs }));
  }
}

/** HASH: schema migration id → JSON ledger entry (under the prefix given). */
export function schemaLedgerKey(prefix: string): string {
  return stateKeys(prefix).schemaLedger;
}

function checksumOf(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function assertHeld(held: HeldLock): void {
  if (held.lost) {
    throw new LockLostError('The migration lock was lost while this run held it (the lease expired); stopping.', {
      hint: 'Another process may be running migrations now. Check `om migrate status` before running again.',
    });
  }
}
