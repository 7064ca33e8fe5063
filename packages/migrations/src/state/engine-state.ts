import { Cluster } from 'ioredis';
import type { Settings } from '../config/settings';
import { InterruptedError, LockLostError, describeCause } from '../errors';
import type { Logger } from '../logger';
import type { RedisClient } from '../redis/client';
import { connectRedis } from '../redis/connect';
import { clusterSafePrefix, namespacePrefix, stateKeys } from './keys';
import { Ledger, type LedgerEntry } from './ledger';
import { MigrationLock, type HeldLock } from './lock';

/** Which ledger a migrator keeps: data and schema migrations are recorded apart. */
export type LedgerKind = 'data' | 'schema';

/** The CLI command of each kind, named in the lock holder and in hints. */
const COMMANDS: Readonly<Record<LedgerKind, string>> = { data: 'om migrate-data', schema: 'om migrate' };

/** The command that runs both kinds in one order under one lock ({@link EngineState.runAll}). */
const ALL_COMMAND = 'om migrate-all';

/** A migration to record as applied by the current run. */
export interface AppliedMigration {
  readonly id: string;
  readonly checksum: string;
  readonly durationMs: number;
}

/** What a command's body works with inside {@link EngineState.run}. */
export interface LockedRun {
  readonly redis: RedisClient;
  /** The ledger as it was once the lock was held (in a dry run: when the run started). */
  readonly entries: readonly LedgerEntry[];
  /** The batch this run records under: one more than the newest recorded. */
  readonly batch: number;
  readonly dryRun: boolean;
  /** Throws a {@link LockLostError} once the lease has expired under this run. */
  assertHeld(): void;
  /**
   * Records `applied` in this run's batch, next in the apply order, while the lock is held.
   * Undefined in a shared run when another of its processes recorded it first.
   */
  record(applied: AppliedMigration): Promise<LedgerEntry | undefined>;
  /** The id of the shared run this process joined (see {@link RunOptions.group}). */
  readonly session?: string;
  /** Removes the ledger entry of `id` while the lock is held. */
  remove(id: string): Promise<void>;
  /**
   * The ledger of either kind as it is now: a migrator checks the other kind's ledger before it
   * runs a migration that depends on one of the other kind (see docs/ordering.md).
   */
  entriesOf(kind: LedgerKind): Promise<readonly LedgerEntry[]>;
}

/** How {@link EngineState.run} runs a command. */
export interface RunOptions {
  /** Take no lock and allow no ledger write: the body only reads and plans. */
  readonly dryRun?: boolean;
  /** Called before waiting, when another process holds the lock. */
  readonly onWait?: (timeoutMs: number) => void;
  /** Stops waiting for the lock once aborted; the body watches it too. */
  readonly signal?: AbortSignal;
  /**
   * Hold the lock together with the other processes that give this group (a scaled-out run;
   * see docs/architecture.md); each migration is then recorded by the first that finishes it.
   */
  readonly group?: string;
}

/**
 * The Redis connection a migrator works on (opened on first use, or the client it was given)
 * and the state kept on it: the ledger of one kind and the lock that data and schema
 * migrations share, so one runner at a time changes anything. Every command that changes the
 * ledger goes through {@link run}.
 */
export class EngineState {
  private connection?: Promise<RedisClient>;
  private readonly ownsConnection: boolean;
  private prefix?: string;
  /** `om migrate-data` or `om migrate`. */
  readonly command: string;

  constructor(
    private readonly settings: Settings,
    private readonly kind: LedgerKind,
    private readonly logger: Logger,
    redis?: RedisClient,
  ) {
    this.command = COMMANDS[kind];
    this.ownsConnection = redis === undefined;
    if (redis) this.connection = Promise.resolve(redis);
  }

  /**
   * The prefix of the engine's keys on the connected server: the configured one, with a hash
   * tag added on a Redis Cluster (see {@link clusterSafePrefix}). Valid once connected.
   */
  get keyPrefix(): string {
    return this.prefix ?? this.settings.keyPrefix;
  }

  /**
   * The prefix of this namespace's own keys (ledgers, checkpoints): {@link keyPrefix} followed
   * by the namespace, or the key prefix itself without one. Valid once connected.
   */
  get statePrefix(): string {
    return namespacePrefix(this.keyPrefix, this.settings.namespace);
  }

  /** Connects on first use; a failed connection is retried by the next call. */
  async open(): Promise<{ redis: RedisClient; ledger: Ledger; lock: MigrationLock; ledgers: Record<LedgerKind, Ledger> }> {
    this.connection ??= connectRedis(this.settings.redisUrl);
    let redis: RedisClient;
    try {
      redis = await this.connection;
    } catch (error) {
      this.connection = undefined;
      throw error;
    }
    this.prefix = redis instanceof Cluster ? clusterSafePrefix(this.settings.keyPrefix) : this.settings.keyPrefix;
    const keys = stateKeys(this.prefix, this.settings.namespace);
    const ledgers: Record<LedgerKind, Ledger> = {
      data: new Ledger(redis, keys.dataLedger, keys.lock, COMMANDS.data),
      schema: new Ledger(redis, keys.schemaLedger, keys.lock, COMMANDS.schema),
    };
    return { redis, ledger: ledgers[this.kind], lock: new MigrationLock(redis, keys.lock), ledgers };
  }

  /**
   * The one path of every command that changes migrations: connects, takes the lock for
   * `<command> <verb>` (not in a dry run), reads the ledger, runs `body`, and releases the lock
   * whatever happens. A failed release never replaces the body's error: the lease expires by
   * itself, so it is only reported as a warning.
   */
  async run<T>(verb: string, options: RunOptions, body: (run: LockedRun) => Promise<T>): Promise<T> {
    return this.locked(`${this.command} ${verb}`, options, async (redis, ledgers, held) =>
      body(this.lockedRun(redis, ledgers, this.kind, await ledgers[this.kind].entries(), held)),
    );
  }

  /**
   * {@link run} for both kinds at once (`om migrate-all`): one lock acquisition for the whole
   * body, and a {@link LockedRun} per ledger, so each migration is recorded in its own kind's
   * ledger as it completes and the single-kind commands keep reading the truth.
   */
  async runAll<T>(verb: string, options: RunOptions, body: (runs: Record<LedgerKind, LockedRun>) => Promise<T>): Promise<T> {
    return this.locked(`${ALL_COMMAND} ${verb}`, options, async (redis, ledgers, held) => {
      const [data, schema] = await Promise.all([ledgers.data.entries(), ledgers.schema.entries()]);
      return body({
        data: this.lockedRun(redis, ledgers, 'data', data, held),
        schema: this.lockedRun(redis, ledgers, 'schema', schema, held),
      });
    });
  }

  /** Connects, takes the lock as `command` (not in a dry run), runs `body`, and releases the lock. */
  private async locked<T>(
    command: string,
    options: RunOptions,
    body: (redis: RedisClient, ledgers: Record<LedgerKind, Ledger>, held: HeldLock | undefined) => Promise<T>,
  ): Promise<T> {
    const { redis, ledgers, lock } = await this.open();
    const dryRun = options.dryRun ?? false;
    const held = dryRun ? undefined : await this.acquire(lock, command, options);
    let stopped: InterruptedError | undefined;
    try {
      return await body(redis, ledgers, held);
    } catch (error) {
      if (error instanceof InterruptedError) stopped = error;
      throw error;
    } finally {
      if (held) {
        await held.release().then(
          () => {
            // A stopped run tells how it ended: the lock given back means a rerun need not wait.
            if (stopped) stopped.lockReleased = true;
          },
          (error: unknown) => {
            this.logger.warn(
              `Could not release the migration lock (${describeCause(error)}); it expires by itself within ${Math.ceil(this.settings.lockLeaseMs / 1000)}s.`,
            );
          },
        );
      }
    }
  }

  /** Runs `body` on the ledger as it is, without the lock: for status, plans and dry runs. */
  read<T>(body: (run: LockedRun) => Promise<T>): Promise<T> {
    return this.run('read', { dryRun: true }, body);
  }

  /** Closes the connection it opened (never a client it was given). */
  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection || !this.ownsConnection) return;
    const redis = await connection.catch(() => undefined);
    await redis?.quit().catch(() => undefined);
  }

  private async acquire(lock: MigrationLock, command: string, { onWait, signal, group }: RunOptions): Promise<HeldLock> {
    const holder = await lock.holder();
    if (holder && !(group !== undefined && holder.token.startsWith(`group:${group}:`))) onWait?.(this.settings.lockTimeoutMs);
    return lock.acquire({ timeoutMs: this.settings.lockTimeoutMs, leaseMs: this.settings.lockLeaseMs, command, signal, ...(group === undefined ? {} : { group }) });
  }

  private lockedRun(
    redis: RedisClient,
    ledgers: Record<LedgerKind, Ledger>,
    kind: LedgerKind,
    entries: readonly LedgerEntry[],
    held: HeldLock | undefined,
  ): LockedRun {
    const ledger = ledgers[kind];
    const batch = Math.max(0, ...entries.map((e) => e.batch)) + 1;
    let order = Math.max(-1, ...entries.map((e) => e.order)) + 1;
    const assertHeld = () => {
      if (held?.lost) {
        throw new LockLostError('The migration lock was lost while this run held it (the lease expired); stopping.', {
          hint: `Another process may be running migrations now. Check \`${this.command} status\` before running again.`,
        });
      }
    };
    const holder = (): HeldLock => {
      // The migrators never write in a dry run; reaching this is a bug in the engine.
      if (!held) throw new Error('A dry run tried to change the ledger.');
      assertHeld();
      return held;
    };
    return {
      redis,
      entries,
      batch,
      dryRun: held === undefined,
      assertHeld,
      ...(held?.session === undefined ? {} : { session: held.session }),
      record: async ({ id, checksum, durationMs }) => {
        const lock = holder();
        const entry: LedgerEntry = { id, appliedAt: new Date().toISOString(), batch, order: order++, checksum, durationMs };
        if (lock.session !== undefined) return (await ledger.recordOnce(entry, lock.value)) ? entry : undefined;
        await ledger.record(entry, lock.value);
        return entry;
      },
      remove: (id) => ledger.remove(id, holder().value),
      entriesOf: (other) => ledgers[other].entries(),
    };
  }
}
