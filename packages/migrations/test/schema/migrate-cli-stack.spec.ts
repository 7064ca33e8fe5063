/**
 * Every `om migrate` command, run as the built bin against a real Redis Stack server (RediSearch
 * 2.10, RedisJSON 2.8): what it prints, its exit code, and what it leaves in Redis (FT._LIST,
 * FT.INFO of the index name and so of its alias, redis-om's hash key, the ledger). What a real
 * run sends is recorded with MONITOR and compared with what its `--dry-run` printed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createClient } from 'redis';
import { Repository, Schema, type SchemaDefinition, type SchemaOptions } from 'redis-om';
import { classifySearchError } from '../../src';
import { versionedIndexName } from '../../src/schema/plan';
import { schemaLedgerKey } from '../../src/state/keys';
import { runOm, type CliResult } from '../support/cli';
import { printedCommands, printedPlan, writesAmong, type MonitoredCommand } from '../support/monitor';
import { startRedisServer } from '../support/redis-server';
import { describeWithRedisStack } from '../support/redis-stack';
import { useStackSuite } from '../support/stack-project';

const LEDGER = schemaLedgerKey('om:migrations:');
const TIMEOUT = 120_000;

/** A model as both the models file (for `om`) and the app (for redis-om in this process) see it. */
interface Model {
  readonly name: string;
  readonly fields: SchemaDefinition;
  readonly options: SchemaOptions;
}

const person = (age: 'tag' | 'number' | 'sortable'): Model => ({
  name: 'person',
  fields: {
    name: { type: 'string' },
    age: age === 'tag' ? { type: 'string' } : age === 'number' ? { type: 'number' } : { type: 'number', sortable: true },
  },
  options: { dataStructure: 'HASH' },
});

const order = (sortableTotal: boolean): Model => ({
  name: 'order',
  fields: {
    customer: { type: 'string' },
    items: { type: 'string[]' },
    total: { type: 'number', sortable: sortableTotal },
    note: { type: 'text' },
  },
  options: { dataStructure: 'JSON' },
});

const modelsSource = (models: readonly Model[]) =>
  `import { Schema } from 'redis-om';\n${models
    .map((m) => `export const ${m.name}Schema = new Schema(${JSON.stringify(m.name)}, ${JSON.stringify(m.fields)}, ${JSON.stringify(m.options)});\n`)
    .join('')}`;

const schemaOf = (model: Model) => new Schema(model.name, model.fields, model.options);

/** The top-level fields of an FT.INFO reply. */
function infoMap(reply: unknown): Record<string, unknown> {
  const list = reply as unknown[];
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}

/** Snapshot files of a project, parsed, oldest first. */
function snapshotsOf(dir: string): { id: string; changes: { indexName: string; before: any; after: any }[] }[] {
  const folder = join(dir, 'migrations/schema-migrations');
  return readdirSync(folder)
    .sort()
    .map((f) => JSON.parse(readFileSync(join(folder, f), 'utf8')));
}

describeWithRedisStack('om migrate (the built CLI) on Redis Stack', (stack) => {
  const suite = useStackSuite(stack, { timeoutMs: 60_000, monitor: true });

  function project(models: readonly Model[]) {
    const p = suite.project({ 'src/models.ts': modelsSource(models) });
    return {
      dir: p.dir,
      setModels: (next: readonly Model[]) => p.write('src/models.ts', modelsSource(next)),
      om: (...args: string[]) => p.om('migrate', ...args),
      snapshots: () => snapshotsOf(p.dir),
    };
  }
  type Project = ReturnType<typeof project>;

  /** `om migrate create <name>` one second after the previous one, so ids sort in order. */
  async function create(p: Project, name: string): Promise<{ id: string; changes: { indexName: string; before: any; after: any }[] }> {
    const before = safeCount(p);
    await new Promise((r) => setTimeout(r, before > 0 ? 1_000 : 0));
    const result = await p.om('create', name, '--models', 'src/models.ts');
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(new RegExp(`Created schema migration migrations/schema-migrations/\\d{8}_\\d{6}_${name}\\.json`));
    const all = p.snapshots();
    expect(all).toHaveLength(before + 1);
    return all[all.length - 1]!;
  }
  const safeCount = (p: Project) => {
    try {
      return p.snapshots().length;
    } catch {
      return 0;
    }
  };

  /** What the app does at start-up: redis-om's own createIndex() through node-redis. */
  async function appCreateIndex(...models: Model[]): Promise<MonitoredCommand[]> {
    const client = createClient({ url: stack.url });
    await client.connect();
    try {
      const { commands } = await suite.monitor.capture(async () => {
        for (const m of models) await new Repository(schemaOf(m), client).createIndex();
      });
      return commands;
    } finally {
      await client.quit();
    }
  }

  async function seedPeople(count: number, age = (i: number) => String(i % 90)): Promise<void> {
    const pipeline = suite.redis.pipeline();
    for (let i = 0; i < count; i++) pipeline.hset(`person:${i}`, 'name', `n${i}`, 'age', age(i));
    await pipeline.exec();
  }

  async function seedOrders(count: number): Promise<void> {
    const pipeline = suite.redis.pipeline();
    for (let i = 0; i < count; i++) {
      pipeline.call('JSON.SET', `order:${i}`, '$', JSON.stringify({ customer: `c${i % 7}`, items: ['a', `i${i}`], total: i, note: `note number ${i}` }));
    }
    await pipeline.exec();
  }

  const realName = async (name: string) => String(infoMap(await suite.redis.call('FT.INFO', name)).index_name);
  const list = async () => ((await suite.redis.call('FT._LIST')) as string[]).slice().sort();
  const ledger = async () => Object.keys(await suite.redis.hgetall(LEDGER)).sort();

  /**
   * The commands of a real run that carry out its plan: not read-only, not a script's own calls,
   * not the engine's bookkeeping (lock and ledger under the key prefix).
   */
  const planWrites = (commands: readonly MonitoredCommand[]) =>
    writesAmong(commands)
      .filter((c) => c.source !== 'lua' && !c.argv.some((a) => a.startsWith('om:migrations:')))
      .map((c) => [...c.argv]);

  /**
   * Runs `dryArgs` (a dry run), checks it sent nothing that writes, then `realArgs`, and checks
   * that the real run sent exactly the printed commands, in order, and polled FT.INFO of each
   * index the plan waits for at its place in the plan.
   */
  async function dryRunThenRun(p: Project, dryArgs: string[], realArgs: string[]): Promise<{ dry: CliResult; real: CliResult; sent: string[][] }> {
    const ledgerBefore = await suite.redis.hgetall(LEDGER);
    const dry = await suite.monitor.capture(() => p.om(...dryArgs));
    expect(dry.result.stderr).toBe('');
    expect(dry.result).toMatchObject({ code: 0 });
    expect(dry.result.stdout).toContain('Dry run: nothing was sent.');
    expect(writesAmong(dry.commands).map((c) => c.argv.join(' '))).toEqual([]);
    expect(await suite.redis.hgetall(LEDGER)).toEqual(ledgerBefore);

    const real = await suite.monitor.capture(() => p.om(...realArgs));
    expect(real.result.stderr).toBe('');
    expect(real.result).toMatchObject({ code: 0 });
    const printed = printedCommands(dry.result.stdout);
    const sent = planWrites(real.commands);
    expect(printed.length).toBeGreaterThan(0);
    expect(sent).toEqual(printed);
    // The real run printed the same plan before it started.
    expect(printedPlan(real.result.stdout)).toEqual(printedPlan(dry.result.stdout));

    // Each wait: FT.INFO of that index after the command before it and before the one after it.
    const sequence = real.commands.filter((c) => c.source !== 'lua');
    const writeAt = sequence.map((c, i) => (planWrites([c]).length > 0 ? i : -1)).filter((i) => i >= 0);
    let commandsSoFar = 0;
    for (const step of printedPlan(dry.result.stdout)) {
      if (step.kind === 'command') {
        commandsSoFar++;
        continue;
      }
      const from = commandsSoFar === 0 ? 0 : writeAt[commandsSoFar - 1]!;
      const to = commandsSoFar < writeAt.length ? writeAt[commandsSoFar]! : sequence.length;
      const polled = sequence.slice(from, to).filter((c) => c.argv[0] === 'FT.INFO' && c.argv[1] === step.indexName);
      expect({ waitedFor: step.indexName, polled: polled.length > 0 }).toEqual({ waitedFor: step.indexName, polled: true });
    }
    return { dry: dry.result, real: real.result, sent };
  }

  it(
    'create, status, run (swap): new HASH and JSON indexes behind their aliases, recorded in the ledger; verify is clean',
    async () => {
      const p = project([person('number'), order(false)]);
      await seedPeople(300);
      await seedOrders(120);

      const snapshot = await create(p, 'initial');
      expect(snapshot.changes.map((c) => c.indexName)).toEqual(['order:index', 'person:index']);
      let status = await p.om('status', '--models', 'src/models.ts');
      expect(status.code).toBe(0);
      expect(status.stdout).toContain('Total migrations: 1');
      expect(status.stdout).toContain('Pending: 1');
      expect(status.stdout).toContain(`- ${snapshot.id}: order:index, person:index`);
      expect(status.stdout).not.toContain('Changed in the models');

      // No terminal and no -y: refused, nothing sent.
      const refused = await p.om('run');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('there is no terminal to ask on');
      expect(refused.stderr).toContain('Pass -y (--yes)');
      expect(await list()).toEqual([]);

      const { real, sent } = await dryRunThenRun(p, ['run', '--dry-run'], ['run', '-y']);
      expect(real.stdout).toContain('Applied 1 schema migration (batch 1).');
      expect(sent.map((argv) => argv[0])).toEqual(['FT.CREATE', 'FT.CREATE', 'SET', 'FT.ALIASADD', 'SET', 'FT.ALIASADD']);

      const versioned = Object.fromEntries(snapshot.changes.map((c) => [c.indexName, versionedIndexName(c.indexName, c.after.hash)]));
      expect(await list()).toEqual([versioned['order:index'], versioned['person:index']].sort());
      expect(await realName('person:index')).toBe(versioned['person:index']);
      expect(await realName('order:index')).toBe(versioned['order:index']);
      expect(infoMap(await suite.redis.call('FT.INFO', 'person:index')).num_docs).toBe(300);
      expect(infoMap(await suite.redis.call('FT.INFO', 'order:index')).num_docs).toBe(120);
      expect(await suite.redis.get('person:index:hash')).toBe(schemaOf(person('number')).indexHash);
      expect(await suite.redis.get('order:index:hash')).toBe(schemaOf(order(false)).indexHash);
      // The app's queries answer through the aliases.
      expect(((await suite.redis.call('FT.SEARCH', 'person:index', '@age:[42 42]', 'LIMIT', '0', '0')) as unknown[])[0]).toBe(3);
      expect(((await suite.redis.call('FT.SEARCH', 'order:index', '@items:{i7}', 'LIMIT', '0', '0')) as unknown[])[0]).toBe(1);

      const entry = JSON.parse((await suite.redis.hget(LEDGER, snapshot.id))!);
      expect(entry).toMatchObject({ id: snapshot.id, batch: 1 });
      expect(entry.checksum).toMatch(/^[0-9a-f]{64}$/);

      status = await p.om('status', '--json');
      expect(JSON.parse(status.stdout)).toMatchObject({ appliedCount: 1, pendingCount: 0, appliedMigrations: [snapshot.id] });
      status = await p.om('status');
      expect(status.stdout).toMatch(new RegExp(`- ${snapshot.id}: order:index, person:index \\(applied .+, batch 1\\)`));

      const verify = await p.om('verify');
      expect(verify).toMatchObject({ code: 0, stderr: '' });
      expect(verify.stdout.split('\n').filter(Boolean).sort()).toEqual([
        `ok    order:index (via ${versioned['order:index']}): ok`,
        `ok    person:index (via ${versioned['person:index']}): ok`,
      ]);

      const again = await p.om('run', '-y');
      expect(again).toMatchObject({ code: 0 });
      expect(again.stdout).toContain('No pending schema migrations.');

      // A model change not yet snapshotted shows in status.
      p.setModels([person('sortable'), order(false)]);
      status = await p.om('status', '--models', 'src/models.ts');
      expect(status.stdout).toContain('Changed in the models since the latest schema migration');
      expect(status.stdout).toContain('- changed person:index');
    },
    TIMEOUT,
  );

  it(
    'plain → alias: moves the index redis-om created with no failed or incomplete query; the app\'s createIndex() then leaves it alone',
    async () => {
      const p = project([person('number')]);
      // No hash stored yet: redis-om removes whatever was there and creates its plain index.
      expect(writesAmong(await appCreateIndex(person('number'))).map((c) => c.argv[0])).toEqual(['UNLINK', 'FT.DROPINDEX', 'FT.CREATE', 'SET']);
      await seedPeople(2000);
      expect(await list()).toEqual(['person:index']);
      expect(await realName('person:index')).toBe('person:index');

      // The first snapshot matches what the app created: nothing to send, only recorded.
      const initial = await create(p, 'initial');
      const first = await suite.monitor.capture(() => p.om('run', '-y'));
      expect(first.result).toMatchObject({ code: 0 });
      expect(first.result.stdout).toContain('person:index: already up to date');
      expect(planWrites(first.commands)).toEqual([]);
      expect(await ledger()).toEqual([initial.id]);

      p.setModels([person('sortable')]);
      const sortable = await create(p, 'sortable_age');
      const versioned = versionedIndexName('person:index', sortable.changes[0]!.after.hash);

      // Queries on the app's index name while the migration runs: every answer counts all 2000.
      const q = new Redis(stack.url);
      let running = true;
      const answers = { ok: 0, failed: [] as string[], incomplete: [] as number[] };
      const loop = (async () => {
        while (running) {
          try {
            const total = ((await q.call('FT.SEARCH', 'person:index', '*', 'LIMIT', '0', '0')) as unknown[])[0] as number;
            if (total === 2000) answers.ok++;
            else answers.incomplete.push(total);
          } catch (error) {
            answers.failed.push((error as Error).message);
          }
        }
      })();
      let sent: string[][];
      try {
        ({ sent } = await dryRunThenRun(p, ['run', '--dry-run'], ['run', '-y']));
      } finally {
        running = false;
        await loop;
        q.disconnect();
      }
      expect(answers.failed).toEqual([]);
      expect(answers.incomplete).toEqual([]);
      expect(answers.ok).toBeGreaterThan(0);
      expect(sent).toEqual([
        expect.arrayContaining(['FT.CREATE', versioned]),
        ['SET', 'person:index:hash', schemaOf(person('sortable')).indexHash],
        ['FT.ALIASADD', 'person:index', versioned],
        ['FT.DROPINDEX', 'person:index'],
      ]);

      expect(await list()).toEqual([versioned]);
      const info = infoMap(await suite.redis.call('FT.INFO', 'person:index'));
      expect(info.index_name).toBe(versioned);
      expect(info.num_docs).toBe(2000);
      expect(JSON.stringify(info.attributes)).toContain('SORTABLE');
      expect(await suite.redis.exists('person:1999')).toBe(1);
      expect(await ledger()).toEqual([initial.id, sortable.id].sort());

      // The app restarts with the new model: redis-om reads its hash and sends nothing else.
      const before = await suite.redis.call('FT.INFO', 'person:index');
      const appSent = await appCreateIndex(person('sortable'));
      expect(appSent.filter((c) => c.argv[0] !== 'CLIENT').map((c) => c.argv.join(' '))).toEqual(['GET person:index:hash']);
      const after = await suite.redis.call('FT.INFO', 'person:index');
      const stable = (reply: unknown) => ({ ...infoMap(reply), number_of_uses: undefined });
      expect(stable(after)).toEqual(stable(before));
      expect(await list()).toEqual([versioned]);
      expect(await realName('person:index')).toBe(versioned);
      expect((await p.om('verify')).code).toBe(0);

      // Control: an app still on the old model has another hash, so redis-om drops the index
      // through the alias and creates a plain one: what the hash written by the run prevents.
      const stale = await appCreateIndex(person('number'));
      expect(writesAmong(stale).map((c) => c.argv.slice(0, 2))).toEqual([
        ['UNLINK', 'person:index:hash'],
        ['FT.DROPINDEX', 'person:index'],
        ['FT.CREATE', 'person:index'],
        ['SET', 'person:index:hash'],
      ]);
      expect(await list()).toEqual(['person:index']);
      const drift = await p.om('verify');
      expect(drift.code).toBe(3);
      expect(drift.stdout).toContain('DRIFT person:index: drift');
      expect(drift.stdout).toContain('field age.sortable: expected true, live false');
    },
    TIMEOUT,
  );

  it(
    'run --strategy recreate: drops the aliased index (no DD) and creates it under its own name; documents are kept',
    async () => {
      const p = project([person('number'), order(false)]);
      await seedPeople(500);
      await seedOrders(50);
      await create(p, 'initial');
      expect((await p.om('run', '-y')).code).toBe(0);
      const swapped = await realName('person:index');
      expect(swapped).toMatch(/^person:index:v:[0-9a-f]{12}$/);

      p.setModels([person('sortable'), order(true)]);
      const next = await create(p, 'sortable');
      const { real, sent } = await dryRunThenRun(p, ['run', '--strategy', 'recreate', '--dry-run'], ['run', '--strategy', 'recreate', '-y']);
      expect(real.stdout).toContain('person:index: drop and recreate (queries fail until it exists again) [recreate]');
      expect(sent.map((argv) => argv.slice(0, 2))).toEqual([
        ['FT.DROPINDEX', 'order:index'],
        ['FT.CREATE', 'order:index'],
        ['SET', 'order:index:hash'],
        ['FT.DROPINDEX', 'person:index'],
        ['FT.CREATE', 'person:index'],
        ['SET', 'person:index:hash'],
      ]);
      expect(sent.filter((argv) => argv[0] === 'FT.DROPINDEX').map((argv) => argv.length)).toEqual([2, 2]);

      // Plain indexes now: FT.INFO of the name reports the name itself; the alias went with the drop.
      expect(await list()).toEqual(['order:index', 'person:index']);
      expect(await realName('person:index')).toBe('person:index');
      expect(await realName('order:index')).toBe('order:index');
      expect(infoMap(await suite.redis.call('FT.INFO', 'person:index')).num_docs).toBe(500);
      expect(infoMap(await suite.redis.call('FT.INFO', 'order:index')).num_docs).toBe(50);
      expect(await suite.redis.dbsize()).toBe(500 + 50 + 2 + 1); // documents, two hashes, the ledger
      expect(await suite.redis.get('order:index:hash')).toBe(next.changes.find((c) => c.indexName === 'order:index')!.after.indexHash);
      const verify = await p.om('verify');
      expect(verify.code).toBe(0);
      expect(verify.stdout).toContain('ok    person:index: ok');
    },
    TIMEOUT,
  );

  it(
    'verify: clean, then drift when the alias points elsewhere, the hash is stale, the definition is changed by hand, the index is dropped',
    async () => {
      const p = project([person('number')]);
      await seedPeople(100);
      const initial = await create(p, 'initial');
      expect((await p.om('run', '-y')).code).toBe(0);
      const versioned = versionedIndexName('person:index', initial.changes[0]!.after.hash);
      let verify = await p.om('verify');
      expect(verify).toMatchObject({ code: 0, stdout: `ok    person:index (via ${versioned}): ok\n` });

      // The alias pointing at another index.
      await suite.redis.call('FT.CREATE', 'person:other', 'ON', 'HASH', 'PREFIX', '1', 'person:', 'SCHEMA', 'name', 'TEXT');
      await suite.redis.call('FT.ALIASUPDATE', 'person:index', 'person:other');
      verify = await p.om('verify');
      expect(verify.code).toBe(3);
      expect(verify.stdout).toContain('DRIFT person:index (via person:other): drift');
      expect(verify.stdout).toContain('field name.type: expected "TAG", live "TEXT"');
      expect(verify.stdout).toContain('field age: expected {"identifier":"age"');
      // Every line names a real difference.
      expect(verify.stdout).not.toMatch(/expected (\S+), live \1$/m);
      expect(verify.stderr).toContain('error: 1 index');
      expect(verify.stderr).toContain('Run `om migrate run` to apply the expected definitions, or find what changed them.');
      await suite.redis.call('FT.ALIASUPDATE', 'person:index', versioned);
      await suite.redis.call('FT.DROPINDEX', 'person:other');
      expect((await p.om('verify')).code).toBe(0);

      // redis-om's hash overwritten: the app's createIndex() would rebuild the index.
      await suite.redis.set('person:index:hash', 'stale');
      verify = await p.om('verify');
      expect(verify.code).toBe(3);
      expect(verify.stdout).toContain(`DRIFT person:index (via ${versioned}): hash-mismatch`);
      expect(verify.stdout).toContain(`person:index:hash: expected "${initial.changes[0]!.after.indexHash}", live "stale"`);
      await suite.redis.set('person:index:hash', initial.changes[0]!.after.indexHash);

      // A field added by hand (through the alias).
      await suite.redis.call('FT.ALTER', 'person:index', 'SCHEMA', 'ADD', 'nickname', 'TEXT');
      verify = await p.om('verify');
      expect(verify.code).toBe(3);
      expect(verify.stdout).toContain(`DRIFT person:index (via ${versioned}): drift`);
      expect(verify.stdout).toMatch(/field nickname: expected null, live \{"identifier":"nickname".*"type":"TEXT"/);

      // Dropped: FT.INFO answers "Unknown index name", which verify reports as missing.
      await suite.redis.call('FT.DROPINDEX', 'person:index');
      expect(await list()).toEqual([]);
      verify = await p.om('verify');
      expect(verify.code).toBe(3);
      expect(verify.stdout).toBe('DRIFT person:index: missing\n');
      expect(verify.stderr).not.toContain('Unknown index name');
    },
    TIMEOUT,
  );

  it(
    'rollback: restores the previous definition behind the alias, then removes the added index (documents kept)',
    async () => {
      const p = project([person('number')]);
      await seedPeople(400);
      const initial = await create(p, 'initial');
      expect((await p.om('run', '-y')).code).toBe(0);
      p.setModels([person('sortable')]);
      const sortable = await create(p, 'sortable_age');
      expect((await p.om('run', '-y')).stdout).toContain('Applied 1 schema migration (batch 2).');
      const v1 = versionedIndexName('person:index', initial.changes[0]!.after.hash);
      const v2 = versionedIndexName('person:index', sortable.changes[0]!.after.hash);
      expect(await list()).toEqual([v2]);

      const early = await p.om('rollback', initial.id, '-y');
      expect(early.code).toBe(2);
      expect(early.stderr).toContain(`Cannot roll back ${initial.id}: later applied schema migrations change the same indexes: ${sortable.id}.`);
      expect(await list()).toEqual([v2]);
      const unknown = await p.om('rollback', '20000101_000000_nope', '-y');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('No schema migration has the id 20000101_000000_nope.');

      let { real, sent } = await dryRunThenRun(p, ['rollback', sortable.id, '--dry-run'], ['rollback', sortable.id, '-y']);
      expect(real.stdout).toContain(`Rolled back ${sortable.id}.`);
      expect(sent.map((argv) => argv.slice(0, 3))).toEqual([
        ['FT.CREATE', v1, 'ON'],
        ['SET', 'person:index:hash', initial.changes[0]!.after.indexHash],
        ['FT.ALIASUPDATE', 'person:index', v1],
        ['FT.DROPINDEX', v2],
      ]);
      expect(await list()).toEqual([v1]);
      expect(await realName('person:index')).toBe(v1);
      expect(infoMap(await suite.redis.call('FT.INFO', 'person:index')).num_docs).toBe(400);
      expect(await ledger()).toEqual([initial.id]);
      const status = await p.om('status');
      expect(status.stdout).toContain('Pending: 1');
      expect(status.stdout).toContain(`- ${sortable.id}: person:index\n`);
      expect((await p.om('verify')).code).toBe(0);

      ({ real, sent } = await dryRunThenRun(p, ['rollback', initial.id, '--dry-run'], ['rollback', initial.id, '-y']));
      expect(sent).toEqual([
        ['FT.DROPINDEX', v1],
        ['DEL', 'person:index:hash'],
      ]);
      expect(await list()).toEqual([]);
      await expect(suite.redis.call('FT.INFO', 'person:index')).rejects.toThrow('Unknown index name');
      expect(await suite.redis.exists('person:index:hash')).toBe(0);
      expect(await suite.redis.exists(LEDGER)).toBe(0);
      expect((await suite.redis.keys('person:*')).length).toBe(400);
      expect((await p.om('status')).stdout).toContain('Pending: 2');
    },
    TIMEOUT,
  );

  it(
    'rollback after the index was dropped by hand: the missing index counts as absent',
    async () => {
      const p = project([person('number')]);
      const initial = await create(p, 'initial');
      expect((await p.om('run', '-y')).code).toBe(0);
      await suite.redis.call('FT.DROPINDEX', 'person:index');
      const { real, sent } = await dryRunThenRun(p, ['rollback', initial.id, '--dry-run'], ['rollback', initial.id, '-y']);
      expect(real.stdout).toContain('person:index: already absent');
      expect(sent).toEqual([['DEL', 'person:index:hash']]);
      expect(await ledger()).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'auto and --auto: bring the indexes to the models with no file and no ledger',
    async () => {
      const p = project([person('number'), order(false)]);
      await seedPeople(50);
      let { real, sent } = await dryRunThenRun(p, ['auto', '--models', 'src/models.ts', '--dry-run'], ['--auto', '--models', 'src/models.ts', '-y']);
      expect(real.stdout).toContain('Done: 2 indexes changed. Use `om migrate create` for changes you deploy.');
      expect(sent.map((argv) => argv[0])).toEqual(['FT.CREATE', 'FT.CREATE', 'SET', 'FT.ALIASADD', 'SET', 'FT.ALIASADD']);
      const v1 = await realName('person:index');
      expect(v1).toMatch(/^person:index:v:[0-9a-f]{12}$/);
      expect(await list()).toEqual([await realName('order:index'), v1].sort());
      expect(await suite.redis.exists(LEDGER)).toBe(0);
      expect(() => readdirSync(join(p.dir, 'migrations'))).toThrow(/ENOENT/);

      const same = await p.om('auto', '--models', 'src/models.ts', '-y');
      expect(same).toMatchObject({ code: 0 });
      expect(same.stdout).toContain('Every index matches the models.');

      p.setModels([person('sortable'), order(false)]);
      ({ real, sent } = await dryRunThenRun(
        p,
        ['auto', '--models', 'src/models.ts', '--strategy', 'recreate', '--dry-run'],
        ['auto', '--models', 'src/models.ts', '--strategy', 'recreate', '-y'],
      ));
      expect(real.stdout).toContain('Done: 1 index changed.');
      expect(sent.map((argv) => argv.slice(0, 2))).toEqual([
        ['FT.DROPINDEX', 'person:index'],
        ['FT.CREATE', 'person:index'],
        ['SET', 'person:index:hash'],
      ]);
      expect(await realName('person:index')).toBe('person:index');
      expect(await suite.redis.get('person:index:hash')).toBe(schemaOf(person('sortable')).indexHash);
      expect(await suite.redis.exists(LEDGER)).toBe(0);
    },
    TIMEOUT,
  );

  it(
    'swap with a document the new index cannot take (text in a NUMERIC field): fails and keeps the old index; --max-indexing-failures lets it through',
    async () => {
      const p = project([person('tag')]);
      await seedPeople(300);
      await suite.redis.hset('person:bad', 'name', 'bad', 'age', 'abc');
      const initial = await create(p, 'initial');
      expect((await p.om('run', '-y')).code).toBe(0);
      const old = versionedIndexName('person:index', initial.changes[0]!.after.hash);

      p.setModels([person('number')]);
      const numeric = await create(p, 'age_number');
      const fresh = versionedIndexName('person:index', numeric.changes[0]!.after.hash);
      const failed = await p.om('run', '-y');
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(`error: Index ${fresh} could not index 1 document(s).`);
      expect(failed.stderr).toContain('allow them with --max-indexing-failures');
      // The new index is dropped, the old one keeps serving, its hash is untouched, nothing recorded.
      expect(await list()).toEqual([old]);
      expect(await realName('person:index')).toBe(old);
      expect(await suite.redis.get('person:index:hash')).toBe(initial.changes[0]!.after.indexHash);
      expect(await ledger()).toEqual([initial.id]);
      expect((await p.om('status')).stdout).toContain('Pending: 1');

      // Below the limit it still fails; at the limit it passes.
      const zero = await p.om('run', '-y', '--max-indexing-failures', '0');
      expect(zero.code).toBe(1);
      expect(await list()).toEqual([old]);
      const allowed = await p.om('run', '-y', '--max-indexing-failures', '1');
      expect(allowed.stderr).toBe('');
      expect(allowed.code).toBe(0);
      expect(await list()).toEqual([fresh]);
      const info = infoMap(await suite.redis.call('FT.INFO', 'person:index'));
      expect(info.index_name).toBe(fresh);
      expect(info.hash_indexing_failures).toBe(1);
      expect(info.num_docs).toBe(300);
      expect(await ledger()).toEqual([initial.id, numeric.id].sort());
    },
    TIMEOUT,
  );

  it(
    'a migration of two indexes whose second build fails switches neither: the first new index is dropped too, nothing recorded',
    async () => {
      const p = project([order(false), person('tag')]);
      await seedPeople(300);
      await suite.redis.hset('person:bad', 'name', 'bad', 'age', 'abc');
      await suite.redis.call('JSON.SET', 'order:1', '$', JSON.stringify({ customer: 'ann', items: ['a'], total: 3, note: 'x' }));
      const initial = await create(p, 'initial');
      expect((await p.om('run', '-y')).code).toBe(0);
      const before = await list();
      const hashes = await suite.redis.mget('order:index:hash', 'person:index:hash');

      p.setModels([order(true), person('number')]);
      const both = await create(p, 'both');
      const changed = Object.fromEntries(both.changes.map((c) => [c.indexName, versionedIndexName(c.indexName, c.after.hash)]));
      const failed = await p.om('run', '-y');
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(`error: Index ${changed['person:index']} could not index 1 document(s).`);
      // order:index was built first and fully indexed, yet never switched: dropped, not left live.
      expect(failed.stdout).toContain(`${changed['order:index']}: dropped (no DD): the migration failed before any index switched`);
      expect(await list()).toEqual(before);
      expect(await realName('order:index')).toBe(before.find((name) => name.startsWith('order:'))!);
      expect(await suite.redis.mget('order:index:hash', 'person:index:hash')).toEqual(hashes);
      expect(await ledger()).toEqual([initial.id]);
      expect(await suite.redis.call('FT.SEARCH', 'order:index', '*', 'LIMIT', '0', '0')).toEqual([1]);

      // Fixed data, the same migration switches both.
      await suite.redis.hset('person:bad', 'age', '7');
      const fixed = await p.om('run', '-y');
      expect(fixed.stderr).toBe('');
      expect(fixed.code).toBe(0);
      expect(await list()).toEqual(Object.values(changed).sort());
      expect(await ledger()).toEqual([initial.id, both.id].sort());
    },
    TIMEOUT,
  );

  it(
    'a wait that runs out of time (--indexing-timeout 0) leaves the new index building, switches nothing, records nothing; the next run reuses it',
    async () => {
      const p = project([person('tag')]);
      await seedPeople(50_000);
      const initial = await create(p, 'initial');
      expect((await p.om('run', '-y')).code).toBe(0);
      const old = await realName('person:index');
      p.setModels([person('number')]);
      const numeric = await create(p, 'age_number');
      const fresh = versionedIndexName('person:index', numeric.changes[0]!.after.hash);

      const timedOut = await p.om('run', '-y', '--indexing-timeout', '0');
      expect(timedOut.code).toBe(1);
      expect(timedOut.stderr).toMatch(new RegExp(`error: Index ${fresh} was still indexing \\(\\d+%\\) when the wait timed out\\.`));
      expect(timedOut.stderr).toContain('the migration reuses it');
      expect(await list()).toEqual([old, fresh].sort());
      expect(await realName('person:index')).toBe(old);
      expect(await ledger()).toEqual([initial.id]);

      const plan = await p.om('run', '--dry-run');
      expect(plan.stdout).toContain(`(wait) FT.INFO ${fresh} until indexing is 0    # ${fresh} exists from an earlier run`);
      const again = await p.om('run', '-y');
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);
      expect(await list()).toEqual([fresh]);
      expect(await ledger()).toEqual([initial.id, numeric.id].sort());
    },
    TIMEOUT,
  );

  it(
    'recreate with a document the new index cannot take: the run fails, and so does the next one, until --max-indexing-failures allows it',
    async () => {
      const p = project([person('tag')]);
      await seedPeople(300);
      await suite.redis.hset('person:bad', 'name', 'bad', 'age', 'abc');
      const initial = await create(p, 'initial');
      expect((await p.om('run', '-y', '--strategy', 'recreate')).code).toBe(0);
      p.setModels([person('number')]);
      const numeric = await create(p, 'age_number');

      const failed = await p.om('run', '-y', '--strategy', 'recreate');
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain('error: Index person:index could not index 1 document(s).');
      expect(await ledger()).toEqual([initial.id]);
      // recreate has no old index left to serve: the new one stays, with its failure.
      expect(infoMap(await suite.redis.call('FT.INFO', 'person:index')).hash_indexing_failures).toBe(1);

      // Running again must not record the migration as applied while a document is not indexed.
      const again = await p.om('run', '-y', '--strategy', 'recreate');
      expect(again.stderr).toContain('error: Index person:index could not index 1 document(s).');
      expect(again.code).toBe(1);
      expect(await ledger()).toEqual([initial.id]);

      const allowed = await p.om('run', '-y', '--strategy', 'recreate', '--max-indexing-failures', '1');
      expect(allowed).toMatchObject({ code: 0, stderr: '' });
      expect(await ledger()).toEqual([initial.id, numeric.id].sort());
    },
    TIMEOUT,
  );

  it(
    'missing indexes, in the words of RediSearch 2.10: each command\'s text is recognised as "absent"',
    async () => {
      const replies: Record<string, string> = {};
      const commands: string[][] = [
        ['FT.INFO', 'nope'],
        ['FT.DROPINDEX', 'nope'],
        ['FT.SEARCH', 'nope', '*'],
        ['FT.AGGREGATE', 'nope', '*'],
        ['FT.ALTER', 'nope', 'SCHEMA', 'ADD', 'x', 'TEXT'],
        ['FT.TAGVALS', 'nope', 'x'],
        ['FT.ALIASADD', 'alias', 'nope'],
        ['FT.ALIASUPDATE', 'alias', 'nope'],
      ];
      for (const [name, ...args] of commands) {
        const error = await suite.redis.call(name!, ...args).then(
          () => new Error('no error'),
          (e: Error) => e,
        );
        replies[name!] = error.message;
      }
      expect(replies).toEqual({
        'FT.INFO': 'Unknown index name',
        'FT.DROPINDEX': 'Unknown Index name',
        'FT.SEARCH': 'nope: no such index',
        'FT.AGGREGATE': 'nope: no such index',
        'FT.ALTER': 'Unknown index name',
        'FT.TAGVALS': 'Unknown Index name',
        'FT.ALIASADD': 'Unknown index name (or name is an alias itself)',
        'FT.ALIASUPDATE': 'Unknown index name (or name is an alias itself)',
      });
      for (const [name, message] of Object.entries(replies)) expect([name, classifySearchError(new Error(message))]).toEqual([name, 'missing-index']);

      // And the commands read them as "absent": nothing answers, so run creates and verify has nothing to compare.
      const p = project([person('number')]);
      await create(p, 'initial');
      const dry = await p.om('run', '--dry-run');
      expect(dry.stdout).toContain('person:index: create as person:index:v:');
      expect(dry.stderr).toBe('');
    },
    TIMEOUT,
  );

  it(
    'a Redis without the search module (redis-server 7.0): every command that needs it exits 1, naming the problem and the fix',
    async () => {
      const plain = await startRedisServer();
      const plainRedis = new Redis(plain.url);
      try {
        expect(String(await plainRedis.info('server'))).toMatch(/redis_version:7\.0\./);
        await expect(plainRedis.call('FT._LIST')).rejects.toThrow(/^ERR unknown command 'FT\._LIST'/);

        // Applied on the Stack, then pointed at the plain server with the same ledger.
        const p = project([person('number')]);
        const initial = await create(p, 'initial');
        expect((await p.om('run', '-y')).code).toBe(0);
        for (const [id, value] of Object.entries(await suite.redis.hgetall(LEDGER))) await plainRedis.hset(LEDGER, id, value);
        const onPlain = (...args: string[]) => runOm(['migrate', ...args, '--redis-url', plain.url], { cwd: p.dir, timeoutMs: 60_000 });

        const status = await onPlain('status');
        expect(status).toMatchObject({ code: 0, stderr: '' });
        expect(status.stdout).toContain('Applied: 1');

        for (const args of [['run', '-y'], ['run', '--dry-run'], ['verify'], ['rollback', initial.id, '-y'], ['rollback', initial.id, '--dry-run'], ['auto', '--models', 'src/models.ts', '-y']]) {
          const result = await onPlain(...args);
          expect({ args, code: result.code }).toEqual({ args, code: 1 });
          expect(result.stderr).toMatch(/^error: This server has no RediSearch module: FT\.(INFO|_LIST) is an unknown command, so indexes cannot be read or migrated\.\n/);
          expect(result.stderr).toContain('Use Redis 8 (search is built in) or Redis Stack');
          expect(result.stderr).not.toContain('    at ');
        }
        // Nothing written there but the copied ledger; the lock is released.
        expect((await plainRedis.keys('*')).sort()).toEqual([LEDGER]);
      } finally {
        plainRedis.disconnect();
        await plain.stop();
      }
    },
    TIMEOUT,
  );
});
