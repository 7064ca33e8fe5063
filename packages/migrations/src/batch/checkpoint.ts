import { z } from 'zod';
import type { RedisClient } from '../redis/client';
import { stateKeys } from '../state/keys';
import type { FailureRecord } from './types';

const countersSchema = z.object({
  keys: z.number(),
  keysChanged: z.number(),
  converted: z.number(),
  unchanged: z.number(),
  missing: z.number(),
  failed: z.number(),
  defaulted: z.number(),
  conflicts: z.number(),
  batches: z.number(),
});

const checkpointSchema = z.object({
  version: z.literal(1),
  name: z.string(),
  match: z.string(),
  type: z.enum(['hash', 'json']),
  startedAt: z.string(),
  updatedAt: z.string(),
  /**
   * One SCAN cursor per master (one entry on a single server), as decimal text, with the
   * run_id of the server process that handed it out: a cursor means nothing to another process
   * (a restart, a reload, a failover). Absent in checkpoints saved before it was kept, or when
   * the server does not tell it; such a cursor is never trusted.
   */
  nodes: z.array(z.object({ node: z.string(), cursor: z.string(), done: z.boolean(), runId: z.string().optional() })),
  counters: countersSchema,
  lastError: z
    .object({ key: z.string(), field: z.string(), value: z.string(), reason: z.string(), at: z.string() })
    .optional(),
  done: z.boolean(),
});

/**
 * Where a scan is: a cursor per master, the counters and the last failure. Its size does not
 * grow with the number of keys (Redis OM Python's progress state grows with every key).
 */
export type Checkpoint = z.infer<typeof checkpointSchema>;

/** What a checkpoint save writes: `HSET key field value`. */
export interface CheckpointWrite {
  readonly key: string;
  readonly field: string;
  readonly value: string;
}

/** Cuts a value for logs and the checkpoint, so neither grows with the data. */
export function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length} chars)`;
}

/** Builds a failure record with a clipped value. */
export function failureRecord(key: string, field: string, value: string, reason: string): FailureRecord {
  return { key, field, value: clip(value), reason: clip(reason), at: new Date().toISOString() };
}

/**
 * The checkpoints of batched scans: one HASH under the engine's prefix, field = scan name,
 * value = JSON {@link Checkpoint}. Saved after every batch, so a killed run loses at most one
 * batch of bookkeeping (and redoes it harmlessly: the transforms are idempotent).
 */
export class CheckpointStore {
  private readonly key: string;

  constructor(
    private readonly redis: RedisClient,
    keyPrefix: string,
  ) {
    this.key = stateKeys(keyPrefix).dataProgress;
  }

  async get(name: string): Promise<Checkpoint | undefined> {
    return parse(await this.redis.hget(this.key, name));
  }

  /** Every saved checkpoint; unreadable ones (edited by hand) are left out. */
  async list(): Promise<Checkpoint[]> {
    const all = await this.redis.hgetall(this.key);
    return Object.values(all)
      .map(parse)
      .filter((c): c is Checkpoint => c !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async save(checkpoint: Checkpoint): Promise<void> {
    const { key, field, value } = this.saving(checkpoint);
    await this.redis.hset(key, field, value);
  }

  /** The HSET that saves `checkpoint`, for a script that saves it with a batch's writes. */
  saving(checkpoint: Checkpoint): CheckpointWrite {
    return { key: this.key, field: checkpoint.name, value: JSON.stringify(checkpoint) };
  }

  /** Removes one checkpoint, or those whose name starts with `prefix`, or all. Returns how many. */
  async clear(selector: { name: string } | { prefix: string } | 'all'): Promise<number> {
    if (selector === 'all') {
      const count = await this.redis.hlen(this.key);
      await this.redis.del(this.key);
      return count;
    }
    if ('name' in selector) return this.redis.hdel(this.key, selector.name);
    const names = (await this.redis.hkeys(this.key)).filter((n) => n.startsWith(selector.prefix));
    return names.length === 0 ? 0 : this.redis.hdel(this.key, ...names);
  }
}

/**
 * Saves one checkpoint that several walkers move at once (the masters of a cluster). Saves go
 * out one at a time, each a snapshot taken when it is sent, so a save never overtakes a later
 * one and never carries less progress than one before it; a save asked for while another
 * waits to be sent joins it (its snapshot will include the caller's progress).
 */
export class CheckpointSaver {
  private sending: Promise<void> = Promise.resolve();
  private waiting: Promise<void> | undefined;

  constructor(
    private readonly store: CheckpointStore,
    /** The checkpoint as it is now. */
    private readonly snapshot: () => Checkpoint,
  ) {}

  save(): Promise<void> {
    if (this.waiting) return this.waiting;
    const next = this.sending
      .catch(() => undefined)
      .then(() => {
        this.waiting = undefined;
        return this.store.save(this.snapshot());
      });
    this.waiting = next;
    this.sending = next;
    return next;
  }

  /** Resolves once every save asked for so far is sent (failed ones included). */
  async settled(): Promise<void> {
    await this.sending.catch(() => undefined);
  }
}

function parse(raw: string | null): Checkpoint | undefined {
  if (raw === null) return undefined;
  try {
    const parsed = checkpointSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

