import type { Cluster } from 'ioredis';
import { resolve } from 'node:path';
import { makeProject, spawnOm, waitUntil, type OmProcess } from '../support/cli';
import { seedEvents, startRedisCluster, type TestRedisCluster } from '../support/redis-cluster';

const MODELS = resolve(__dirname, '../datetime/fixtures/hash-models.ts');
const ID = '001_datetime_fields_to_timestamps';
const KEYS = 15_000;
const PROGRESS = '{om:migrations}:data:progress';
const LEDGER = '{om:migrations}:data:ledger';
const createdAt = (i: number) => Date.UTC(2024, 0, 1) + i * 1000;

describe('om migrate-data run --scale-out: 3 processes on a 3-master cluster', () => {
  let cluster: TestRedisCluster;
  let redis: Cluster;
  let project: ReturnType<typeof makeProject>;

  beforeAll(async () => {
    cluster = await startRedisCluster(3);
    redis = cluster.client();
    project = makeProject();
  }, 60_000);
  afterAll(async () => {
    project?.remove();
    await cluster?.stop();
  });

  const seed = () => seedEvents(redis, KEYS, (i) => ({ title: `e${i}`, createdAt: new Date(createdAt(i)).toISOString() }));

  /** One worker; throttled per process, so that the three overlap (a share of about 5000 keys takes a second or more). */
  function worker(): OmProcess {
    return spawnOm(
      ['migrate-data', 'run', '-y', '--models', MODELS, '--builtin', 'datetime', '--batch-size', '200', '--max-rate', '4000', '--scale-out', '--share-lease', '1', '--lock-lease', '1', '--lock-timeout', '30'],
      { cwd: project.dir, env: { REDIS_OM_URL: cluster.url } },
    );
  }

  async function expectEveryKeyConverted(): Promise<void> {
    for (let start = 0; start < KEYS; start += 500) {
      const values = await Promise.all(Array.from({ length: 500 }, (_, j) => redis.hget(`Event:${start + j}`, 'createdAt')));
      expect(values.filter((v, j) => v !== String(createdAt(start + j) / 1000))).toEqual([]);
    }
  }

  /** The values a process says it converted (the built-in prints a line per model). */
  const converted = (stdout: string) => [...stdout.matchAll(/Event \(HASH[^)]*\): \d+ keys, converted (\d+) values/g)].reduce((sum, m) => sum + Number(m[1]), 0);

  it('converts each key exactly once across the processes, and records the migration once', async () => {
    await seed();
    const runs = await Promise.all([worker(), worker(), worker()].map((w) => w.exited));
    for (const run of runs) expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    // Each value converted once: a value walked twice would be counted as unchanged the second time.
    expect(runs.map((r) => converted(r.stdout)).reduce((a, b) => a + b, 0)).toBe(KEYS);
    expect(runs.filter((r) => r.stdout.includes(`${ID}: recorded by another process of this scaled-out run.`))).toHaveLength(2);
    expect(await redis.hkeys(LEDGER)).toEqual([ID]);
    await expectEveryKeyConverted();
  }, 120_000);

  it('takes over the share of a SIGKILLed process once its lease expires; every key converted, the migration recorded once', async () => {
    await seed();
    const workers = [worker(), worker(), worker()];
    // Kill a process that holds a share it has walked part of (its checkpoint has moved).
    const victim = await waitUntil(async () => {
      const progress = await redis.hgetall(PROGRESS);
      for (const [name, raw] of Object.entries(progress)) {
        if (!name.includes('@') || (JSON.parse(raw) as { counters: { keys: number } }).counters.keys === 0) continue;
        const holder = await redis.get(`{om:migrations}:data:lease:${name}`);
        const pid = holder && /pid (\d+)/.exec(holder)?.[1];
        const w = workers.find((x) => String(x.child.pid) === pid && x.child.exitCode === null);
        if (w) return w;
      }
      return undefined;
    }, 'a process part-way through its share');
    victim.child.kill('SIGKILL');
    const runs = await Promise.all(workers.map((w) => w.exited));
    const survivors = runs.filter((r) => r.signal !== 'SIGKILL');
    expect(survivors).toHaveLength(2);
    for (const run of survivors) expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    // The taker resumed from the share's checkpoint.
    expect(survivors.some((r) => /resuming from the checkpoint/.test(r.stdout))).toBe(true);
    expect(survivors.filter((r) => r.stdout.includes(`${ID}: recorded by another process of this scaled-out run.`))).toHaveLength(1);
    expect(await redis.hkeys(LEDGER)).toEqual([ID]);
    await expectEveryKeyConverted();
  }, 120_000);
});
