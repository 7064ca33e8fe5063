/**
 * `om migrate-all` (the built CLI) applying a renamed schema on a real Redis Stack: the key
 * move shows its progress, and a target key that is taken ends the run as `om migrate run`
 * does (the failure report under `.om-reports/`, the message, exit 1, the snapshot not recorded).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { makeProject, runOm, type CliResult } from '../support/cli';
import { describeWithRedisStack } from '../support/redis-stack';

const SCHEMA_LEDGER = 'om:migrations:schema:ledger';
const USERS = 2_000;

const models = (name: string) => `import { Schema } from 'redis-om';
export const model = new Schema(${JSON.stringify(name)}, { name: { type: 'string' }, age: { type: 'number' } }, { dataStructure: 'HASH' });
`;

describeWithRedisStack('om migrate-all with a renamed schema (the built CLI) on Redis Stack', (stack) => {
  let redis: Redis;
  const projects: { remove(): void }[] = [];
  beforeAll(() => {
    redis = new Redis(stack.url);
  });
  afterAll(() => {
    redis?.disconnect();
    for (const p of projects) p.remove();
  });
  beforeEach(() => redis.flushall());

  function project() {
    const p = makeProject({ 'src/models.ts': models('user') });
    projects.push(p);
    const om = (...args: string[]): Promise<CliResult> => runOm(args, { cwd: p.dir, env: { REDIS_OM_URL: stack.url }, timeoutMs: 120_000 });
    return { ...p, om };
  }

  it('shows the key move, and a taken target key ends the run like om migrate run: report, message, exit 1, nothing recorded', async () => {
    const p = project();
    expect(await p.om('migrate', 'create', 'initial', '--models', 'src/models.ts')).toMatchObject({ code: 0 });
    expect(await p.om('migrate-all', 'run', '-y')).toMatchObject({ code: 0 });
    const seed = redis.pipeline();
    for (let i = 0; i < USERS; i++) seed.hset(`user:${i}`, 'name', `n${i}`, 'age', String(i % 90));
    await seed.exec();
    await redis.hset('person:42', 'name', 'someone else', 'age', '1');
    await new Promise((r) => setTimeout(r, 1_000));
    p.write('src/models.ts', models('person'));
    expect(await p.om('migrate', 'create', 'rename_user', '--models', 'src/models.ts', '--rename-schema', 'user:person')).toMatchObject({ code: 0 });

    const failed = await p.om('migrate-all', 'run', '-y');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('1 document(s) of user could not move: the new key exists already (user:42 → person:42)');
    expect(failed.stderr).toContain('delete or rename the key you do not want, and run again');
    expect(failed.stdout).toMatch(/ {2}moving keys: \d+ moved, \d+ scanned \(\d+%\)/);
    const reports = readdirSync(join(p.dir, 'migrations/.om-reports'));
    expect(reports).toEqual([expect.stringMatching(/^\d{8}T\d{6}Z-migrate-all-run\.jsonl$/)]);
    expect(failed.stdout).toContain(`  documents that cannot move are listed in migrations/.om-reports/${reports[0]}`);
    const lines = readFileSync(join(p.dir, 'migrations/.om-reports', reports[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual([expect.objectContaining({ command: 'migrate-all run', migration: expect.stringMatching(/_rename_user$/), key: 'user:42', value: 'person:42', action: 'skipped' })]);
    // Nothing recorded, nothing overwritten, the lock is free.
    expect(await redis.hlen(SCHEMA_LEDGER)).toBe(1);
    expect(await redis.hgetall('person:42')).toEqual({ name: 'someone else', age: '1' });
    expect(await redis.hgetall('user:42')).toEqual({ name: 'n42', age: '42' });
    expect(await redis.exists('om:migrations:lock')).toBe(0);

    await redis.del('person:42');
    const rerun = await p.om('migrate-all', 'run', '-y');
    expect(rerun).toMatchObject({ code: 0, stderr: '' });
    expect(rerun.stdout).toContain('Applied 1 migration (schema batch 2).');
    expect(await redis.hlen(SCHEMA_LEDGER)).toBe(2);
    expect(await redis.hgetall('person:42')).toEqual({ name: 'n42', age: '42' });
    let left = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'user:[0-9]*', 'COUNT', 1_000);
      left += keys.length;
      cursor = next;
    } while (cursor !== '0');
    expect(left).toBe(0);
    for (let i = 0; i < USERS; i += 97) expect(await redis.hgetall(`person:${i}`)).toEqual({ name: `n${i}`, age: String(i % 90) });
    // No new failure: the one report stays the only one.
    expect(readdirSync(join(p.dir, 'migrations/.om-reports'))).toEqual(reports);
  }, 180_000);
});
