import { resolve } from 'node:path';
import { parseDatetime } from '../../src/builtin/datetime/parse';
import { makeProject, runOm, runOmInTerminal } from '../support/cli';
import { useRedisServer } from '../support/redis-server';
import { isoFor, seedEvents, snapshot } from './seed';

const MODELS = resolve(__dirname, 'fixtures/hash-models.ts');
const ID = '001_datetime_fields_to_timestamps';

/** What the migration must write for a seeded value. */
function seconds(value: string, timeZone?: string): string {
  const parsed = parseDatetime(value, { timeZone });
  if (parsed.kind === 'converted') return parsed.text;
  if (parsed.kind === 'numeric') return value;
  throw new Error(`not convertible: ${value}`);
}

describe('om migrate-data with the built-in datetime migration (HASH, real redis-server)', () => {
  const live = useRedisServer();
  let project: ReturnType<typeof makeProject>;

  beforeAll(async () => {
    project = makeProject();
  });
  afterAll(async () => {
    project.remove();
  });

  const om = (...args: string[]) => runOm(['migrate-data', ...args, '--models', MODELS, '--builtin', 'datetime'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });

  it('is pending only where enabled (--builtin datetime), and converts every date field of the models, and nothing else', async () => {
    await seedEvents(live.redis, 500);
    const before = await snapshot(live.redis);
    const plain = (...args: string[]) => runOm(['migrate-data', ...args], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });
    const withoutModels = await plain('status');
    expect(withoutModels.stdout).not.toContain(ID);
    // Declaring models enables nothing: status offers the built-in, a run leaves every date alone.
    const offered = await plain('status', '--models', MODELS);
    expect(offered.stdout).toContain('Pending: 0');
    expect(offered.stdout).toContain(
      `Built-in migrations not enabled (they run only where enabled):\n  - ${ID}  (Convert date fields from ISO 8601 strings to epoch seconds (HASH: decimal text, JSON: number); to enable it, pass \`--builtin datetime\`)`,
    );
    const notEnabled = await plain('run', '-y', '--models', MODELS);
    expect(notEnabled.code).toBe(0);
    expect(await snapshot(live.redis)).toEqual(before);
    const noModels = await plain('run', '-y', '--builtin', 'datetime');
    expect(noModels.code).toBe(2);
    expect(noModels.stderr).toContain('The built-in migration datetime (--builtin datetime) needs your models to find the date fields.');
    const unknown = await plain('status', '--builtin', 'dates');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("option '--builtin <name>' argument 'dates' is invalid. expected one of: datetime.");
    expect((await om('status')).stdout).toContain(`Pending migrations:\n  - ${ID}`);

    const run = await om('run', '-y');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Event \(HASH, createdAt, updatedAt, startsOn\): 500 keys, converted 1350 values, 150 already numeric, 0 missing, 0 failed/);
    const after = await snapshot(live.redis);
    for (const [key, value] of before) {
      if (!/^Event:\d+$/.test(key)) {
        expect(after.get(key)).toEqual(value);
        continue;
      }
      const b = value as Record<string, string>;
      expect(after.get(key)).toEqual({
        title: b.title,
        attendees: b.attendees,
        createdAt: seconds(b.createdAt!),
        updatedAt: seconds(b.updatedAt!),
        starts_on: seconds(b.starts_on!),
      });
    }
    expect(after.size).toBe(before.size);
    expect(await live.redis.hget('Event:1', 'createdAt')).toBe('1704153600');
    expect(await live.redis.hget('Event:2', 'createdAt')).toBe(String(Date.parse('2024-07-15T12:00:00Z') / 1000));

    expect((await om('run', '-y')).stdout).toContain('No pending data migrations.');
    const verify = await om('verify', '--check-data');
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('Date fields: 1500 values in 500 keys checked, 0 not epoch seconds in range.');
    expect(verify.stdout).toContain('Verification passed.');
    expect(await live.redis.hlen('om:migrations:data:progress')).toBe(0);
  }, 60_000);

  it('--timezone reads naive date-times in that zone; an unknown zone is refused', async () => {
    await seedEvents(live.redis, 20);
    const bad = await om('run', '-y', '--timezone', 'Mars/Base');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown time zone "Mars\/Base"/);
    expect((await om('run', '-y', '--timezone', 'America/New_York')).code).toBe(0);
    expect(await live.redis.hget('Event:2', 'createdAt')).toBe(String(Date.parse('2024-07-15T16:00:00Z') / 1000));
    // Offsets and dates are not affected by the zone.
    expect(await live.redis.hget('Event:3', 'createdAt')).toBe(String(Date.parse('2024-07-15T12:00:00Z') / 1000));
    expect(await live.redis.hget('Event:1', 'createdAt')).toBe('1704153600');
  });

  describe('--failure-mode and --max-errors', () => {
    const GARBAGE = [5, 17, 33];
    beforeEach(() => seedEvents(live.redis, 60, { garbage: GARBAGE }));

    it('fail (default): stops, exits 1 naming key, field and value, writes nothing of the batch, keeps the error for `progress`', async () => {
      const run = await om('run', '-y');
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/Event:(5|17|33) field createdAt = "garbage-\d+": not an ISO 8601/);
      expect(await live.redis.hget('Event:0', 'updatedAt')).toBe(isoFor(3));
      expect((await om('status')).stdout).toContain(`Pending migrations:\n  - ${ID}`);
      const progress = await om('progress');
      expect(progress.stdout).toContain(`${ID}:up:Event`);
      expect(progress.stdout).toMatch(/last error: Event:\d+ createdAt = "garbage-\d+": not an ISO 8601/);
    });

    it('log_and_skip: converts the rest, leaves the failures, warns with key, field and value', async () => {
      const run = await om('run', '-y', '--failure-mode', 'log_and_skip');
      expect(run.code).toBe(0);
      const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning:'));
      expect(warnings).toHaveLength(3);
      for (const i of GARBAGE) {
        expect(run.stderr).toContain(`Event:${i} field createdAt: cannot convert "garbage-${i}"`);
        expect(await live.redis.hget(`Event:${i}`, 'createdAt')).toBe(`garbage-${i}`);
      }
      expect(await live.redis.hget('Event:5', 'updatedAt')).toBe(seconds(isoFor(8)));
      const verify = await om('verify', '--check-data');
      expect(verify.code).toBe(3);
      expect(verify.stdout).toContain('3 not epoch seconds in range');
      expect(verify.stdout).toContain('Event:17 createdAt = "garbage-17": not epoch seconds');
      expect(verify.stderr).toContain('Verification failed: 3 date values redis-om cannot read.');
    });

    it('skip: the same, silently (the failures show with --verbose only)', async () => {
      const run = await om('run', '-y', '--failure-mode', 'skip');
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('');
      expect(await live.redis.hget('Event:33', 'createdAt')).toBe('garbage-33');
      await live.redis.flushall();
      await seedEvents(live.redis, 60, { garbage: GARBAGE });
      const verbose = await om('run', '-y', '--failure-mode', 'skip', '--verbose');
      expect(verbose.stdout).toContain('Event:33 field createdAt: cannot convert "garbage-33"');
    });

    it('default: writes epoch 0 for the failures', async () => {
      const run = await om('run', '-y', '--failure-mode', 'default');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('(3 set to 0)');
      expect(run.stderr).toContain('Event:5 field createdAt: cannot convert "garbage-5": not an ISO 8601');
      for (const i of GARBAGE) expect(await live.redis.hget(`Event:${i}`, 'createdAt')).toBe('0');
      expect((await om('verify', '--check-data')).code).toBe(0);
    });

    it('--max-errors N: tolerates N failures and stops at the next', async () => {
      const stopped = await om('run', '-y', '--failure-mode', 'log_and_skip', '--max-errors', '2');
      expect(stopped.code).toBe(1);
      expect(stopped.stderr).toMatch(/more than 2 failures \(max errors\)/);
      const tolerated = await om('run', '-y', '--failure-mode', 'log_and_skip', '--max-errors', '3');
      expect(tolerated.code).toBe(0);
    });

    it('rejects an unknown failure mode', async () => {
      const run = await om('run', '-y', '--failure-mode', 'ignore');
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/Allowed choices are skip, fail, default, log_and_skip/);
    });
  });

  it('--batch-size sets the batch: more, smaller batches (one progress line each with --verbose)', async () => {
    await seedEvents(live.redis, 300);
    const small = await om('run', '-y', '--batch-size', '10', '--verbose', '--dry-run');
    const large = await om('run', '-y', '--batch-size', '1000', '--verbose', '--dry-run');
    const lines = (text: string) => text.split('\n').filter((l) => /up:Event: ~\d+% scanned/.test(l)).length;
    expect(lines(small.stdout)).toBeGreaterThanOrEqual(20);
    expect(lines(large.stdout)).toBeLessThanOrEqual(2);
  });

  it('--max-rate throttles the run, which still converts every key; a rate of 0 is refused', async () => {
    await seedEvents(live.redis, 300);
    const run = await om('run', '-y', '--batch-size', '50', '--max-rate', '5000');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect((await om('verify', '--check-data', '--max-rate', '5000')).code).toBe(0);
    const refused = await om('run', '-y', '--max-rate', '0');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("option '--max-rate <keys/s>' argument '0' is invalid");
  });

  it('--dry-run reports what it would convert and writes nothing', async () => {
    await seedEvents(live.redis, 50);
    const before = await snapshot(live.redis);
    const run = await om('run', '--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Event \(HASH, createdAt, updatedAt, startsOn\): 50 keys, would convert 135 values/);
    expect(await snapshot(live.redis)).toEqual(before);
    expect(await live.redis.exists('om:migrations:data:progress', 'om:migrations:data:ledger')).toBe(0);
  });

  it('stats counts what to convert and estimates the time from a measured read rate', async () => {
    await seedEvents(live.redis, 100, { garbage: [7] });
    const stats = await om('stats');
    expect(stats.code).toBe(0);
    expect(stats.stdout).toContain('Event (HASH: createdAt, updatedAt, startsOn): 100 keys; 269 values to convert in 100 keys, 30 already numeric, 0 missing, 1 cannot be converted');
    expect(stats.stdout).toMatch(/Measured \d+ keys\/s reading .*estimated run time ~\d+ s/);
    const json = JSON.parse((await om('stats', '--json')).stdout);
    expect(json).toMatchObject({ keys: 100, valuesToConvert: 269, unconvertible: 1 });
    const withoutModels = await runOm(['migrate-data', 'stats'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });
    expect(withoutModels.code).toBe(2);
    expect(withoutModels.stderr).toContain('needs your models');
  });

  it('rollback 001_datetime_fields_to_timestamps writes ISO 8601 UTC strings back', async () => {
    await seedEvents(live.redis, 40);
    expect((await om('run', '-y')).code).toBe(0);
    const rollback = await om('rollback', ID, '-y');
    expect(rollback.code).toBe(0);
    expect(await live.redis.hget('Event:1', 'createdAt')).toBe('2024-01-02T00:00:00Z');
    expect(await live.redis.hget('Event:3', 'createdAt')).toBe('2024-07-15T12:00:00Z');
    expect(await live.redis.hget('Event:0', 'createdAt')).toBe('2024-01-02T03:04:05.5Z');
    expect(await live.redis.hget('Event:4', 'createdAt')).toBe(isoFor(4).replace('.000Z', 'Z'));
    expect(await live.redis.hget('Event:4', 'title')).toBe('event 4');
    expect((await om('status')).stdout).toContain(`Pending migrations:\n  - ${ID}`);
    const verify = await om('verify', '--check-data', '--limit', '2');
    expect(verify.code).toBe(3);
    expect(verify.stdout).toMatch(/and 118 more/);
    // And forward again.
    expect((await om('run', '-y')).code).toBe(0);
    expect((await om('verify', '--check-data')).code).toBe(0);
  }, 30_000);

  it('progress shows an interrupted run; clear-progress removes it', async () => {
    await seedEvents(live.redis, 200, { garbage: [150] });
    expect((await om('run', '-y', '--batch-size', '20')).code).toBe(1);
    const progress = await om('progress', '--json');
    const [checkpoint] = JSON.parse(progress.stdout);
    expect(checkpoint).toMatchObject({ name: `${ID}:up:Event`, type: 'hash', match: 'Event:*', lastError: { field: 'createdAt', value: 'garbage-150' } });
    const cleared = await om('clear-progress');
    expect(cleared.stdout).toContain('Cleared 1 saved checkpoint');
    expect((await om('progress')).stdout).toContain('No saved progress');
    expect((await om('clear-progress')).stdout).toContain('No saved progress to clear.');
  }, 30_000);

  it('draws a progress bar on a terminal', async () => {
    await seedEvents(live.redis, 100);
    const run = await runOmInTerminal(['migrate-data', 'run', '--models', MODELS, '--builtin', 'datetime'], 'y\r', { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });
    expect(run.stdout).toMatch(/up:Event \|[█░]+\| 100%/);
  });
});
