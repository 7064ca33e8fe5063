import type Redis from 'ioredis';
import { OmError, underlyingError } from '../errors';
import type { KeyWrites } from './decide';
import type { ScanNode } from '../redis/nodes';
import type { CheckpointWrite } from './checkpoint';
import { HASH_COMPARE_AND_SET, HASH_COMPARE_AND_SET_BATCH, HASH_COMPARE_AND_SET_NODE_BATCH, HASH_COMPARE_AND_SET_SLICE, HASH_RELOCATE, JSON_COMPARE_AND_SET, JSON_RELOCATE } from './scripts';
import { isConnectionError } from '../redis/connection-errors';
import { isTopologyError } from '../redis/nodes';
import type { Relocation } from './types';

/** SHA1 of a script per connection, loaded once (SCRIPT LOAD) and again after NOSCRIPT. */
class ScriptCache {
  private readonly loaded = new WeakMap<Redis, Promise<string>>();

  constructor(readonly source: string) {}

  sha(client: Redis): Promise<string> {
    let sha = this.loaded.get(client);
    if (!sha) {
      sha = client.script('LOAD', this.source) as Promise<string>;
      this.loaded.set(client, sha);
    }
    return sha;
  }

  forget(client: Redis): void {
    this.loaded.delete(client);
  }
}

/** One EVALSHA of a batch. */
interface ScriptCall {
  readonly keys: readonly string[];
  readonly args: readonly string[];
  /** What it writes, for the error message: a key, "a batch of n keys", or a slice of one. */
  readonly what: string;
}

/**
 * Keys per script call when a throttled scan writes a single-server HASH batch in slices. The
 * server is held about 5 µs a key (scripts.ts), about 22 µs where a RediSearch index covers the
 * keys (each write reindexes its document), so an app command waits for a slice of 50 (about
 * 1 ms with an index) rather than a batch of 1000 (25 to 40 ms). Measured at half rate
 * (docs/performance.md): 25 keys did no better than 50, with twice the calls; 100 kept a
 * longer p99.
 */
export const THROTTLED_SLICE_KEYS = 50;

/**
 * The compare-and-set writes of one scan (see scripts.ts for why Lua): on a single server a
 * HASH batch is one script call, or, given `sliceKeys`, one call per slice of that many keys,
 * pipelined; otherwise one call per key, pipelined. Every way the calls go through
 * {@link evalAll}, the one place that reloads a script the server has forgotten.
 */
export class CompareAndSetWriter {
  private readonly perKey: ScriptCache;
  private readonly batch = new ScriptCache(HASH_COMPARE_AND_SET_BATCH);
  private readonly slice = new ScriptCache(HASH_COMPARE_AND_SET_SLICE);
  private readonly nodeBatch = new ScriptCache(HASH_COMPARE_AND_SET_NODE_BATCH);
  /** Cluster nodes that refused the node batch script (before Redis 7.0: no script flags). */
  private readonly noNodeBatch = new WeakSet<Redis>();

  constructor(
    private readonly type: 'hash' | 'json',
    /** The scan's name, for error messages. */
    private readonly scan: string,
    /** Write elsewhere than where the value was read (a renamed field). */
    private readonly relocate?: Relocation,
    /**
     * Keys per script call of a single-server HASH batch (undefined: the whole batch in one
     * call): shorter stalls for the app, one more round trip per batch for the checkpoint.
     */
    private readonly sliceKeys?: number,
  ) {
    const scripts = relocate ? [HASH_RELOCATE, JSON_RELOCATE] : [HASH_COMPARE_AND_SET, JSON_COMPARE_AND_SET];
    this.perKey = new ScriptCache(type === 'hash' ? scripts[0]! : scripts[1]!);
  }

  /** True when {@link write} saves the checkpoint of a batch of `keys` writes in the call that writes it. */
  savesCheckpoint(node: ScanNode, keys: number): boolean {
    return this.batched(node) && (this.sliceKeys === undefined || keys <= this.sliceKeys);
  }

  /** True when a batch on `node` is written by multi-key script calls (not one call per key). */
  private batched(node: ScanNode): boolean {
    return this.type === 'hash' && !node.clustered && !this.relocate;
  }

  /**
   * Writes a batch on one node; returns, per key of `writes`, the fields not written
   * (conflicts), and whether `checkpoint` was saved with it: atomically after the writes, where
   * {@link savesCheckpoint} says so and nothing conflicted.
   */
  async write(node: ScanNode, writes: readonly KeyWrites[], checkpoint?: CheckpointWrite): Promise<{ conflicts: ReadonlySet<string>[]; saved: boolean }> {
    if (this.relocate) {
      const { to, mode } = this.relocate;
      const calls = writes.map((w) => ({ keys: [w.key], args: [...w.values.flatMap((v) => [v.field, v.expected, v.next]), to, mode], what: w.key }));
      return { conflicts: (await this.evalAll(node.client, this.perKey, calls)).map((reply) => new Set(reply as string[])), saved: false };
    }
    if (this.savesCheckpoint(node, writes.length) && checkpoint) {
      const call = multiKeyCall(writes, 0, writes.length, checkpoint);
      const [reply] = await this.evalAll(node.client, this.batch, [call]);
      const conflicts = writes.map(() => new Set<string>());
      addConflicts(conflicts, 0, reply);
      return { conflicts, saved: (reply as unknown[]).length === 0 };
    }
    if (this.batched(node)) {
      // Pipelined: the server reads a pipeline a buffer at a time and serves other clients
      // between reads, so app commands run between slices. The checkpoint is not among the
      // calls: a slice after a failed one would still run, so it is saved by the caller once
      // every reply came back clean.
      const size = this.sliceKeys ?? writes.length;
      const calls: ScriptCall[] = [];
      for (let from = 0; from < writes.length; from += size) calls.push(multiKeyCall(writes, from, Math.min(writes.length, from + size)));
      const replies = await this.evalAll(node.client, this.slice, calls);
      const conflicts = writes.map(() => new Set<string>());
      replies.forEach((reply, i) => addConflicts(conflicts, i * size, reply));
      return { conflicts, saved: false };
    }
    if (this.type === 'hash' && node.clustered && !this.noNodeBatch.has(node.client)) {
      try {
        return { conflicts: await this.writeNodeBatch(node.client, writes), saved: false };
      } catch (error) {
        // Nothing was written (a script that fails before its first write, or is refused);
        // one key per call below says what is wrong, key by key (MOVED after a failover).
        const cause = underlyingError(error);
        if (isConnectionError(cause)) throw error;
        const moved = isTopologyError(cause) || /non local key|CROSSSLOT/i.test(String((cause as Error)?.message));
        // Sliced, the slices before the failing one were written: keys one by one would read
        // those as conflicts. The walker's own failover handling walks the node again instead.
        if (moved && this.sliceKeys !== undefined && writes.length > this.sliceKeys) throw error;
        if (!moved) this.noNodeBatch.add(node.client);
      }
    }
    const calls = writes.map((w) => ({ keys: [w.key], args: w.values.flatMap((v) => [v.field, v.expected, v.next]), what: w.key }));
    const replies = await this.evalAll(node.client, this.perKey, calls);
    return { conflicts: replies.map((reply) => new Set(reply as string[])), saved: false };
  }

  /**
   * The batch on a cluster master, its keys in ARGV (see HASH_COMPARE_AND_SET_NODE_BATCH): one
   * script call, or one per slice of `sliceKeys` keys, pipelined, when throttled.
   */
  private async writeNodeBatch(client: Redis, writes: readonly KeyWrites[]): Promise<Set<string>[]> {
    const size = this.sliceKeys ?? writes.length;
    const calls: ScriptCall[] = [];
    for (let from = 0; from < writes.length; from += size) {
      const to = Math.min(writes.length, from + size);
      const call = multiKeyCall(writes, from, to);
      calls.push({ keys: [], args: [String(call.keys.length)].concat(call.keys, call.args), what: call.what });
    }
    const replies = await this.evalAll(client, this.nodeBatch, calls);
    const conflicts = writes.map(() => new Set<string>());
    replies.forEach((reply, i) => addConflicts(conflicts, i * size, reply));
    return conflicts;
  }

  /**
   * Sends every call in one pipeline and returns their replies in order. A call the server
   * answers NOSCRIPT (it lost its script cache: restart, failover, SCRIPT FLUSH) is sent again,
   * once, after the script is loaded again; any other error stops the batch.
   */
  private async evalAll(client: Redis, script: ScriptCache, calls: readonly ScriptCall[]): Promise<unknown[]> {
    const replies: unknown[] = new Array(calls.length);
    let pending = calls.map((_, i) => i);
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      const sha = await script.sha(client);
      const pipeline = client.pipeline();
      for (const i of pending) pipeline.evalsha(sha, calls[i]!.keys.length, calls[i]!.keys.concat(calls[i]!.args));
      const results: [Error | null, unknown][] = await pipeline.exec().then(
        (r) => r ?? [],
        (error: Error) => pending.map(() => [error, null]),
      );
      const retry: number[] = [];
      pending.forEach((i, j) => {
        const [error, reply] = results[j] ?? [new Error('no reply'), null];
        if (!error) replies[i] = reply;
        else if (/NOSCRIPT/.test(error.message) && attempt === 0) retry.push(i);
        else {
          throw new OmError(`${this.scan}: writing ${calls[i]!.what} failed: ${error.message}`, {
            cause: error,
            hint: 'The checkpoint stays at the batch before; run again to resume (values written already are left alone).',
          });
        }
      });
      if (retry.length > 0) script.forget(client);
      pending = retry;
    }
    return replies;
  }
}

/**
 * One call of the multi-key scripts for `writes[from..to)`: HASH_COMPARE_AND_SET_BATCH with
 * `checkpoint`, HASH_COMPARE_AND_SET_SLICE without.
 */
function multiKeyCall(writes: readonly KeyWrites[], from: number, to: number, checkpoint?: CheckpointWrite): ScriptCall {
  // Plain loops: a batch is thousands of arguments (spreads of that size showed in profiles).
  const keys: string[] = [];
  const args: string[] = checkpoint ? [checkpoint.field, checkpoint.value] : [];
  for (let i = from; i < to; i += 1) {
    const w = writes[i]!;
    keys.push(w.key);
    args.push(String(w.values.length));
    for (const v of w.values) args.push(v.field, v.expected, v.next);
  }
  if (checkpoint) keys.push(checkpoint.key);
  const what = from === 0 && to === writes.length ? `a batch of ${writes.length} keys` : `keys ${from + 1} to ${to} of a batch of ${writes.length}`;
  return { keys, args, what };
}

/** Adds a multi-key script's reply (flat key index, 1-based, and field) to `conflicts`, its first key at `offset`. */
function addConflicts(conflicts: Set<string>[], offset: number, reply: unknown): void {
  const flat = reply as (number | string)[];
  for (let i = 0; i < flat.length; i += 2) conflicts[offset + Number(flat[i]) - 1]!.add(String(flat[i + 1]));
}
