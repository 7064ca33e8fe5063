import type { RedisClient } from '../redis/client';
import { CheckpointStore, type Checkpoint } from './checkpoint';
import { ValueDecisions, type KeyWrites } from './decide';
import { validateSpec } from './validate-spec';
import { BatchStoppedError } from './errors';
import { scanNodes, type ScanNode } from '../redis/nodes';
import { scanFraction } from './scan-fraction';
import { readHashValues, readJsonValues, type ReadValue } from './read-values';
import {
  emptyCounters,
  type BatchCounters,
  type JsonValue,
  type ScanEnvironment,
  type ScanTransformResult,
  type ScanTransformSpec,
} from './types';
import { CompareAndSetWriter } from './write-values';

/** Default keys per batch (SCAN COUNT and pipeline length). */
export const DEFAULT_BATCH_SIZE = 1000;

/**
 * The batched scan-transform-write loop behind the built-in datetime migration and
 * `ctx.scanTransform()`: SCAN MATCH … COUNT n TYPE … on every master, one pipeline of reads per
 * batch, the transform, one pipeline of compare-and-set writes per batch (see scripts.ts for
 * why Lua), and a checkpoint of constant size saved after every batch. Memory holds one batch:
 * keys are never collected across batches.
 *
 * A rerun with the same `name` resumes from the checkpoint; SCAN may return a key twice, which
 * is harmless because a transform leaves converted values alone.
 *
 * @example
 * ```ts
 * await scanTransform(redis, {
 *   name: 'lowercase_emails', match: 'User:*', type: 'hash', fields: ['email'],
 *   transform: (email) => (email === email.toLowerCase() ? undefined : email.toLowerCase()),
 * }, { logger, keyPrefix: 'om:migrations:' });
 * ```
 */
export async function scanTransform(redis: RedisClient, spec: ScanTransformSpec, env: ScanEnvironment): Promise<ScanTransformResult> {
  validateSpec(spec);
  const started = performance.now();
  const dryRun = spec.dryRun ?? false;
  const batchSize = spec.batchSize ?? DEFAULT_BATCH_SIZE;
  const store = new CheckpointStore(redis, env.keyPrefix);
  const nodes = await scanNodes(redis);
  const saved = dryRun || spec.resume === false ? undefined : await store.get(spec.name);
  const usable = saved && compatible(saved, spec, nodes, env);
  if (usable && saved.done) {
    return { name: spec.name, counters: saved.counters, resumed: true, alreadyDone: true, durationMs: 0, dryRun };
  }
  const now = new Date().toISOString();
  const state: Checkpoint = usable
    ? structuredClone(saved)
    : {
        version: 1,
        name: spec.name,
        match: spec.match,
        type: spec.type,
        startedAt: now,
        updatedAt: now,
        nodes: nodes.map((n) => ({ node: n.id, cursor: '0', done: false })),
        counters: emptyCounters(),
        done: false,
      };
  if (usable) env.logger.info(`${spec.name}: resuming from the checkpoint of ${saved.updatedAt} (${saved.counters.keys} keys done).`);
  const keyCounts = await Promise.all(nodes.map((n) => n.client.dbsize()));
  const keysAtStart = state.counters.keys;
  const decisions = new ValueDecisions(spec, env.logger, state.counters.failed);
  const writer = new CompareAndSetWriter(spec.type, spec.name);
  const scanType = spec.type === 'hash' ? 'hash' : 'ReJSON-RL';
  type Page = { next: string; keys: string[]; values: Promise<ReadValue<string | JsonValue>[][]> };

  for (let n = 0; n < nodes.length; n += 1) {
    const node = nodes[n]!;
    const entry = state.nodes[n]!;
    if (entry.done) continue;
    // One batch ahead: while this batch is transformed and written, the next one is scanned
    // and read, so Redis and this process work at the same time. Two batches in memory at
    // most. The checkpoint still moves only after a batch is written, in order. (A key SCAN
    // returns in two consecutive batches may be read before the first write lands: its second
    // write then meets a changed value and is counted as a conflict; the value is right.)
    const fetch = (cursor: string): Promise<Page> =>
      node.client.scan(cursor, 'MATCH', spec.match, 'COUNT', batchSize, 'TYPE', scanType).then(([next, keys]) => {
        const values = keys.length === 0 ? Promise.resolve([]) : read(node, keys);
        values.catch(() => undefined);
        return { next, keys, values };
      });
    let current: Promise<Page> | undefined = fetch(entry.cursor);
    let inFlight: Promise<void> | undefined;
    try {
      while (current) {
        const page: Page = await current;
        current = page.next === '0' ? undefined : fetch(page.next);
        current?.catch(() => undefined);
        const delta = emptyCounters();
        delta.keys = page.keys.length;
        let writes: KeyWrites[];
        try {
          writes = decisions.decideBatch(page.keys, await page.values, delta);
        } catch (error) {
          await inFlight;
          if (error instanceof BatchStoppedError && !dryRun) {
            await store.save({ ...state, updatedAt: new Date().toISOString(), lastError: error.failure });
          }
          throw error;
        }
        await inFlight;
        inFlight = commit(node, entry, page.next, writes, delta);
        inFlight.catch(() => undefined);
      }
      await inFlight;
    } finally {
      // Never leave a write running behind a thrown error.
      await inFlight?.catch(() => undefined);
    }
  }

  state.done = true;
  if (!dryRun) {
    if (spec.keepCheckpoint) await store.save({ ...state, updatedAt: new Date().toISOString() });
    else await store.clear({ name: spec.name });
  }
  return { name: spec.name, counters: state.counters, resumed: Boolean(usable), alreadyDone: false, durationMs: performance.now() - started, dryRun };

  function read(node: ScanNode, keys: string[]): Promise<ReadValue<string | JsonValue>[][]> {
    return spec.type === 'hash' ? readHashValues(node.client, keys, spec.fields) : readJsonValues(node.client, keys, spec.paths);
  }

  /** Writes a batch, then adds its counts, moves the cursor, saves the checkpoint, reports. */
  async function commit(node: ScanNode, entry: Checkpoint['nodes'][number], next: string, writes: KeyWrites[], delta: BatchCounters): Promise<void> {
    if (dryRun) {
      decisions.tallyDryRun(writes, delta);
    } else if (writes.length > 0) {
      const conflicts = await writer.write(node, writes);
      writes.forEach((w, i) => decisions.tallyWritten(w, conflicts[i]!, delta));
    }
    delta.batches = 1;
    const counters = state.counters;
    for (const k of Object.keys(counters) as (keyof BatchCounters)[]) counters[k] += delta[k];
    entry.cursor = next;
    entry.done = next === '0';
    state.updatedAt = new Date().toISOString();
    if (!dryRun) await store.save(state);
    const elapsedMs = performance.now() - started;
    spec.onBatch?.({
      name: spec.name,
      counters: { ...counters },
      fraction: overallFraction(state, keyCounts),
      keysPerSecond: elapsedMs > 0 ? ((counters.keys - keysAtStart) * 1000) / elapsedMs : 0,
      elapsedMs,
    });
  }
}

/** True when the saved checkpoint belongs to this scan on these nodes; warns when not. */
function compatible(saved: Checkpoint, spec: ScanTransformSpec, nodes: ScanNode[], env: ScanEnvironment): boolean {
  const sameNodes = saved.nodes.length === nodes.length && saved.nodes.every((entry, i) => entry.node === nodes[i]!.id);
  if (saved.match === spec.match && saved.type === spec.type && sameNodes) return true;
  env.logger.warn(
    `${spec.name}: the saved checkpoint is for ${saved.type} keys ${saved.match} on ${saved.nodes.map((e) => e.node).join(', ')}; ` +
      'starting over (converted values are left alone, so nothing is done twice).',
  );
  return false;
}

function overallFraction(state: Checkpoint, keyCounts: number[]): number {
  const total = keyCounts.reduce((a, b) => a + b, 0);
  if (total === 0) return state.nodes.every((e) => e.done) ? 1 : 0;
  return state.nodes.reduce((sum, e, i) => sum + scanFraction(e.cursor, keyCounts[i]!, e.done) * keyCounts[i]!, 0) / total;
}
