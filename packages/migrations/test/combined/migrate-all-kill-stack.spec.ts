/**
 * `om migrate-all run` (the built CLI) killed with SIGKILL in the middle of a data migration's
 * `ctx.scanTransform` scan, on a real Redis Stack, between a snapshot it applied and one that
 * runs after the data migration. A rerun waits out the dead run's lease, resumes the scan from
 * its checkpoint and applies the rest: every document is checked, and each ledger holds exactly
 * the migrations that ran, each once.
 */
import { modelsSource, waitUntil } from '../support/cli';
import { describeWithRedisStack } from '../support/redis-stack';
import { useStackSuite } from '../support/stack-project';

const DATA_LEDGER = 'om:migrations:data:ledger';
const SCHEMA_LEDGER = 'om:migrations:schema:ledger';
const PROGRESS = 'om:migrations:data:progress';
const PEOPLE = 100_000;
const UPPER = '20990101_000000_upper_names';
const COUNT = '20990101_000001_count_adults';

const models = (withAge: boolean) => modelsSource('person', { name: { type: 'string' }, ...(withAge && { age: { type: 'number' } }) });

/** Upper-cases every person's name in batches, checkpointed: a killed run resumes the scan. */
const upperNames = `export default {
  id: '${UPPER}',
  async up(ctx: any) {
    await ctx.scanTransform({
      name: '${UPPER}',
      match: 'person:[0-9]*',
      type: 'hash',
      fields: ['name'],
      transform: (name: string) => (name === name.toUpperCase() ? undefined : name.toUpperCase()),
    });
    await ctx.redis.rpush('calls', 'up:${UPPER}');
  },
};
`;

/** Needs the age in the index (the second snapshot): counts the adults with FT.SEARCH. */
const countAdults = (schemaId: string) => `export default {
  id: '${COUNT}',
  dependencies: ['schema:${schemaId}'],
  async up(ctx: any) {
    const reply = await ctx.redis.call('FT.SEARCH', 'person:index', '@age:[18 +inf]', 'LIMIT', '0', '0');
    await ctx.redis.set('adults', String(reply[0]));
    await ctx.redis.rpush('calls', 'up:${COUNT}');
  },
};
`;

describeWithRedisStack('om migrate-all run killed (SIGKILL) mid-scan, then rerun (the built CLI) on Redis Stack', (stack) => {
  const suite = useStackSuite(stack, { timeoutMs: 180_000 });

  it('resumes the data migration from its checkpoint and applies the rest: every key checked, each ledger exactly what ran', async () => {
    const p = suite.project({ 'src/models.ts': models(false) });
    expect(await p.om('migrate', 'create', 'initial', '--models', 'src/models.ts')).toMatchObject({ code: 0 });
    p.write(`migrations/data-migrations/${UPPER}.ts`, upperNames);
    await new Promise((r) => setTimeout(r, 1_000));
    p.write('src/models.ts', models(true));
    expect(await p.om('migrate', 'create', 'add_age', '--models', 'src/models.ts', '--after', UPPER)).toMatchObject({ code: 0 });
    const [initial, addAge] = p.files().map((f) => f.replace(/\.json$/, '')) as [string, string];
    p.write(`migrations/data-migrations/${COUNT}.ts`, countAdults(addAge));

    for (let start = 0; start < PEOPLE; start += 10_000) {
      const seed = suite.redis.pipeline();
      for (let i = start; i < start + 10_000; i++) seed.hset(`person:${i}`, 'name', `n${i % 100}`, 'age', String(i % 90));
      await seed.exec();
    }

    // Throttled so the scan lasts a few seconds; killed once its checkpoint holds a fifth of the keys.
    const first = p.spawn('migrate-all', 'run', '-y', '--batch-size', '500', '--max-rate', '20000', '--lock-lease', '2');
    const killedAt = await waitUntil(
      async () => {
        const raw = await suite.redis.hget(PROGRESS, UPPER);
        const keys = raw ? (JSON.parse(raw) as { counters: { keys: number } }).counters.keys : 0;
        return keys >= PEOPLE / 5 ? keys : undefined;
      },
      'a checkpoint of the data migration scan',
      150_000,
    );
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stdout).toContain(`applied schema ${initial}`);
    expect(killed.stdout).not.toContain(`applied data ${UPPER}`);

    // Killed mid-scan: the first snapshot is recorded, nothing else; part of the names changed.
    expect(Object.keys(await suite.redis.hgetall(SCHEMA_LEDGER))).toEqual([initial]);
    expect(await suite.redis.hgetall(DATA_LEDGER)).toEqual({});
    expect(await suite.redis.exists('calls')).toBe(0);
    let upper = 0;
    for (let start = 0; start < PEOPLE; start += 10_000) {
      const read = suite.redis.pipeline();
      for (let i = start; i < start + 10_000; i++) read.hget(`person:${i}`, 'name');
      for (const [, name] of (await read.exec())!) if (name === String(name).toUpperCase()) upper += 1;
    }
    // Every key the checkpoint counts was written before it was saved.
    expect(upper).toBeGreaterThanOrEqual(killedAt);
    expect(upper).toBeLessThan(PEOPLE);
    // Read without the lock (the dead run's lease may not have run out yet): the rest is pending.
    const plan = await p.om('migrate-all', 'plan');
    expect(plan.stdout).toContain('3 pending migrations, in this order:');

    const rerun = await p.om('migrate-all', 'run', '-y', '--batch-size', '500', '--lock-lease', '2', '--lock-timeout', '30');
    expect(rerun.stderr).toBe('');
    expect(rerun).toMatchObject({ code: 0 });
    expect(rerun.stdout).toMatch(/resuming from the checkpoint/);
    const applied = rerun.stdout.split('\n').filter((l) => l.startsWith('  applied ')).map((l) => l.replace(/ \(\d+ ms\)$/, '').trim());
    expect(applied).toEqual([`applied data ${UPPER}`, `applied schema ${addAge}`, `applied data ${COUNT}`]);
    expect(rerun.stdout).toContain('Applied 3 migrations (data batch 1, schema batch 2).');

    // Each ledger holds exactly what ran, each once; the checkpoint and the lock are gone.
    expect(Object.keys(await suite.redis.hgetall(SCHEMA_LEDGER)).sort()).toEqual([initial, addAge]);
    expect(Object.keys(await suite.redis.hgetall(DATA_LEDGER)).sort()).toEqual([UPPER, COUNT]);
    expect(await suite.redis.lrange('calls', 0, -1)).toEqual([`up:${UPPER}`, `up:${COUNT}`]);
    expect(await suite.redis.exists(PROGRESS)).toBe(0);
    expect(await suite.redis.exists('om:migrations:lock')).toBe(0);

    // Every document checked: its name upper-cased once, its age untouched, nothing else added.
    const wrong: string[] = [];
    for (let start = 0; start < PEOPLE; start += 10_000) {
      const read = suite.redis.pipeline();
      for (let i = start; i < start + 10_000; i++) read.hgetall(`person:${i}`);
      (await read.exec())!.forEach(([, fields], j) => {
        const i = start + j;
        if (JSON.stringify(fields) !== JSON.stringify({ name: `N${i % 100}`, age: String(i % 90) })) wrong.push(`person:${i} ${JSON.stringify(fields)}`);
      });
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // The second snapshot's index has every document and answers on age; the search ran after it.
    const all = (await suite.redis.call('FT.SEARCH', 'person:index', '*', 'LIMIT', '0', '0')) as unknown[];
    expect(all[0]).toBe(PEOPLE);
    const adults = Array.from({ length: PEOPLE }, (_, i) => i % 90).filter((age) => age >= 18).length;
    expect(await suite.redis.get('adults')).toBe(String(adults));
  }, 300_000);
});
