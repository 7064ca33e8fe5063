import { z } from 'zod';
import { LockLostError, MigrationStateError } from '../errors';
import type { RedisClient } from '../redis/client';

const entrySchema = z.object({
  id: z.string(),
  appliedAt: z.string(),
  batch: z.number().int().positive(),
  /** Position in the global apply order, so rollbacks undo in exact reverse. */
  order: z.number().int().nonnegative(),
  checksum: z.string(),
  durationMs: z.number().nonnegative(),
});

/** One applied migration as recorded in Redis. */
export type LedgerEntry = z.infer<typeof entrySchema>;

// Writes are fenced by the lock: they happen only while this process still holds it, so a
// runner whose lease expired can never record over a runner that took the lock since.
const FENCED_SET = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('OM_LOCK_LOST') end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1`;
// The processes of a scaled-out run share the lock: the first to record an entry writes it,
// the others find it there (so it is written exactly once).
const FENCED_SET_ONCE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('OM_LOCK_LOST') end
if redis.call('HEXISTS', KEYS[2], ARGV[2]) == 1 then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1`;
const FENCED_DEL = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('OM_LOCK_LOST') end
return redis.call('HDEL', KEYS[2], ARGV[2])`;

/**
 * The record of applied migrations of one kind: a Redis HASH of id → JSON entry.
 * Reads need no lock; every write proves it holds the lock (see {@link MigrationLock}).
 */
export class Ledger {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly lockKey: string,
    /** The CLI command whose `status` the hints name: `om migrate-data` or `om migrate`. */
    private readonly command: string,
  ) {}

  /** Every applied migration, in the order they were applied. */
  async entries(): Promise<LedgerEntry[]> {
    const raw = await this.redis.hgetall(this.key);
    const entries = Object.entries(raw).map(([id, json]) => {
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch {
        value = undefined;
      }
      const parsed = entrySchema.safeParse(value);
      if (!parsed.success || parsed.data.id !== id) {
        throw new MigrationStateError(`The ledger entry for ${id} in ${this.key} is not valid.`, {
          hint: `Someone edited it by hand. Fix or remove it: HDEL ${this.key} ${id} (then stamp the migration again if it was applied).`,
        });
      }
      return parsed.data;
    });
    return entries.sort((a, b) => a.order - b.order);
  }

  /** Records `entry` while `lockValue` still holds the lock. */
  async record(entry: LedgerEntry, lockValue: string): Promise<void> {
    await this.fenced(FENCED_SET, [entry.id, JSON.stringify(entry)], lockValue);
  }

  /**
   * Records `entry` while `lockValue` still holds the lock, unless an entry for its id is there
   * already (another process of a shared run recorded it); true when this call wrote it.
   */
  async recordOnce(entry: LedgerEntry, lockValue: string): Promise<boolean> {
    return (await this.fenced(FENCED_SET_ONCE, [entry.id, JSON.stringify(entry)], lockValue)) === 1;
  }

  /** Removes the entry of `id` while `lockValue` still holds the lock. */
  async remove(id: string, lockValue: string): Promise<void> {
    await this.fenced(FENCED_DEL, [id], lockValue);
  }

  private async fenced(script: string, args: string[], lockValue: string): Promise<unknown> {
    try {
      return await this.redis.eval(script, 2, this.lockKey, this.key, lockValue, ...args);
    } catch (error) {
      if (String((error as Error).message).includes('OM_LOCK_LOST')) {
        throw new LockLostError('The migration lock expired while this run held it; the ledger was not changed.', {
          hint: `Another process may have taken over. Check \`${this.command} status\`, then run again.`,
        });
      }
      throw error;
    }
  }
}
