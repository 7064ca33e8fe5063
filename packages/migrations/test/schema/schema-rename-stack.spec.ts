/**
 * Renamed schemas on a real Redis Stack (RediSearch 2.10, RedisJSON 2.8), through the built `om`
 * bin: `create` refuses to guess, `--rename-schema` records the rename, `run` moves every
 * document to the new key prefix while an app keeps querying both index names (every answer
 * is the full count or "no such index", never a part: the old name until the swap, the new one
 * after), `rollback` moves them back, a taken target key is kept and reported, a SIGKILL during
 * the move of 200k documents resumes, and an index-name change reuses the live index.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';
import { SchemaMigrator } from '../../src/schema/schema-migrator';
import { appWriteNow } from '../support/app-write';
import { waitUntil } from '../support/cli';
import { queryLoopOver, type Answer } from '../support/query-loop';
import { describeWithRedisStack } from '../support/redis-stack';
import { useStackProjects } from '../support/stack-project';

const TIMEOUT = 240_000;
const DOCS = 20_000;

const model = (name: string, fields: object, dataStructure: 'HASH' | 'JSON', indexName?: string) =>
  `new Schema(${JSON.stringify(name)}, ${JSON.stringify(fields)}, { dataStructure: '${dataStructure}'${indexName ? `, indexName: ${JSON.stringify(indexName)}` : ''} })`;
const modelsSource = (...schemas: string[]) => `import { Schema } from 'redis-om';\n${schemas.map((s, i) => `export const model${i} = ${s};`).join('\n')}\n`;

const HASH_FIELDS = { name: { type: 'string' }, age: { type: 'number' } };

/**
 * Each round of a loop over [old name, new name]: which one answered with the full count.
 * Anything else than the full count or a missing index is a partial answer and fails the test.
 */
function whoAnswered(rounds: Answer[][], full: number): string[] {
  return rounds.map((round) => {
    const ok = round.map((a) => a === full);
    const bad = round.filter((a) => a !== full && !(typeof a === 'string' && /no such index/i.test(a)));
    if (bad.length > 0) return `partial: ${bad.join(' / ')}`;
    return ok[0] && ok[1] ? 'both' : ok[0] ? 'old' : ok[1] ? 'new' : 'neither';
  });
}

describeWithRedisStack('renamed schemas (om migrate create --rename-schema, run, rollback)', (stack) => {
  const ctx = useStackProjects(stack, { timeoutMs: 200_000 });
  const project = ctx.project;
  let redis: Redis;
  let queries: Redis;
  beforeAll(() => {
    redis = ctx.redis;
    queries = ctx.queries;
  });

  async function seedHash(count: number, prefix = 'user:'): Promise<void> {
    for (let start = 0; start < count; start += 10_000) {
      const seed = redis.pipeline();
      for (let i = start; i < Math.min(count, start + 10_000); i++) seed.hset(`${prefix}${i}`, 'name', `n${i % 100}`, 'age', String(i % 90));
      await seed.exec();
    }
  }

  /** Every id checked: its document once under `to` with its fields, nothing under `from`. */
  async function expectMovedHash(count: number, from: string, to: string, total = count): Promise<void> {
    const wrong: string[] = [];
    for (let start = 0; start < count; start += 5_000) {
      const read = redis.pipeline();
      const ids = Array.from({ length: Math.min(5_000, count - start) }, (_, j) => start + j);
      for (const i of ids) read.exists(`${from}${i}`).hgetall(`${to}${i}`);
      const replies = (await read.exec())!;
      ids.forEach((i, j) => {
        const old = replies[2 * j]![1];
        const fields = replies[2 * j + 1]![1] as Record<string, string>;
        if (old !== 0 || fields.name !== `n${i % 100}` || fields.age !== String(i % 90) || Object.keys(fields).length !== 2) wrong.push(`${i}: ${old} ${JSON.stringify(fields)}`);
      });
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(await countKeys(`${from}[0-9]*`)).toBe(0);
    expect(await countKeys(`${to}[0-9]*`)).toBe(total);
  }

  async function countKeys(pattern: string): Promise<number> {
    let total = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 10_000);
      total += keys.length;
      cursor = next;
    } while (cursor !== '0');
    return total;
  }

  it(
    'HASH: refuses to guess, then moves every user:* key to person:* while both names keep answering in full; rollback moves them back',
    async () => {
      const p = project(modelsSource(model('user', HASH_FIELDS, 'HASH')));
      expect(await p.om('create', 'initial')).toMatchObject({ code: 0 });
      expect(await p.om('run', '-y')).toMatchObject({ code: 0 });
      await seedHash(DOCS);
      p.write(modelsSource(model('person', HASH_FIELDS, 'HASH')));

      const refused = await p.om('create', 'rename_user');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('No schema migration was written: it would leave the documents of 1 schema behind.');
      expect(refused.stderr).toContain('Did you rename schema user to person?');
      expect(refused.stderr).toContain('--rename-schema user:person');
      expect(refused.stderr).toContain('--drop-schema user');
      expect(p.files()).toHaveLength(1);

      const created = await p.om('create', 'rename_user', '--rename-schema', 'user:person');
      expect(created.stderr).toBe('');
      expect(created).toMatchObject({ code: 0 });
      expect(created.stdout).toMatch(/document-dependent +person:index: schema user renamed to person \(keys user:\* → person:\*, index user:index → person:index\)/);
      const snapshot = JSON.parse(readFileSync(join(p.dir, 'migrations/schema-migrations', p.files()[1]!), 'utf8'));
      expect(snapshot.changes.find((c: { kind: string }) => c.kind === 'added').renamedFrom).toBe('user:index');

      const dry = await p.om('run', '--dry-run');
      expect(dry).toMatchObject({ code: 0 });
      expect(dry.stdout).toContain('(data) move every user:* HASH key to person:*');
      expect(dry.stdout).toContain(`user:index → person:index: ${DOCS} documents to move (SCAN of user:*)`);
      expect(await redis.exists('person:0')).toBe(0);

      const loop = queryLoopOver(queries, [{ index: 'user:index', query: '@name:{n7}' }, { index: 'person:index', query: '@name:{n7}' }], { pauseMs: 2 });
      const run = await p.om('run', '-y');
      const rounds = await loop.stop();
      expect(run.stderr).toBe('');
      expect(run).toMatchObject({ code: 0 });
      const answered = whoAnswered(rounds, DOCS / 100);
      expect(answered.filter((a) => a === 'neither' || a.startsWith('partial'))).toEqual([]);
      expect(answered[0]).toBe('old');
      expect(answered[answered.length - 1]).toBe('new');
      // Old name alone, then both (the bridge), then the new one alone: no going back.
      expect(answered.filter((a, i) => i > 0 && a !== answered[i - 1])).toEqual(['both', 'new']);
      await expectMovedHash(DOCS, 'user:', 'person:');
      expect(await redis.call('FT._LIST')).toEqual([expect.stringMatching(/^person:index:v:[0-9a-f]{12}$/)]);
      expect(await redis.exists('user:index:hash')).toBe(0);
      expect(await redis.hlen('om:migrations:data:progress')).toBe(0);

      const back = queryLoopOver(queries, [{ index: 'person:index', query: '@name:{n7}' }, { index: 'user:index', query: '@name:{n7}' }], { pauseMs: 2 });
      const rollback = await p.om('rollback', snapshot.id, '-y');
      const backRounds = await back.stop();
      expect(rollback).toMatchObject({ code: 0 });
      expect(whoAnswered(backRounds, DOCS / 100).filter((a) => a === 'neither' || a.startsWith('partial'))).toEqual([]);
      await expectMovedHash(DOCS, 'person:', 'user:');
      const reply = (await redis.call('FT.SEARCH', 'user:index', '@name:{n7}', 'LIMIT', '0', '0')) as unknown[];
      expect(reply[0]).toBe(DOCS / 100);
    },
    TIMEOUT,
  );

  it(
    'JSON: order → purchase moves every document with its content while both names answer in full',
    async () => {
      const fields = { customer: { type: 'string' }, total: { type: 'number' } };
      const p = project(modelsSource(model('order', fields, 'JSON')));
      expect(await p.om('create', 'initial')).toMatchObject({ code: 0 });
      expect(await p.om('run', '-y')).toMatchObject({ code: 0 });
      const seed = redis.pipeline();
      for (let i = 0; i < DOCS; i++) seed.call('JSON.SET', `order:${i}`, '$', JSON.stringify({ customer: `c${i % 50}`, total: i }));
      await seed.exec();
      p.write(modelsSource(model('purchase', fields, 'JSON')));
      expect(await p.om('create', 'rename_order', '--rename-schema', 'order:purchase')).toMatchObject({ code: 0 });

      const loop = queryLoopOver(queries, [{ index: 'order:index', query: '@customer:{c7}' }, { index: 'purchase:index', query: '@customer:{c7}' }], { pauseMs: 2 });
      const run = await p.om('run', '-y');
      const rounds = await loop.stop();
      expect(run.stderr).toBe('');
      expect(run).toMatchObject({ code: 0 });
      const answered = whoAnswered(rounds, DOCS / 50);
      expect(answered.filter((a) => a === 'neither' || a.startsWith('partial'))).toEqual([]);
      expect(answered[0]).toBe('old');
      expect(answered[answered.length - 1]).toBe('new');

      const wrong: string[] = [];
      for (let start = 0; start < DOCS; start += 5_000) {
        const read = redis.pipeline();
        for (let i = start; i < start + 5_000; i++) read.exists(`order:${i}`).call('JSON.GET', `purchase:${i}`, '$');
        const replies = (await read.exec())!;
        for (let j = 0; j < 5_000; j++) {
          const i = start + j;
          const doc = replies[2 * j + 1]![1] === null ? null : JSON.parse(String(replies[2 * j + 1]![1]))[0];
          if (replies[2 * j]![1] !== 0 || JSON.stringify(doc) !== JSON.stringify({ customer: `c${i % 50}`, total: i })) wrong.push(`${i}`);
        }
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'a target key that exists is kept and reported; nothing switches, both names keep answering; once resolved, a rerun finishes',
    async () => {
      const p = project(modelsSource(model('user', HASH_FIELDS, 'HASH')));
      expect(await p.om('create', 'initial')).toMatchObject({ code: 0 });
      expect(await p.om('run', '-y')).toMatchObject({ code: 0 });
      await seedHash(2_000);
      await redis.hset('person:42', 'name', 'someone else', 'age', '1');
      p.write(modelsSource(model('person', HASH_FIELDS, 'HASH')));
      expect(await p.om('create', 'rename_user', '--rename-schema', 'user:person')).toMatchObject({ code: 0 });

      const run = await p.om('run', '-y');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('1 document(s) of user could not move: the new key exists already (user:42 → person:42)');
      expect(run.stderr).toContain('delete or rename the key you do not want, and run again');
      expect(await redis.hgetall('person:42')).toEqual({ name: 'someone else', age: '1' });
      expect(await redis.hgetall('user:42')).toEqual({ name: 'n42', age: '42' });
      expect(await redis.hlen('om:migrations:schema:ledger')).toBe(1);
      const reports = readdirSync(join(p.dir, 'migrations/.om-reports'));
      expect(reports).toEqual([expect.stringMatching(/-migrate-run\.jsonl$/)]);
      const lines = readFileSync(join(p.dir, 'migrations/.om-reports', reports[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toEqual([expect.objectContaining({ command: 'migrate run', key: 'user:42', value: 'person:42', action: 'skipped' })]);
      // The bridge answers both names with every document (the intruder included).
      for (const index of ['user:index', 'person:index']) {
        const reply = (await redis.call('FT.SEARCH', index, '*', 'LIMIT', '0', '0')) as unknown[];
        expect(reply[0]).toBe(2_001);
      }

      await redis.del('person:42');
      const rerun = await p.om('run', '-y');
      expect(rerun).toMatchObject({ code: 0 });
      await expectMovedHash(2_000, 'user:', 'person:');
    },
    TIMEOUT,
  );

  it(
    'the sweep moves what the app wrote under the old prefix during the move (SchemaMigrator API)',
    async () => {
      const p = project(modelsSource(model('user', HASH_FIELDS, 'HASH')));
      expect(await p.om('create', 'initial')).toMatchObject({ code: 0 });
      expect(await p.om('run', '-y')).toMatchObject({ code: 0 });
      await seedHash(5_000);
      p.write(modelsSource(model('person', HASH_FIELDS, 'HASH')));
      expect(await p.om('create', 'rename_user', '--rename-schema', 'user:person')).toMatchObject({ code: 0 });
      const migrator = new SchemaMigrator({ models: 'src/models.ts', cwd: p.dir, redisUrl: stack.url, pollMs: 20 });
      let written = 0;
      migrator.on('movingKeys', ({ pass, progress }) => {
        // An app still on the old model writes new documents after the move's last batch,
        // where its SCAN is over: only the sweep can find them.
        if (pass === 'move' && progress.fraction === 1) {
          for (; written < 3; written++) appWriteNow(stack.url, 'HSET', `user:${5_000 + written}`, 'name', 'late', 'age', '1');
        }
      });
      try {
        await migrator.run();
      } finally {
        await migrator.close();
      }
      expect(written).toBe(3);
      await expectMovedHash(5_000, 'user:', 'person:', 5_003);
      for (let i = 5_000; i < 5_003; i++) expect(await redis.hgetall(`person:${i}`)).toEqual({ name: 'late', age: '1' });
      const reply = (await redis.call('FT.SEARCH', 'person:index', '@name:{late}', 'LIMIT', '0', '0')) as unknown[];
      expect(reply[0]).toBe(3);
    },
    TIMEOUT,
  );

  it(
    'index name only (same keys): the new name becomes an alias of the live index, no reindexing',
    async () => {
      const p = project(modelsSource(model('user', HASH_FIELDS, 'HASH')));
      expect(await p.om('create', 'initial')).toMatchObject({ code: 0 });
      expect(await p.om('run', '-y')).toMatchObject({ code: 0 });
      await seedHash(DOCS);
      const [physical] = (await redis.call('FT._LIST')) as string[];
      p.write(modelsSource(model('user', HASH_FIELDS, 'HASH', 'people')));
      const created = await p.om('create', 'rename_index', '--rename-schema', 'user:index:people');
      expect(created).toMatchObject({ code: 0 });
      expect(created.stdout).toMatch(/index-only +people: index user:index renamed to people \(same keys user:\*\)/);
      const dry = await p.om('plan');
      expect(dry.stdout).toContain('user:index → people: index name only, no documents to move');

      const loop = queryLoopOver(queries, [{ index: 'user:index', query: '@name:{n7}' }, { index: 'people', query: '@name:{n7}' }], { pauseMs: 2 });
      const run = await p.om('run', '-y');
      const rounds = await loop.stop();
      expect(run).toMatchObject({ code: 0 });
      expect(run.stdout).toContain(`people: alias of ${physical}, the index behind user:index (no reindexing)`);
      expect(whoAnswered(rounds, DOCS / 100).filter((a) => a === 'neither' || a.startsWith('partial'))).toEqual([]);
      expect(await redis.call('FT._LIST')).toEqual([physical]);
      const info = (await redis.call('FT.INFO', 'people')) as unknown[];
      expect(info[1]).toBe(physical);
      await expect(redis.call('FT.INFO', 'user:index')).rejects.toThrow(/unknown index name|no such index/i);
      expect(await redis.exists('user:0')).toBe(1);
    },
    TIMEOUT,
  );

  it(
    'a run killed (SIGKILL) while moving 200k documents resumes; every document ends once under person:*, none under user:*',
    async () => {
      const docs = 200_000;
      const p = project(modelsSource(model('user', HASH_FIELDS, 'HASH')));
      expect(await p.om('create', 'initial')).toMatchObject({ code: 0 });
      expect(await p.om('run', '-y')).toMatchObject({ code: 0 });
      await seedHash(docs);
      p.write(modelsSource(model('person', HASH_FIELDS, 'HASH')));
      expect(await p.om('create', 'rename_user', '--rename-schema', 'user:person')).toMatchObject({ code: 0 });

      const first = p.spawn('run', '-y', '--lock-lease', '2');
      const progress = 'om:migrations:data:progress';
      await waitUntil(
        async () => {
          const saved = Object.entries(await redis.hgetall(progress))
            .filter(([name]) => name.includes(':move-keys:'))
            .map(([, v]) => JSON.parse(v) as { counters: { batches: number } });
          return saved.some((c) => c.counters.batches >= 3) ? true : undefined;
        },
        'a checkpoint of the key move',
        150_000,
      );
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      // Killed in the middle of the move: some documents moved, some not yet.
      const moved = await countKeys('person:[0-9]*');
      expect(moved).toBeGreaterThan(0);
      expect(moved + (await countKeys('user:[0-9]*'))).toBe(docs);
      expect(moved).toBeLessThan(docs);
      expect(await redis.hlen('om:migrations:schema:ledger')).toBe(1);

      const rerun = await p.om('run', '-y', '--lock-lease', '2', '--lock-timeout', '30');
      expect(rerun.stderr).toBe('');
      expect(rerun).toMatchObject({ code: 0 });
      expect(rerun.stdout).toMatch(/resuming from the checkpoint/);
      await expectMovedHash(docs, 'user:', 'person:');
      expect(await redis.hlen(progress)).toBe(0);
      const reply = (await redis.call('FT.SEARCH', 'person:index', '@name:{n7}', 'LIMIT', '0', '0')) as unknown[];
      expect(reply[0]).toBe(docs / 100);
    },
    TIMEOUT,
  );
});
