import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DataMigrator } from '../../src/data/data-migrator';
import type { ScanFailure } from '../../src/batch/types';
import type { FailureSummary } from '../../src/data/failure-summary';
import { captureLogger } from '../batch/capture-logger';
import { makeProject, runOm, runOmInTerminal, spawnOm, waitUntil } from '../support/cli';
import { useRedisServer } from '../support/redis-server';
import { badCustomer, badOrder, seedShop } from './seed';

const MODELS = resolve(__dirname, 'customer-order-models.ts');
const ID = '001_datetime_fields_to_timestamps';
const COUNT = 2000;
const BAD = Array.from({ length: COUNT }, (_, i) => i).filter(badCustomer).length + Array.from({ length: COUNT }, (_, i) => i).filter(badOrder).length;

interface ReportLine {
  time: string;
  command: string;
  migration: string | null;
  model: string;
  scan: string;
  key: string;
  field: string;
  type: string;
  value: string;
  reason: string;
  action: string;
  written?: string;
  dryRun: boolean;
}

function readReport(file: string): ReportLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ReportLine);
}

/** The report files a command left under the project's migrations folder. */
function reportsIn(dir: string): string[] {
  const folder = join(dir, 'migrations', '.om-reports');
  return existsSync(folder) ? readdirSync(folder).map((f) => join(folder, f)) : [];
}

const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.includes('cannot convert'));
const lastLine = (text: string) => text.trimEnd().split('\n').at(-1) ?? '';

describe('what an operator sees of a long run (real redis-server, 2000 customers and 2000 orders with bad values)', () => {
  const live = useRedisServer();
  let project: ReturnType<typeof makeProject>;

  beforeEach(() => {
    project = makeProject({ 'migrations/data-migrations/.gitkeep': '' });
  });
  afterEach(() => project.remove());

  const om = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    runOm(['migrate-data', ...args, '--models', MODELS, '--builtin', 'datetime'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url, ...env }, timeoutMs: 60_000 });

  it('prints the first 20 failed values, then one line per model and the report, last; the report holds every one', async () => {
    const bad = await seedShop(live.redis, COUNT);
    expect(bad.size).toBe(BAD);
    const run = await om(['run', '-y', '--failure-mode', 'default', '--batch-size', '250']);
    expect(run.code).toBe(0);
    expect(warnings(run.stderr)).toHaveLength(20);
    expect(run.stderr).toContain('more failed values are not printed one by one (the first 20 are above)');
    expect(run.stderr.split('\n').filter((l) => l !== '').length).toBe(21);

    const [report, ...others] = reportsIn(project.dir);
    expect(others).toEqual([]);
    expect(report).toMatch(/migrations\/\.om-reports\/\d{8}T\d{6}Z-run\.jsonl$/);
    const stdout = run.stdout.trimEnd().split('\n');
    expect(stdout.slice(-4)).toEqual([
      'Failed values, per model:',
      `  Customer (${ID}): 200 values failed: 200 defaulted`,
      `  Order (${ID}): 250 values failed: 250 defaulted`,
      `450 values in all (at most 20 printed above; --verbose prints all); every one is in the failure report ${join('migrations', '.om-reports', report!.split('/').at(-1)!)}`,
    ]);
    expect(run.stdout).toContain('Applied 1 migration (batch 1).');

    const lines = readReport(report!);
    expect(lines).toHaveLength(BAD);
    expect(new Map(lines.map((l) => [l.key, l.value]))).toEqual(bad);
    for (const line of lines) {
      expect(line).toEqual({
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        command: 'run',
        migration: ID,
        model: line.key.split(':')[0],
        scan: `${ID}:up:${line.key.split(':')[0]}`,
        key: line.key,
        field: line.key.startsWith('Customer') ? 'createdAt' : 'placedAt',
        type: 'hash',
        value: bad.get(line.key),
        reason: expect.stringMatching(/./),
        action: 'defaulted',
        written: '0',
        dryRun: false,
      });
      expect(await live.redis.hget(line.key, line.field)).toBe('0');
    }
  });

  it('--verbose prints every failed value; --report writes where it is told; a rollback has its own report', async () => {
    await seedShop(live.redis, COUNT);
    const run = await om(['run', '-y', '--failure-mode', 'log_and_skip', '--verbose', '--report', 'out/run.jsonl']);
    expect(run.code).toBe(0);
    expect(warnings(run.stderr)).toHaveLength(BAD);
    expect(lastLine(run.stdout)).toBe(`450 values in all (all printed above); every one is in the failure report ${join('out', 'run.jsonl')}`);
    const lines = readReport(join(project.dir, 'out/run.jsonl'));
    expect(lines).toHaveLength(BAD);
    expect(new Set(lines.map((l) => l.action))).toEqual(new Set(['skipped']));
    expect(reportsIn(project.dir)).toEqual([]);

    // down() leaves strings alone, but has no ISO form for a number past year 9999.
    const huge = Array.from({ length: COUNT }, (_, i) => i).filter(badCustomer);
    for (const i of huge) await live.redis.hset(`Customer:${i}`, 'createdAt', '999999999999999');
    const rollback = await om(['rollback', ID, '-y', '--failure-mode', 'log_and_skip']);
    expect(rollback.code).toBe(0);
    expect(warnings(rollback.stderr)).toHaveLength(20);
    const [report] = reportsIn(project.dir);
    expect(report).toMatch(/-rollback\.jsonl$/);
    const back = readReport(report!);
    expect(back).toHaveLength(huge.length);
    expect(back[0]).toMatchObject({ command: 'rollback', migration: ID, model: 'Customer', scan: `${ID}:down:Customer`, value: '999999999999999', action: 'skipped' });
    expect(lastLine(rollback.stdout)).toMatch(/^200 values in all .*every one is in the failure report migrations\/\.om-reports\/\d{8}T\d{6}Z-rollback\.jsonl$/);
  });

  it('om migrate-all run says what migrate-data run says of the failed values: progress, the report, one line per model, last', async () => {
    const bad = await seedShop(live.redis, COUNT);
    const all = (args: string[]) =>
      runOm(['migrate-all', ...args, '--models', MODELS, '--builtin', 'datetime'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url }, timeoutMs: 60_000 });
    const run = await all(['run', '-y', '--failure-mode', 'default', '--batch-size', '200', '--verbose']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter((l) => l.includes('% scanned')).length).toBeGreaterThan(2);
    const [report, ...others] = reportsIn(project.dir);
    expect(others).toEqual([]);
    expect(report).toMatch(/migrations\/\.om-reports\/\d{8}T\d{6}Z-migrate-all-run\.jsonl$/);
    expect(run.stdout.trimEnd().split('\n').slice(-4)).toEqual([
      'Failed values, per model:',
      `  Customer (${ID}): 200 values failed: 200 defaulted`,
      `  Order (${ID}): 250 values failed: 250 defaulted`,
      `450 values in all (all printed above); every one is in the failure report ${join('migrations', '.om-reports', report!.split('/').at(-1)!)}`,
    ]);
    const lines = readReport(report!);
    expect(new Map(lines.map((l) => [l.key, l.value]))).toEqual(bad);
    expect(new Set(lines.map((l) => `${l.command} ${l.migration} ${l.action}`))).toEqual(new Set([`migrate-all run ${ID} defaulted`]));

    // Stopped by a failed value: the error, then the summary, last; nothing recorded.
    await live.redis.flushall();
    await seedShop(live.redis, COUNT);
    const stop = await all(['run', '-y', '--failure-mode', 'fail', '--report', 'out/stop.jsonl']);
    expect(stop.code).not.toBe(0);
    expect(lastLine(stop.stdout)).toBe(`1 value in all (at most 20 printed above; --verbose prints all); every one is in the failure report ${join('out', 'stop.jsonl')}`);
    expect(readReport(join(project.dir, 'out/stop.jsonl'))).toEqual([expect.objectContaining({ migration: ID, action: 'stopped' })]);
    expect((await all(['status'])).stdout).toContain('0 applied, 1 pending.');
  });

  it('verify --check-data lists --limit offenders and reports every one; exit 3', async () => {
    const bad = await seedShop(live.redis, COUNT);
    expect((await om(['run', '-y', '--failure-mode', 'skip'])).code).toBe(0);
    const verify = await om(['verify', '--check-data', '--limit', '5']);
    expect(verify.code).toBe(3);
    expect(verify.stdout).toContain('… and 445 more (raise --limit to list them).');
    const [report] = reportsIn(project.dir).filter((f) => !f.endsWith('-run.jsonl'));
    expect(report).toMatch(/-verify\.jsonl$/);
    const lines = readReport(report!);
    expect(lines).toHaveLength(BAD);
    expect(new Set(lines.map((l) => l.key))).toEqual(new Set(bad.keys()));
    expect(lines[0]).toMatchObject({ command: 'verify', migration: null, action: 'reported', dryRun: true });
    expect(lines.find((l) => l.key === 'Customer:3')).toMatchObject({ model: 'Customer', field: 'createdAt', value: 'not a date 3', reason: expect.stringMatching(/./) });
    expect(verify.stdout).toContain('  Customer: 200 values not epoch seconds in range\n  Order: 250 values not epoch seconds in range\n');
    // The error, then the summary: the pointer to the report is the last line printed.
    expect(verify.stderr).toContain('Verification failed: 450 date values redis-om cannot read.');
    expect(lastLine(verify.stdout)).toMatch(/^450 values in all .*every one is in the failure report migrations\/\.om-reports\/.*-verify\.jsonl$/);
  });

  it('reports the failures of ctx.scanTransform in a migration of your own, and the one that stopped it', async () => {
    const migration = (mode: string) => `export default {
  id: '20240101_000000_prices', description: 'prices to cents', dependencies: [],
  async up(ctx: any) {
    await ctx.scanTransform({ name: 'prices', match: 'Item:*', type: 'hash', fields: ['price'], failureMode: '${mode}',
      transform: (v: string) => { if (!/^\\d+\\.\\d\\d$/.test(v)) throw new Error('not a price'); return String(Math.round(Number(v) * 100)); } });
  },
};`;
    const pipeline = live.redis.pipeline();
    for (let i = 0; i < 300; i += 1) pipeline.hset(`Item:${i}`, 'price', i % 30 === 0 ? 'free' : '1.50');
    await pipeline.exec();
    project.write('migrations/data-migrations/20240101_000000_prices.ts', migration('skip'));
    const run = await runOm(['migrate-data', 'run', '-y'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });
    expect(run.code).toBe(0);
    expect(warnings(run.stderr)).toEqual([]);
    const lines = readReport(reportsIn(project.dir)[0]!);
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatchObject({ migration: '20240101_000000_prices', model: 'Item', scan: 'prices', field: 'price', value: 'free', reason: 'not a price', action: 'skipped' });
    expect(lastLine(run.stdout)).toMatch(/^10 values in all/);

    await live.redis.flushall();
    for (let i = 0; i < 300; i += 1) await live.redis.hset(`Item:${i}`, 'price', i === 150 ? 'free' : '1.50');
    project.write('migrations/data-migrations/20240101_000000_prices.ts', migration('fail'));
    const stopped = await runOm(['migrate-data', 'run', '-y', '--report', 'stopped.jsonl'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });
    expect(stopped.code).toBe(1);
    expect(readReport(join(project.dir, 'stopped.jsonl'))).toEqual([expect.objectContaining({ key: 'Item:150', action: 'stopped' })]);
    // After the error message: the summary, last.
    expect(stopped.stderr).toContain('Data migration 20240101_000000_prices failed in up()');
    expect(lastLine(stopped.stdout)).toBe('1 value in all (at most 20 printed above; --verbose prints all); every one is in the failure report stopped.jsonl');
  });

  it('never writes credentials into the report', async () => {
    const secret = 'r3port-s3cret';
    await live.redis.call('ACL', 'SETUSER', 'reporter', 'on', `>${secret}`, '~*', '&*', '+@all');
    const url = `redis://reporter:${secret}@127.0.0.1:${live.server.port}`;
    await seedShop(live.redis, 50, { text: (i) => `see ${url}/0 or ${secret} ${i}` });
    const run = await runOm(['migrate-data', 'run', '-y', '--models', MODELS, '--builtin', 'datetime', '--failure-mode', 'log_and_skip', '--redis-url', url], { cwd: project.dir });
    expect(run.code).toBe(0);
    const text = readFileSync(reportsIn(project.dir)[0]!, 'utf8');
    expect(text.split('\n').filter(Boolean)).toHaveLength(11);
    expect(text).not.toContain(secret);
    expect(text).toContain('redis://reporter:***@127.0.0.1');
    expect(run.stdout + run.stderr).not.toContain(secret);
  });

  it('a run killed with SIGKILL leaves every failure written so far, each line whole', async () => {
    const pipeline = live.redis.pipeline();
    for (let i = 0; i < 40_000; i += 1) pipeline.hset(`Customer:${i}`, 'createdAt', `never ${i}`);
    await pipeline.exec();
    const child = spawnOm(['migrate-data', 'run', '-y', '--models', MODELS, '--builtin', 'datetime', '--failure-mode', 'skip', '--batch-size', '50', '--report', 'killed.jsonl'], {
      cwd: project.dir,
      env: { REDIS_OM_URL: live.server.url },
    });
    const file = join(project.dir, 'killed.jsonl');
    await waitUntil(async () => (existsSync(file) && readFileSync(file, 'utf8').length > 60_000 ? true : undefined), 'the report to grow');
    child.child.kill('SIGKILL');
    const exited = await child.exited;
    expect(exited.signal).toBe('SIGKILL');
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = readReport(file);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(40_000);
    expect(new Set(lines.map((l) => l.key)).size).toBe(lines.length);
    // What it wrote matches what the checkpoint says it has seen fail. A batch's failures are
    // written before its checkpoint is saved, and the next batch's while it is on its way: by
    // 60 kB (several batches of 50) a checkpoint has landed.
    const checkpoint = JSON.parse((await live.redis.hget('om:migrations:data:progress', `${ID}:up:Customer`))!) as { counters: { failed: number } };
    expect(lines.length).toBeGreaterThanOrEqual(checkpoint.counters.failed);
  });

  it('--json prints one event per line on stdout, started first and finished last; the human lines go to stderr', async () => {
    await seedShop(live.redis, COUNT);
    const run = await om(['run', '-y', '--json', '--failure-mode', 'default', '--batch-size', '100']);
    expect(run.code).toBe(0);
    const events = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string } & Record<string, unknown>);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('started');
    expect(types.at(-1)).toBe('finished');
    expect(types.filter((t) => t !== 'progress')).toEqual(['started', 'migrating', 'migrated', 'failureSummary', 'finished']);
    expect(types.filter((t) => t === 'progress').length).toBeGreaterThanOrEqual(2);
    for (const e of events) expect(e.time).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/));
    expect(events[0]).toMatchObject({ action: 'run', ids: [ID], dryRun: false });
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ id: ID, fraction: 1, etaMs: 0, counters: expect.objectContaining({ keys: COUNT }) });
    expect(progress[0]).toEqual(expect.objectContaining({ name: expect.any(String), keysPerSecond: expect.any(Number), elapsedMs: expect.any(Number) }));
    const summary = events.find((e) => e.type === 'failureSummary')!;
    expect(summary).toMatchObject({
      failed: BAD,
      report: expect.stringMatching(/^migrations\/\.om-reports\/.*-run\.jsonl$/),
      models: [expect.objectContaining({ model: 'Customer', defaulted: 200 }), expect.objectContaining({ model: 'Order', defaulted: 250 })],
    });
    expect(events.at(-1)).toMatchObject({ command: 'run', ok: true, exitCode: 0, applied: 1, batch: 1, failed: BAD, report: summary.report });
    expect(run.stderr).toContain('Running 1 migration:');
    expect(warnings(run.stderr)).toHaveLength(20);

    // A failing run ends with its finished event too, with the exit code.
    await live.redis.flushall();
    await seedShop(live.redis, 100);
    const failed = await om(['run', '-y', '--json']);
    expect(failed.code).toBe(1);
    const last = JSON.parse(lastLine(failed.stdout)) as Record<string, unknown>;
    expect(last).toMatchObject({ type: 'finished', ok: false, exitCode: 1, error: expect.stringContaining('Stopped (failure mode fail)') });
  });

  it('exits 0, 1, 2, 3 and 4 as documented', async () => {
    await seedShop(live.redis, 100);
    expect((await om(['verify'])).code).toBe(3);
    expect((await om(['run', '-y', '--batch-size', '0'])).code).toBe(2);
    expect((await om(['run', '-y'])).code).toBe(1);
    await live.redis.set('om:migrations:lock', JSON.stringify({ token: 't', owner: 'another host pid 1', since: new Date().toISOString(), command: 'om migrate-data run' }), 'PX', 60_000);
    const locked = await om(['run', '-y', '--failure-mode', 'skip', '--lock-timeout', '0']);
    expect(locked.code).toBe(4);
    expect(locked.stderr).toContain('another host pid 1');
    await live.redis.del('om:migrations:lock');
    expect((await om(['run', '-y', '--failure-mode', 'skip'])).code).toBe(0);
  });

  it('off a terminal, the progress line shows the rate and the time left; on one, the bar does', async () => {
    await seedShop(live.redis, COUNT);
    const run = await om(['run', '-y', '--failure-mode', 'skip', '--verbose', '--batch-size', '200']);
    expect(run.code).toBe(0);
    const progress = run.stdout.split('\n').filter((l) => l.includes('% scanned'));
    expect(progress.length).toBeGreaterThan(2);
    for (const line of progress) expect(line).toMatch(/, \d+ keys\/s, (\?|~\d+s|~\d+m \d\ds) left$/);
    expect(progress.some((l) => /~\d+s left$/.test(l))).toBe(true);

    await live.redis.flushall();
    await seedShop(live.redis, COUNT);
    const tty = await runOmInTerminal(['migrate-data', 'run', '--models', MODELS, '--builtin', 'datetime', '--failure-mode', 'skip', '--batch-size', '200'], 'y\r', {
      cwd: project.dir,
      env: { REDIS_OM_URL: live.server.url },
    });
    expect(tty.code).toBe(0);
    expect(tty.stdout).toMatch(/up:Customer \|.*\| 100% \| 2000 keys, 1800 converted, 200 failed \| \d+ keys\/s \| ~0s left/);
  });

  it('the API emits the same events, and prints at most failureLog.limit failures', async () => {
    await seedShop(live.redis, COUNT);
    const logger = captureLogger();
    const migrator = new DataMigrator({
      redisUrl: live.server.url,
      migrationsDir: join(project.dir, 'migrations'),
      models: MODELS,
      builtins: ['datetime'],
      logger,
      batch: { failureMode: 'log_and_skip' },
      failureLog: { limit: 5, beyond: 'and more' },
    });
    const seen: string[] = [];
    const failures: ScanFailure[] = [];
    let summary: FailureSummary | undefined;
    for (const type of ['started', 'migrating', 'migrated', 'finished'] as const) migrator.on(type, () => seen.push(type));
    migrator.on('progress', (p) => {
      if (seen.at(-1) !== 'progress') seen.push('progress');
      expect(p.id).toBe(ID);
    });
    migrator.on('failure', (f) => failures.push(f));
    migrator.on('failureSummary', (s) => {
      seen.push('failureSummary');
      summary = s;
    });
    try {
      await migrator.run();
    } finally {
      await migrator.close();
    }
    expect(seen).toEqual(['started', 'migrating', 'progress', 'migrated', 'failureSummary', 'finished']);
    expect(failures).toHaveLength(BAD);
    expect(failures[0]).toMatchObject({ id: ID, action: 'skipped', failureMode: 'log_and_skip', type: 'hash' });
    expect(summary).toMatchObject({ action: 'run', failed: BAD });
    expect(logger.at('warn').filter((l) => l.includes('cannot convert'))).toHaveLength(5);
    expect(logger.at('warn')).toContain('and more');
  });
});
