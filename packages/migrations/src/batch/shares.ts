import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClient } from '../redis/client';
import { scanNodes } from '../redis/nodes';
import { InterruptedError } from '../errors';
import { RELEASE_LEASE, RENEW_LEASE, sleep } from '../state/lock';
import { addCounters, emptyCounters, type ScanEnvironment, type ScanTransformResult, type ScanTransformSpec } from './types';

/** How the processes of one scaled-out run share each scan (see docs/architecture.md). */
export interface ShareSettings {
  /**
   * Names the run the processes share: taken from the shared migration lock, so every process
   * of that run sees the same one and a later run never sees this run's "done" marks.
   */
  readonly session: string;
  /** Lease of a share in ms; its holder renews it every third. A killed holder's share is free after it. */
  readonly leaseMs: number;
}

// A share is marked done only by the holder of its lease, so a process whose lease expired
// under it (stalled) never marks a share that another process has taken over.
const MARK_DONE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1`;
/** How long the done marks of a run stay (they name a session no later run reuses). */
const DONE_TTL_MS = 86_400_000;

/** One share of a scan: a master of a cluster (named by a slot it serves, which a failover keeps), or the whole server. */
interface Share {
  readonly id: string;
  /** The master, for messages. */
  readonly node: string;
  /** The first slot it serves (undefined on a single server). */
  readonly slot: number | undefined;
}

/**
 * A scan shared by the processes of a scaled-out run: each takes a free share (a master)
 * under a lease in Redis (`SET … NX PX`, renewed, released by compare-and-delete), walks it
 * with its own checkpoint (`<name>@<share>`, so whoever takes a share over resumes from it),
 * marks it done, and takes the next. A process that finds no free share waits until every
 * share is done, taking over any whose lease expires (its holder died). Returns the counters
 * of the shares this process walked.
 */
export async function scanShares(
  redis: RedisClient,
  spec: ScanTransformSpec,
  env: ScanEnvironment & { readonly share: ShareSettings },
  walkShare: (redis: RedisClient, spec: ScanTransformSpec, env: ScanEnvironment, slot: number | undefined) => Promise<ScanTransformResult>,
): Promise<ScanTransformResult> {
  const started = performance.now();
  const { session, leaseMs } = env.share;
  const token = `${hostname()} pid ${process.pid} ${randomUUID()}`;
  const doneKey = `${env.keyPrefix}data:shares:${session}`;
  const leaseKey = (share: Share) => `${env.keyPrefix}data:lease:${spec.name}@${share.id}`;
  const shares: Share[] = (await scanNodes(redis)).map((n) => ({ id: n.slot === undefined ? 'all' : `slot${n.slot}`, node: n.id, slot: n.slot }));
  const counters = emptyCounters();
  const servers: ScanTransformResult['servers'][number][] = [];
  let resumed = false;
  let walked = 0;
  for (;;) {
    const done = new Set(Object.keys(await redis.hgetall(doneKey)));
    const open = shares.filter((s) => !done.has(`${spec.name}@${s.id}`));
    if (open.length === 0) break;
    let took = false;
    for (const share of open) {
      if (env.signal?.aborted) throw new InterruptedError(env.signal.reason, `${spec.name} between shares`);
      if ((await redis.set(leaseKey(share), token, 'PX', leaseMs, 'NX')) !== 'OK') continue;
      const lease = holdLease(redis, leaseKey(share), token, leaseMs);
      try {
        // Its holder may have marked it done and let it go since the marks were read.
        if ((await redis.hexists(doneKey, `${spec.name}@${share.id}`)) === 1) continue;
        took = true;
        const base = { ...counters };
        const signal = env.signal ? AbortSignal.any([env.signal, lease.signal]) : lease.signal;
        const name = `${spec.name}@${share.id}`;
        const onBatch = spec.onBatch;
        const shareSpec = { ...spec, name, onBatch: onBatch && ((p) => onBatch({ ...p, name: spec.name, counters: addCounters(base, p.counters) })) } as ScanTransformSpec;
        let result: ScanTransformResult;
        try {
          result = await walkShare(redis, shareSpec, { ...env, signal }, share.slot);
        } catch (error) {
          // Our lease expired (this process stalled longer than it): the share is someone else's now.
          if (error instanceof InterruptedError && lease.lost && !env.signal?.aborted) {
            env.logger.warn(`${spec.name}: lost the lease of the share of ${share.node} (a pause longer than ${leaseMs} ms); another process takes it over from its checkpoint.`);
            continue;
          }
          throw error;
        }
        Object.assign(counters, addCounters(counters, result.counters));
        servers.push(...result.servers);
        resumed ||= result.resumed;
        walked += 1;
        await redis.eval(MARK_DONE, 2, leaseKey(share), doneKey, token, name, JSON.stringify(result.counters), DONE_TTL_MS);
      } finally {
        await lease.release();
      }
    }
    if (!took) await sleep(Math.min(Math.max(leaseMs / 4, 50), 1000), env.signal);
    if (env.signal?.aborted) throw new InterruptedError(env.signal.reason, `${spec.name} while other processes walk their shares`);
  }
  return { name: spec.name, counters, resumed, alreadyDone: walked === 0, durationMs: performance.now() - started, dryRun: spec.dryRun ?? false, servers };
}

function holdLease(redis: RedisClient, key: string, token: string, leaseMs: number): { signal: AbortSignal; readonly lost: boolean; release(): Promise<void> } {
  const lost = new AbortController();
  const timer = setInterval(() => {
    redis.eval(RENEW_LEASE, 1, key, token, leaseMs).then(
      (renewed) => {
        if (renewed !== 1) lost.abort('the share lease expired');
      },
      // Retried at the next tick; a share marked done is fenced by the lease anyway.
      () => undefined,
    );
  }, Math.max(Math.floor(leaseMs / 3), 20));
  timer.unref();
  return {
    signal: lost.signal,
    get lost() {
      return lost.signal.aborted;
    },
    release: async () => {
      clearInterval(timer);
      await redis.eval(RELEASE_LEASE, 1, key, token).catch(() => undefined);
    },
  };
}
