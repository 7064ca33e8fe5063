/**
 * `om migrate-all` (the built CLI) applying a renamed schema on a real Redis Stack: the key
 * move shows its progress, and a target key that is taken ends the run as `om migrate run`
 * does (the failure report under `.om-reports/`, the message, exit 1, the snapshot not recorded).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { modelsSource } from '../support/cli';
import { describeWithRedisStack } from '../support/redis-stack';
import { useStackSuite } from '../support/stack-project';

const SCHEMA_LEDGER = 'om:migrations:schema:ledger';
const USERS = 2_000;

const models = (name: string) => modelsSource(name, { name: { type: 'string' }, age: { type: 'number' } });

describeWithRedisStack('om migrate-all with a renamed schema (the built CLI) on Redis Stack', (stack) => {
  const suite = useStackSuite(stack, { timeoutMs: 120_000 });
  const project = () => suite.project({ 'src/models.ts': models('user') });

  it('shows the key move, and a taken target key ends the run like om migrate run: report, message, exit 1, nothing recorded', async () => {
    const p = project();
    expect(await p.om('migrate', 'create', 'initial', '--models', 'src/models.ts')).toMatchObject({ code: 0 });
    expect(await p.om('migrate-all', 'run', '-y')).toMatchObject({ code: 0 });
    const seed = suite.redis.pipeline();
    for (let i = 0; i < USERS; i++) seed.hset(`user:${i}`, 'name', `n${i}`, 'age', String(i % 90));
    await seed.exec();
    await suite.redis.hset('person:42', 'name', 'someone else', 'age', '1');
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
    expect(await suite.redis.hlen(SCHEMA_LEDGER)).toBe(1);
    expect(await suite.redis.hgetall('person:42')).toEqual({ name: 'someone else', age: '1' });
    expect(await suite.redis.hgetall('user:42')).toEqual({ name: 'n42', age: '42' });
    expect(await suite.redis.exists('om:migrations:lock')).toBe(0);

    await suite.redis.del('person:42');
    const rerun = await p.om('migrate-all', 'run', '-y');
    expect(rerun).toMatchObject({ code: 0, stderr: '' });
    expect(rerun.stdout).toContain('Applied 1 migration (schema batch 2).');
    expect(await suite.redis.hlen(SCHEMA_LEDGER)).toBe(2);
    expect(await suite.redis.hgetall('person:42')).toEqual({ name: 'n42', age: '42' });
    let left = 0;
    let cursor = '0';
    do {
      const [next, keys] = await suite.redis.scan(cursor, 'MATCH', 'user:[0-9]*', 'COUNT', 1_000);
      left += keys.length;
      cursor = next;
    } while (cursor !== '0');
    expect(left).toBe(0);
    for (let i = 0; i < USERS; i += 97) expect(await suite.redis.hgetall(`person:${i}`)).toEqual({ name: `n${i}`, age: String(i % 90) });
    // No new failure: the one report stays the only one.
    expect(readdirSync(join(p.dir, 'migrations/.om-reports'))).toEqual(reports);
  }, 180_000);
});
