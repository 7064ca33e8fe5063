import { resolve } from 'node:path';
import { makeProject, recordingMigration, runOm } from '../support/cli';
import { useRedisServer } from '../support/redis-server';
import { seedEvents } from '../datetime/seed';

const MODELS = resolve(__dirname, '../datetime/fixtures/hash-models.ts');
const API = '20200101_000000_api';
const WORKER = '20200102_000000_worker';
// Holds the lock until the test sets the key `release` (or 30 s pass).
const SLOW = recordingMigration('20200103_000000_slow', {
  up: "for (let i = 0; i < 600 && !(await ctx.redis.exists('release')); i++) await new Promise((r) => setTimeout(r, 50));",
});

describe('two namespaces on one Redis: their own ledgers and progress, one lock (real redis-server)', () => {
  const live = useRedisServer();
  let project: ReturnType<typeof makeProject>;
  beforeEach(() => {
    project = makeProject({
      [`api/migrations/data-migrations/${API}.ts`]: recordingMigration(API),
      [`worker/migrations/data-migrations/${WORKER}.ts`]: recordingMigration(WORKER),
    });
  });
  afterEach(() => project.remove());

  const om = (namespace: string | undefined, ...args: string[]) =>
    runOm(['migrate-data', ...args, ...(namespace ? ['--namespace', namespace, '--migrations-dir', `${namespace}/migrations`] : ['--migrations-dir', 'api/migrations'])], {
      cwd: project.dir,
      env: { REDIS_OM_URL: live.server.url },
    });

  it('each applies and rolls back only its own migrations, and sees none of the other', async () => {
    expect((await om('api', 'run', '-y')).code).toBe(0);
    expect(await live.redis.hkeys('om:migrations:api:data:ledger')).toEqual([API]);
    expect(await live.redis.exists('om:migrations:data:ledger')).toBe(0);

    const workerStatus = await om('worker', 'status');
    expect(workerStatus.stdout).toContain(`Pending migrations:\n  - ${WORKER}`);
    expect(workerStatus.stdout).not.toContain(API);
    const dry = await om('worker', 'run', '--dry-run');
    expect(dry.stdout).toContain(WORKER);
    expect(dry.stdout).not.toContain('No pending data migrations');

    const nothing = await om('worker', 'rollback', '--steps', '1', '-y');
    expect(nothing.stdout + nothing.stderr).not.toContain(API);
    expect((await om('worker', 'run', '-y')).code).toBe(0);
    const rollback = await om('worker', 'rollback', '--steps', '1', '-y');
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).not.toContain(API);
    expect(await live.redis.lrange('calls', 0, -1)).toEqual([`up:${API}`, `up:${WORKER}`, `down:${WORKER}`]);
    expect(await live.redis.hkeys('om:migrations:api:data:ledger')).toEqual([API]);
    expect(await live.redis.exists('om:migrations:worker:data:ledger')).toBe(0);
    expect(await live.redis.exists('om:migrations:lock')).toBe(0);
  }, 60_000);

  it('share one lock: a run in one namespace waits for a run in the other', async () => {
    project.write(`api/migrations/data-migrations/20200103_000000_slow.ts`, SLOW);
    const first = om('api', 'run', '-y');
    for (let i = 0; i < 400 && !(await live.redis.exists('om:migrations:lock')); i++) await new Promise((r) => setTimeout(r, 25));
    const holder = JSON.parse((await live.redis.get('om:migrations:lock'))!) as { owner: string };
    const impatient = await om('worker', 'run', '-y', '--lock-timeout', '0.5');
    expect(impatient.code).toBe(4);
    expect(impatient.stderr).toContain(`Another migration run holds the lock om:migrations:lock: ${holder.owner}, running om migrate-data run since`);
    expect(await live.redis.exists('om:migrations:worker:data:ledger')).toBe(0);
    await live.redis.set('release', '1');
    expect((await first).code).toBe(0);
    expect((await om('worker', 'run', '-y')).code).toBe(0);
    expect(await live.redis.lrange('calls', 0, -1)).toEqual([`up:${API}`, 'up:20200103_000000_slow', `up:${WORKER}`]);
  }, 60_000);

  it("keep a run's progress under its namespace", async () => {
    await seedEvents(live.redis, 200, { garbage: [150] });
    const datetime = ['--models', MODELS, '--builtin', 'datetime'];
    expect((await om('api', 'run', '-y', '--batch-size', '20', ...datetime)).code).toBe(1);
    expect(await live.redis.hkeys('om:migrations:api:data:progress')).toEqual(['001_datetime_fields_to_timestamps:up:Event']);
    expect(await live.redis.exists('om:migrations:data:progress')).toBe(0);
    expect((await om('worker', 'progress')).stdout).toContain('No saved progress');
    expect((await om('api', 'progress')).stdout).toContain('001_datetime_fields_to_timestamps:up:Event');
    expect((await om('api', 'clear-progress')).stdout).toContain('Cleared 1 saved checkpoint');
    expect(await live.redis.exists('om:migrations:api:data:progress')).toBe(0);
  }, 60_000);

  it('without a namespace, find the ledger where it always was, apart from every namespace', async () => {
    expect((await om(undefined, 'run', '-y')).code).toBe(0);
    expect(await live.redis.hkeys('om:migrations:data:ledger')).toEqual([API]);
    expect((await om(undefined, 'status')).stdout).toContain(`Applied migrations:\n  - ${API}`);
    expect((await om('api', 'status')).stdout).toContain(`Pending migrations:\n  - ${API}`);
  }, 60_000);
});
