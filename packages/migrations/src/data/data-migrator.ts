import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { EventEmitter } from 'node:events';
import { resolveSettings, type Settings, type SettingsInput } from '../config/settings';
import { InterruptedError, MigrationFailedError, ResumableError, describeCause } from '../errors';
import { silentLogger, type Logger } from '../logger';
import type { LedgerEntry } from '../state/ledger';
import { EngineState, type LockedRun } from '../state/engine-state';
import type { RedisClient } from '../redis/client';
import { RepositoryConnections } from '../redis/repository-connections';
import { createMigrationContext } from './context';
import { loadMigrationsFromDir, loadMigrationsFromModule } from './load-migrations';
import type { DataMigration, LoadedMigration, MigrationContext } from './migration';
import { orderMigrations } from './order';
import { assertNoSnapshotDependents, assertSchemaDependenciesApplied } from './schema-dependencies';
import { loadSnapshots } from '../schema/snapshot-store';
import { builtinMigrations, assertTimeZone, parseBuiltinNames, type AvailableBuiltin, type BuiltinName } from '../builtin';
import type { BatchOptions, BatchProgress, ScanFailure, ScanTransformResult } from '../batch/types';
import type { ShareSettings } from '../batch/shares';
import { changedServers } from '../batch/servers';
import { FailureLog } from '../batch/failure-log';
import { FailureTally, type FailureSummary } from './failure-summary';
import {
  buildStatus,
  planRollback,
  planRun,
  planStamp,
  type DataMigrationStatus,
  type RollbackRequest,
} from './plan';

/** Options of {@link DataMigrator}. Unset values come from the environment, then defaults. */
export interface DataMigratorOptions extends SettingsInput {
  /** An open ioredis client to use instead of connecting to `redisUrl`. Not closed by `close()`. */
  redis?: RedisClient;
  /** Receives what the migrator does; silent by default. */
  logger?: Logger;
  /**
   * Path of a module exporting the app's redis-om Schemas: what the built-in migrations work on
   * (declaring it enables none of them).
   */
  models?: string;
  /**
   * The built-in migrations to run beside the project's own (CLI: `--builtin`). `['datetime']`
   * registers `001_datetime_fields_to_timestamps` for the `date` fields of `models`. None by
   * default: `status` lists those that would have work to do.
   */
  builtins?: readonly BuiltinName[];
  /** IANA zone in which the datetime migration reads naive ISO date-times. Default UTC. */
  timeZone?: string;
  /** Batch size, failure mode and max errors of `ctx.scanTransform` (CLI: run's options). */
  batch?: BatchOptions;
  /**
   * Share `run` with the other processes started the same way (CLI: `--scale-out`): they hold
   * the lock together, each `ctx.scanTransform` scan is split into shares (a cluster's
   * masters) taken under a lease of `leaseMs` (default 30000), and each migration is recorded
   * once, by the first process that finishes it. See docs/architecture.md.
   */
  scaleOut?: { leaseMs?: number };
  /**
   * How many failed values of a run the logger prints, one warning each (default: all), and the
   * line it prints once past them. Every failure is emitted as a `failure` event either way.
   * The CLI prints 20 unless `--verbose`.
   */
  failureLog?: { limit?: number; beyond?: string };
}

/** A migration that did not run, and why. */
export interface SkippedMigration {
  readonly id: string;
  readonly reason: string;
}

/** What `run` did (or, in a dry run, would do). */
export interface RunResult {
  readonly dryRun: boolean;
  /** Applied (or, in a dry run, would be applied), in order. */
  readonly applied: { id: string; durationMs: number }[];
  /** Left pending because `canRun` said no or a dependency did not run. */
  readonly skipped: SkippedMigration[];
  /** The batch number recorded for this run, when something was applied. */
  readonly batch?: number;
}

/**
 * What {@link DataMigrator.withSteps} hands its body: one data migration applied or rolled back
 * at a time, with the same events, checks and ledger writes as `run` and `rollback`.
 */
export interface DataSteps {
  /**
   * Applies `m`, or skips it when `blockedBy` names a dependency that did not run or its
   * `canRun()` says no (evaluated only when `previewable`: in a dry run, not after a dependency
   * that only pretended to run).
   */
  up(m: LoadedMigration, how: { blockedBy?: string; previewable: boolean }): Promise<{ durationMs: number } | SkippedMigration>;
  /** Rolls `m` back through its `down()` and removes it from the ledger. */
  down(m: LoadedMigration): Promise<{ durationMs: number }>;
}

/** What a rollback or reset did (or would do). */
export interface RollbackResult {
  readonly dryRun: boolean;
  /** Rolled back, newest first. */
  readonly rolledBack: { id: string; durationMs: number }[];
}

/** How a run or rollback ended: the last event of each. */
export interface FinishedEvent {
  readonly action: 'run' | 'rollback';
  readonly dryRun: boolean;
  /** False when it threw; `error` then says why. */
  readonly ok: boolean;
  readonly durationMs: number;
  readonly error?: string;
}

/**
 * Events a {@link DataMigrator} emits while it works, in the spirit of umzug's: the CLI draws its
 * output from them (`--json` prints each as a line), and so can a dashboard. In order:
 * `waitingForLock`?, `started`, then per migration `migrating` (or `reverting`), `progress`* and
 * `failure`* of its scans, `migrated` (or `reverted`) or `skipped`; then `failureSummary` and
 * `finished`, also when the run throws.
 */
export interface DataMigratorEvents {
  /** `previewable` is false in a dry run when a dependency has not really run yet. */
  migrating: [{ id: string; description: string; dryRun: boolean; previewable: boolean }];
  migrated: [{ id: string; durationMs: number; dryRun: boolean }];
  skipped: [SkippedMigration];
  reverting: [{ id: string; dryRun: boolean }];
  reverted: [{ id: string; durationMs: number; dryRun: boolean }];
  waitingForLock: [{ timeoutMs: number }];
  /** Once the lock is held (at once in a dry run): the migrations this run takes, in order. */
  started: [{ action: 'run' | 'rollback'; ids: string[]; dryRun: boolean }];
  /** After every batch of a `ctx.scanTransform` scan; `id` is the migration's. */
  progress: [BatchProgress & { id: string }];
  /** Every value a scan could not handle, with what was done about it; `id` is the migration's. */
  failure: [ScanFailure & { id: string }];
  /** The failures of the run (or rollback), counted per migration and model, once it ends. */
  failureSummary: [FailureSummary];
  /** The run or rollback is over. */
  finished: [FinishedEvent];
}

/**
 * Runs data migrations: the programmatic counterpart of `om migrate-data`.
 *
 * @example
 * ```ts
 * const migrator = new DataMigrator({ migrationsDir: 'migrations' });
 * const status = await migrator.status();
 * console.log(`Pending: ${status.pendingMigrations}`);
 * const result = await migrator.run({ dryRun: false });
 * console.log(`Applied ${result.applied.length} migrations`);
 * await migrator.close();
 * ```
 */
export class DataMigrator extends EventEmitter<DataMigratorEvents> {
  /** The merged, validated settings. */
  readonly settings: Settings;
  private readonly logger: Logger;
  private readonly engine: EngineState;
  private readonly builtin: { models?: string; enabled: readonly BuiltinName[]; timeZone?: string; batch?: BatchOptions };
  private available: AvailableBuiltin[] = [];
  private readonly failureLogOptions: DataMigratorOptions['failureLog'];
  /** The failures of the run or rollback in progress: printed up to the limit, and counted. */
  private failures?: { log: FailureLog; tally: FailureTally };
  private readonly scaleOut?: { leaseMs: number };

  constructor(options: DataMigratorOptions = {}) {
    super();
    const { redis, logger, models, builtins, timeZone, batch, failureLog, scaleOut, ...settings } = options;
    this.scaleOut = scaleOut === undefined ? undefined : { leaseMs: scaleOut.leaseMs ?? DEFAULT_SHARE_LEASE_MS };
    this.settings = resolveSettings(settings);
    assertTimeZone(timeZone);
    this.builtin = { models, enabled: parseBuiltinNames(builtins), timeZone, batch };
    this.failureLogOptions = failureLog;
    this.logger = logger ?? silentLogger;
    this.engine = new EngineState(this.settings, 'data', this.logger, redis);
  }

  /** Loads, validates and orders the migrations. Touches no Redis. */
  load(): LoadedMigration[] {
    const { module, migrationsDir, migrationsDirGiven, cwd } = this.settings;
    const loaded = module
      ? loadMigrationsFromModule(module, cwd)
      : loadMigrationsFromDir(migrationsDir, cwd, {
          required: migrationsDirGiven,
          onIgnored: (file, reason) => this.logger.warn(`${file}: ${reason}.`),
        });
    const { registered, available } = builtinMigrations({ ...this.builtin, cwd });
    this.available = available;
    const builtins = registered.map(({ migration, source, checksum }): LoadedMigration => {
      const { id, description, dependencies, supportsDryRun } = migration;
      return { id, description, dependencies, supportsDryRun, source, checksum, migration };
    });
    return orderMigrations([...builtins, ...loaded]);
  }

  /** Which migrations are applied and which are pending, and the built-ins not enabled. */
  async status(): Promise<DataMigrationStatus> {
    const ordered = this.load();
    return this.engine.read(async ({ entries }) => buildStatus(ordered, entries, this.available));
  }

  /**
   * Why each pending migration could not run now, from its `canRun()`, evaluated read-only.
   * Pending migrations that can run are not listed.
   */
  async blockedReasons(): Promise<SkippedMigration[]> {
    const ordered = this.load();
    return this.engine.read(({ redis, entries }) =>
      withConnections(redis, async (connections) => {
        const applied = new Set(entries.map((e) => e.id));
        const blocked: SkippedMigration[] = [];
        for (const m of ordered.filter((x) => !applied.has(x.id))) {
          const reason = await this.checkCanRun(m, this.context(m, redis, connections, true));
          if (reason !== undefined) blocked.push({ id: m.id, reason });
        }
        return blocked;
      }),
    );
  }

  /** The migrations `run` would take with these options, in order. Takes no lock. */
  async plan(options: { limit?: number; target?: string } = {}): Promise<LoadedMigration[]> {
    const ordered = this.load();
    return this.engine.read(async ({ entries }) => planRun(ordered, entries, options));
  }

  /**
   * Applies pending migrations in order under the lock, recording each in the ledger as one
   * batch. A migration that throws is not recorded and stops the run with a
   * {@link MigrationFailedError}; those before it stay applied.
   */
  async run(options: { dryRun?: boolean; limit?: number; target?: string; signal?: AbortSignal } = {}): Promise<RunResult> {
    const dryRun = options.dryRun ?? false;
    const { signal } = options;
    const ordered = this.load();
    const group = this.scaleOut ? runGroup(ordered, this.settings.namespace) : undefined;
    return this.tracked('run', dryRun, () => this.engine.run('run', { dryRun, onWait: this.onWait, signal, ...(group ? { group } : {}) }, async (run) => {
      const planned = planRun(ordered, run.entries, options);
      assertSchemaDependenciesApplied(planned, await run.entriesOf('schema'));
      return this.withSteps(run, { dryRun, signal }, async (steps) => {
        this.emit('started', { action: 'run', ids: planned.map((m) => m.id), dryRun });
        const applied: RunResult['applied'] = [];
        const skipped: SkippedMigration[] = [];
        const notRun = new Set<string>();
        const ranHere = new Set<string>();
        for (const m of planned) {
          if (signal?.aborted) throw stoppedBefore(signal, m.id, applied.length, planned.length - applied.length - skipped.length, 'applied');
          const blockedBy = m.dependencies.find((dep) => notRun.has(dep));
          // In a dry run, a migration whose dependency only pretended to run would see data
          // without that dependency's changes: its canRun() and up() would report nonsense.
          const previewable = !(dryRun && m.dependencies.some((dep) => ranHere.has(dep)));
          const outcome = await steps.up(m, { blockedBy, previewable });
          if ('reason' in outcome) {
            notRun.add(m.id);
            skipped.push(outcome);
          } else {
            ranHere.add(m.id);
            applied.push({ id: m.id, durationMs: outcome.durationMs });
          }
        }
        return { dryRun, applied, skipped, batch: applied.length > 0 && !dryRun ? run.batch : undefined };
      });
    }));
  }

  /**
   * Rolls back one applied migration by id, the last `steps` batches, or everything
   * (`{ all: true }`), newest first, each through its `down()`.
   */
  async rollback(request: string | RollbackRequest, options: { dryRun?: boolean; signal?: AbortSignal } = {}): Promise<RollbackResult> {
    const dryRun = options.dryRun ?? false;
    const { signal } = options;
    const ordered = this.load();
    return this.tracked('rollback', dryRun, () => this.engine.run('rollback', { dryRun, onWait: this.onWait, signal }, (run) =>
      this.withSteps(run, { dryRun, signal }, async (steps) => {
        const plan = planRollback(ordered, run.entries, rollbackRequest(request));
        await this.assertNoSnapshotDependents(run, plan);
        this.emit('started', { action: 'rollback', ids: plan.map((m) => m.id), dryRun });
        const rolledBack: RollbackResult['rolledBack'] = [];
        for (const m of plan) {
          if (signal?.aborted) throw stoppedBefore(signal, m.id, rolledBack.length, plan.length - rolledBack.length, 'rolled back');
          rolledBack.push({ id: m.id, ...(await steps.down(m)) });
        }
        return { dryRun, rolledBack };
      }),
    ));
  }

  /**
   * One migration at a time inside a run that holds the lock: what `run` and `rollback` do for
   * each migration (events, `canRun`, `up`/`down`, the scans' server check, the ledger), for a
   * runner that interleaves data migrations with schema migrations (`om migrate-all`).
   * Repository connections stay open until `body` ends.
   */
  async withSteps<T>(run: LockedRun, options: { dryRun: boolean; signal?: AbortSignal }, body: (steps: DataSteps) => Promise<T>): Promise<T> {
    // Opens nothing new on a client it was given: it sets the key prefix the checkpoints use.
    await this.engine.open();
    const { dryRun, signal } = options;
    return withConnections(run.redis, (connections) => {
      const context = (m: LoadedMigration, scans: Map<string, ScanTransformResult>) =>
        // The last completion of each scan: a scan run again (after a restart) replaces its earlier one.
        this.context(m, run.redis, connections, dryRun, { signal, share, onScanned: (r) => scans.set(r.name, r) });
      const share = run.session !== undefined && this.scaleOut ? { session: run.session, leaseMs: this.scaleOut.leaseMs } : undefined;
      return body({
        up: async (m, { blockedBy, previewable }) => {
          const scans = new Map<string, ScanTransformResult>();
          const ctx = context(m, scans);
          const reason = blockedBy ? `its dependency ${blockedBy} did not run` : previewable ? await this.checkCanRun(m, ctx) : undefined;
          if (reason !== undefined) {
            this.emit('skipped', { id: m.id, reason });
            return { id: m.id, reason };
          }
          this.emit('migrating', { id: m.id, description: m.description, dryRun, previewable });
          const started = performance.now();
          if (!dryRun || (m.supportsDryRun && previewable)) await this.invoke(m, 'up', ctx);
          const durationMs = Math.round(performance.now() - started);
          if (!dryRun) {
            await assertScansStand(m.id, run.redis, [...scans.values()], 'applied');
            const recorded = await run.record({ id: m.id, checksum: m.checksum, durationMs });
            if (!recorded) this.logger.info(`${m.id}: recorded by another process of this scaled-out run.`);
          }
          this.emit('migrated', { id: m.id, durationMs, dryRun });
          return { durationMs };
        },
        down: async (m) => {
          this.emit('reverting', { id: m.id, dryRun });
          const started = performance.now();
          const scans = new Map<string, ScanTransformResult>();
          const ctx = context(m, scans);
          if (!dryRun || m.supportsDryRun) await this.invoke(m, 'down', ctx);
          const durationMs = Math.round(performance.now() - started);
          if (!dryRun) {
            await assertScansStand(m.id, run.redis, [...scans.values()], 'rolled back');
            await run.remove(m.id);
          }
          this.emit('reverted', { id: m.id, durationMs, dryRun });
          return { durationMs };
        },
      });
    });
  }

  /** Rolls back every applied migration, newest first. */
  reset(options: { dryRun?: boolean; signal?: AbortSignal } = {}): Promise<RollbackResult> {
    return this.rollback({ all: true }, options);
  }

  /** The migrations a rollback would undo, newest first, after checking each can be undone. */
  async planRollback(request: string | RollbackRequest): Promise<LoadedMigration[]> {
    const ordered = this.load();
    return this.engine.read(async (run) => {
      const plan = planRollback(ordered, run.entries, rollbackRequest(request));
      await this.assertNoSnapshotDependents(run, plan);
      return plan;
    });
  }

  /** Refuses a rollback of migrations an applied schema snapshot runs after (`after`); reads the schema ledger of `run`. */
  private async assertNoSnapshotDependents(run: LockedRun, plan: readonly LoadedMigration[]): Promise<void> {
    if (plan.length === 0) return;
    const { cwd, migrationsDir } = this.settings;
    const snapshots = loadSnapshots(resolve(cwd, migrationsDir));
    if (snapshots.some((s) => (s.snapshot.after ?? []).length > 0)) assertNoSnapshotDependents(plan, snapshots, await run.entriesOf('schema'), cwd);
  }

  /** Records a pending migration as applied without running it. */
  async stamp(id: string): Promise<LedgerEntry> {
    const ordered = this.load();
    return this.engine.run('stamp', { onWait: this.onWait }, async (run) => {
      const m = planStamp(ordered, run.entries, id);
      const entry = await run.record({ id: m.id, checksum: m.checksum, durationMs: 0 });
      // A stamp never shares the lock, so it always records.
      if (!entry) throw new Error(`${m.id} was not recorded.`);
      return entry;
    });
  }

  /**
   * The prefix of the engine's keys on the connected server: the configured one, with a hash
   * tag added on a Redis Cluster (see {@link clusterSafePrefix}). Valid after the first call
   * that connects (e.g. {@link client}).
   */
  get keyPrefix(): string {
    return this.engine.keyPrefix;
  }

  /**
   * The prefix of this migrator's own keys on the connected server: {@link keyPrefix}, then the
   * namespace when one is set (`om:migrations:api:`). Checkpoints of its scans live under it.
   * Valid after the first call that connects.
   */
  get statePrefix(): string {
    return this.engine.statePrefix;
  }

  /** The Redis connection the migrator works on (opened on first use), for read-only tools. */
  async client(): Promise<RedisClient> {
    return (await this.engine.open()).redis;
  }

  /** Closes the Redis connection the migrator opened (not one passed in as `redis`). */
  close(): Promise<void> {
    return this.engine.close();
  }

  private readonly onWait = (timeoutMs: number) => this.emit('waitingForLock', { timeoutMs });

  /**
   * Runs a run or rollback with its failures counted, and ends it with `failureSummary` and
   * `finished`, thrown or not. `run` and `rollback` go through it; so does `om migrate-all`,
   * around the {@link withSteps} it runs the data migrations in.
   */
  async tracked<T>(action: FinishedEvent['action'], dryRun: boolean, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const failures = { log: new FailureLog(this.logger, this.failureLogOptions), tally: new FailureTally() };
    this.failures = failures;
    const finish = (error?: unknown) => {
      this.failures = undefined;
      this.emit('failureSummary', failures.tally.summary(action, dryRun));
      const durationMs = Math.round(performance.now() - started);
      this.emit('finished', error === undefined ? { action, dryRun, ok: true, durationMs } : { action, dryRun, ok: false, durationMs, error: describeCause(error) });
    };
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      finish(error);
      throw error;
    }
    finish();
    return result;
  }

  /** Prints, counts and emits one failed value of migration `id`. */
  private onFailure(id: string, failure: ScanFailure): void {
    const failures = this.failures ?? { log: new FailureLog(this.logger), tally: undefined };
    failures.log.log(failure);
    failures.tally?.add(id, failure);
    this.emit('failure', { ...failure, id });
  }

  private context(
    m: LoadedMigration,
    redis: RedisClient,
    connections: RepositoryConnections,
    dryRun: boolean,
    scans: { signal?: AbortSignal; share?: ShareSettings; onScanned?: (result: ScanTransformResult) => void } = {},
  ): MigrationContext {
    return createMigrationContext({
      ...scans,
      redis,
      logger: this.logger,
      dryRun,
      connections,
      migrationId: m.id,
      keyPrefix: this.statePrefix,
      batch: this.builtin.batch,
      onBatch: (progress) => this.emit('progress', { ...progress, id: m.id }),
      onFailure: (failure) => this.onFailure(m.id, failure),
    });
  }

  /** Undefined when the migration may run, else the reason it may not. */
  private async checkCanRun(m: LoadedMigration, ctx: MigrationContext): Promise<string | undefined> {
    if (typeof m.migration.canRun !== 'function') return undefined;
    const result = await this.invoke(m, 'canRun', ctx);
    if (result === true || result === undefined) return undefined;
    if (result === false) return 'canRun() returned false';
    if (typeof result === 'object' && result !== null && 'ok' in result) {
      const { ok, reason } = result as { ok: unknown; reason?: unknown };
      if (ok) return undefined;
      return typeof reason === 'string' && reason !== '' ? reason : 'canRun() returned ok: false';
    }
    return undefined;
  }

  private async invoke(m: LoadedMigration, phase: 'up' | 'down' | 'canRun', ctx: MigrationContext): Promise<unknown> {
    const fn = (m.migration as DataMigration)[phase];
    try {
      return await (fn as (ctx: MigrationContext) => unknown).call(m.migration, ctx);
    } catch (cause) {
      // A stop on request is no failure of the migration: it says where it stopped itself.
      if (cause instanceof InterruptedError) throw cause;
      throw new MigrationFailedError(m.id, phase, cause);
    }
  }
}

/** The stop between two migrations: the one not started, and what this run did before it. */
/** Default lease of a share of a scaled-out run, in ms. */
const DEFAULT_SHARE_LEASE_MS = 30_000;

/**
 * The group of a scaled-out run: processes that run the same migrations (ids and checksums)
 * in the same namespace share the lock; a deploy with other migrations waits for them.
 */
function runGroup(ordered: readonly LoadedMigration[], namespace: string | undefined): string {
  const what = JSON.stringify([namespace ?? '', ordered.map((m) => [m.id, m.checksum])]);
  return createHash('sha256').update(what).digest('hex').slice(0, 16);
}

function stoppedBefore(signal: AbortSignal, id: string, done: number, left: number, verb: 'applied' | 'rolled back'): InterruptedError {
  const plural = (n: number) => `${n} migration${n === 1 ? '' : 's'}`;
  return new InterruptedError(signal.reason, `before ${id}; this run ${verb} ${plural(done)}, ${plural(left)} not ${verb}`);
}

/**
 * Records a migration's scans as standing only while the server processes they completed on
 * still answer: after a restart or failover since, their writes may be lost, so the migration
 * is not recorded and a rerun scans again.
 */
async function assertScansStand(id: string, redis: RedisClient, scans: readonly ScanTransformResult[], verb: 'applied' | 'rolled back'): Promise<void> {
  const changed = await changedServers(redis, scans);
  if (changed.length === 0) return;
  const list = changed.map((c) => `${c.node} (${c.change}) after ${c.scan} completed`).join('; ');
  throw new ResumableError(`Data migration ${id} is not recorded as ${verb}: another server process answers at ${list}, so what those scans wrote may not have survived.`, {
    hint: 'Run the same command again: its scans run again and convert whatever is left (values converted already are left alone).',
  });
}

function rollbackRequest(request: string | RollbackRequest): RollbackRequest {
  return typeof request === 'string' ? { id: request } : request;
}

/** Runs `fn` with node-redis connections for redis-om repositories, closed when it ends. */
async function withConnections<T>(redis: RedisClient, fn: (connections: RepositoryConnections) => Promise<T>): Promise<T> {
  const connections = new RepositoryConnections(redis);
  try {
    return await fn(connections);
  } finally {
    await connections.close();
  }
}
