import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { InterruptedError, LockTimeoutError } from '../errors';
import { DEFAULT_LOCK_LEASE_MS, DEFAULT_LOCK_TIMEOUT_MS } from '../config/defaults';
import type { RedisClient } from '../redis/client';

const holderSchema = z.object({ token: z.string(), owner: z.string(), since: z.string(), command: z.string() });
type Holder = z.infer<typeof holderSchema>;

const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

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
}

/** A held lock: its value fences ledger writes; `release` gives it up. */
export interface HeldLock {
  readonly value: string;
  /** True once a renewal found the lock taken by someone else or gone. */
  readonly lost: boolean;
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
      token: randomUUID(),
      owner: `${hostname()} pid ${process.pid}`,
      since: new Date().toISOString(),
      command: options.command ?? 'om migrate-data',
    };
    const value = JSON.stringify(holder);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ok = await this.redis.set(this.key, value, 'PX', leaseMs, 'NX');
      if (ok === 'OK') return this.hold(value, leaseMs);
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

  private hold(value: string, leaseMs: number): HeldLock {
    let lost = false;
    const timer = setInterval(() => {
      this.redis.eval(RENEW, 1, this.key, value, leaseMs).then(
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
      release: async () => {
        clearInterval(timer);
        await this.redis.eval(RELEASE, 1, this.key, value);
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
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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
