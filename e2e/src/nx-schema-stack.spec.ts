import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { versionedIndexName } from '../../packages/migrations/src/schema/plan';
import { schemaLedgerKey } from '../../packages/migrations/src/state/keys';
import { printedCommands, printedPlan, startMonitor, writesAmong, type CommandMonitor } from '../../packages/migrations/test/support/monitor';
import { describeWithRedisStack } from '../../packages/migrations/test/support/redis-stack';
import { createNxWorkspace, keyLines, note, transcript, type CommandResult, type NxWorkspace } from './support';

/**
 * The schema-migration targets of an Nx project (`migrate`, `migrate-status`, `migrate-verify`,
 * `migrate-rollback`), run with `nx run` in a real Nx 24 workspace built from the packed
 * packages, against a real Redis Stack server (RediSearch 2.10): exit codes, what the task
 * prints, and what it leaves in Redis. `--dry-run` is compared with what the real run sends
 * (MONITOR).
 */
const models = (sortablePrice: boolean) => `import { Schema } from "redis-om";

export const productSchema = new Schema(
  "product",
  {
    title: { type: "string" },
    price: { type: "number"${sortablePrice ? ', sortable: true' : ''} },
  },
  { dataStructure: "HASH" },
);
`;

const KEY_PREFIX = 'om:migrations:shop:';
const LEDGER = schemaLedgerKey(KEY_PREFIX);

describeWithRedisStack('@om/nx schema-migration targets on Redis Stack, in a real Nx 24 workspace', (stack) => {
  const suiteStarted = Date.now();
  let workspace: NxWorkspace;
  let ws: string;
  let env: NodeJS.ProcessEnv;
  let redis: Redis;
  let monitor: CommandMonitor;

  /** `nx <args>` as a child process (asynchronous, so MONITOR keeps reading meanwhile). */
  const nx = (...args: string[]): Promise<CommandResult> =>
    new Promise((resolvePromise, reject) => {
      const started = Date.now();
      const child = spawn(join(ws, 'node_modules/.bin/nx'), args, { cwd: ws, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        transcript.push(`$ nx ${args.join(' ')}   (exit ${code}, ${((Date.now() - started) / 1000).toFixed(1)}s)`);
        note(keyLines(output).filter((line) => !/^\s*(NX\s+)?(Successfully ran|Ran target)/.test(line)).slice(0, 14));
        resolvePromise({ code: code ?? 1, output });
      });
    });
  const write = (path: string, content: string | object) => workspace.write(path, content);
  const snapshots = () => {
    const dir = join(ws, 'apps/shop/migrations/schema-migrations');
    return readdirSync(dir)
      .sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { id: string; changes: { after: { hash: string; indexHash: string } }[] });
  };
  const realName = async (name: string) => {
    const info = (await redis.call('FT.INFO', name)) as unknown[];
    return String(info[info.indexOf('index_name') + 1]);
  };
  const list = async () => ((await redis.call('FT._LIST')) as string[]).slice().sort();
  const ledger = async () => Object.keys(await redis.hgetall(LEDGER)).sort();

  beforeAll(async () => {
    workspace = createNxWorkspace({
      name: 'om-e2e-stack-workspace',
      dependencies: { 'redis-om': '^0.4.7' },
      // The plugin registered as `nx g @om/nx:init` registers it (the other e2e suite runs init).
      nxJson: { plugins: ['@om/nx/plugin'] },
      files: {
        'apps/shop/project.json': { name: 'shop', metadata: { om: { models: 'src/models.ts', keyPrefix: KEY_PREFIX } } },
        'apps/shop/src/models.ts': models(false),
      },
      env: { REDIS_OM_URL: stack.url },
    });
    ws = workspace.root;
    env = workspace.env;
    redis = new Redis(stack.url);
    monitor = await startMonitor(stack.url);
    await redis.flushall();
    const pipeline = redis.pipeline();
    for (let i = 0; i < 1000; i++) pipeline.hset(`product:${i}`, 'title', `t${i}`, 'price', String(i));
    await pipeline.exec();
  }, 300_000);

  afterAll(() => {
    monitor?.stop();
    redis?.disconnect();
    workspace?.remove();
    transcript.push(`e2e schema suite: ${((Date.now() - suiteStarted) / 1000).toFixed(1)}s`);
    process.stdout.write(`\n--- e2e schema transcript ---\n${transcript.join('\n')}\n`);
  });

  it('nx g @om/nx:schema-migration writes the snapshot; nx run shop:migrate-status shows it pending', async () => {
    expect((await nx('g', '@om/nx:schema-migration', 'initial', '--project=shop')).code).toBe(0);
    expect(snapshots()).toHaveLength(1);
    const status = await nx('run', 'shop:migrate-status');
    expect(status.code).toBe(0);
    expect(status.output).toContain('Pending: 1');
    expect(status.output).toContain(`- ${snapshots()[0]!.id}: product:index`);
    expect(await list()).toEqual([]);
  });

  it('nx run shop:migrate --dry-run prints the plan and writes nothing; nx run shop:migrate sends exactly it', async () => {
    const [initial] = snapshots();
    const versioned = versionedIndexName('product:index', initial!.changes[0]!.after.hash);
    const dry = await monitor.capture(() => nx('run', 'shop:migrate', '--dry-run'));
    expect(dry.result.code).toBe(0);
    expect(dry.result.output).toContain('Dry run: nothing was sent.');
    expect(writesAmong(dry.commands).map((c) => c.argv.join(' '))).toEqual([]);

    const real = await monitor.capture(() => nx('run', 'shop:migrate'));
    expect(real.result.code).toBe(0);
    expect(real.result.output).toContain('Applied 1 schema migration (batch 1).');
    const sent = writesAmong(real.commands)
      .filter((c) => c.source !== 'lua' && !c.argv.some((a) => a.startsWith('om:migrations:')))
      .map((c) => [...c.argv]);
    expect(sent).toEqual(printedCommands(dry.result.output));
    expect(sent.map((argv) => argv[0])).toEqual(['FT.CREATE', 'SET', 'FT.ALIASADD']);
    expect(printedPlan(real.result.output)).toEqual(printedPlan(dry.result.output));
    // The wait: FT.INFO of the new index between FT.CREATE and SET.
    const afterCreate = real.commands.slice(real.commands.findIndex((c) => c.argv[0] === 'FT.CREATE'));
    expect(afterCreate.slice(0, afterCreate.findIndex((c) => c.argv[0] === 'SET')).map((c) => c.argv.join(' '))).toContain(`FT.INFO ${versioned}`);

    expect(await list()).toEqual([versioned]);
    expect(await realName('product:index')).toBe(versioned);
    expect(await redis.get('product:index:hash')).toBe(initial!.changes[0]!.after.indexHash);
    // The project's own ledger, under its key prefix.
    expect(await ledger()).toEqual([initial!.id]);
    expect(await redis.exists(schemaLedgerKey('om:migrations:'))).toBe(0);
    const status = await nx('run', 'shop:migrate-status');
    expect(status.output).toContain('Applied: 1');
  });

  it('nx run shop:migrate-verify passes, and fails the task on drift (stale hash, alias pointing elsewhere)', async () => {
    const [initial] = snapshots();
    const versioned = versionedIndexName('product:index', initial!.changes[0]!.after.hash);
    let verify = await nx('run', 'shop:migrate-verify');
    expect(verify.code).toBe(0);
    expect(verify.output).toContain(`ok    product:index (via ${versioned}): ok`);

    await redis.set('product:index:hash', 'stale');
    verify = await nx('run', 'shop:migrate-verify');
    expect(verify.code).not.toBe(0);
    expect(verify.output).toContain(`DRIFT product:index (via ${versioned}): hash-mismatch`);
    expect(verify.output).toContain('error: 1 index');
    await redis.set('product:index:hash', initial!.changes[0]!.after.indexHash);

    await redis.call('FT.CREATE', 'product:other', 'ON', 'HASH', 'PREFIX', '1', 'product:', 'SCHEMA', 'title', 'TEXT');
    await redis.call('FT.ALIASUPDATE', 'product:index', 'product:other');
    verify = await nx('run', 'shop:migrate-verify');
    expect(verify.code).not.toBe(0);
    expect(verify.output).toContain('DRIFT product:index (via product:other): drift');
    expect(verify.output).toContain('field title.type: expected "TAG", live "TEXT"');
    await redis.call('FT.ALIASUPDATE', 'product:index', versioned);
    await redis.call('FT.DROPINDEX', 'product:other');
    expect((await nx('run', 'shop:migrate-verify')).code).toBe(0);
  });

  it('a model change: nx run shop:migrate swaps the alias; nx run shop:migrate-rollback <id> switches it back', async () => {
    write('apps/shop/src/models.ts', models(true));
    expect((await nx('g', '@om/nx:schema-migration', 'sortable_price', '--project=shop')).code).toBe(0);
    const [initial, sortable] = snapshots();
    const v1 = versionedIndexName('product:index', initial!.changes[0]!.after.hash);
    const v2 = versionedIndexName('product:index', sortable!.changes[0]!.after.hash);

    const run = await nx('run', 'shop:migrate');
    expect(run.code).toBe(0);
    expect(run.output).toContain(`product:index: build ${v2}, switch alias product:index from ${v1}, drop the old index [swap]`);
    expect(await list()).toEqual([v2]);
    expect(await realName('product:index')).toBe(v2);
    expect(await ledger()).toEqual([initial!.id, sortable!.id].sort());
    expect((await nx('run', 'shop:migrate-verify')).code).toBe(0);

    const dry = await monitor.capture(() => nx('run', 'shop:migrate-rollback', sortable!.id, '--dry-run'));
    expect(dry.result.code).toBe(0);
    expect(writesAmong(dry.commands).map((c) => c.argv.join(' '))).toEqual([]);
    const rollback = await monitor.capture(() => nx('run', 'shop:migrate-rollback', sortable!.id));
    expect(rollback.result.code).toBe(0);
    expect(rollback.result.output).toContain(`Rolled back ${sortable!.id}.`);
    const sent = writesAmong(rollback.commands)
      .filter((c) => c.source !== 'lua' && !c.argv.some((a) => a.startsWith('om:migrations:')))
      .map((c) => [...c.argv]);
    expect(sent).toEqual(printedCommands(dry.result.output));
    expect(sent.map((argv) => argv.slice(0, 2))).toEqual([
      ['FT.CREATE', v1],
      ['SET', 'product:index:hash'],
      ['FT.ALIASUPDATE', 'product:index'],
      ['FT.DROPINDEX', v2],
    ]);
    expect(await list()).toEqual([v1]);
    expect(await realName('product:index')).toBe(v1);
    expect(await redis.get('product:index:hash')).toBe(initial!.changes[0]!.after.indexHash);
    expect(await ledger()).toEqual([initial!.id]);
    const status = await nx('run', 'shop:migrate-status');
    expect(status.output).toContain('Pending: 1');
    expect(status.output).toContain(`- ${sortable!.id}: product:index`);

    // A rollback without an id fails the task.
    const bad = await nx('run', 'shop:migrate-rollback');
    expect(bad.code).not.toBe(0);
  });

  it('nx run shop:migrate-verify fails the task when the index is dropped; the documents stay', async () => {
    await redis.call('FT.DROPINDEX', 'product:index');
    const verify = await nx('run', 'shop:migrate-verify');
    expect(verify.code).not.toBe(0);
    expect(verify.output).toContain('DRIFT product:index: missing');
    // Documents were never touched.
    expect((await redis.keys('product:*')).filter((k) => !k.includes(':index')).length).toBe(1000);
  });
});
