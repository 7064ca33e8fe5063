/**
 * `om migrate-all` (the built CLI) on a real Redis Stack: a data migration backfills a field in
 * HASH documents, a schema snapshot that makes that field SORTABLE runs after it (`after`), and
 * a data migration that needs the new index depends on the snapshot (`schema:<id>`). Checked in
 * Redis: both ledgers, the documents, FT.INFO and an FT.SEARCH SORTBY on the new field.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { modelsSource, type CliResult } from '../support/cli';
import { writesAmong } from '../support/monitor';
import { describeWithRedisStack } from '../support/redis-stack';
import { useStackSuite } from '../support/stack-project';

const DATA_LEDGER = 'om:migrations:data:ledger';
const SCHEMA_LEDGER = 'om:migrations:schema:ledger';
const PEOPLE = 40;

// The ids sort against the dependencies on purpose: by timestamp alone the backfill would come
// after the snapshot (created today) and the search before both.
const BACKFILL = '20990101_000000_backfill_rank';
const USE_RANK = '20000101_000000_store_top_ranked';

const models = (withRank: boolean) => modelsSource('person', { name: { type: 'string' }, ...(withRank && { rank: { type: 'number', sortable: true } }) });

/** Sets rank = i on person:i (SCAN, not KEYS), and removes it again on rollback. */
const backfill = `export default {
  id: '${BACKFILL}',
  description: 'give every person a rank',
  async up(ctx: any) {
    let cursor = '0';
    do {
      const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', 'person:*', 'COUNT', 100);
      cursor = next;
      // person:index:hash is redis-om's own key, not a person.
      for (const key of keys.filter((k: string) => /^person:[0-9]+$/.test(k))) await ctx.redis.hset(key, 'rank', key.split(':')[1]);
    } while (cursor !== '0');
    await ctx.redis.rpush('calls', 'up:${BACKFILL}');
  },
  async down(ctx: any) {
    let cursor = '0';
    do {
      const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', 'person:*', 'COUNT', 100);
      cursor = next;
      for (const key of keys.filter((k: string) => /^person:[0-9]+$/.test(k))) await ctx.redis.hdel(key, 'rank');
    } while (cursor !== '0');
    await ctx.redis.rpush('calls', 'down:${BACKFILL}');
  },
};
`;

/** Needs the SORTABLE rank: stores the key of the highest-ranked person, found with SORTBY. */
const useRank = (schemaId: string) => `export default {
  id: '${USE_RANK}',
  dependencies: ['schema:${schemaId}'],
  async up(ctx: any) {
    if (await ctx.redis.exists('fail-once')) { await ctx.redis.del('fail-once'); throw new Error('failing on purpose'); }
    const reply = await ctx.redis.call('FT.SEARCH', 'person:index', '*', 'SORTBY', 'rank', 'DESC', 'LIMIT', '0', '1', 'NOCONTENT');
    await ctx.redis.set('top', String(reply[1]));
    await ctx.redis.rpush('calls', 'up:${USE_RANK}');
  },
  async down(ctx: any) {
    await ctx.redis.del('top');
    await ctx.redis.rpush('calls', 'down:${USE_RANK}');
  },
};
`;

/** The fields of FT.INFO's attributes, each as a flat list (`identifier rank ... SORTABLE`). */
function attributesOf(info: unknown): string[][] {
  const list = info as unknown[];
  const at = list.findIndex((v) => v === 'attributes');
  return (list[at + 1] as unknown[][]).map((a) => a.map(String));
}

describeWithRedisStack('om migrate-all (the built CLI) on Redis Stack', (stack) => {
  const suite = useStackSuite(stack, { timeoutMs: 60_000, monitor: true });

  function project() {
    const p = suite.project({ 'src/models.ts': models(false) });
    const snapshotIds = () => p.files().map((f) => f.replace(/\.json$/, ''));
    return { ...p, snapshotIds };
  }

  async function seedPeople(): Promise<void> {
    const pipeline = suite.redis.pipeline();
    for (let i = 0; i < PEOPLE; i++) pipeline.hset(`person:${i}`, 'name', `n${i}`);
    await pipeline.exec();
  }

  /** initial snapshot; the backfill; the sortable snapshot after it; the search after that. */
  async function backfillThenSortable(p: ReturnType<typeof project>): Promise<{ initial: string; sortable: string }> {
    expect(await p.om('migrate', 'create', 'initial', '--models', 'src/models.ts')).toMatchObject({ code: 0 });
    p.write(`migrations/data-migrations/${BACKFILL}.ts`, backfill);
    // Snapshot ids have one-second resolution: the second must sort after the first.
    await new Promise((r) => setTimeout(r, 1_000));
    p.write('src/models.ts', models(true));
    const created = await p.om('migrate', 'create', 'sortable_rank', '--models', 'src/models.ts', '--after', BACKFILL);
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toContain(`runs after data migration ${BACKFILL}: apply both with \`om migrate-all run\``);
    const [initial, sortable] = p.snapshotIds() as [string, string];
    p.write(`migrations/data-migrations/${USE_RANK}.ts`, useRank(sortable));
    return { initial, sortable };
  }

  it('applies both kinds in dependency order under one lock, then rolls back in reverse', async () => {
    const p = project();
    await seedPeople();
    const { initial, sortable } = await backfillThenSortable(p);

    const plan = await p.om('migrate-all', 'plan');
    expect(plan).toMatchObject({ code: 0, stderr: '' });
    const order = [`schema ${initial}`, `data   ${BACKFILL}`, `schema ${sortable} after schema:${initial}, ${BACKFILL}`, `data   ${USE_RANK} after schema:${sortable}`];
    order.forEach((line, i) => expect(plan.stdout).toContain(`  ${i + 1}. ${line} (migrations/`));
    expect(plan.stdout).toContain('Schema migrations would send:');

    // A dry run sends only reads, and records nothing.
    const dry = await suite.monitor.capture(() => p.om('migrate-all', 'run', '--dry-run'));
    expect(dry.result).toMatchObject({ code: 0, stderr: '' });
    expect(dry.result.stdout).toContain('Dry run: 4 would run, 0 would stay pending. Nothing was written.');
    expect(writesAmong(dry.commands).map((c) => c.argv.join(' '))).toEqual([]);
    expect(await suite.redis.hgetall(DATA_LEDGER)).toEqual({});

    const run = await suite.monitor.capture(() => p.om('migrate-all', 'run', '-y'));
    expect(run.result).toMatchObject({ code: 0, stderr: '' });
    const applied = run.result.stdout.split('\n').filter((l) => l.startsWith('  applied ')).map((l) => l.replace(/ \(\d+ ms\)$/, '').trim());
    expect(applied).toEqual([`applied schema ${initial}`, `applied data ${BACKFILL}`, `applied schema ${sortable}`, `applied data ${USE_RANK}`]);
    expect(run.result.stdout).toContain('Applied 4 migrations (data batch 1, schema batch 1).');
    // One lock acquisition for the whole run: one SET of the lock key.
    expect(run.commands.filter((c) => c.argv[0] === 'SET' && c.argv[1] === 'om:migrations:lock')).toHaveLength(1);

    // Each kind's ledger holds its own, so the single-kind status commands stay right.
    expect(Object.keys(await suite.redis.hgetall(DATA_LEDGER)).sort()).toEqual([USE_RANK, BACKFILL].sort());
    expect(Object.keys(await suite.redis.hgetall(SCHEMA_LEDGER)).sort()).toEqual([initial, sortable]);
    const dataStatus = await p.om('migrate-data', 'status');
    expect(dataStatus.stdout).toContain('  Applied: 2');
    expect(dataStatus.stdout).toContain('  Pending: 0');
    const schemaStatus = await p.om('migrate', 'status', '--models', 'src/models.ts');
    expect(schemaStatus).toMatchObject({ code: 0 });
    expect(schemaStatus.stdout).toContain('  Applied: 2');
    expect(schemaStatus.stdout).toContain('  Pending: 0');

    // The documents were backfilled, the index has rank SORTABLE, and SORTBY answers on it.
    for (let i = 0; i < PEOPLE; i++) expect(await suite.redis.hget(`person:${i}`, 'rank')).toBe(String(i));
    const rank = attributesOf(await suite.redis.call('FT.INFO', 'person:index')).find((a) => a.includes('rank'));
    expect(rank).toEqual(expect.arrayContaining(['NUMERIC', 'SORTABLE']));
    const sorted = (await suite.redis.call('FT.SEARCH', 'person:index', '*', 'SORTBY', 'rank', 'ASC', 'LIMIT', '0', '3', 'NOCONTENT')) as unknown[];
    expect(sorted).toEqual([PEOPLE, 'person:0', 'person:1', 'person:2']);
    // The search ran after the snapshot: it found the highest rank.
    expect(await suite.redis.get('top')).toBe(`person:${PEOPLE - 1}`);
    expect(await suite.redis.lrange('calls', 0, -1)).toEqual([`up:${BACKFILL}`, `up:${USE_RANK}`]);

    const status = await p.om('migrate-all', 'status');
    expect(status).toMatchObject({ code: 0 });
    expect(status.stdout).toContain('4 applied, 0 pending.');

    // A rerun finds nothing to do.
    expect((await p.om('migrate-all', 'run', '-y')).stdout).toContain('No pending data or schema migrations.');

    // Rollback, newest first: the search, then the sortable snapshot (rank leaves the index) ...
    const back2 = await p.om('migrate-all', 'rollback', '--steps', '2', '-y');
    expect(back2).toMatchObject({ code: 0, stderr: '' });
    const reverted = (r: CliResult) => r.stdout.split('\n').filter((l) => l.startsWith('  rolled back ')).map((l) => l.replace(/ \(\d+ ms\)$/, '').trim());
    expect(reverted(back2)).toEqual([`rolled back data ${USE_RANK}`, `rolled back schema ${sortable}`]);
    expect(attributesOf(await suite.redis.call('FT.INFO', 'person:index')).some((a) => a.includes('rank'))).toBe(false);
    expect(await suite.redis.hget('person:7', 'rank')).toBe('7');
    expect(await suite.redis.exists('top')).toBe(0);
    expect(Object.keys(await suite.redis.hgetall(DATA_LEDGER))).toEqual([BACKFILL]);
    expect(Object.keys(await suite.redis.hgetall(SCHEMA_LEDGER))).toEqual([initial]);

    // ... then the backfill and the first snapshot.
    const rest = await p.om('migrate-all', 'rollback', '--all', '-y');
    expect(rest).toMatchObject({ code: 0, stderr: '' });
    expect(reverted(rest)).toEqual([`rolled back data ${BACKFILL}`, `rolled back schema ${initial}`]);
    expect(await suite.redis.call('FT._LIST')).toEqual([]);
    for (let i = 0; i < PEOPLE; i++) expect(await suite.redis.hgetall(`person:${i}`)).toEqual({ name: `n${i}` });
    expect(await suite.redis.hgetall(DATA_LEDGER)).toEqual({});
    expect(await suite.redis.hgetall(SCHEMA_LEDGER)).toEqual({});
    expect(await suite.redis.lrange('calls', 0, -1)).toEqual([`up:${BACKFILL}`, `up:${USE_RANK}`, `down:${USE_RANK}`, `down:${BACKFILL}`]);
  }, 120_000);

  it('om migrate run and om migrate-data run refuse while a pending migration waits on the other kind', async () => {
    const p = project();
    await seedPeople();
    const { initial, sortable } = await backfillThenSortable(p);

    const schemaRun = await p.om('migrate', 'run', '-y', '--models', 'src/models.ts');
    expect(schemaRun.code).toBe(2);
    expect(schemaRun.stderr).toContain(`Schema migration ${sortable} (`);
    expect(schemaRun.stderr).toContain(`runs after data migration ${BACKFILL}, which is not applied. Nothing was applied.`);
    expect(schemaRun.stderr).toContain('om migrate-all run');

    const dataRun = await p.om('migrate-data', 'run', '-y');
    expect(dataRun.code).toBe(2);
    expect(dataRun.stderr).toContain(`Data migration ${USE_RANK} depends on schema migration ${sortable}, which is not applied. Nothing was applied.`);
    expect(dataRun.stderr).toContain('om migrate-all run');

    // Nothing was applied by either.
    expect(await suite.redis.hgetall(DATA_LEDGER)).toEqual({});
    expect(await suite.redis.hgetall(SCHEMA_LEDGER)).toEqual({});
    expect(await suite.redis.call('FT._LIST')).toEqual([]);
    expect(await suite.redis.hget('person:3', 'rank')).toBeNull();
    expect(await suite.redis.exists('calls')).toBe(0);

    // Once the backfill is applied on its own (without the search), `om migrate run` may go on.
    rmSync(join(p.dir, `migrations/data-migrations/${USE_RANK}.ts`));
    expect(await p.om('migrate-data', 'run', '-y')).toMatchObject({ code: 0 });
    const after = await p.om('migrate', 'run', '-y', '--models', 'src/models.ts');
    expect(after).toMatchObject({ code: 0 });
    expect(Object.keys(await suite.redis.hgetall(SCHEMA_LEDGER)).sort()).toEqual([initial, sortable]);
  }, 120_000);

  it('om migrate rollback and om migrate-data rollback refuse to undo what an applied migration of the other kind depends on', async () => {
    const p = project();
    await seedPeople();
    const { initial, sortable } = await backfillThenSortable(p);
    expect(await p.om('migrate-all', 'run', '-y')).toMatchObject({ code: 0 });
    const ledgers = async () => ({ data: await suite.redis.hgetall(DATA_LEDGER), schema: await suite.redis.hgetall(SCHEMA_LEDGER) });
    const before = await ledgers();

    // The search (a data migration) depends on schema:<sortable>.
    for (const extra of [['-y'], ['--dry-run']]) {
      const schemaBack = await suite.monitor.capture(() => p.om('migrate', 'rollback', sortable, '--models', 'src/models.ts', ...extra));
      expect(schemaBack.result.code).toBe(2);
      expect(schemaBack.result.stderr).toContain(
        `Cannot roll back schema migration ${sortable}: the applied data migration ${USE_RANK} (migrations/data-migrations/${USE_RANK}.ts) depends on it (schema:${sortable}). Nothing was rolled back.`,
      );
      expect(schemaBack.result.stderr).toContain('om migrate-all rollback');
      expect(writesAmong(schemaBack.commands).filter((c) => !c.argv.includes('om:migrations:lock')).map((c) => c.argv.join(' '))).toEqual([]);
    }

    // The sortable snapshot runs after the backfill: by id, by --steps, by reset, and in a dry run.
    for (const args of [['rollback', BACKFILL, '-y'], ['rollback', '--steps', '1', '-y'], ['reset', '-y'], ['rollback', BACKFILL, '--dry-run']]) {
      const dataBack = await suite.monitor.capture(() => p.om('migrate-data', ...args));
      expect(dataBack.result.code).toBe(2);
      expect(dataBack.result.stderr).toContain(
        `Cannot roll back data migration ${BACKFILL}: the applied schema migration ${sortable} (migrations/schema-migrations/${sortable}.json) runs after it. Nothing was rolled back.`,
      );
      expect(dataBack.result.stderr).toContain('om migrate-all rollback');
      expect(writesAmong(dataBack.commands).filter((c) => !c.argv.includes('om:migrations:lock')).map((c) => c.argv.join(' '))).toEqual([]);
    }

    // Nothing changed: both ledgers, the index, the documents, no down() ran; the lock is free.
    expect(await ledgers()).toEqual(before);
    expect(attributesOf(await suite.redis.call('FT.INFO', 'person:index')).find((a) => a.includes('rank'))).toEqual(expect.arrayContaining(['SORTABLE']));
    expect(await suite.redis.hget('person:7', 'rank')).toBe('7');
    expect(await suite.redis.get('top')).toBe(`person:${PEOPLE - 1}`);
    expect(await suite.redis.lrange('calls', 0, -1)).toEqual([`up:${BACKFILL}`, `up:${USE_RANK}`]);
    expect(await suite.redis.exists('om:migrations:lock')).toBe(0);

    // In dependency order, the single-kind rollbacks go through: the search, the snapshot, then the backfill.
    expect(await p.om('migrate-data', 'rollback', USE_RANK, '-y')).toMatchObject({ code: 0 });
    expect(await p.om('migrate', 'rollback', sortable, '--models', 'src/models.ts', '-y')).toMatchObject({ code: 0 });
    expect(await p.om('migrate-data', 'rollback', BACKFILL, '-y')).toMatchObject({ code: 0 });
    expect(Object.keys(await suite.redis.hgetall(SCHEMA_LEDGER))).toEqual([initial]);
    expect(await suite.redis.hgetall(DATA_LEDGER)).toEqual({});
  }, 120_000);

  it('a run stopped by a failure leaves each ledger right, and a rerun continues from there', async () => {
    const p = project();
    await seedPeople();
    const { initial, sortable } = await backfillThenSortable(p);
    await suite.redis.set('fail-once', '1');

    const failed = await p.om('migrate-all', 'run', '-y');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`Data migration ${USE_RANK} failed in up(): failing on purpose`);
    // Everything before the failure is applied and recorded in its own ledger; the lock is free.
    expect(Object.keys(await suite.redis.hgetall(DATA_LEDGER))).toEqual([BACKFILL]);
    expect(Object.keys(await suite.redis.hgetall(SCHEMA_LEDGER)).sort()).toEqual([initial, sortable]);
    expect(await suite.redis.exists('om:migrations:lock')).toBe(0);
    const pending = await p.om('migrate-all', 'plan');
    expect(pending.stdout).toContain(`1 pending migration, in this order:\n  1. data   ${USE_RANK} after schema:${sortable}`);

    const rerun = await p.om('migrate-all', 'run', '-y');
    expect(rerun).toMatchObject({ code: 0, stderr: '' });
    expect(rerun.stdout).toContain('Applied 1 migration (data batch 2).');
    expect(await suite.redis.get('top')).toBe(`person:${PEOPLE - 1}`);
    expect(await suite.redis.lrange('calls', 0, -1)).toEqual([`up:${BACKFILL}`, `up:${USE_RANK}`]);
  }, 120_000);

  it('refuses a cycle across the kinds with exit 2, naming the path and the files, and records nothing', async () => {
    const p = project();
    await seedPeople();
    // `--after` names a data migration that exists; its dependency on the snapshot comes once the snapshot has an id.
    p.write(`migrations/data-migrations/${BACKFILL}.ts`, backfill);
    expect(await p.om('migrate', 'create', 'initial', '--models', 'src/models.ts', '--after', BACKFILL)).toMatchObject({ code: 0 });
    const [initial] = p.snapshotIds() as [string];
    p.write(`migrations/data-migrations/${BACKFILL}.ts`, backfill.replace(`id: '${BACKFILL}',`, `id: '${BACKFILL}',\n  dependencies: ['schema:${initial}'],`));

    for (const args of [['plan'], ['run', '-y'], ['run', '--dry-run']]) {
      const result = await suite.monitor.capture(() => p.om('migrate-all', ...args));
      expect(result.result.code).toBe(2);
      const schemaFile = `migrations/schema-migrations/${initial}.json`;
      const dataFile = `migrations/data-migrations/${BACKFILL}.ts`;
      expect(result.result.stderr).toContain(
        `Migrations depend on each other in a cycle: schema:${initial} (${schemaFile}) → ${BACKFILL} (${dataFile}) → schema:${initial} (${schemaFile}). Nothing was applied.`,
      );
      expect(writesAmong(result.commands).map((c) => c.argv.join(' '))).toEqual([]);
    }
    expect(await suite.redis.hgetall(DATA_LEDGER)).toEqual({});
    expect(await suite.redis.hgetall(SCHEMA_LEDGER)).toEqual({});
    expect(await suite.redis.call('FT._LIST')).toEqual([]);
    expect(await suite.redis.hget('person:3', 'rank')).toBeNull();
  }, 60_000);
});
