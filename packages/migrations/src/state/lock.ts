import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { InterruptedError, LockTimeoutError } from '../errors';
import { DEFAULT_LOCK_LEASE_MS, DEFAULT_LOCK_TIMEOUT_MS } from '../config/defaults';
import type { RedisClient } from '../redis/client';

const holderSchema = z.object({ token: z.string(), owner: z.string(), since: z.string(), command: z.string() });
type Holder = z.infer<typeof holderSchema>;

/** Renews a lease held by ARGV[1] (KEYS[1]) for ARGV[2] ms; 0 when it is not held by it. */
export const RENEW_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
/** Deletes a lease (KEYS[1]) only while ARGV[1] holds it. */
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// Joins the lock of a shared run: takes it when free; when it is held by a run of the same
// group (its value starts with ARGV[2]), renews it and answers its value; else answers nil.
const JOIN = `
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
  return ARGV[1]
end
if string.sub(v, 1, #ARGV[2]) == ARGV[2] then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return v
end
return false`;

export interface LockOptions {
  /** Lease in ms; the holder renews it every third of it. */
  leaseMs?: number;
  /** How long to wait for another holder to finish, in ms. 0 fails at once. */
  timeoutMs?: number;
  /** Poll interval while waiting, in ms. */
  pollMs?: number;
  /** What the holder is doing, shown to whoever waits. */
  command?: string;
  /** Stops waiting once aborted, with an `InterruptedError`. */
  signal?: AbortSignal;
  /**
   * Share the lock with the processes of one scaled-out run: those that give the same group
   * (a digest of what they run) hold it together; anyone else waits as usual.
   */
  group?: string;
}

/** A held lock: its value fences ledger writes; `release` gives it up. */
export interface HeldLock {
  readonly value: string;
  /** True once a renewal found the lock taken by someone else or gone. */
  readonly lost: boolean;
  /**
   * Held with others (a scaled-out run): the id of that run, the same for every process that
   * joined it, new for each run.
   */
  readonly session?: string;
  release(): Promise<void>;
}

/**
 * A lease lock in Redis: `SET key value NX PX lease`, renewed while the holder works, released
 * only by its owner (compare-and-delete). A holder killed with SIGKILL stops renewing and its
 * lease expires, so the lock never stays stuck.
 */
export class MigrationLock {
  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
  ) {}

  async acquire(options: LockOptions = {}): Promise<HeldLock> {
    const leaseMs = options.leaseMs ?? DEFAULT_LOCK_LEASE_MS;
    const timeoutMs = options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
    const pollMs = options.pollMs ?? 200;
    const holder: Holder = {
      token: options.group === undefined ? randomUUID() : `group:${options.group}:${randomUUID()}`,
      owner: `${hostname()} pid ${process.pid}`,
      since: new Date().toISOString(),
      command: options.command ?? 'om migrate-data',
    };
    const value = JSON.stringify(holder);
    const deadline = Date.now() + timeoutMs;
    const group = options.group === undefined ? undefined : `{"token":"group:${options.group}:`;
    for (;;) {
      if (group !== undefined) {
        const joined = (await this.redis.eval(JOIN, 1, this.key, value, group, leaseMs)) as string | null;
        if (joined !== null) return this.hold(joined, leaseMs, holderSchema.parse(JSON.parse(joined)).token.slice(group.length - 10));
      } else if ((await this.redis.set(this.key, value, 'PX', leaseMs, 'NX')) === 'OK') {
        return this.hold(value, leaseMs);
      }
      if (Date.now() >= deadline) throw await this.timeoutError(timeoutMs);
      await sleep(Math.min(pollMs, Math.max(deadline - Date.now(), 1)), options.signal);
      if (options.signal?.aborted) throw new InterruptedError(options.signal.reason, 'while waiting for the migration lock; nothing ran');
    }
  }

  /** Who holds the lock now, if anyone. */
  async holder(): Promise<(Holder & { expiresInMs: number }) | undefined> {
    const [value, ttl] = await Promise.all([this.redis.get(this.key), this.redis.pttl(this.key)]);
    if (value === null) return undefined;
    const parsed = holderSchema.safeParse(safeJson(value));
    const base = parsed.success ? parsed.data : { token: '?', owner: value, since: '?', command: '?' };
    return { ...base, expiresInMs: Math.max(ttl, 0) };
  }

  private hold(value: string, leaseMs: number, session?: string): HeldLock {
    let lost = false;
    const timer = setInterval(() => {
      this.redis.eval(RENEW_LEASE, 1, this.key, value, leaseMs).then(
        (renewed) => {
          if (renewed !== 1) lost = true;
        },
        // A failed renewal is retried at the next tick; the fenced ledger write is the real guard.
        () => undefined,
      );
    }, Math.max(Math.floor(leaseMs / 3), 50));
    timer.unref();
    return {
      value,
      get lost() {
        return lost;
      },
      ...(session === undefined ? {} : { session }),
      release: async () => {
        clearInterval(timer);
        // Shared, the others may still work under it: it expires once the last one stops renewing.
        if (session === undefined) await this.redis.eval(RELEASE_LEASE, 1, this.key, value);
      },
    };
  }

  private async timeoutError(timeoutMs: number): Promise<LockTimeoutError> {
    const holder = await this.holder();
    const who = holder
      ? `${holder.owner}, running ${holder.command} since ${holder.since} (lease expires in ${Math.ceil(holder.expiresInMs / 1000)}s unless renewed)`
      : 'a process that has just released it';
    return new LockTimeoutError(`Another migration run holds the lock ${this.key}: ${who}. Waited ${Math.round(timeoutMs / 1000)}s.`, {
      hint: 'Wait for it to finish and run again, or raise --lock-timeout. If that process is dead, its lease expires by itself.',
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Waits `ms`, or less when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
