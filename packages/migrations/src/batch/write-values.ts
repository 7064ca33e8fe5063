import type Redis from 'ioredis';
import { OmError } from '../errors';
import type { KeyWrites } from './decide';
import type { ScanNode } from '../redis/nodes';
import type { CheckpointWrite } from './checkpoint';
import { HASH_COMPARE_AND_SET, HASH_COMPARE_AND_SET_BATCH, HASH_COMPARE_AND_SET_NODE_BATCH, HASH_RELOCATE, JSON_COMPARE_AND_SET, JSON_RELOCATE } from './scripts';
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
  /** What it writes, for the error message: a key, or "a batch of n keys". */
  readonly what: string;
}

/**
 * The compare-and-set writes of one scan (see scripts.ts for why Lua): on a single server a
 * HASH batch is one script call, otherwise one call per key, pipelined. Either way the calls
 * go through {@link evalAll}, the one place that reloads a script the server has forgotten.
 */
export class CompareAndSetWriter {
  private readonly perKey: ScriptCache;
  private readonly batch = new ScriptCache(HASH_COMPARE_AND_SET_BATCH);
  private readonly nodeBatch = new ScriptCache(HASH_COMPARE_AND_SET_NODE_BATCH);
  /** Cluster nodes that refused the node batch script (before Redis 7.0: no script flags). */
  private readonly noNodeBatch = new WeakSet<Redis>();

  constructor(
    private readonly type: 'hash' | 'json',
    /** The scan's name, for error messages. */
    private readonly scan: string,
    /** Write elsewhere than where the value was read (a renamed field). */
    private readonly relocate?: Relocation,
  ) {
    const scripts = relocate ? [HASH_RELOCATE, JSON_RELOCATE] : [HASH_COMPARE_AND_SET, JSON_COMPARE_AND_SET];
    this.perKey = new ScriptCache(type === 'hash' ? scripts[0]! : scripts[1]!);
  }

  /** True when {@link write} saves the checkpoint in the call that writes the batch. */
  savesCheckpoint(node: ScanNode): boolean {
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
    if (this.savesCheckpoint(node) && checkpoint) {
      const flat = await this.writeBatch(node.client, this.batch, writes, checkpoint);
      return { conflicts: batchConflicts(writes, flat), saved: flat.length === 0 };
    }
    if (this.type === 'hash' && node.clustered && !this.noNodeBatch.has(node.client)) {
      try {
        return { conflicts: batchConflicts(writes, await this.writeNodeBatch(node.client, writes)), saved: false };
      } catch (error) {
        // Nothing was written (a script that fails before its first write, or is refused);
        // one key per call below says what is wrong, key by key (MOVED after a failover).
        const cause = error instanceof OmError && error.cause !== undefined ? error.cause : error;
        if (isConnectionError(cause)) throw error;
        if (!isTopologyError(cause) && !/non local key|CROSSSLOT/i.test(String((cause as Error)?.message))) this.noNodeBatch.add(node.client);
      }
    }
    const calls = writes.map((w) => ({ keys: [w.key], args: w.values.flatMap((v) => [v.field, v.expected, v.next]), what: w.key }));
    const replies = await this.evalAll(node.client, this.perKey, calls);
    return { conflicts: replies.map((reply) => new Set(reply as string[])), saved: false };
  }

  /** The batch and its checkpoint in one script call; returns its flat list of (key index, field) not written. */
  private async writeBatch(client: Redis, script: ScriptCache, writes: readonly KeyWrites[], checkpoint: CheckpointWrite): Promise<(number | string)[]> {
    const keys = writes.map((w) => w.key);
    keys.push(checkpoint.key);
    const [reply] = await this.evalAll(client, script, [{ keys, args: [checkpoint.field, checkpoint.value].concat(valueArgs(writes)), what: `a batch of ${writes.length} keys` }]);
    return reply as (number | string)[];
  }

  /** The batch in one script call on a cluster master, its keys in ARGV (see HASH_COMPARE_AND_SET_NODE_BATCH). */
  private async writeNodeBatch(client: Redis, writes: readonly KeyWrites[]): Promise<(number | string)[]> {
    const args = [String(writes.length)].concat(writes.map((w) => w.key), valueArgs(writes));
    const [reply] = await this.evalAll(client, this.nodeBatch, [{ keys: [], args, what: `a batch of ${writes.length} keys` }]);
    return reply as (number | string)[];
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

/** Per key of `writes`, the fields a batch script did not write (its flat reply: key index, field, …). */
function batchConflicts(writes: readonly KeyWrites[], flat: readonly (number | string)[]): Set<string>[] {
  const conflicts = writes.map(() => new Set<string>());
  for (let i = 0; i < flat.length; i += 2) conflicts[Number(flat[i]) - 1]!.add(String(flat[i + 1]));
  return conflicts;
}

/** Per key in order: n, then n triples field, expected, new. */
function valueArgs(writes: readonly KeyWrites[]): string[] {
  // A plain loop: a batch is thousands of arguments (spreads of that size showed in profiles).
  const args: string[] = [];
  for (const w of writes) {
    args.push(String(w.values.length));
    for (const v of w.values) args.push(v.field, v.expected, v.next);
  }
  return args;
}
