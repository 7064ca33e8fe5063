/**
 * Renamed fields on a real Redis Stack (RediSearch 2.10, RedisJSON 2.8), through the built `om`
 * bin: `create` refuses to guess, `--rename` writes the data step, `run` moves the stored
 * values in every document while an app keeps querying (the old name answers until the swap,
 * the new one after, never neither), and `rollback` moves them back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Redis from 'ioredis';
import { waitUntil } from '../support/cli';
import { queryLoop } from '../support/query-loop';
import { describeWithRedisStack } from '../support/redis-stack';
import { useStackProjects } from '../support/stack-project';

const TIMEOUT = 180_000;
const DOCS = 20_000;

const modelsSource = (name: string, fields: object, dataStructure: 'HASH' | 'JSON') =>
  `import { Schema } from 'redis-om';\nexport const model = new Schema(${JSON.stringify(name)}, ${JSON.stringify(fields)}, { dataStructure: '${dataStructure}' });\n`;

describeWithRedisStack('renamed fields (om migrate create --rename, run, rollback)', (stack) => {
  const ctx = useStackProjects(stack, { timeoutMs: 120_000 });
  const project = ctx.project;
  let redis: Redis;
  let queries: Redis;
  beforeAll(() => {
    redis = ctx.redis;
    queries = ctx.queries;
  });

  /** Every key of the model: the fields (HASH) or the document (JSON). */
  async function everyDocument(pattern: string, type: 'hash' | 'ReJSON-RL', read: (key: string) => Promise<unknown>): Promise<Map<string, unknown>> {
    const out = new Map<string, unknown>();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000, 'TYPE', type);
      for (const key of keys) out.set(key, await read(key));
      cursor = next;
    } while (cursor !== '0');
    return out;
  }

  it(
    'HASH: refuses to guess, then moves name to fullName in every document while queries keep answering; rollback moves it back',
    async () => {
      const p = project(modelsSource('user', { name: { type: 'string' }, age: { type: 'number' } }, 'HASH'));
      expect(await p.om('create', 'initial')).toMatchObject({ code: 0 });
      expect(await p.om('run', '-y')).toMatchObject({ code: 0 });
      const seed = redis.pipeline();
      for (let i = 0; i < DOCS; i++) seed.hset(`user:${i}`, 'name', `n${i % 100}`, 'age', String(i % 90));
      await seed.exec();
      await new Promise((r) => setTimeout(r, 1_000));
      p.write(modelsSource('user', { fullName: { type: 'string' }, age: { type: 'number' } }, 'HASH'));

      const refused = await p.om('create', 'rename_name');
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('No schema migration was written: it would drop the data of 1 field from search.');
      expect(refused.stderr).toContain('user:index: field name was removed and fullName added (TAG). Did you rename name to fullName?');
      expect(refused.stderr).toContain('--rename name:fullName');
      expect(refused.stderr).toContain('--drop name');
      expect(p.files()).toHaveLength(1);

      const created = await p.om('create', 'rename_name', '--rename', 'name:fullName');
      expect(created).toMatchObject({ code: 0 });
      expect(created.stdout).toMatch(/document-dependent +user:index: field name renamed to fullName \(HASH field name → fullName\)/);
      const snapshot = JSON.parse(readFileSync(join(p.dir, 'migrations/schema-migrations', p.files()[1]!), 'utf8'));
      expect(snapshot.changes[0].renames).toEqual([{ from: 'name', to: 'fullName' }]);

      const dry = await p.om('run', '--dry-run');
      expect(dry.stdout).toContain('(data) copy HASH field name → fullName in every user:* key');
      expect(dry.stdout).toContain('(data) remove name where fullName holds the same value');
      expect(dry.stdout).toMatch(/user:index: 20000 keys \(SCAN\), 20000 documents in the live index \(FT\.INFO\)/);
      expect(dry.stdout).toMatch(/rename name → fullName: 20000 of 20000 documents hold it; about .+ \(read measured: \d+ ms\)/);
      expect(dry.stdout).toMatch(/extra memory while two indexes coexist: about [\d.]+ MB/);

      // A bound below what the second index needs: refused before anything is sent.
      const plan = await p.om('plan', '--max-swap-memory', '0.001');
      expect(plan.code).not.toBe(0);
      expect(plan.stdout).toContain('indexing: ');
      expect(plan.stderr).toMatch(/Nothing was changed: the swap of user:index needs about [\d.]+ MB while the old and the new index coexist, above --max-swap-memory 0\.001\./);
      const bounded = await p.om('run', '-y', '--max-swap-memory', '0.001');
      expect(bounded.code).not.toBe(0);
      expect(bounded.stderr).toContain('above --max-swap-memory 0.001');
      expect(await redis.hget('user:7', 'fullName')).toBeNull();
      expect(await redis.hlen('om:migrations:schema:ledger')).toBe(1);

      const loop = queryLoop(queries, 'user:index', ['@name:{n7}', '@fullName:{n7}']);
      const run = await p.om('run', '-y');
      const rounds = await loop.stop();
      expect(run.stderr).toBe('');
      expect(run).toMatchObject({ code: 0 });
      // Every round, the old name or the new one found all 200 documents: never neither.
      const answered = rounds.map(([old, renamed]) => (old === DOCS / 100 ? 'old' : renamed === DOCS / 100 ? 'new' : `neither: ${old} / ${renamed}`));
      expect(answered.filter((a) => a.startsWith('neither'))).toEqual([]);
      expect(answered[0]).toBe('old');
      expect(answered[answered.length - 1]).toBe('new');
      // The old name until the swap, the new one after: it switches once.
      expect(answered.filter((a, i) => i > 0 && a !== answered[i - 1])).toEqual(['new']);

      const after = await everyDocument('user:*', 'hash', (key) => redis.hgetall(key));
      expect(after.size).toBe(DOCS);
      for (const [key, fields] of after) {
        const i = Number(key.split(':')[1]);
        expect({ key, fields }).toEqual({ key, fields: { fullName: `n${i % 100}`, age: String(i % 90) } });
      }
      // The scans' checkpoints are kept until the migration is recorded, then removed.
      expect(await redis.hlen('om:migrations:data:progress')).toBe(0);

      const rollback = await p.om('rollback', snapshot.id, '-y');
      expect(rollback).toMatchObject({ code: 0 });
      const back = await everyDocument('user:*', 'hash', (key) => redis.hgetall(key));
      for (const [key, fields] of back) {
        const i = Number(key.split(':')[1]);
        expect({ key, fields }).toEqual({ key, fields: { name: `n${i % 100}`, age: String(i % 90) } });
      }
      const reply = (await redis.call('FT.SEARCH', 'user:index', '@name:{n7}', 'LIMIT', '0', '0')) as unknown[];
      expect(reply[0]).toBe(DOCS / 100);
    },
    TIMEOUT,
  );

  it(
    'JSON: a path moved ($.customer → $.client) keeps the query name answering all along; rollback moves it back',
    async () => {
      const v1 = modelsSource('order', { customer: { type: 'string' }, total: { type: 'number' } }, 'JSON');
      const p = project(v1);
      expect(await p.om('create', 'initial')).toMatchObject({ code: 0 });
      expect(await p.om('run', '-y')).toMatchObject({ code: 0 });
      const seed = redis.pipeline();
      for (let i = 0; i < DOCS; i++) seed.call('JSON.SET', `order:${i}`, '$', JSON.stringify({ customer: `c${i % 50}`, total: i }));
      await seed.exec();
      await new Promise((r) => setTimeout(r, 1_000));
      p.write(modelsSource('order', { customer: { type: 'string', path: '$.client' }, total: { type: 'number' } }, 'JSON'));

      const refused = await p.om('create', 'move_customer');
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('order:index: field $.customer was removed and $.client added (TAG). Did you rename $.customer to $.client?');
      expect(refused.stderr).toContain('--rename $.customer:$.client');
      const created = await p.om('create', 'move_customer', '--rename', '$.customer:$.client');
      expect(created.stderr).toBe('');
      expect(created).toMatchObject({ code: 0 });
      expect(created.stdout).toMatch(/document-dependent +order:index: field customer moved \(JSON path \$\["customer"\] → \$\.client\)/);
      const id = p.files()[1]!.replace(/\.json$/, '');

      const loop = queryLoop(queries, 'order:index', ['@customer:{c7}', '@total:[0 +inf]']);
      const run = await p.om('run', '-y');
      const rounds = await loop.stop();
      expect(run.stderr).toBe('');
      expect(run).toMatchObject({ code: 0 });
      expect(rounds.length).toBeGreaterThan(1);
      expect(rounds.filter(([c, all]) => c !== DOCS / 50 || all !== DOCS)).toEqual([]);

      const after = await everyDocument('order:*', 'ReJSON-RL', async (key) => JSON.parse(String(await redis.call('JSON.GET', key, '$')))[0]);
      expect(after.size).toBe(DOCS);
      for (const [key, doc] of after) {
        const i = Number(key.split(':')[1]);
        expect({ key, doc }).toEqual({ key, doc: { client: `c${i % 50}`, total: i } });
      }

      const rollback = await p.om('rollback', id, '-y');
      expect(rollback).toMatchObject({ code: 0 });
      const back = await everyDocument('order:*', 'ReJSON-RL', async (key) => JSON.parse(String(await redis.call('JSON.GET', key, '$')))[0]);
      for (const [key, doc] of back) {
        const i = Number(key.split(':')[1]);
        expect({ key, doc }).toEqual({ key, doc: { customer: `c${i % 50}`, total: i } });
      }
    },
    TIMEOUT,
  );

  it(
    'HASH: a run killed (SIGKILL) during the copy resumes from its checkpoint; every document ends renamed, none lost',
    async () => {
      const docs = 60_000;
      const p = project(modelsSource('user', { name: { type: 'string' }, age: { type: 'number' } }, 'HASH'));
      expect(await p.om('create', 'initial')).toMatchObject({ code: 0 });
      expect(await p.om('run', '-y')).toMatchObject({ code: 0 });
      const seed = redis.pipeline();
      for (let i = 0; i < docs; i++) seed.hset(`user:${i}`, 'name', `n${i % 100}`, 'age', String(i % 90));
      await seed.exec();
      p.write(modelsSource('user', { fullName: { type: 'string' }, age: { type: 'number' } }, 'HASH'));
      expect(await p.om('create', 'rename_name', '--rename', 'name:fullName')).toMatchObject({ code: 0 });

      const first = p.spawn('run', '-y', '--lock-lease', '2');
      // Killed once the copy has saved a checkpoint past its first batch, before the index moves.
      const progress = `om:migrations:data:progress`;
      await waitUntil(async () => {
        const saved = Object.values(await redis.hgetall(progress)).map((v) => JSON.parse(v) as { counters: { batches: number } });
        return saved.some((c) => c.counters.batches >= 2) ? true : undefined;
      }, 'a checkpoint of the copy');
      first.child.kill('SIGKILL');
      const killed = await first.exited;
      expect(killed.signal).toBe('SIGKILL');
      const copied = (await everyDocument('user:*', 'hash', (key) => redis.hget(key, 'fullName'))).values();
      const partly = [...copied].filter((v) => v !== null).length;
      expect(partly).toBeGreaterThan(0);
      expect(partly).toBeLessThan(docs);
      expect(await redis.hlen('om:migrations:schema:ledger')).toBe(1);

      const rerun = await p.om('run', '-y', '--lock-lease', '2', '--lock-timeout', '30');
      expect(rerun.stderr).toBe('');
      expect(rerun).toMatchObject({ code: 0 });
      expect(rerun.stdout).toMatch(/resuming from the checkpoint/);
      const after = await everyDocument('user:*', 'hash', (key) => redis.hgetall(key));
      expect(after.size).toBe(docs);
      const wrong = [...after].filter(([key, value]) => {
        const fields = value as Record<string, string>;
        const i = Number(key.split(':')[1]);
        return Object.keys(fields).length !== 2 || fields.age !== String(i % 90) || fields.fullName !== `n${i % 100}`;
      });
      expect(wrong).toEqual([]);
      expect(await redis.hlen(progress)).toBe(0);
      const reply = (await redis.call('FT.SEARCH', 'user:index', '@fullName:{n7}', 'LIMIT', '0', '0')) as unknown[];
      expect(reply[0]).toBe(docs / 100);
    },
    TIMEOUT,
  );

  it(
    'under --namespace, the schema ledger and the checkpoint of the copy are the namespace\'s, and a rerun there resumes',
    async () => {
      const p = project(modelsSource('user', { name: { type: 'string' } }, 'HASH'));
      const ns = ['--namespace', 'shop'];
      expect(await p.om('create', 'initial')).toMatchObject({ code: 0 });
      expect(await p.om('run', '-y', ...ns)).toMatchObject({ code: 0 });
      expect(await redis.hlen('om:migrations:shop:schema:ledger')).toBe(1);
      expect(await redis.exists('om:migrations:schema:ledger')).toBe(0);
      const seed = redis.pipeline();
      for (let i = 0; i < 60_000; i++) seed.hset(`user:${i}`, 'name', `n${i % 100}`);
      await seed.exec();
      p.write(modelsSource('user', { fullName: { type: 'string' } }, 'HASH'));
      expect(await p.om('create', 'rename_name', '--rename', 'name:fullName')).toMatchObject({ code: 0 });

      const first = p.spawn('run', '-y', '--lock-lease', '2', ...ns);
      await waitUntil(async () => ((await redis.hlen('om:migrations:shop:data:progress')) > 0 ? true : undefined), 'a checkpoint of the copy');
      first.child.kill('SIGKILL');
      await first.exited;
      expect(await redis.exists('om:migrations:data:progress')).toBe(0);

      const rerun = await p.om('run', '-y', '--lock-lease', '2', '--lock-timeout', '30', ...ns);
      expect(rerun).toMatchObject({ code: 0 });
      expect(rerun.stdout).toMatch(/resuming from the checkpoint/);
      expect(await redis.hlen('om:migrations:shop:schema:ledger')).toBe(2);
      expect(await redis.exists('om:migrations:shop:data:progress', 'om:migrations:schema:ledger')).toBe(0);
    },
    TIMEOUT,
  );
});
