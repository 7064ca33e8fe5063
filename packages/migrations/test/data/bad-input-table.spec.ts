import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';
import { freePort, useRedisServer } from '../support/redis-server';
import { makeProject, recordingMigration, runOm, type CliResult } from '../support/cli';

const DIR = 'migrations/data-migrations';
const OK = `${DIR}/20200101_000000_ok.ts`;
const LEDGER = 'om:migrations:data:ledger';

/** Every key and its value (any type), so "nothing written" can be checked exactly. */
async function dump(redis: Redis): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of (await redis.keys('*')).sort()) out[key] = ((await redis.dump(key)) as unknown as Buffer | null)?.toString('hex') ?? '';
  return out;
}

interface Case {
  /** What the user did wrong, as the test title says it. */
  readonly title: string;
  readonly args: readonly string[];
  /** Files of the project, relative to it; `OK` holds a valid migration by default. */
  readonly files?: Readonly<Record<string, string>>;
  /** Extra environment; `<url>` in a value is the test server's URL, `<port>` a closed port. */
  readonly env?: Readonly<Record<string, string>>;
  /** Left out: REDIS_OM_URL is the test server. */
  readonly noDefaultUrl?: boolean;
  /** The message (or its start) the user reads on stderr. */
  readonly message: string | RegExp;
  /** The fix the message names (a part of the hint). */
  readonly fix?: string | RegExp;
  /** The exit code: 2 (bad input) unless given; 1 where Redis refused at run time. */
  readonly code?: number;
}

const FILES = { [OK]: recordingMigration('20200101_000000_ok') };

const CASES: readonly Case[] = [
  // The migrations folder.
  { title: '--migrations-dir that does not exist (run)', args: ['migrate-data', 'run', '-y', '--migrations-dir', 'migratoins'], message: 'The migrations folder migratoins does not exist.', fix: 'Check --migrations-dir' },
  { title: '--migrations-dir that does not exist (status)', args: ['migrate-data', 'status', '--migrations-dir', 'nope'], message: 'The migrations folder nope does not exist.' },
  { title: 'REDIS_OM_MIGRATIONS_DIR that does not exist', args: ['migrate-data', 'run', '-y'], env: { REDIS_OM_MIGRATIONS_DIR: 'gone' }, message: 'The migrations folder gone does not exist.', fix: 'REDIS_OM_MIGRATIONS_DIR' },
  { title: '--migrations-dir that is a file', args: ['migrate-data', 'run', '-y', '--migrations-dir', 'notes.txt'], files: { ...FILES, 'notes.txt': 'x' }, message: 'The migrations folder notes.txt is a file, not a folder.' },
  { title: 'data-migrations that is a file', args: ['migrate-data', 'run', '-y', '--migrations-dir', 'm'], files: { 'm/data-migrations': 'x' }, message: 'm/data-migrations is a file, not a folder.' },
  { title: 'REDIS_OM_MIGRATIONS_DIR set but empty', args: ['migrate-data', 'run', '-y'], env: { REDIS_OM_MIGRATIONS_DIR: '' }, message: 'REDIS_OM_MIGRATIONS_DIR is set but empty.', fix: 'unset REDIS_OM_MIGRATIONS_DIR' },
  { title: 'create into a --migrations-dir that is a file', args: ['migrate-data', 'create', 'x', '--migrations-dir', 'notes.txt'], files: { 'notes.txt': 'x' }, message: /Cannot create the folder notes\.txt\/data-migrations: a part of that path is a file, not a folder\./, fix: 'Check --migrations-dir (now "notes.txt")' },
  { title: 'create into a data-migrations that is a file', args: ['migrate-data', 'create', 'x', '--migrations-dir', 'm'], files: { 'm/data-migrations': 'x' }, message: /Cannot create the folder m\/data-migrations: a part of that path is a file/ },
  // Migration file names.
  { title: 'a file dated month 13', args: ['migrate-data', 'run', '-y'], files: { ...FILES, [`${DIR}/20261399_999999_x.ts`]: recordingMigration('20261399_999999_x') }, message: `${DIR}/20261399_999999_x.ts is not a valid migration file name: 20261399_999999 is not a real date and time.`, fix: 'YYYYMMDD_HHMMSS_name.ts' },
  { title: 'a file dated February 30', args: ['migrate-data', 'status'], files: { ...FILES, [`${DIR}/20260230_000000_x.ts`]: recordingMigration('x') }, message: '20260230_000000 is not a real date and time' },
  { title: 'a file at hour 24', args: ['migrate-data', 'run', '-y'], files: { ...FILES, [`${DIR}/20260101_240000_x.ts`]: recordingMigration('x') }, message: '20260101_240000 is not a real date and time' },
  { title: 'a file whose name has a dash', args: ['migrate-data', 'run', '-y'], files: { ...FILES, [`${DIR}/20260101_000001_Bad-Name.ts`]: recordingMigration('x') }, message: `${DIR}/20260101_000001_Bad-Name.ts is not a valid migration file name: "Bad-Name" may hold only letters, digits and underscores.` },
  { title: 'a file with nothing after the timestamp', args: ['migrate-data', 'run', '-y'], files: { ...FILES, [`${DIR}/20260101_000001_.ts`]: recordingMigration('x') }, message: 'the name after the timestamp is missing' },
  { title: 'a file with an extension that does not load', args: ['migrate-data', 'run', '-y'], files: { ...FILES, [`${DIR}/20260101_000001_x.mjs`]: 'export default {}' }, message: 'the extension .mjs does not load (use .ts, .js, .cts, .cjs)' },
  { title: 'a short timestamp', args: ['migrate-data', 'run', '-y'], files: { ...FILES, [`${DIR}/2026011_000001_x.ts`]: recordingMigration('x') }, message: 'it does not start with YYYYMMDD_HHMMSS_' },
  {
    title: 'a .ts and its compiled .js side by side',
    args: ['migrate-data', 'run', '-y'],
    files: { [`${DIR}/20200101_000000_a.ts`]: recordingMigration('20200101_000000_a'), [`${DIR}/20200101_000000_a.js`]: 'module.exports = { id: "20200101_000000_a", up() {} };' },
    message: `${DIR}/20200101_000000_a.js and ${DIR}/20200101_000000_a.ts are the same migration in two forms (20200101_000000_a).`,
    fix: 'A compiled copy beside its source?',
  },
  { title: 'a migration without up()', args: ['migrate-data', 'run', '-y'], files: { [`${DIR}/20200101_000000_a.ts`]: 'export default { id: "20200101_000000_a" };' }, message: `${DIR}/20200101_000000_a.ts exports no data migration.` },
  { title: 'a migration whose id has a space', args: ['migrate-data', 'run', '-y'], files: { [`${DIR}/20200101_000000_a.ts`]: recordingMigration('two words') }, message: 'id must not contain whitespace' },
  { title: 'dependencies that are not a list', args: ['migrate-data', 'run', '-y'], files: { [`${DIR}/20200101_000000_a.ts`]: 'export default { id: "a", dependencies: "b", up() {} };' }, message: /Invalid data migration in .*20200101_000000_a\.ts: dependencies/ },
  // Numbers.
  { title: 'verify --limit abc', args: ['migrate-data', 'verify', '--limit', 'abc'], message: "option '--limit <n>' argument 'abc' is invalid. expected a whole number of at least 1." },
  { title: 'verify --limit 0', args: ['migrate-data', 'verify', '--limit', '0'], message: "option '--limit <n>' argument '0' is invalid" },
  { title: 'verify --limit -1', args: ['migrate-data', 'verify', '--limit', '-1'], message: "option '--limit <n>' argument '-1' is invalid" },
  { title: 'run --limit 0', args: ['migrate-data', 'run', '-y', '--limit', '0'], message: "option '--limit <n>' argument '0' is invalid" },
  { title: 'rollback --steps abc', args: ['migrate-data', 'rollback', '-y', '--steps', 'abc'], message: "option '--steps <n>' argument 'abc' is invalid" },
  { title: '--lock-lease 0', args: ['migrate-data', 'run', '-y', '--lock-lease', '0'], message: "option '--lock-lease <seconds>' argument '0' is invalid. expected a number of seconds, at least 1." },
  { title: '--lock-lease -5', args: ['migrate-data', 'run', '-y', '--lock-lease', '-5'], message: "option '--lock-lease <seconds>' argument '-5' is invalid. expected a number of seconds, at least 1." },
  { title: '--lock-lease abc', args: ['migrate-data', 'run', '-y', '--lock-lease', 'abc'], message: "option '--lock-lease <seconds>' argument 'abc' is invalid" },
  { title: '--lock-timeout -1', args: ['migrate-data', 'run', '-y', '--lock-timeout', '-1'], message: "option '--lock-timeout <seconds>' argument '-1' is invalid. expected a number of seconds, 0 or more." },
  { title: 'om migrate --lock-lease 0', args: ['migrate', 'run', '-y', '--lock-lease', '0', '--models', 'm.ts'], message: "option '--lock-lease <seconds>' argument '0' is invalid. expected a number of seconds, at least 1." },
  { title: '--batch-size 0', args: ['migrate-data', 'run', '-y', '--batch-size', '0'], message: "option '--batch-size <n>' argument '0' is invalid" },
  { title: '--batch-size abc', args: ['migrate-data', 'run', '-y', '--batch-size', 'abc'], message: "option '--batch-size <n>' argument 'abc' is invalid" },
  { title: '--max-errors -1', args: ['migrate-data', 'run', '-y', '--max-errors', '-1'], message: "option '--max-errors <n>' argument '-1' is invalid" },
  { title: '--failure-mode nope', args: ['migrate-data', 'run', '-y', '--failure-mode', 'nope'], message: /option '--failure-mode <mode>' argument 'nope' is invalid/ },
  { title: '--timezone Mars/Base', args: ['migrate-data', 'run', '-y', '--timezone', 'Mars/Base'], message: 'Unknown time zone "Mars/Base".', fix: 'IANA name' },
  // Redis settings.
  { title: 'REDIS_OM_URL set but empty', args: ['migrate-data', 'run', '-y'], env: { REDIS_OM_URL: '' }, noDefaultUrl: true, message: 'REDIS_OM_URL is set but empty.', fix: 'REDIS_OM_URL=redis://localhost:6379' },
  { title: 'REDIS_OM_URL of blanks', args: ['migrate-data', 'status'], env: { REDIS_OM_URL: '   ' }, noDefaultUrl: true, message: 'REDIS_OM_URL is set but empty.' },
  { title: 'REDIS_OM_URL with another scheme', args: ['migrate-data', 'run', '-y'], env: { REDIS_OM_URL: 'http://localhost:6379' }, noDefaultUrl: true, message: 'The Redis URL (--redis-url or REDIS_OM_URL) must start with redis:// or rediss://' },
  { title: '--redis-url without a scheme', args: ['migrate-data', 'run', '-y', '--redis-url', 'localhost:6379'], message: 'The Redis URL (--redis-url or REDIS_OM_URL) must start with redis:// or rediss://' },
  { title: 'a database the server does not have', code: 1, args: ['migrate-data', 'run', '-y'], env: { REDIS_OM_URL: '<url>/99' }, noDefaultUrl: true, message: /has no database 99\./ },
  { title: 'a database that is not a number', code: 1, args: ['migrate-data', 'run', '-y'], env: { REDIS_OM_URL: '<url>/abc' }, noDefaultUrl: true, message: /Invalid database index in Redis URL/ },
  { title: 'a Redis that is not running', code: 1, args: ['migrate-data', 'run', '-y'], env: { REDIS_OM_URL: 'redis://127.0.0.1:<port>' }, noDefaultUrl: true, message: /Cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)\./, fix: 'Check that the server is running' },
  { title: '--key-prefix that is empty', args: ['migrate-data', 'run', '-y', '--key-prefix', ''], message: '--key-prefix must not be empty.' },
  { title: '--key-prefix with a space', args: ['migrate-data', 'run', '-y', '--key-prefix', 'my app:'], message: '--key-prefix must not contain white space.' },
  { title: 'an ACL user that may not PING', code: 1, args: ['migrate-data', 'run', '-y'], env: { REDIS_OM_URL: 'redis://noping:pw@127.0.0.1:<live>' }, noDefaultUrl: true, message: 'Redis user noping may not run PING', fix: 'ACL SETUSER noping +ping' },
  { title: "an ACL user that may not touch the engine's keys", code: 1, args: ['migrate-data', 'run', '-y'], env: { REDIS_OM_URL: 'redis://appkeys:pw@127.0.0.1:<live>' }, noDefaultUrl: true, message: /Redis user appkeys may not access om:migrations:\S+/, fix: 'ACL SETUSER appkeys ~om:migrations:*' },
  // Commands and arguments.
  { title: 'an unknown option', args: ['migrate-data', 'run', '-y', '--nope'], message: "unknown option '--nope'" },
  { title: 'an unknown command', args: ['migrate-data', 'frobnicate'], message: "unknown command 'frobnicate'" },
  { title: 'rollback of an unknown id', args: ['migrate-data', 'rollback', '-y', '20990101_000000_nope'], message: /20990101_000000_nope/ },
  { title: 'stamp of an unknown id', args: ['migrate-data', 'stamp', '20990101_000000_nope'], message: /20990101_000000_nope/ },
  { title: 'run --target of an unknown id', args: ['migrate-data', 'run', '-y', '--target', '20990101_000000_nope'], message: /20990101_000000_nope/ },
  { title: '--module that does not exist', args: ['migrate-data', 'run', '-y', '--module', './nope.ts'], message: 'Cannot find migration module nope.ts.' },
  { title: '--module without MIGRATIONS', args: ['migrate-data', 'run', '-y', '--module', './list.ts'], files: { 'list.ts': 'export const other = 1;' }, message: 'Module list.ts does not export an array named MIGRATIONS.' },
  { title: '--models that does not exist', args: ['migrate-data', 'run', '-y', '--models', './models-nope.ts', '--builtin', 'datetime'], message: /models-nope/ },
  { title: 'run without -y and without a terminal', args: ['migrate-data', 'run'], message: /-y/ },
];

describe('bad input, case by case: one clear message, a non-zero exit, the ledger and the data unchanged', () => {
  const live = useRedisServer();
  let closedPort: number;

  beforeAll(async () => {
    closedPort = await freePort();
    await live.redis.call('ACL', 'SETUSER', 'noping', 'on', '>pw', '~*', '&*', '+@all', '-ping');
    await live.redis.call('ACL', 'SETUSER', 'appkeys', 'on', '>pw', '~app:*', '&*', '+@all');
  });

  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c) => [c.title, c] as const))('%s', async (_title, c) => {
    const project = makeProject(c.files ?? FILES);
    try {
      // What the app already has, and a ledger from an earlier deploy: neither may change.
      await live.redis.hset('app:customer:1', 'createdAt', '2024-01-02T03:04:05Z');
      await live.redis.hset(LEDGER, '20190101_000000_earlier', JSON.stringify({ id: '20190101_000000_earlier', appliedAt: '2019-01-01T00:00:00.000Z', batch: 1, order: 0, checksum: 'c', durationMs: 1 }));
      const before = await dump(live.redis);
      const filesBefore = listFiles(project.dir);
      const fill = (value: string) =>
        value.replace('<url>', live.server.url).replace('<port>', String(closedPort)).replace('<live>', String(live.server.port));
      const env = Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, fill(v)]));
      const result: CliResult = await runOm([...c.args], {
        cwd: project.dir,
        env: { ...(c.noDefaultUrl ? {} : { REDIS_OM_URL: live.server.url }), ...env },
      });
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: c.code ?? 2, stderr: expect.any(String) });
      if (typeof c.message === 'string') expect(result.stderr).toContain(c.message);
      else expect(result.stderr).toMatch(c.message);
      if (c.fix !== undefined) {
        if (typeof c.fix === 'string') expect(result.stderr).toContain(c.fix);
        else expect(result.stderr).toMatch(c.fix);
      }
      expect(result.stderr).not.toMatch(/\n\s+at \S+ \(/);
      expect(result.stdout).not.toMatch(/Applied|Rolled back|✓/);
      expect(await dump(live.redis)).toEqual(before);
      expect(listFiles(project.dir)).toEqual(filesBefore);
    } finally {
      project.remove();
    }
  });

  it('an up() that fails after writing says it may have changed data, and records nothing', async () => {
    const project = makeProject({
      [OK]: recordingMigration('20200101_000000_ok', {
        up: "for (let i = 0; i < 10; i++) { if (i === 5) throw new Error('boom at 5'); await ctx.redis.set(`app:k:${i}`, 'new'); }",
      }),
    });
    try {
      const result = await runOm(['migrate-data', 'run', '-y'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('Data migration 20200101_000000_ok failed in up(): boom at 5');
      expect(result.stderr).toContain('it may have changed data before it failed');
      expect(await live.redis.keys('app:k:*')).toHaveLength(5);
      expect(await live.redis.hexists(LEDGER, '20200101_000000_ok')).toBe(0);
    } finally {
      project.remove();
    }
  });

  it('a helper file in data-migrations/ is named, not skipped silently', async () => {
    const project = makeProject({ ...FILES, [`${DIR}/helpers.ts`]: 'export const x = 1;' });
    try {
      const result = await runOm(['migrate-data', 'status'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`warning: ${DIR}/helpers.ts: not named YYYYMMDD_HHMMSS_name.ts, so it is not loaded as a migration.`);
    } finally {
      project.remove();
    }
  });

  it('--builtin datetime with models without any date field registers nothing (so it can run once a date field exists)', async () => {
    const project = makeProject({
      ...FILES,
      'models.ts': "import { Schema } from 'redis-om';\nexport const s = new Schema('person', { name: { type: 'string' } }, { dataStructure: 'HASH' });\n",
    });
    try {
      const result = await runOm(['migrate-data', 'run', '-y', '--models', 'models.ts', '--builtin', 'datetime'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });
      expect(result.code).toBe(0);
      expect(await live.redis.hkeys(LEDGER)).toEqual(['20200101_000000_ok']);
      project.write('models.ts', "import { Schema } from 'redis-om';\nexport const s = new Schema('person', { name: { type: 'string' }, born: { type: 'date' } }, { dataStructure: 'HASH' });\n");
      const status = await runOm(['migrate-data', 'status', '--models', 'models.ts', '--builtin', 'datetime'], { cwd: project.dir, env: { REDIS_OM_URL: live.server.url } });
      expect(status.stdout).toMatch(/Pending: 1/);
    } finally {
      project.remove();
    }
  });
});

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: false } as { recursive: true }).map(String).sort();
}

// chmod and join are kept for cases added later that need a read-only folder.
void chmodSync;
void join;
