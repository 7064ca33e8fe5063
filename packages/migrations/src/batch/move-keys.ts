import calculateSlot from 'cluster-key-slot';
import type Redis from 'ioredis';
import type { RedisClient } from '../redis/client';
import { scanNodes, type ScanNode } from '../redis/nodes';
import { ServerIdentity } from '../redis/server-identity';
import { CheckpointStore, failureRecord, type Checkpoint } from './checkpoint';
import { modelOf } from './decide';
import { DEFAULT_BATCH_SIZE } from './scan-transform';
import { scanFraction } from './scan-fraction';
import { emptyCounters, type BatchCounters, type BatchProgress, type ScanFailure } from './types';

/**
 * Moving whole keys to a new name prefix (`user:7` → `person:7`), batched and resumable: the
 * data half of a renamed schema. Never overwrites: a target that exists is a failure, reported,
 * and the source stays where it is. Knows nothing of indexes.
 *
 * On one server (or when both names hash to one cluster slot) a key moves with RENAMENX,
 * atomic and refusing an existing target. Across slots a cluster cannot rename, so the key is
 * copied: DUMP + PTTL of the source, RESTORE of the target without REPLACE (an existing target
 * fails with BUSYKEY), DUMP of the target compared with the payload, then a script deletes the
 * source only if its DUMP still equals the payload (an app that wrote it meanwhile keeps its
 * write: the copy is removed again and the key is left for the next pass).
 */

/** What to move. */
export interface MoveKeysSpec {
  /** Names the checkpoint; a rerun with the same name resumes. */
  readonly name: string;
  /** Keys starting with this move… */
  readonly fromPrefix: string;
  /** …to this prefix, the rest of the name unchanged. */
  readonly toPrefix: string;
  /** Only keys of this type move (others under the prefix, like redis-om's hash key, stay). */
  readonly type: 'hash' | 'json';
  /** SCAN COUNT and keys per pipeline; default 1000. */
  readonly batchSize?: number;
  /** Keep the (done) checkpoint after a complete pass, so a rerun skips it. */
  readonly keepCheckpoint?: boolean;
  /** Resume from a saved checkpoint (default true). */
  readonly resume?: boolean;
  /** Count the keys only. */
  readonly dryRun?: boolean;
  /** The name failures are reported under; default `fromPrefix` without its `:`. */
  readonly model?: string;
  readonly onBatch?: (progress: BatchProgress) => void;
  /** Every key that could not move (its target exists), with what was done: `skipped`. */
  readonly onFailure?: (failure: ScanFailure) => void;
}

/**
 * What a pass did. Counters: `keys` scanned, `converted` moved, `missing` gone before their
 * move, `failed` left because the target exists, `conflicts` left because an app wrote them
 * during a cross-slot copy (the next pass moves them).
 */
export interface MoveKeysResult {
  readonly name: string;
  readonly counters: Readonly<BatchCounters>;
  readonly resumed: boolean;
  readonly alreadyDone: boolean;
  readonly durationMs: number;
}

/** The target name of `key`. Pure. */
export function movedKeyName(key: string, fromPrefix: string, toPrefix: string): string {
  return toPrefix + key.slice(fromPrefix.length);
}

/** Deletes KEYS[1] only while its DUMP equals ARGV[1]. */
const DELETE_IF_UNCHANGED = `if redis.call('DUMP', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Moves every `fromPrefix` key of `spec.type` to `toPrefix`, on every master. */
export async function moveKeys(redis: RedisClient, spec: MoveKeysSpec, env: { readonly keyPrefix: string; readonly logger?: { info(m: string): void } }): Promise<MoveKeysResult> {
  const started = performance.now();
  const batchSize = spec.batchSize ?? DEFAULT_BATCH_SIZE;
  const store = new CheckpointStore(redis, env.keyPrefix);
  const nodes = await scanNodes(redis);
  const runIds = await Promise.all(nodes.map((n) => ServerIdentity.of(n.client).runId()));
  const match = `${spec.fromPrefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  const saved = spec.dryRun || spec.resume === false ? undefined : await store.get(spec.name);
  const usable = saved !== undefined && saved.match === match && saved.nodes.length === nodes.length && saved.nodes.every((e, i) => e.node === nodes[i]!.id);
  const now = new Date().toISOString();
  const scan: Checkpoint = usable
    ? structuredClone(saved)
    : { version: 1, name: spec.name, match, type: spec.type, startedAt: now, updatedAt: now, nodes: nodes.map((n, i) => ({ node: n.id, cursor: '0', done: false, runId: runIds[i] })), counters: emptyCounters(), done: false };
  if (usable && scan.done) return { name: spec.name, counters: scan.counters, resumed: true, alreadyDone: true, durationMs: 0 };
  // A cursor means something only to the process that handed it out; a fresh pass is safe
  // because a moved key is no longer under the old prefix.
  scan.nodes.forEach((entry, i) => {
    if (entry.runId === undefined || entry.runId !== runIds[i]) Object.assign(entry, { cursor: '0', done: false, runId: runIds[i] });
  });
  if (usable) env.logger?.info(`${spec.name}: resuming from the checkpoint of ${saved.updatedAt} (${saved.counters.keys} keys done).`);
  const keysAtStart = scan.counters.keys;
  const keyCounts = await Promise.all(nodes.map((n) => n.client.dbsize()));
  const total = keyCounts.reduce((a, b) => a + b, 0);
  const fraction = () =>
    total === 0 ? (scan.nodes.every((e) => e.done) ? 1 : 0) : scan.nodes.reduce((sum, e, i) => sum + scanFraction(e.cursor, keyCounts[i]!, e.done) * keyCounts[i]!, 0) / total;
  const scanType = spec.type === 'hash' ? 'hash' : 'ReJSON-RL';
  for (let n = 0; n < nodes.length; n += 1) {
    const node = nodes[n]!;
    const entry = scan.nodes[n]!;
    while (!entry.done) {
      const [next, keys] = await node.client.scan(entry.cursor, 'MATCH', match, 'COUNT', batchSize, 'TYPE', scanType);
      const delta = emptyCounters();
      delta.keys = keys.length;
      delta.batches = 1;
      if (spec.dryRun) delta.unchanged = keys.length;
      else if (keys.length > 0) await moveBatch(redis, node, keys, spec, delta);
      Object.assign(scan.counters, added(scan.counters, delta));
      entry.cursor = next;
      entry.done = next === '0';
      scan.updatedAt = new Date().toISOString();
      if (!spec.dryRun) await store.save(scan);
      const elapsedMs = performance.now() - started;
      spec.onBatch?.({
        name: spec.name,
        counters: { ...scan.counters },
        fraction: fraction(),
        keysPerSecond: elapsedMs > 0 ? ((scan.counters.keys - keysAtStart) * 1000) / elapsedMs : 0,
        elapsedMs,
      });
    }
  }
  scan.done = true;
  if (!spec.dryRun) {
    if (spec.keepCheckpoint) await store.save({ ...scan, updatedAt: new Date().toISOString() });
    else await store.clear({ name: spec.name });
  }
  return { name: spec.name, counters: scan.counters, resumed: usable, alreadyDone: false, durationMs: performance.now() - started };
}

/** Moves one batch of keys SCAN returned on `node`, counting into `delta`. */
async function moveBatch(redis: RedisClient, node: ScanNode, keys: readonly string[], spec: MoveKeysSpec, delta: BatchCounters): Promise<void> {
  const target = (key: string) => movedKeyName(key, spec.fromPrefix, spec.toPrefix);
  const renamable = node.clustered ? keys.filter((k) => calculateSlot(k) === calculateSlot(target(k))) : keys;
  const copied = node.clustered ? keys.filter((k) => calculateSlot(k) !== calculateSlot(target(k))) : [];
  const fail = (key: string, reason: string) => {
    delta.failed += 1;
    const failure: ScanFailure = {
      ...failureRecord(key, '(key)', target(key), reason),
      scan: spec.name,
      model: spec.model ?? modelOf(spec.fromPrefix),
      type: spec.type,
      failureMode: 'log_and_skip',
      action: 'skipped',
      dryRun: false,
    };
    spec.onFailure?.(failure);
  };
  if (renamable.length > 0) {
    const pipeline = node.client.pipeline();
    for (const key of renamable) pipeline.renamenx(key, target(key));
    const replies = (await pipeline.exec()) ?? [];
    renamable.forEach((key, i) => {
      const [error, moved] = replies[i] ?? [new Error('no reply'), null];
      if (error && /no such key/i.test(error.message)) delta.missing += 1;
      else if (error) throw error;
      else if (moved === 1) delta.converted += 1;
      else fail(key, `${target(key)} exists already; the document stays at ${key}`);
    });
  }
  if (copied.length > 0) await copyAcrossSlots(redis, node.client, copied, target, delta, fail);
}

async function copyAcrossSlots(
  redis: RedisClient,
  source: Redis,
  keys: readonly string[],
  target: (key: string) => string,
  delta: BatchCounters,
  fail: (key: string, reason: string) => void,
): Promise<void> {
  const read = source.pipeline();
  for (const key of keys) read.dumpBuffer(key).pttl(key);
  const replies = (await read.exec()) ?? [];
  await Promise.all(
    keys.map(async (key, i) => {
      const payload = replies[2 * i]?.[1] as Buffer | null;
      const pttl = Number(replies[2 * i + 1]?.[1]);
      if (payload === null || payload === undefined || pttl === -2) {
        delta.missing += 1;
        return;
      }
      const to = target(key);
      try {
        await redis.restore(to, pttl > 0 ? pttl : 0, payload);
      } catch (error) {
        if (/BUSYKEY/.test((error as Error).message)) return fail(key, `${to} exists already; the document stays at ${key}`);
        throw error;
      }
      const copy = await redis.dumpBuffer(to);
      if (copy === null || !copy.equals(payload)) return fail(key, `${to} does not hold what was copied from ${key} (changed meanwhile?); both are kept, compare them`);
      const deleted = Number(await source.eval(DELETE_IF_UNCHANGED, 1, key, payload));
      if (deleted === 1) {
        delta.converted += 1;
        return;
      }
      // The app wrote the source after the DUMP: its write wins. The copy is withdrawn (only
      // if untouched) and the next pass moves the key as it is then.
      await redis.eval(DELETE_IF_UNCHANGED, 1, to, payload);
      delta.conflicts += 1;
    }),
  );
}

function added(a: BatchCounters, b: BatchCounters): BatchCounters {
  const sum = { ...a };
  for (const k of Object.keys(sum) as (keyof BatchCounters)[]) sum[k] += b[k];
  return sum;
}
