import { hostname } from 'node:os';
import { makeProject, recordingMigration, runOm } from '../support/cli';
import { useRedisServer } from '../support/redis-server';
import { spawn } from 'node:child_process';
import { OM_BIN } from '../support/cli';

const DIR = 'migrations/data-migrations';
// Holds the lock until the test sets the key `release` (or 30 s pass), so the other runs meet a
// held lock however slowly a loaded machine starts them.
const SLOW = recordingMigration('20200101_000000_slow', {
  up: "for (let i = 0; i < 600 && !(await ctx.redis.exists('release')); i++) await new Promise((r) => setTimeout(r, 50));",
});

describe('the migration lock, with real processes', () => {
  const live = useRedisServer();

  const om = (args: string[], cwd: string) => runOm(args, { cwd, env: { REDIS_OM_URL: live.server.url } });

  async function waitForLock(): Promise<string> {
    for (let i = 0; i < 200; i++) {
      const value = await live.redis.get('om:migrations:lock');
      if (value) return value;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('the first run never took the lock');
  }

  it('a second run waits up to --lock-timeout, then names the holder; the migration runs once', async () => {
    const project = makeProject({ [`${DIR}/20200101_000000_slow.ts`]: SLOW });
    try {
      // A 1 s lease that the holder must renew to outlast its 2.5 s migration.
      const first = om(['migrate-data', 'run', '-y', '--lock-lease', '1'], project.dir);
      const holder = JSON.parse(await waitForLock()) as { owner: string };
      const impatient = await om(['migrate-data', 'run', '-y', '--lock-timeout', '0.5'], project.dir);
      expect(impatient.code).toBe(4);
      expect(impatient.stderr).toContain(`Another migration run holds the lock om:migrations:lock: ${holder.owner}, running om migrate-data run since`);
      expect(holder.owner).toContain(hostname());
      const patient = om(['migrate-data', 'run', '-y', '--lock-timeout', '20'], project.dir);
      await new Promise((r) => setTimeout(r, 1500)); // the patient run is waiting by now, the lease renewed
      await live.redis.set('release', '1');
      const [firstResult, patientResult] = await Promise.all([first, patient]);
      expect(firstResult.code).toBe(0);
      expect(patientResult.code).toBe(0);
      expect(patientResult.stdout).toMatch(/another run applied the pending migrations while this one waited|No pending data migrations/);
      expect(await live.redis.lrange('calls', 0, -1)).toEqual(['up:20200101_000000_slow']);
      expect(await live.redis.exists('om:migrations:lock')).toBe(0);
    } finally {
      project.remove();
    }
  });

  it('the lease of a killed holder expires, and the next run applies what it left', async () => {
    const project = makeProject({ [`${DIR}/20200101_000000_slow.ts`]: SLOW });
    try {
      const killed = spawn(process.execPath, [OM_BIN, 'migrate-data', 'run', '-y', '--lock-lease', '1'], {
        cwd: project.dir,
        env: { ...process.env, REDIS_OM_URL: live.server.url },
        stdio: 'ignore',
      });
      const exited = new Promise((r) => killed.once('exit', r));
      await waitForLock();
      killed.kill('SIGKILL');
      await exited;
      expect(await live.redis.exists('om:migrations:lock')).toBe(1);
      await live.redis.set('release', '1');
      const next = await om(['migrate-data', 'run', '-y', '--lock-timeout', '10'], project.dir);
      expect(next.code).toBe(0);
      expect(next.stdout).toContain('Applied 1 migration (batch 1).');
      expect(await live.redis.lrange('calls', 0, -1)).toEqual(['up:20200101_000000_slow']);
    } finally {
      project.remove();
    }
  });
});
