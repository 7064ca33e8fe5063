import { Cluster } from 'ioredis';
import type { Settings } from '../config/settings';
import type { RedisClient } from '../redis/client';
import { connectRedis } from '../redis/connect';
import { clusterSafePrefix, stateKeys } from './keys';
import { Ledger } from './ledger';
import { MigrationLock, type HeldLock } from './lock';

/** Which ledger a migrator keeps: data and schema migrations are recorded apart. */
export type LedgerKind = 'data' | 'schema';

/**
 * The Redis connection a migrator works on (opened on first use, or the client it was given)
 * and the state kept on it: the ledger of one kind and the lock that data and schema
 * migrations share, so one runner at a time changes anything.
 */
export class EngineState {
  private connection?: Promise<RedisClient>;
  private readonly ownsConnection: boolean;
  private prefix?: string;

  constructor(
    private readonly settings: Settings,
    private readonly kind: LedgerKind,
    redis?: RedisClient,
  ) {
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

  /** Connects on first use; a failed connection is retried by the next call. */
  async open(): Promise<{ redis: RedisClient; ledger: Ledger; lock: MigrationLock }> {
    this.connection ??= connectRedis(this.settings.redisUrl);
    let redis: RedisClient;
    try {
      redis = await this.connection;
    } catch (error) {
      this.connection = undefined;
      throw error;
    }
    this.prefix = redis instanceof Cluster ? clusterSafePrefix(this.settings.keyPrefix) : this.settings.keyPrefix;
    const keys = stateKeys(this.prefix);
    const ledgerKey = this.kind === 'data' ? keys.dataLedger : keys.schemaLedger;
    return { redis, ledger: new Ledger(redis, ledgerKey, keys.lock), lock: new MigrationLock(redis, keys.lock) };
  }

  /** Takes the lock for `command`, calling `onWait` first when someone else holds it. */
  async acquire(lock: MigrationLock, command: string, onWait: (timeoutMs: number) => void): Promise<HeldLock> {
    if (await lock.holder()) onWait(this.settings.lockTimeoutMs);
    return lock.acquire({ timeoutMs: this.settings.lockTimeoutMs, leaseMs: this.settings.lockLeaseMs, command });
  }

  /** Closes the connection it opened (never a client it was given). */
  async close(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection || !this.ownsConnection) return;
    const redis = await connection.catch(() => undefined);
    await redis?.quit().catch(() => undefined);
  }
}
