import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseDatetime } from '../../src/builtin/datetime/parse';
import { OM_BIN, makeProject } from '../support/cli';
import { useRedisServer } from '../support/redis-server';
import { isoFor, seedEvents } from './seed';

const MODELS = resolve(__dirname, 'fixtures/hash-models.ts');
const ID = '001_datetime_fields_to_timestamps';
const KEYS = 200_000;
const CHECKPOINT = ['om:migrations:data:progress', `${ID}:up:Event`] as const;

function seconds(value: string): string {
  const parsed = parseDatetime(value);
  return parsed.kind === 'converted' ? parsed.text : value;
}

describe('resume after SIGKILL (200k keys, real processes)', () => {
  const live = useRedisServer();
  let project: ReturnType<typeof makeProject>;

  beforeAll(async () => {
    project = makeProject();
  });
  afterAll(async () => {
    project.remove();
  });

  /**
   * Starts `om migrate-data run` and SIGKILLs it once `kill(checkpointKeys, lockHeld)` says so;
   * resolves with the exit code or signal and the output.
   */
  function runUntil(kill?: (keysDone: number | undefined, lockHeld: boolean) => boolean) {
    const child = spawn(
      process.execPath,
      [OM_BIN, 'migrate-data', 'run', '-y', '--models', MODELS, '--builtin', 'datetime', '--batch-size', '500', '--lock-lease', '1', '--lock-timeout', '10'],
      { cwd: project.dir, env: { ...process.env, REDIS_OM_URL: live.server.url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    let killedAt: number | undefined;
    const poller = kill
      ? setInterval(() => {
          void Promise.all([live.redis.hget(...CHECKPOINT), live.redis.exists('om:migrations:lock')]).then(([raw, lock]) => {
            const keys = raw ? (JSON.parse(raw) as { counters: { keys: number } }).counters.keys : undefined;
            if (child.exitCode === null && killedAt === undefined && kill(keys, lock === 1)) {
              killedAt = keys ?? 0;
              child.kill('SIGKILL');
            }
          });
        }, 5)
      : undefined;
    return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; killedAt?: number }>((done) => {
      child.on('close', (code, signal) => {
        if (poller) clearInterval(poller);
        done({ code, signal, stdout, stderr, killedAt });
      });
    });
  }

  it('converts every key exactly as one uninterrupted run would, whatever the kill points, and changes nothing else', async () => {
    await seedEvents(live.redis, KEYS, { tags: 100 });
    const otherKeys = await live.redis.dbsize();

    const timeline: string[] = [];
    // Killed as soon as it holds the lock: before (or at worst just after) the first checkpoint.
    const early = await runUntil((_keys, lock) => lock);
    expect(early.signal).toBe('SIGKILL');
    timeline.push(`killed on taking the lock (${early.killedAt} keys checkpointed)`);
    // Then at several depths of the scan; each rerun resumes from the last checkpoint.
    let last = 0;
    for (const threshold of [30_000, 100_000, 170_000]) {
      const run = await runUntil((keys) => keys !== undefined && keys >= threshold);
      expect(run.signal).toBe('SIGKILL');
      expect(run.killedAt).toBeGreaterThanOrEqual(last);
      if (last > 0) expect(run.stdout).toMatch(/resuming from the checkpoint/);
      const saved = JSON.parse((await live.redis.hget(...CHECKPOINT))!) as { counters: { keys: number; batches: number } };
      expect(saved.counters.keys).toBeGreaterThanOrEqual(threshold);
      // Constant size: cursor and counters only, whatever the number of keys done.
      expect((await live.redis.hstrlen(...CHECKPOINT))).toBeLessThan(700);
      timeline.push(`killed at ${saved.counters.keys} keys (${saved.counters.batches} batches)`);
      last = saved.counters.keys;
    }
    expect((await live.redis.hget('om:migrations:data:ledger', ID))).toBeNull();

    const final = await runUntil();
    expect(final.stderr).toBe('');
    expect(final.code).toBe(0);
    expect(final.stdout).toMatch(/resuming from the checkpoint/);
    expect(final.stdout).toContain('Applied 1 migration');
    expect(await live.redis.hget('om:migrations:data:ledger', ID)).not.toBeNull();
    expect(await live.redis.exists('om:migrations:data:progress')).toBe(0);
    // eslint-disable-next-line no-console
    console.log(`kill/resume timeline: ${timeline.join('; ')}; then completed`);

    // Every key converted, every other field and key unchanged.
    expect(await live.redis.dbsize()).toBe(otherKeys + 1); // + the ledger
    for (let start = 0; start < KEYS; start += 10_000) {
      const pipeline = live.redis.pipeline();
      for (let i = start; i < start + 10_000; i += 1) pipeline.hgetall(`Event:${i}`);
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([, value], j) => {
        const i = start + j;
        const expected = {
          title: `event ${i}`,
          attendees: String(i),
          createdAt: seconds(isoFor(i)),
          updatedAt: seconds(isoFor(i + 3)),
          starts_on: seconds(isoFor(i + 1)),
        };
        if (JSON.stringify(value) !== JSON.stringify(expected)) expect({ key: `Event:${i}`, value }).toEqual({ key: `Event:${i}`, value: expected });
      });
    }
    expect(await live.redis.hget('Tag:7', 'label')).toBe('2024-01-02T03:04:05Z');
    expect(await live.redis.get('Event:string')).toBe('2024-01-02T03:04:05Z');
    expect(await live.redis.hget('Eventual:1', 'createdAt')).toBe('2024-01-02T03:04:05Z');
  }, 180_000);
});
