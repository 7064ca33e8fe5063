import type Redis from 'ioredis';
import { z } from 'zod';
import { ConfigError, OmError, describeCause } from '../errors';
import type { RedisClient } from '../redis/client';
import { CheckpointStore, clip, failureRecord, type Checkpoint } from './checkpoint';
import { BatchStoppedError } from './errors';
import { scanFraction, scanNodes, type ScanNode } from './nodes';
import { readHashValues, readJsonValues, type ReadValue } from './read-values';
import { HASH_COMPARE_AND_SET, HASH_COMPARE_AND_SET_BATCH, JSON_COMPARE_AND_SET } from './scripts';
import {
  FAILURE_MODES,
  emptyCounters,
  type BatchCounters,
  type FailureRecord,
  type JsonValue,
  type ScanEnvironment,
  type ScanTransformResult,
  type ScanTransformSpec,
} from './types';

/** Default keys per batch (SCAN COUNT and pipeline length). */
export const DEFAULT_BATCH_SIZE = 1000;

const specSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty'),
  match: z.string().min(1, 'must not be empty'),
  type: z.enum(['hash', 'json']),
  batchSize: z.number().int().min(1).max(100_000).optional(),
  failureMode: z.enum(FAILURE_MODES as [string, ...string[]]).optional(),
  maxErrors: z.number().int().min(0).optional(),
});

/** A value's fate in one batch. */
type Outcome =
  | { readonly kind: 'write'; readonly field: string; readonly expected: string; readonly next: string; readonly defaulted: boolean }
  | { readonly kind: 'keep' };

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
  validate(spec);
  const started = performance.now();
  const dryRun = spec.dryRun ?? false;
  const batchSize = spec.batchSize ?? DEFAULT_BATCH_SIZE;
  const failureMode = spec.failureMode ?? 'fail';
  const fields = spec.type === 'hash' ? spec.fields : spec.paths;
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
  const scripts = new ScriptCache(spec.type === 'hash' ? HASH_COMPARE_AND_SET : JSON_COMPARE_AND_SET);
  const batchScript = new ScriptCache(HASH_COMPARE_AND_SET_BATCH);
  const scanType = spec.type === 'hash' ? 'hash' : 'ReJSON-RL';

  // Failures decided so far, written or not: what --max-errors counts.
  let failedTotal = state.counters.failed;
  type Page = { next: string; keys: string[]; values: Promise<ReadValue<string | JsonValue>[][]> };
  type Writes = { key: string; outcomes: Extract<Outcome, { kind: 'write' }>[] }[];

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
        let writes: Writes;
        try {
          writes = decideBatch(page.keys, await page.values, delta);
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

  /** The writes of one batch; counts into `delta`; throws BatchStoppedError to stop. */
  function decideBatch(keys: string[], values: ReadValue<string | JsonValue>[][], delta: BatchCounters): Writes {
    const writes: Writes = [];
    keys.forEach((key, k) => {
      const outcomes: Extract<Outcome, { kind: 'write' }>[] = [];
      fields.forEach((field, f) => {
        const outcome = decide(key, field, values[k]![f]!, delta);
        if (outcome.kind === 'write') outcomes.push(outcome);
      });
      if (outcomes.length > 0) writes.push({ key, outcomes });
    });
    return writes;
  }

  /** Writes a batch, then adds its counts, moves the cursor, saves the checkpoint, reports. */
  async function commit(node: ScanNode, entry: Checkpoint['nodes'][number], next: string, writes: Writes, delta: BatchCounters): Promise<void> {
    if (dryRun) {
      for (const w of writes) {
        delta.keysChanged += 1;
        for (const o of w.outcomes) if (!o.defaulted) delta.converted += 1;
      }
    } else if (writes.length > 0) {
      if (spec.type === 'hash' && !node.clustered) await writeBatch(node.client, writes, delta);
      else await write(node.client, writes, delta);
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

  function decide(key: string, field: string, read: ReadValue<string | JsonValue>, counters: BatchCounters): Outcome {
    if (read.kind === 'missing') {
      counters.missing += 1;
      return { kind: 'keep' };
    }
    if (read.kind === 'unreadable') return fail(failureRecord(key, field, read.raw, read.reason), undefined, counters);
    let next: string | JsonValue | undefined;
    try {
      next = (spec.transform as (v: string | JsonValue, at: { key: string; field: string }) => string | JsonValue | undefined)(read.value, {
        key,
        field,
      });
    } catch (error) {
      return fail(failureRecord(key, field, show(read.value), describeCause(error)), read.expected, counters);
    }
    if (next === undefined) {
      counters.unchanged += 1;
      return { kind: 'keep' };
    }
    return { kind: 'write', field, expected: read.expected, next: serialize(next), defaulted: false };
  }

  function fail(record: FailureRecord, expected: string | undefined, counters: BatchCounters): Outcome {
    counters.failed += 1;
    failedTotal += 1;
    spec.onFailure?.(record);
    const where = `${spec.name}: ${record.key} ${spec.type === 'hash' ? 'field' : 'path'} ${record.field}`;
    const what = `cannot convert ${JSON.stringify(record.value)}: ${record.reason}`;
    if (failureMode === 'fail') {
      env.logger.error(`${where}: ${what}`);
      throw new BatchStoppedError(spec.name, record, 'fail');
    }
    if (spec.maxErrors !== undefined && failedTotal > spec.maxErrors) {
      env.logger.error(`${where}: ${what}`);
      throw new BatchStoppedError(spec.name, record, 'max-errors', spec.maxErrors);
    }
    if (failureMode === 'skip') {
      env.logger.debug(`${where}: ${what}; skipped`);
      return { kind: 'keep' };
    }
    if (failureMode === 'log_and_skip' || expected === undefined) {
      env.logger.warn(`${where}: ${what}; left as it is`);
      return { kind: 'keep' };
    }
    const fallback = serialize(spec.defaultValue as string | JsonValue);
    env.logger.warn(`${where}: ${what}; wrote the default ${fallback}`);
    return { kind: 'write', field: record.field, expected, next: fallback, defaulted: true };
  }

  function serialize(value: string | JsonValue): string {
    return spec.type === 'hash' ? String(value) : JSON.stringify(value);
  }

  /** Tallies one key's write: which of its values were written, which met a conflict. */
  function tally(w: { key: string; outcomes: Extract<Outcome, { kind: 'write' }>[] }, skipped: ReadonlySet<string>, counters: BatchCounters): void {
    let wrote = 0;
    for (const o of w.outcomes) {
      if (skipped.has(o.field)) {
        counters.conflicts += 1;
        env.logger.debug(`${spec.name}: ${w.key} ${o.field} changed since it was read; left as the app wrote it`);
      } else {
        wrote += 1;
        if (o.defaulted) counters.defaulted += 1;
        else counters.converted += 1;
      }
    }
    if (wrote > 0) counters.keysChanged += 1;
  }

  /** The whole batch in one script call (single server, HASH): see scripts.ts. */
  async function writeBatch(
    client: Redis,
    writes: { key: string; outcomes: Extract<Outcome, { kind: 'write' }>[] }[],
    counters: BatchCounters,
  ): Promise<void> {
    const args: (string | number)[] = [];
    for (const w of writes) {
      args.push(w.outcomes.length);
      for (const o of w.outcomes) args.push(o.field, o.expected, o.next);
    }
    let reply: unknown;
    for (let attempt = 0; ; attempt += 1) {
      try {
        reply = await client.evalsha(await batchScript.sha(client), writes.length, ...writes.map((w) => w.key), ...args);
        break;
      } catch (error) {
        const message = describeCause(error);
        if (/NOSCRIPT/.test(message) && attempt === 0) {
          batchScript.forget(client);
          continue;
        }
        throw new OmError(`${spec.name}: writing a batch of ${writes.length} keys failed: ${message}`, {
          cause: error,
          hint: 'The checkpoint stays at the batch before; run again to resume (values written already are left alone).',
        });
      }
    }
    const conflicts = new Map<number, Set<string>>();
    const flat = reply as (number | string)[];
    for (let i = 0; i < flat.length; i += 2) {
      const index = Number(flat[i]) - 1;
      let set = conflicts.get(index);
      if (!set) conflicts.set(index, (set = new Set()));
      set.add(String(flat[i + 1]));
    }
    writes.forEach((w, i) => tally(w, conflicts.get(i) ?? new Set(), counters));
  }

  async function write(
    client: Redis,
    writes: { key: string; outcomes: Extract<Outcome, { kind: 'write' }>[] }[],
    counters: BatchCounters,
  ): Promise<void> {
    let pending = writes;
    for (let attempt = 0; pending.length > 0; attempt += 1) {
      const sha = await scripts.sha(client);
      const pipeline = client.pipeline();
      for (const w of pending) {
        pipeline.evalsha(sha, 1, w.key, ...w.outcomes.flatMap((o) => [o.field, o.expected, o.next]));
      }
      const replies = (await pipeline.exec()) ?? [];
      const retry: typeof writes = [];
      pending.forEach((w, i) => {
        const [error, conflicts] = replies[i] ?? [new Error('no reply'), null];
        if (error) {
          // The server lost its script cache (restart, SCRIPT FLUSH): load it again, once.
          if (/NOSCRIPT/.test(error.message) && attempt === 0) {
            scripts.forget(client);
            retry.push(w);
            return;
          }
          throw new OmError(`${spec.name}: writing ${w.key} failed: ${error.message}`, {
            cause: error,
            hint: 'The checkpoint stays at the batch before; run again to resume (values written already are left alone).',
          });
        }
        tally(w, new Set(conflicts as string[]), counters);
      });
      pending = retry;
    }
  }
}

function validate(spec: ScanTransformSpec): void {
  const parsed = specSchema.safeParse(spec);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`);
  const fields = spec.type === 'hash' ? spec.fields : spec.paths;
  if (!Array.isArray(fields) || fields.length === 0) problems.push(`${spec.type === 'hash' ? 'fields' : 'paths'} must list at least one`);
  if (spec.type === 'json' && Array.isArray(fields) && fields.some((p) => !p.startsWith('$'))) {
    problems.push('paths must be JSONPaths starting with $');
  }
  if (typeof spec.transform !== 'function') problems.push('transform must be a function');
  if (spec.failureMode === 'default' && spec.defaultValue === undefined) problems.push('failure mode default needs a defaultValue');
  if (problems.length > 0) {
    throw new ConfigError(`Invalid scan ${JSON.stringify(spec.name)}: ${problems.join('; ')}.`);
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

function show(value: string | JsonValue): string {
  return typeof value === 'string' ? value : clip(JSON.stringify(value));
}

/** SHA1 of the script per connection, loaded once (SCRIPT LOAD) and again after NOSCRIPT. */
class ScriptCache {
  private readonly loaded = new WeakMap<Redis, Promise<string>>();

  constructor(private readonly script: string) {}

  sha(client: Redis): Promise<string> {
    let sha = this.loaded.get(client);
    if (!sha) {
      sha = client.script('LOAD', this.script) as Promise<string>;
      this.loaded.set(client, sha);
    }
    return sha;
  }

  forget(client: Redis): void {
    this.loaded.delete(client);
  }
}
