import Redis from 'ioredis';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startRedisServer, useRedisServer } from '../support/redis-server';
import { makeProject, recordingMigration, runOm, type CliResult } from '../support/cli';

const DIR = 'migrations/data-migrations';

/** Every bad input: one clear message, a non-zero exit, no stack trace. */
function expectCleanFailure(result: CliResult, message: string | RegExp): void {
  expect(result.code).not.toBe(0);
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/\n\s+at \S+ \(/);
  expect(result.stdout).not.toContain('Applied');
}

describe('om migrate-data with bad input: a clear message, a non-zero exit, nothing written', () => {
  const live = useRedisServer();

  const om = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) => runOm(args, { cwd, env: { REDIS_OM_URL: live.server.url, ...env } });

  it.each([
    ['', 'A migration name is required.'],
    ['../escape', 'must not contain path separators or ".."'],
    ['nested/name', 'must not contain path separators'],
    ['..', 'must not contain path separators or ".."'],
  ])('create refuses the name %j and writes no file', async (name, message) => {
    const project = makeProject();
    try {
      expectCleanFailure(await om(['migrate-data', 'create', name], project.dir), message);
      expect(readdirSync(project.dir)).toEqual([]);
    } finally {
      project.remove();
    }
  });

  /** Runs `run -y` and checks that nothing, not even the ledger, was written. */
  async function expectRunRefused(files: Record<string, string>, message: string | RegExp): Promise<void> {
    const project = makeProject(files);
    try {
      expectCleanFailure(await om(['migrate-data', 'run', '-y'], project.dir), message);
      expect(await live.redis.dbsize()).toBe(0);
    } finally {
      project.remove();
    }
  }

  it('two files with one id', () =>
    expectRunRefused(
      {
        [`${DIR}/20200101_000000_a.ts`]: recordingMigration('same'),
        [`${DIR}/20200102_000000_b.ts`]: recordingMigration('same'),
      },
      `Two data migrations have the id same: ${DIR}/20200101_000000_a.ts and ${DIR}/20200102_000000_b.ts.`,
    ));

  it('a missing dependency', () =>
    expectRunRefused(
      { [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a', { deps: ['20190101_000000_nope'] }) },
      'Data migration 20200101_000000_a (migrations/data-migrations/20200101_000000_a.ts) depends on 20190101_000000_nope, which is not a known migration.',
    ));

  it('a dependency cycle', () =>
    expectRunRefused(
      {
        [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a', { deps: ['20200102_000000_b'] }),
        [`${DIR}/20200102_000000_b.ts`]: recordingMigration('20200102_000000_b', { deps: ['20200101_000000_a'] }),
        [`${DIR}/20200103_000000_c.ts`]: recordingMigration('20200103_000000_c'),
      },
      'Data migrations depend on each other in a cycle: 20200101_000000_a → 20200102_000000_b → 20200101_000000_a.',
    ));

  it('a file with a syntax error', () =>
    expectRunRefused(
      {
        [`${DIR}/20200101_000000_ok.ts`]: recordingMigration('20200101_000000_ok'),
        [`${DIR}/20200102_000000_broken.ts`]: 'export default { id: "x", up( {',
      },
      /Cannot load migrations\/data-migrations\/20200102_000000_broken\.ts: /,
    ));

  it('a file that exports no migration', () =>
    expectRunRefused(
      { [`${DIR}/20200101_000000_empty.ts`]: 'export const answer = 42;\n' },
      'migrations/data-migrations/20200101_000000_empty.ts exports no data migration.',
    ));

  it('a file whose migration is invalid', () =>
    expectRunRefused(
      { [`${DIR}/20200101_000000_bad.ts`]: 'export default { id: "has space", dependencies: "nope", up() {} };\n' },
      'Invalid data migration in migrations/data-migrations/20200101_000000_bad.ts: id: id must not contain whitespace; dependencies:',
    ));

  it('a --module that does not exist or exports no MIGRATIONS', async () => {
    const project = makeProject({ 'lib/none.ts': 'export const x = 1;\n' });
    try {
      expectCleanFailure(await om(['migrate-data', 'run', '-y', '--module', './lib/missing.ts'], project.dir), 'Cannot find migration module lib/missing.ts.');
      expectCleanFailure(await om(['migrate-data', 'run', '-y', '--module', './lib/none.ts'], project.dir), 'Module lib/none.ts does not export an array named MIGRATIONS.');
      expect(await live.redis.dbsize()).toBe(0);
    } finally {
      project.remove();
    }
  });

  it('rollback of an unknown id, of a pending one, and of one without down()', async () => {
    const project = makeProject({
      [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a', { down: false }),
      [`${DIR}/20200102_000000_b.ts`]: recordingMigration('20200102_000000_b'),
    });
    try {
      expect((await om(['migrate-data', 'run', '-y', '--limit', '1'], project.dir)).code).toBe(0);
      const ledgerBefore = await live.redis.hgetall('om:migrations:data:ledger');
      expectCleanFailure(await om(['migrate-data', 'rollback', 'nope', '-y'], project.dir), 'No data migration has the id nope.');
      expectCleanFailure(
        await om(['migrate-data', 'rollback', '20200102_000000_b', '-y'], project.dir),
        'Data migration 20200102_000000_b is not applied, so there is nothing to roll back.',
      );
      expectCleanFailure(
        await om(['migrate-data', 'rollback', '20200101_000000_a', '-y'], project.dir),
        'Cannot roll back 20200101_000000_a: no down() defined. Nothing was rolled back.',
      );
      expect(await live.redis.hgetall('om:migrations:data:ledger')).toEqual(ledgerBefore);
      expect(await live.redis.lrange('calls', 0, -1)).toEqual(['up:20200101_000000_a']);
    } finally {
      project.remove();
    }
  });

  it('rollback with both an id and --steps, or neither', async () => {
    const project = makeProject();
    try {
      expectCleanFailure(await om(['migrate-data', 'rollback', '-y'], project.dir), 'Give either a migration id or --steps N');
      expectCleanFailure(await om(['migrate-data', 'rollback', 'x', '--steps', '1', '-y'], project.dir), 'Give either a migration id or --steps N');
    } finally {
      project.remove();
    }
  });

  it.each([
    [['--limit', '0'], "option '--limit <n>' argument '0' is invalid"],
    [['--limit', 'abc'], "option '--limit <n>' argument 'abc' is invalid"],
    [['--lock-timeout', '-1'], "option '--lock-timeout <seconds>' argument '-1' is invalid"],
    [['--frobnicate'], "unknown option '--frobnicate'"],
  ])('run refuses the options %j', async (args, message) => {
    const project = makeProject();
    try {
      expectCleanFailure(await om(['migrate-data', 'run', '-y', ...args], project.dir), message);
    } finally {
      project.remove();
    }
  });

  it('an unreachable Redis: no stack trace, the URL shown with its password redacted', async () => {
    const project = makeProject({ [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a') });
    try {
      const port = await freePort();
      const result = await om(['migrate-data', 'status'], project.dir, { REDIS_OM_URL: `redis://admin:hunter2@127.0.0.1:${port}` });
      expectCleanFailure(result, `Cannot connect to Redis at redis://admin:***@127.0.0.1:${port} (ECONNREFUSED).`);
      expect(result.stderr + result.stdout).not.toContain('hunter2');
    } finally {
      project.remove();
    }
  });

  it('a wrong password, a missing password, and a database the server does not have', async () => {
    const secured = await startRedisServer({ password: 'right-password' });
    const project = makeProject({ [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a') });
    try {
      const wrong = await om(['migrate-data', 'run', '-y'], project.dir, { REDIS_OM_URL: `redis://:wrong-password@127.0.0.1:${secured.port}` });
      expectCleanFailure(wrong, `Redis at redis://:***@127.0.0.1:${secured.port} rejected the username or password`);
      expect(wrong.stderr).not.toContain('wrong-password');
      const none = await om(['migrate-data', 'run', '-y'], project.dir, { REDIS_OM_URL: `redis://127.0.0.1:${secured.port}` });
      expectCleanFailure(none, 'requires a password and none was given');
      const db = await om(['migrate-data', 'run', '-y'], project.dir, { REDIS_OM_URL: `${live.server.url}/99` });
      expectCleanFailure(db, `Redis at ${live.server.url}/99 has no database 99.`);
      const url = await om(['migrate-data', 'run', '-y'], project.dir, { REDIS_OM_URL: 'http://localhost:6379' });
      expectCleanFailure(url, 'The Redis URL (--redis-url or REDIS_OM_URL) must start with redis:// or rediss://');
      expect(await live.redis.dbsize()).toBe(0);
    } finally {
      project.remove();
      await secured.stop();
    }
  });

  it('a hand-edited ledger entry is named, with the fix', async () => {
    const project = makeProject({ [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a') });
    try {
      await live.redis.hset('om:migrations:data:ledger', '20200101_000000_a', '{"oops":1}');
      expectCleanFailure(
        await om(['migrate-data', 'status'], project.dir),
        'The ledger entry for 20200101_000000_a in om:migrations:data:ledger is not valid.',
      );
    } finally {
      project.remove();
    }
  });

  it('a database index in the URL keeps the ledger in that database', async () => {
    const project = makeProject({ [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a') });
    try {
      expect((await om(['migrate-data', 'run', '-y'], project.dir, { REDIS_OM_URL: `${live.server.url}/3` })).code).toBe(0);
      expect(await live.redis.dbsize()).toBe(0);
      const db3 = new Redis(`${live.server.url}/3`);
      expect(await db3.hkeys('om:migrations:data:ledger')).toEqual(['20200101_000000_a']);
      db3.disconnect();
      expect(join('a', 'b')).toBe('a/b');
    } finally {
      project.remove();
    }
  });
});
