import { EventEmitter } from 'node:events';
import { relative } from 'node:path';
import { resolveSettings, type Settings } from '../config/settings';
import { InterruptedError, MigrationStateError } from '../errors';
import { silentLogger } from '../logger';
import type { BatchProgress, ScanFailure } from '../batch/types';
import { DataMigrator, type DataMigratorOptions } from '../data/data-migrator';
import type { FailureSummary } from '../data/failure-summary';
import type { LoadedMigration } from '../data/migration';
import { SchemaMigrator, type PlannedMigration, type SchemaMigratorOptions } from '../schema/schema-migrator';
import type { SchemaRenameStep } from '../schema/schema-rename-steps';
import type { IndexingStatus } from '../schema/ft-info';
import { listIndexes } from '../schema/live';
import { planSchemaRollback, type IndexMove } from '../schema/migration-plan';
import type { LoadedSnapshot } from '../schema/snapshot-store';
import { EngineState, type LedgerKind, type LockedRun } from '../state/engine-state';
import { orderAll, pendingSteps, planAllRollback, type AllRollbackRequest, type Ledgers, type Step } from './order';

/** Options of {@link CombinedMigrator}: those of both migrators (one Redis, one key prefix and namespace). */
export interface CombinedMigratorOptions
  extends DataMigratorOptions,
    Pick<SchemaMigratorOptions, 'strategy' | 'indexingTimeoutMs' | 'pollMs' | 'maxIndexingFailures' | 'maxSwapMemoryMb'> {}

/** One migration of either kind in the combined order: a loaded data migration or a snapshot. */
export type CombinedStep = Step<DataStepNode, SchemaStepNode>;

/** A data migration in the combined order. */
export interface DataStepNode {
  readonly id: string;
  readonly dependencies: readonly string[];
  readonly source: string;
  readonly migration: LoadedMigration;
}

/** A schema snapshot in the combined order. */
export interface SchemaStepNode {
  readonly id: string;
  readonly after: readonly string[];
  readonly source: string;
  readonly snapshot: LoadedSnapshot;
}

/** A migration of either kind, as results and events name it. */
export interface StepRef {
  readonly kind: LedgerKind;
  readonly id: string;
}

/** Where a migration stands in {@link CombinedMigrator.status}. */
export interface CombinedStatusEntry extends StepRef {
  readonly source: string;
  /** What it waits for: data ids and `schema:<id>` references. */
  readonly dependencies: readonly string[];
  readonly applied: boolean;
  readonly appliedAt?: string;
}

/** What `run` did (or, in a dry run, would do). */
export interface CombinedRunResult {
  readonly dryRun: boolean;
  /** Applied (or would be), in order. Schema steps of a dry run carry what they would send. */
  readonly applied: (StepRef & { durationMs: number; plans?: PlannedMigration })[];
  /** Left pending: `canRun` said no, or something they depend on did not run. */
  readonly skipped: (StepRef & { reason: string })[];
  /** The batch recorded in each ledger that received something. */
  readonly batches: Partial<Record<LedgerKind, number>>;
}

/** What `rollback` did (or would do). */
export interface CombinedRollbackResult {
  readonly dryRun: boolean;
  /** Rolled back, newest first. */
  readonly rolledBack: (StepRef & { durationMs: number })[];
}

/** Events a {@link CombinedMigrator} emits while it works, for progress output. */
export interface CombinedMigratorEvents {
  waitingForLock: [{ timeoutMs: number }];
  /** Once the lock is held (at once in a dry run): the migrations this run takes, in order. */
  started: [{ action: 'run' | 'rollback'; steps: StepRef[]; dryRun: boolean }];
  migrating: [StepRef & { dryRun: boolean }];
  migrated: [StepRef & { durationMs: number; dryRun: boolean }];
  skipped: [StepRef & { reason: string }];
  reverting: [StepRef & { dryRun: boolean }];
  reverted: [StepRef & { durationMs: number; dryRun: boolean }];
  /** After every batch of a data migration's scan. */
  progress: [BatchProgress & { id: string }];
  /** While a schema migration's new index builds. */
  indexing: [{ indexName: string; status: IndexingStatus }];
  /** After every batch of a renamed schema's key move (`move`, then `sweep` for keys written meanwhile). */
  movingKeys: [{ id: string; step: SchemaRenameStep; pass: 'move' | 'sweep'; progress: BatchProgress }];
  /**
   * A value a data migration's scan could not convert (`kind: 'data'`: the failure mode says
   * what was done with it), or a document a renamed schema could not move (`kind: 'schema'`: its
   * new key exists; it stays where it is).
   */
  failure: [{ kind: 'data' | 'schema'; id: string; failure: ScanFailure }];
  /** At the end of a run or rollback, thrown or not: the data migrations' failed values, per migration and model. */
  failureSummary: [FailureSummary];
}

/**
 * Data and schema migrations in one dependency order, the programmatic counterpart of
 * `om migrate-all`. A data migration names a schema migration it needs as `schema:<id>` in its
 * `dependencies`; a schema snapshot names the data migrations it needs in `after`. A run takes
 * the lock once, applies every pending migration of both kinds in that order, and records each
 * in its own ledger as it completes, so `om migrate status` and `om migrate-data status` stay
 * right and a stopped run continues where it stopped. See docs/ordering.md.
 *
 * @example
 * ```ts
 * const migrator = new CombinedMigrator({ migrationsDir: 'migrations' });
 * for (const step of await migrator.plan()) console.log(step.kind, step.id);
 * const result = await migrator.run();
 * console.log(`Applied ${result.applied.length} migrations`);
 * await migrator.close();
 * ```
 */
export class CombinedMigrator extends EventEmitter<CombinedMigratorEvents> {
  /** The merged, validated settings (shared by both kinds). */
  readonly settings: Settings;
  private readonly engine: EngineState;
  private readonly options: CombinedMigratorOptions;
  private migrators?: { data: DataMigrator; schema: SchemaMigrator };

  constructor(options: CombinedMigratorOptions = {}) {
    super();
    // Each migrator picks its own options; the settings are resolved the same way by all three.
    this.settings = resolveSettings(options);
    this.options = options;
    this.engine = new EngineState(this.settings, 'data', options.logger ?? silentLogger, options.redis);
  }

  /** Every known migration of both kinds, in the order a run applies them, with what is applied. */
  async status(): Promise<CombinedStatusEntry[]> {
    const { ordered, ledgers } = await this.read();
    const at = new Map([...ledgers.data.map((e) => [`data:${e.id}`, e.appliedAt] as const), ...ledgers.schema.map((e) => [`schema:${e.id}`, e.appliedAt] as const)]);
    return ordered.map((step) => {
      const appliedAt = at.get(`${step.kind}:${step.id}`);
      return { kind: step.kind, id: step.id, source: step.source, dependencies: step.dependencies, applied: appliedAt !== undefined, ...(appliedAt ? { appliedAt } : {}) };
    });
  }

  /**
   * The pending migrations of both kinds, in the order `run` would apply them. Takes no lock and
   * writes nothing; a cycle or an unknown reference throws a {@link MigrationGraphError}.
   */
  async plan(): Promise<CombinedStep[]> {
    const { ordered, ledgers } = await this.read();
    return pendingSteps(ordered, ledgers);
  }

  /** What each pending schema migration would send, against what is live now (read-only). */
  async schemaPlans(): Promise<PlannedMigration[]> {
    return (await this.parts()).schema.plan();
  }

  /**
   * Applies every pending migration of both kinds in dependency order, under one acquisition
   * of the lock, each recorded in its own ledger as it completes. A migration that throws stops
   * the run (those before it stay applied and recorded); a data migration whose `canRun()`
   * says no is left pending, and so is everything that depends on it. In a dry run, sends only
   * reads: data migrations run as their own dry run does, schema migrations report their plan.
   */
  async run(options: { dryRun?: boolean; signal?: AbortSignal } = {}): Promise<CombinedRunResult> {
    const dryRun = options.dryRun ?? false;
    const { signal } = options;
    const { data, schema } = await this.parts();
    const loaded = this.load(data, schema);
    const previews = dryRun ? new Map((await schema.plan()).map((p) => [p.id, p])) : undefined;
    if (!dryRun) await schema.checkSwapMemory();
    return data.tracked('run', dryRun, () => this.engine.runAll('run', { dryRun, onWait: this.onWait, signal }, async (runs) => {
      const ledgers = ledgersOf(runs);
      const pending = pendingSteps(orderAll(loaded.data, loaded.schema, ledgers), ledgers);
      if (!dryRun && pending.some((step) => step.kind === 'schema')) {
        schema.assertDatabaseZero();
        // Without the search module the first snapshot would fail after the data migrations before it ran.
        await listIndexes(runs.schema.redis);
      }
      this.emit('started', { action: 'run', steps: pending.map(refOfStep), dryRun });
      return data.withSteps(runs.data, { dryRun, signal }, async (steps) => {
        const applied: CombinedRunResult['applied'] = [];
        const skipped: CombinedRunResult['skipped'] = [];
        const notRun = new Set<string>();
        const ranHere = new Set<string>();
        for (const step of pending) {
          if (signal?.aborted) throw new InterruptedError(signal.reason, `before ${step.ref}; this run applied ${applied.length}, ${pending.length - applied.length - skipped.length} not applied`);
          const blockedBy = step.dependencies.find((dep) => notRun.has(dep));
          const ref = refOfStep(step);
          let durationMs: number;
          let plans: PlannedMigration | undefined;
          if (step.kind === 'data') {
            // In a dry run, a migration after one that only pretended to run would see data without its changes.
            const previewable = !(dryRun && step.dependencies.some((dep) => ranHere.has(dep)));
            const outcome = await steps.up(step.node.migration, { blockedBy, previewable });
            if ('reason' in outcome) {
              notRun.add(step.ref);
              skipped.push({ ...ref, reason: outcome.reason });
              this.emit('skipped', { ...ref, reason: outcome.reason });
              continue;
            }
            durationMs = outcome.durationMs;
          } else if (blockedBy !== undefined) {
            const reason = `its dependency ${blockedBy} did not run`;
            notRun.add(step.ref);
            skipped.push({ ...ref, reason });
            this.emit('skipped', { ...ref, reason });
            continue;
          } else if (dryRun) {
            durationMs = 0;
            plans = previews!.get(step.id);
          } else {
            this.emit('migrating', { ...ref, dryRun });
            const started = Date.now();
            await schema.applySnapshot(runs.schema, step.node.snapshot);
            durationMs = Date.now() - started;
          }
          ranHere.add(step.ref);
          applied.push({ ...ref, durationMs, ...(plans ? { plans } : {}) });
          this.emit('migrated', { ...ref, durationMs, dryRun });
        }
        const batches: CombinedRunResult['batches'] = {};
        if (!dryRun) for (const kind of ['data', 'schema'] as const) if (applied.some((s) => s.kind === kind)) batches[kind] = runs[kind].batch;
        return { dryRun, applied, skipped, batches };
      });
    }));
  }

  /**
   * Rolls back the last `steps` migrations applied, of either kind (`{ all: true }`: every one),
   * newest first: data migrations through `down()`, schema migrations back to the definitions
   * they replaced. Everything is checked before the first is undone: files present, `down()`
   * defined, no migration left applied that depends on one rolled back. A dry run only lists.
   */
  async rollback(request: AllRollbackRequest, options: { dryRun?: boolean; signal?: AbortSignal } = {}): Promise<CombinedRollbackResult> {
    const dryRun = options.dryRun ?? false;
    const { signal } = options;
    const { data, schema } = await this.parts();
    const loaded = this.load(data, schema);
    return data.tracked('rollback', dryRun, () => this.engine.runAll('rollback', { dryRun, onWait: this.onWait, signal }, async (runs) => {
      const ledgers = ledgersOf(runs);
      const plan = planAllRollback(orderAll(loaded.data, loaded.schema, ledgers), ledgers, request);
      const moves = checkRollback(plan, loaded.schema, ledgers);
      if (!dryRun && plan.some((step) => step.kind === 'schema')) schema.assertDatabaseZero();
      this.emit('started', { action: 'rollback', steps: plan.map(refOfStep), dryRun });
      if (dryRun) return { dryRun, rolledBack: plan.map((step) => ({ ...refOfStep(step), durationMs: 0 })) };
      return data.withSteps(runs.data, { dryRun, signal }, async (steps) => {
        const rolledBack: CombinedRollbackResult['rolledBack'] = [];
        for (const step of plan) {
          if (signal?.aborted) throw new InterruptedError(signal.reason, `before ${step.ref}; this run rolled back ${rolledBack.length}, ${plan.length - rolledBack.length} not rolled back`);
          const ref = refOfStep(step);
          this.emit('reverting', { ...ref, dryRun });
          const started = Date.now();
          if (step.kind === 'data') await steps.down(step.node.migration);
          else await schema.revertSnapshot(runs.schema, step.node.snapshot.snapshot, moves.get(step.id)!);
          const durationMs = Date.now() - started;
          rolledBack.push({ ...ref, durationMs });
          this.emit('reverted', { ...ref, durationMs, dryRun });
        }
        return { dryRun, rolledBack };
      });
    }));
  }

  /** Closes the Redis connection the migrator opened (not one passed in as `redis`). */
  close(): Promise<void> {
    return this.engine.close();
  }

  private readonly onWait = (timeoutMs: number) => this.emit('waitingForLock', { timeoutMs });

  /** Both migrators, on this migrator's one connection, built once it is open. */
  private async parts(): Promise<{ data: DataMigrator; schema: SchemaMigrator }> {
    if (this.migrators) return this.migrators;
    const { redis } = await this.engine.open();
    const data = new DataMigrator({ ...this.options, redis });
    const schema = new SchemaMigrator({ ...this.options, redis });
    data.on('progress', (progress) => this.emit('progress', progress));
    data.on('failure', ({ id, ...failure }) => this.emit('failure', { kind: 'data', id, failure }));
    data.on('failureSummary', (summary) => this.emit('failureSummary', summary));
    schema.on('indexing', (event) => this.emit('indexing', event));
    // The snapshot being applied is the one `migrating` named last.
    let applying = '';
    schema.on('migrating', ({ id }) => (applying = id));
    schema.on('movingKeys', (event) => this.emit('movingKeys', { id: applying, ...event }));
    schema.on('failure', ({ id, failure }) => this.emit('failure', { kind: 'schema', id, failure }));
    this.migrators = { data, schema };
    return this.migrators;
  }

  /** The migrations of both kinds, as the ordering sees them. Touches no Redis. */
  private load(data: DataMigrator, schema: SchemaMigrator): { data: DataStepNode[]; schema: SchemaStepNode[] } {
    return {
      data: data.load().map((m) => ({ id: m.id, dependencies: m.dependencies, source: m.source, migration: m })),
      // Shown as the user would type them, like the data migrations' files.
      schema: schema.snapshots().map((s) => ({ id: s.snapshot.id, after: s.snapshot.after ?? [], source: relative(this.settings.cwd, s.file) || s.file, snapshot: s })),
    };
  }

  /** Both ledgers and the combined order, read without the lock. */
  private async read(): Promise<{ ordered: CombinedStep[]; ledgers: Ledgers }> {
    const { data, schema } = await this.parts();
    const loaded = this.load(data, schema);
    return this.engine.read(async (run) => {
      const ledgers = { data: run.entries, schema: await run.entriesOf('schema') };
      return { ordered: orderAll(loaded.data, loaded.schema, ledgers), ledgers };
    });
  }
}

function refOfStep(step: CombinedStep): StepRef {
  return { kind: step.kind, id: step.id };
}

function ledgersOf(runs: Record<LedgerKind, LockedRun>): Ledgers {
  return { data: runs.data.entries, schema: runs.schema.entries };
}

/**
 * Checks, before anything is undone, that every migration of the plan can be: data migrations
 * have a `down()`, and each schema migration is the newest applied on its indexes once the
 * ones before it in the plan are undone. Returns the index moves of each schema migration.
 */
function checkRollback(plan: readonly CombinedStep[], snapshots: readonly SchemaStepNode[], ledgers: Ledgers): Map<string, IndexMove[]> {
  const withoutDown = plan.filter((step) => step.kind === 'data' && typeof step.node.migration.migration.down !== 'function');
  if (withoutDown.length > 0) {
    throw new MigrationStateError(`Cannot roll back ${withoutDown.map((s) => s.id).join(', ')}: no down() defined. Nothing was rolled back.`, {
      hint: 'Add a down() to the migration, or roll back fewer steps.',
    });
  }
  const moves = new Map<string, IndexMove[]>();
  let schemaLedger = ledgers.schema;
  for (const step of plan) {
    if (step.kind !== 'schema') continue;
    moves.set(step.id, planSchemaRollback(snapshots.map((s) => s.snapshot), schemaLedger, step.id));
    schemaLedger = schemaLedger.filter((e) => e.id !== step.id);
  }
  return moves;
}
