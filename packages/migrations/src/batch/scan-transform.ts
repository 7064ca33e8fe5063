import type { RedisClient } from '../redis/client';
import { CheckpointSaver, CheckpointStore, type Checkpoint, type CheckpointWrite } from './checkpoint';
import { ValueDecisions, type KeyWrites } from './decide';
import { validateSpec } from './validate-spec';
import { BatchStoppedError } from './errors';
import { ConnectionLostError, InterruptedError, OmError, describeCause, underlyingError } from '../errors';
import { currentMaster, isTopologyError, scanNodes, type ScanNode } from '../redis/nodes';
import { ServerIdentity, shortRunId } from '../redis/server-identity';
import { isConnectionError, isPassingConnectionError } from '../redis/connection-errors';
import { scanFraction } from './scan-fraction';
import { scanShares } from './shares';
import { BatchPacer } from './pace';
import { readHashValues, readJsonValues, type ReadValue } from './read-values';
import {
  addCounters,
  emptyCounters,
  type BatchCounters,
  type JsonValue,
  type ScanEnvironment,
  type ScanTransformResult,
  type ScanTransformSpec,
} from './types';
import { CompareAndSetWriter, THROTTLED_SLICE_KEYS } from './write-values';

/** Default keys per batch (SCAN COUNT and pipeline length). */
export const DEFAULT_BATCH_SIZE = 1000;

/**
 * The batched scan-transform-write loop behind the built-in datetime migration and
 * `ctx.scanTransform()`: SCAN MATCH … COUNT n TYPE … on every master (the masters of a cluster
 * walked at once, each with its own cursor; a `maxRate` is their total), one pipeline of reads per
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
  const { share } = env;
  if (share && !spec.dryRun) return scanShares(redis, spec, { ...env, share }, (r, s, e, node) => walkNodes(r, s, { ...e, share: undefined }, node));
  return walkNodes(redis, spec, env);
}

/** Walks every master (or only the one whose first slot is `onlySlot`) from its checkpoint to the end. */
async function walkNodes(redis: RedisClient, spec: ScanTransformSpec, env: ScanEnvironment, onlySlot?: number): Promise<ScanTransformResult> {
  const started = performance.now();
  const dryRun = spec.dryRun ?? false;
  const batchSize = spec.batchSize ?? DEFAULT_BATCH_SIZE;
  const store = new CheckpointStore(redis, env.keyPrefix);
  let nodes: ScanNode[] = [];
  let state: Checkpoint | undefined;
  try {
    nodes = await scanNodes(redis);
    if (onlySlot !== undefined) {
      nodes = nodes.filter((n) => n.slot === onlySlot);
      if (nodes.length === 0) throw new OmError(`${spec.name}: no master serves slot ${onlySlot} now.`, { hint: 'Run again once CLUSTER INFO says cluster_state:ok.' });
    }
    const watches = await Promise.all(nodes.map((n) => watchNode(n)));
    const saved = dryRun || spec.resume === false ? undefined : await store.get(spec.name);
    const usable = saved && compatible(saved, spec, nodes, env);
    const now = new Date().toISOString();
    const scan: Checkpoint = usable
      ? structuredClone(saved)
      : {
          version: 1,
          name: spec.name,
          match: spec.match,
          type: spec.type,
          startedAt: now,
          updatedAt: now,
          nodes: nodes.map((n, i) => ({ node: n.id, cursor: '0', done: false, runId: watches[i]!.runId })),
          counters: emptyCounters(),
          done: false,
        };
    state = scan;
    // A saved cursor is trusted only on the server process that handed it out.
    const moved = usable ? scan.nodes.filter((entry, i) => !sameProcess(entry.runId, watches[i]!.runId)) : [];
    for (const entry of moved) {
      const i = scan.nodes.indexOf(entry);
      if (entry.done || entry.cursor !== '0') rescanNotice(spec, env, entry, watches[i]!.runId, 'since the checkpoint was saved');
      restart(scan, entry, watches[i]!.runId);
    }
    if (usable && scan.done) {
      return { name: spec.name, counters: scan.counters, resumed: true, alreadyDone: true, durationMs: 0, dryRun, servers: serversOf(scan) };
    }
    if (env.signal?.aborted) throw new InterruptedError(env.signal.reason, `${spec.name} before it started`);
    if (usable) env.logger.info(`${spec.name}: resuming from the checkpoint of ${saved.updatedAt} (${saved.counters.keys} keys done).`);
    const keyCounts = await Promise.all(nodes.map((n) => n.client.dbsize()));
    const keysAtStart = scan.counters.keys;
    const fractionAtStart = overallFraction(scan, keyCounts);
    const decisions = new ValueDecisions(spec, env.logger, scan.counters.failed, env.onFailure);
    // One bucket for every walker (the rate is the total), holding a batch per walker: a
    // walker's batch is never waited off because the others took the one batch's worth.
    const pacer = new BatchPacer(spec.maxRate, batchSize * nodes.length, env.signal);
    // Throttled, a batch is written in slices: the app waits for a slice, not a batch.
    const writer = new CompareAndSetWriter(spec.type, spec.name, spec.relocate, pacer.active ? THROTTLED_SLICE_KEYS : undefined);
    const scanType = spec.type === 'hash' ? 'hash' : 'ReJSON-RL';
    // The walkers of a cluster's masters move one checkpoint: its saves go out in order.
    const saver = new CheckpointSaver(store, () => ({ ...scan, updatedAt: new Date().toISOString() }));
    // The first error of any walker: the others stop at their next batch boundary.
    let failure: { error: unknown } | undefined;
    type Page = { next: string; keys: string[]; values: Promise<ReadValue<string | JsonValue>[][]> };

    /**
     * Walks one node from its cursor to the end: 'done'; 'restarted' when its server process
     * changed under it (walked again from 0); 'retry' when the connection dropped and came back
     * to the same process (walked again from the last batch written); 'moved' when the node
     * answered that it serves the keys no longer (a failover: see {@link moveOn}); 'stopped'
     * when another walker failed.
     */
    const walk = async (n: number): Promise<'done' | 'restarted' | 'retry' | 'moved' | 'stopped'> => {
      const node = nodes[n]!;
      const entry = scan.nodes[n]!;
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
      const restarted = async (runId: string | undefined): Promise<'restarted'> => {
        // The batch being written may land on either process; compare-and-set keeps it right.
        await inFlight?.catch(() => undefined);
        rescanNotice(spec, env, entry, runId, 'during the scan');
        restart(scan, entry, runId);
        if (!dryRun) await saver.save();
        return 'restarted';
      };
      try {
        while (current) {
          const page: Page = await current;
          const values = await page.values;
          // The cursor is only worth following if the process that answered is the one the
          // scan of this node started on (a reconnect may have reached a restarted server).
          const check = await watches[n]!.unchanged(entry.runId);
          if (!check.same) return await restarted(check.runId);
          const next = page.next === '0' ? undefined : page.next;
          // Throttled, the next batch is read only after the wait (below), so that what it
          // compares against is fresh; unthrottled, it is read while this one is written.
          current = next === undefined || pacer.active ? undefined : fetch(next);
          current?.catch(() => undefined);
          const delta = emptyCounters();
          delta.keys = page.keys.length;
          let writes: KeyWrites[];
          try {
            writes = decisions.decideBatch(page.keys, values, delta);
          } catch (error) {
            await inFlight;
            if (error instanceof BatchStoppedError && !dryRun) {
              scan.lastError = error.failure;
              await saver.save();
            }
            throw error;
          }
          await inFlight;
          // A batch boundary: everything read so far is written and checkpointed.
          if (failure) return 'stopped';
          if (env.signal?.aborted) throw interrupted(env.signal.reason, spec, scan, dryRun);
          inFlight = commit(node, entry, page.next, writes, delta);
          inFlight.catch(() => undefined);
          if (pacer.active && next !== undefined) {
            await pacer.pace(page.keys.length);
            current = fetch(next);
            current.catch(() => undefined);
          }
        }
        await inFlight;
        // The last writes, too, must have gone to the process the scan ran on.
        const check = await watches[n]!.unchanged(entry.runId);
        return check.same ? 'done' : await restarted(check.runId);
      } catch (error) {
        // The connection dropped while the client reconnects (a pipeline cut in the middle is
        // failed, not resent): once it answers again, go on from the last batch written, or
        // from 0 on another process. After the client gives up, the scan stops (below).
        const cause = underlyingError(error);
        // A cluster's node connections never reconnect: ioredis closes one whose node drops out
        // of the slot map (a demoted master does, for a moment, during a failover) and opens a
        // new one later. Either way, the keys are followed to whoever serves them now.
        if (isTopologyError(cause) || (node.clustered && isConnectionError(cause) && node.client.status === 'end')) {
          await inFlight?.catch(() => undefined);
          return 'moved';
        }
        if (!isPassingConnectionError(cause, node.client)) throw error;
        await inFlight?.catch(() => undefined);
        ServerIdentity.of(node.client).suspect();
        const check = await watches[n]!.unchanged(entry.runId);
        return check.same ? 'retry' : await restarted(check.runId);
      } finally {
        // Never leave a write running behind a thrown error.
        await inFlight?.catch(() => undefined);
        current?.catch(() => undefined);
      }
    };

    /**
     * Writes a batch, then adds its counts, moves the cursor, saves the checkpoint, reports. On
     * a single server the checkpoint is saved by the script that writes the batch (one round
     * trip a batch), with the counters as they are when nothing conflicts; when something did,
     * the counted checkpoint is saved after.
     */
    const commit = async (node: ScanNode, entry: Checkpoint['nodes'][number], next: string, writes: KeyWrites[], delta: BatchCounters): Promise<void> => {
      delta.batches = 1;
      const moved = (counts: BatchCounters): Checkpoint => ({
        ...scan,
        counters: addCounters(scan.counters, counts),
        nodes: scan.nodes.map((e) => (e === entry ? { ...e, cursor: next, done: next === '0' } : e)),
        updatedAt: new Date().toISOString(),
      });
      let saved = dryRun;
      if (dryRun) {
        decisions.tallyDryRun(writes, delta);
      } else if (writes.length > 0) {
        let checkpoint: CheckpointWrite | undefined;
        if (writer.savesCheckpoint(node, writes.length)) {
          const clean = { ...delta };
          writes.forEach((w) => decisions.tallyWritten(w, NO_CONFLICTS, clean));
          checkpoint = store.saving(moved(clean));
        }
        const result = await writer.write(node, writes, checkpoint);
        writes.forEach((w, i) => decisions.tallyWritten(w, result.conflicts[i]!, delta));
        saved = result.saved;
      }
      Object.assign(scan.counters, addCounters(scan.counters, delta));
      entry.cursor = next;
      entry.done = next === '0';
      scan.updatedAt = new Date().toISOString();
      // As of this batch: other walkers may commit theirs while the save is on its way.
      const counters = { ...scan.counters };
      const fraction = overallFraction(scan, keyCounts);
      if (!saved) await saver.save();
      const elapsedMs = performance.now() - started;
      try {
        spec.onBatch?.({
          name: spec.name,
          counters,
          fraction,
          keysPerSecond: elapsedMs > 0 ? ((counters.keys - keysAtStart) * 1000) / elapsedMs : 0,
          elapsedMs,
          ...etaOf(fraction, fractionAtStart, elapsedMs),
        });
      } catch (error) {
        // Stops the other walkers now, not once this walker's next batch has been read: each
        // then writes at most the batch it has in flight.
        failure ??= { error };
        throw error;
      }
    };

    /**
     * Follows node `n`'s keys to the master that serves them now: after a failover, the promoted
     * replica, walked from cursor 0 (its cursors are its own); the same master (a resharding
     * moved some keys away and back, or the cluster was between configurations), walked on
     * from the last batch written.
     */
    const moveOn = async (n: number, when: string): Promise<void> => {
      const old = nodes[n]!;
      const master = await currentMaster(redis, old);
      if (!master) {
        throw new OmError(`${spec.name}: no master of the cluster serves the keys of ${old.id} any more (checked for 30s after it answered with a redirection or closed its connection).`, {
          hint: 'Nothing is recorded as applied; the checkpoint is kept. Run the same command again once CLUSTER INFO says cluster_state:ok.',
        });
      }
      const entry = scan.nodes[n]!;
      if (master.id === old.id) {
        if (master.client === old.client) return;
        // The same master on a new connection: its cursor holds if the process is the same one.
        nodes[n] = master;
        watches[n] = await watchNode(master);
        if (sameProcess(entry.runId, watches[n]!.runId)) return;
        rescanNotice(spec, env, entry, watches[n]!.runId, when);
        restart(scan, entry, watches[n]!.runId);
        if (!dryRun) await saver.save();
        return;
      }
      nodes[n] = master;
      watches[n] = await watchNode(master);
      env.logger.warn(
        `${spec.name}: the keys of ${old.id} are served by ${master.id} now (a failover ${when}); a SCAN cursor means nothing there, so it is scanned again from the start (values converted already are left alone).`,
      );
      entry.node = master.id;
      restart(scan, entry, watches[n]!.runId);
      if (!dryRun) await saver.save();
    };

    /** Walks node `n` until it is done or another walker failed; records the first failure. */
    const walkToEnd = async (n: number): Promise<void> => {
      try {
        while (!scan.nodes[n]!.done && !failure) {
          if ((await walk(n)) === 'moved') await moveOn(n, 'during the scan');
        }
      } catch (error) {
        failure ??= { error };
      }
    };

    // Complete means every node walked from cursor 0 to the end on one server process, still
    // the one answering (and still the master of its keys) once all are walked: a master done
    // early may fail over while others are scanned, and is then walked again.
    for (;;) {
      await Promise.all(nodes.map((_, n) => walkToEnd(n)));
      if (failure) throw failure.error;
      let again = false;
      for (let n = 0; n < nodes.length; n += 1) {
        const entry = scan.nodes[n]!;
        if (nodes[n]!.clustered) {
          const was = nodes[n]!.id;
          await moveOn(n, 'after its scan completed');
          if (nodes[n]!.id !== was || !entry.done) {
            again = true;
            continue;
          }
        }
        const check = await watches[n]!.unchanged(entry.runId);
        if (check.same) continue;
        rescanNotice(spec, env, entry, check.runId, 'after its scan completed');
        restart(scan, entry, check.runId);
        again = true;
      }
      if (!again) break;
    }

    scan.done = true;
    if (!dryRun) {
      if (spec.keepCheckpoint) await store.save({ ...scan, updatedAt: new Date().toISOString() });
      else await store.clear({ name: spec.name });
    }
    return {
      name: spec.name,
      counters: scan.counters,
      resumed: Boolean(usable),
      alreadyDone: false,
      durationMs: performance.now() - started,
      dryRun,
      servers: serversOf(scan),
    };
  } catch (error) {
    throw connectionLost(error, spec, nodes, state, dryRun) ?? error;
  }

  function read(node: ScanNode, keys: string[]): Promise<ReadValue<string | JsonValue>[][]> {
    return spec.type === 'hash' ? readHashValues(node.client, keys, spec.fields) : readJsonValues(node.client, keys, spec.paths);
  }
}

const NO_CONFLICTS: ReadonlySet<string> = new Set();


/** A node's server identity as a scan tracks it: the process it started on, and when it was last confirmed. */
interface NodeWatch {
  /** The run_id when the scan began here (undefined when the server does not tell it). */
  readonly runId: string | undefined;
  /**
   * Whether the process answering now is still `expected`; rereads the run_id only when the
   * connection has closed since it was last confirmed, so a steady connection costs nothing.
   */
  unchanged(expected: string | undefined): Promise<{ same: boolean; runId: string | undefined }>;
}

async function watchNode(node: ScanNode): Promise<NodeWatch> {
  const identity = ServerIdentity.of(node.client);
  const settled = async (): Promise<{ runId: string | undefined; epoch: number }> => {
    for (;;) {
      const epoch = identity.epoch;
      const runId = await identity.runId();
      // Closed again while asking: the answer may be the old process's.
      if (identity.epoch === epoch) return { runId, epoch };
    }
  };
  let confirmed = await settled();
  return {
    runId: confirmed.runId,
    unchanged: async (expected) => {
      // No close since the process was last seen: every reply since came from it.
      if (identity.epoch === confirmed.epoch && expected === confirmed.runId) return { same: true, runId: expected };
      confirmed = await settled();
      return { same: sameProcess(expected, confirmed.runId), runId: confirmed.runId };
    },
  };
}

/** Two run_ids name one process; an unknown one is never the same (the cursor is not trusted). */
function sameProcess(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && a === b;
}

/** Sends a node back to cursor 0 on the process now answering. */
function restart(scan: Checkpoint, entry: Checkpoint['nodes'][number], runId: string | undefined): void {
  entry.cursor = '0';
  entry.done = false;
  entry.runId = runId;
  scan.done = false;
}

function rescanNotice(spec: ScanTransformSpec, env: ScanEnvironment, entry: Checkpoint['nodes'][number], runId: string | undefined, when: string): void {
  const what =
    entry.runId === undefined || runId === undefined
      ? `the server at ${entry.node} may be another process ${when} (its run_id is unknown: INFO server was refused or not saved; grant +info to resume without rescanning)`
      : `the server at ${entry.node} is another process ${when} (run_id ${shortRunId(runId)}, was ${shortRunId(entry.runId)}: a restart, a reload or a failover)`;
  env.logger.warn(`${spec.name}: ${what}; a SCAN cursor means nothing there, so it is scanned again from the start (values converted already are left alone).`);
}

function serversOf(scan: Checkpoint): ScanTransformResult['servers'] {
  return scan.nodes.map((e) => (e.runId === undefined ? { node: e.node } : { node: e.node, runId: e.runId }));
}

function interrupted(reason: unknown, spec: ScanTransformSpec, scan: Checkpoint, dryRun: boolean): InterruptedError {
  if (scan.counters.batches === 0) return new InterruptedError(reason, `${spec.name} before its first batch`);
  const keys = `${scan.counters.keys} keys in ${scan.counters.batches} batches`;
  return new InterruptedError(reason, dryRun ? `${spec.name} after ${keys} (a dry run: nothing was written)` : `${spec.name} after ${keys}, its checkpoint saved`);
}

/** A lost connection said as such, with what was kept; undefined for any other error. */
function connectionLost(error: unknown, spec: ScanTransformSpec, nodes: readonly ScanNode[], scan: Checkpoint | undefined, dryRun: boolean): ConnectionLostError | undefined {
  if (error instanceof BatchStoppedError || error instanceof InterruptedError || error instanceof ConnectionLostError) return undefined;
  const cause = underlyingError(error);
  // A master not used yet may still wait to connect: only a closed connection names the node.
  const down = nodes.find((n) => n.client.status === 'end' || n.client.status === 'close' || n.client.status === 'reconnecting');
  if (!down && !isConnectionError(cause)) return undefined;
  const where = down ? ` at ${down.id}` : '';
  const done = scan ? ` after ${scan.counters.keys} keys` : '';
  return new ConnectionLostError(`${spec.name}: lost the connection to Redis${where}${done} (${describeCause(cause).replace(/\.$/, '')}).`, {
    cause: error,
    hint:
      (dryRun ? 'A dry run: nothing was written. ' : 'Nothing is recorded as applied; the checkpoint is kept at the last batch written. ') +
      'Run the same command again once the server answers: it resumes, and scans again from the start any server that restarted meanwhile (values converted already are left alone).',
  });
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

/** Time left at the pace of this run so far: what is left of the keyspace over the share done per millisecond. */
function etaOf(fraction: number, fractionAtStart: number, elapsedMs: number): { etaMs?: number } {
  if (fraction >= 1) return { etaMs: 0 };
  const done = fraction - fractionAtStart;
  return done > 0 && elapsedMs > 0 ? { etaMs: Math.round(((1 - fraction) * elapsedMs) / done) } : {};
}

function overallFraction(state: Checkpoint, keyCounts: number[]): number {
  const total = keyCounts.reduce((a, b) => a + b, 0);
  if (total === 0) return state.nodes.every((e) => e.done) ? 1 : 0;
  return state.nodes.reduce((sum, e, i) => sum + scanFraction(e.cursor, keyCounts[i]!, e.done) * keyCounts[i]!, 0) / total;
}
