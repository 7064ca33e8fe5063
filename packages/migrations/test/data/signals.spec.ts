import { resolve } from 'node:path';
import { parseDatetime } from '../../src/builtin/datetime/parse';
import { makeProject, recordingMigration, spawnOm, waitUntil } from '../support/cli';
import { useRedisServer } from '../support/redis-server';
import { isoFor, seedEvents } from '../datetime/seed';

const MODELS = resolve(__dirname, '../datetime/fixtures/hash-models.ts');
const ID = '001_datetime_fields_to_timestamps';
const LOCK = 'om:migrations:lock';
const LEDGER = 'om:migrations:data:ledger';
const PROGRESS = 'om:migrations:data:progress';
const CHECKPOINT = `${ID}:up:Event`;
const DIR = 'migrations/data-migrations';
const KEYS = 30_000;

/** up() that marks it started, then waits for the test to set `go`: a migration caught mid-way. */
const WAITING = recordingMigration('20200101_000000_waiting', {
  up: "await ctx.redis.set('started', '1'); while (!(await ctx.redis.exists('go'))) await new Promise((r) => setTimeout(r, 20));",
});
const NEXT = recordingMigration('20200102_000000_next');

function seconds(value: string): string {
  const parsed = parseDatetime(value);
  return parsed.kind === 'converted' ? parsed.text : value;
}

describe('Ctrl-C and SIGTERM sent to om migrate-data (real processes, real signals)', () => {
  const live = useRedisServer();

  const checkpointKeys = async (): Promise<number | undefined> => {
    const raw = await live.redis.hget(PROGRESS, CHECKPOINT);
    return raw ? (JSON.parse(raw) as { counters: { keys: number } }).counters.keys : undefined;
  };

  it('SIGINT, then SIGTERM: each stops at a batch boundary with the checkpoint saved and the lock released, exits 130 / 143; the rerun converts every key', async () => {
    const project = makeProject();
    try {
      await seedEvents(live.redis, KEYS);
      const otherKeys = await live.redis.dbsize();
      const run = () => spawnOm(['migrate-data', 'run', '-y', '--models', MODELS, '--builtin', 'datetime', '--batch-size', '200'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });
      let last = 0;
      for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
        const om = run();
        await waitUntil(async () => ((await checkpointKeys()) ?? 0) >= last + 3000 || undefined, `3000 more keys before ${signal}`);
        om.child.kill(signal);
        const result = await om.exited;
        // Right after the exit, not a lease later.
        expect(await live.redis.exists(LOCK)).toBe(0);
        expect(result.stderr).toContain(`Received ${signal}: stopping at the next batch boundary`);
        const stopped = new RegExp(`Stopped by ${signal}: ${ID}:up:Event after (\\d+) keys in \\d+ batches, its checkpoint saved\\. Nothing half done is recorded\\. The migration lock is released\\.`).exec(result.stderr);
        expect(stopped).not.toBeNull();
        expect(result.stderr).toContain('To resume, run the same command again.');
        expect(result.stdout).not.toContain('✓');
        expect(result.code).toBe(code);
        // The checkpoint is the one the message names: saved at the batch it stopped after.
        const kept = await checkpointKeys();
        expect(kept).toBe(Number(stopped![1]));
        expect(kept).toBeLessThan(KEYS);
        expect(kept).toBeGreaterThan(last);
        expect(await live.redis.hget(LEDGER, ID)).toBeNull();
        last = kept!;
      }

      const rerun = await run().exited;
      expect(rerun.stdout).toContain('resuming from the checkpoint');
      expect(rerun.stdout).toContain('Applied 1 migration (batch 1).');
      expect(rerun.stderr).toBe('');
      expect(rerun.code).toBe(0);
      expect(await live.redis.exists(PROGRESS)).toBe(0);
      expect(await live.redis.dbsize()).toBe(otherKeys + 1); // + the ledger
      const pipeline = live.redis.pipeline();
      for (let i = 0; i < KEYS; i += 1) pipeline.hgetall(`Event:${i}`);
      const wrong = ((await pipeline.exec()) ?? []).flatMap(([, value], i) => {
        const expected = { title: `event ${i}`, createdAt: seconds(isoFor(i)), updatedAt: seconds(isoFor(i + 3)), starts_on: seconds(isoFor(i + 1)), attendees: String(i) };
        const same = Object.keys(expected).length === Object.keys(value as object).length && Object.entries(expected).every(([k, v]) => (value as Record<string, string>)[k] === v);
        return same ? [] : [{ key: `Event:${i}`, value, expected }];
      });
      expect(wrong.slice(0, 5)).toEqual([]);
      expect(await live.redis.hget('Tag:1', 'label')).toBe('2024-01-02T03:04:05Z');
      expect(await live.redis.get('Event:string')).toBe('2024-01-02T03:04:05Z');
    } finally {
      project.remove();
    }
  }, 120_000);

  it('SIGINT during a migration without batches lets it finish and be recorded, then stops before the next one', async () => {
    const project = makeProject({ [`${DIR}/20200101_000000_waiting.ts`]: WAITING, [`${DIR}/20200102_000000_next.ts`]: NEXT });
    try {
      const om = spawnOm(['migrate-data', 'run', '-y'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });
      await waitUntil(async () => (await live.redis.exists('started')) === 1 || undefined, 'the first migration to start');
      om.child.kill('SIGINT');
      await waitUntil(async () => om.stderr().includes('Received SIGINT') || undefined, 'the stop to be acknowledged');
      await live.redis.set('go', '1');
      const result = await om.exited;
      expect(await live.redis.exists(LOCK)).toBe(0);
      expect(result.stdout).toContain('✓ 20200101_000000_waiting');
      expect(result.stderr).toContain(
        'Stopped by SIGINT: before 20200102_000000_next; this run applied 1 migration, 1 migration not applied. Nothing half done is recorded. The migration lock is released.',
      );
      expect(result.code).toBe(130);
      expect(await live.redis.lrange('calls', 0, -1)).toEqual(['up:20200101_000000_waiting']);
      expect(Object.keys(await live.redis.hgetall(LEDGER))).toEqual(['20200101_000000_waiting']);

      const rerun = spawnOm(['migrate-data', 'run', '-y'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });
      const done = await rerun.exited;
      expect(done.stdout).toContain('Running 1 migration:');
      expect(done.code).toBe(0);
      expect(await live.redis.lrange('calls', 0, -1)).toEqual(['up:20200101_000000_waiting', 'up:20200102_000000_next']);
    } finally {
      project.remove();
    }
  }, 60_000);

  it('a second SIGINT while stopping exits at once; the lock then waits out its lease', async () => {
    const project = makeProject({ [`${DIR}/20200101_000000_waiting.ts`]: WAITING });
    try {
      const om = spawnOm(['migrate-data', 'run', '-y', '--lock-lease', '2'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });
      await waitUntil(async () => (await live.redis.exists('started')) === 1 || undefined, 'the migration to start');
      om.child.kill('SIGINT');
      await waitUntil(async () => om.stderr().includes('Received SIGINT') || undefined, 'the stop to be acknowledged');
      // up() never returns (no `go`): only the second signal can end the process.
      om.child.kill('SIGINT');
      const result = await om.exited;
      expect(result.stderr).toContain('Received SIGINT again: exiting now. The migration lock stays until its lease expires (within 2s)');
      expect(result.code).toBe(130);
      expect(await live.redis.exists(LOCK)).toBe(1);
      await waitUntil(async () => (await live.redis.exists(LOCK)) === 0 || undefined, 'the lease to expire', 10_000);
      expect(await live.redis.hgetall(LEDGER)).toEqual({});
    } finally {
      project.remove();
    }
  }, 60_000);

  it('a runner waiting for the lock prints its plan only once it holds the lock, and SIGTERM stops its wait without touching the holder', async () => {
    const project = makeProject({ [`${DIR}/20200102_000000_next.ts`]: NEXT });
    try {
      const holder = JSON.stringify({ token: 't', owner: 'the test', since: new Date().toISOString(), command: 'om migrate-data run' });
      await live.redis.set(LOCK, holder, 'PX', 60_000);
      const env = { REDIS_OM_URL: live.server.url };

      const stopped = spawnOm(['migrate-data', 'run', '-y', '--lock-timeout', '60'], { cwd: project.dir, env });
      await waitUntil(async () => stopped.stdout().includes('Another run holds the migration lock; waiting') || undefined, 'the first runner to wait');
      stopped.child.kill('SIGTERM');
      const first = await stopped.exited;
      expect(first.stderr).toContain('Stopped by SIGTERM: while waiting for the migration lock; nothing ran.');
      expect(first.stdout).not.toContain('Running');
      expect(first.code).toBe(143);
      expect(await live.redis.get(LOCK)).toBe(holder);

      const waiting = spawnOm(['migrate-data', 'run', '-y', '--lock-timeout', '60'], { cwd: project.dir, env });
      await waitUntil(async () => waiting.stdout().includes('Another run holds the migration lock; waiting') || undefined, 'the second runner to wait');
      expect(waiting.stdout()).not.toContain('Running');
      await live.redis.del(LOCK);
      const second = await waiting.exited;
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/Another run holds the migration lock; waiting up to 60s\.\.\.\nRunning 1 migration:\n {2}✓ 20200102_000000_next/);
      expect(await live.redis.lrange('calls', 0, -1)).toEqual(['up:20200102_000000_next']);
    } finally {
      project.remove();
    }
  }, 60_000);
});
