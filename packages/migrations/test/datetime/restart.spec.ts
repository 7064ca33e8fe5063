import { resolve } from 'node:path';
import Redis from 'ioredis';
import { parseDatetime } from '../../src/builtin/datetime/parse';
import { makeProject, spawnOm, waitUntil, type OmProcess } from '../support/cli';
import { startPersistentRedisServer, type PersistentRedisServer } from '../support/redis-server';
import { isoFor, seedEvents } from './seed';

const MODELS = resolve(__dirname, 'fixtures/hash-models.ts');
const ID = '001_datetime_fields_to_timestamps';
// Enough keys for three restarts to land mid-scan with 200-key batches, few enough to keep the
// test near a minute on two busy cores (most of it the run waiting out its retry budget).
const KEYS = 60_000;
const PROGRESS = 'om:migrations:data:progress';
const CHECKPOINT = `${ID}:up:Event`;
const LEDGER = 'om:migrations:data:ledger';

interface Saved {
  nodes: { node: string; cursor: string; done: boolean; runId?: string }[];
  counters: { keys: number };
}

/** A HASH's fields in a fixed order, so two replies compare whatever order Redis kept. */
function canonical(fields: unknown): string {
  return JSON.stringify(Object.entries(fields as Record<string, string>).sort(([a], [b]) => a.localeCompare(b)));
}

function seconds(value: string): string {
  const parsed = parseDatetime(value);
  return parsed.kind === 'converted' ? parsed.text : value;
}

describe('a redis-server restarted during the datetime migration (AOF, real processes)', () => {
  let server: PersistentRedisServer;
  let redis: Redis;
  let project: ReturnType<typeof makeProject>;

  beforeAll(async () => {
    server = await startPersistentRedisServer();
    // The test's own client rides through the restarts, retrying for as long as it takes.
    redis = new Redis(server.url, { retryStrategy: () => 100, maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    project = makeProject();
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
    project?.remove();
  });

  const run = (): OmProcess =>
    spawnOm(['migrate-data', 'run', '-y', '--models', MODELS, '--builtin', 'datetime', '--batch-size', '200', '--lock-lease', '10'], {
      cwd: project.dir,
      env: { REDIS_OM_URL: server.url },
    });

  const saved = async (): Promise<Saved | undefined> => {
    const raw = await redis.hget(PROGRESS, CHECKPOINT);
    return raw ? (JSON.parse(raw) as Saved) : undefined;
  };

  /** The checkpoint once the running scan has done `keys` keys on the server process running now. */
  const scannedOnThisProcess = (om: OmProcess, keys: number, what: string): Promise<Saved> => {
    const runId = server.runId();
    return waitUntil(async () => {
      if (om.child.exitCode !== null) throw new Error(`the run ended before ${what}:\n${om.stdout()}\n${om.stderr()}`);
      const s = await saved();
      return s && s.nodes[0]!.runId === runId && s.counters.keys >= keys ? s : undefined;
    }, what);
  };

  const restart = async () => {
    await server.shutdown();
    await server.start();
  };

  it('never records the migration over unconverted keys: rescans after each restart, fails when the server stays down, and the rerun converts every key', async () => {
    await seedEvents(redis, KEYS, { tags: 100 });
    const otherKeys = await redis.dbsize();
    const timeline: string[] = [];
    const started = Date.now();
    const mark = (what: string) => timeline.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${what}`);

    // 1. A restart the run reconnects through: at 20% of the scan.
    const first = run();
    const before1 = await scannedOnThisProcess(first, KEYS * 0.2, 'the first 20% of the scan');
    await restart();
    mark(`restart 1 at ${before1.counters.keys} keys`);
    // The run notices the new process, goes back to cursor 0 there, and saves that.
    const rescanning = await scannedOnThisProcess(first, before1.counters.keys, 'the scan to start over on the restarted server');
    expect(rescanning.counters.keys).toBeGreaterThanOrEqual(before1.counters.keys);

    // 2. A restart it cannot ride through: down until the run gives up, at 40% of the rescan.
    const before2 = await scannedOnThisProcess(first, before1.counters.keys + KEYS * 0.4, '40% of the rescan');
    await server.shutdown();
    mark(`shutdown at ${before2.counters.keys} keys`);
    const failed = await first.exited;
    mark('the run gave up');
    await server.start();
    expect(failed.stderr).toMatch(/another process during the scan \(run_id \w+, was \w+: a restart, a reload or a failover\)/);
    expect(failed.stderr).toContain(`lost the connection to Redis at 127.0.0.1:${server.port}`);
    expect(failed.stderr).toContain('Run the same command again once the server answers');
    expect(failed.stdout).not.toContain('✓');
    expect(failed.code).toBe(1);
    expect(await redis.hget(LEDGER, ID)).toBeNull();
    const kept = await saved();
    expect(kept).toBeDefined();
    expect(kept!.nodes[0]!.runId).not.toBe(server.runId());

    // 3. The rerun finds a cursor of another process: it scans from 0, and rides through a third
    // restart at 70% of that scan.
    const rerun = run();
    const before3 = await scannedOnThisProcess(rerun, kept!.counters.keys + KEYS * 0.7, '70% of the rerun');
    await restart();
    mark(`restart 3 at ${before3.counters.keys} keys`);
    const done = await rerun.exited;
    mark('the rerun completed');
    expect(done.stderr).toMatch(/another process since the checkpoint was saved/);
    expect(done.stderr).toMatch(/another process during the scan/);
    expect(done.stdout).toContain(`✓ ${ID}`);
    expect(done.stdout).toContain('Applied 1 migration (batch 1).');
    expect(done.code).toBe(0);
    expect(await redis.hget(LEDGER, ID)).not.toBeNull();
    expect(await redis.exists(PROGRESS)).toBe(0);
    // eslint-disable-next-line no-console
    console.log(`restart timeline (${KEYS} keys, batches of 200): ${timeline.join('; ')}`);

    // Every key converted; every other field and key as it was.
    expect(await redis.dbsize()).toBe(otherKeys + 1); // + the ledger
    const wrong: unknown[] = [];
    for (let start = 0; start < KEYS; start += 10_000) {
      const pipeline = redis.pipeline();
      for (let i = start; i < start + 10_000; i += 1) pipeline.hgetall(`Event:${i}`);
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([, value], j) => {
        const i = start + j;
        const expected = {
          title: `event ${i}`,
          createdAt: seconds(isoFor(i)),
          updatedAt: seconds(isoFor(i + 3)),
          starts_on: seconds(isoFor(i + 1)),
          attendees: String(i),
        };
        if (canonical(value) !== canonical(expected)) wrong.push({ key: `Event:${i}`, value, expected });
      });
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(wrong.length).toBe(0);
    for (let i = 0; i < 100; i += 1) expect(await redis.hgetall(`Tag:${i}`)).toEqual({ label: '2024-01-02T03:04:05Z' });
    expect(await redis.get('Event:string')).toBe('2024-01-02T03:04:05Z');
    expect(await redis.hget('Eventual:1', 'createdAt')).toBe('2024-01-02T03:04:05Z');
  }, 180_000);
});
