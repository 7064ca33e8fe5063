/**
 * `npm run bench:schema`: what a schema migration costs on 200k HASH documents when a field
 * becomes sortable, with the `swap` and the `recreate` strategies, compared like with like.
 *
 * For each strategy, on freshly seeded data with the old index live:
 *
 * 1. the baseline: RediSearch's own time to index the data with the new definition (a bare
 *    FT.CREATE of a side index, timed until FT.INFO says indexing is done, then dropped), once
 *    quiet and then under the query load below;
 * 2. the migration: the wall time of `SchemaMigrator.run()` under the same query load;
 * 3. the baseline under load once more, after the migration, so that a machine getting busier or
 *    quieter during the run does not favour one side. "Baseline under load" is the mean of 1 and 3.
 *
 * The query load is one client sending `FT.SEARCH <app index name> * LIMIT 0 0 TIMEOUT 0` back
 * to back, as fast as the server answers, and checking each answer: an error is a *failed*
 * query, a total other than the document count is an *incomplete* answer (what `recreate`
 * serves while it reindexes). `TIMEOUT 0` because RediSearch's default (500 ms, ON_TIMEOUT
 * return) answers a query that runs out of time with the documents counted so far: on a loaded
 * machine that would be counted as incomplete, and it is not the migration's doing.
 * The ratio is migration / baseline under load.
 *
 * Server: BENCH_REDIS_STACK_URL or OM_TEST_REDIS_STACK_URL (Redis Stack or Redis 8, database 0;
 * flushed: never point it at data you keep); else a local Redis Stack server started on a free
 * loopback port and stopped after (found like the tests find it: OM_REDIS_STACK_SERVER,
 * OM_REDIS_STACK_MODULES, `.redis-stack/` from `npm run redis-stack:install`, pip's package);
 * else a testcontainers Redis Stack when a Docker engine answers.
 *
 * Environment: BENCH_DOCS (default 200000).
 */
import { cpus } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { SchemaMigrator, compileSchemas } from '../packages/migrations/src';
import { renderFtCreateArgs } from '../packages/migrations/src/schema/ft-create-args';
import { parseIndexingStatus } from '../packages/migrations/src/schema/ft-info';
import {
  describeServer,
  dockerAnswers,
  findLocalRedisStack,
  startLocalRedisStack,
  startRedisStackContainer,
  type StartedRedisStack,
} from '../tools/redis-stack';

const DOCS = Number(process.env.BENCH_DOCS ?? 200_000);
const ROOT = resolve(__dirname, '..');
const INDEX = 'benchUser:index';
const SIDE_INDEX = 'bench:baseline';

const modelsSource = (sortable: boolean) => `const { Schema } = require('redis-om');
exports.benchUser = new Schema('benchUser', {
  name: { type: 'string' },
  city: { type: 'string' },
  bio: { type: 'text' },
  age: { type: 'number'${sortable ? ', sortable: true' : ''} },
}, { dataStructure: 'HASH' });
`;

/** What the query loop saw. Times are seconds since the loop started. */
interface LoopCounts {
  queries: number;
  failed: number;
  incomplete: number;
  firstFailure?: string;
  /** First and last failed answer. */
  failedWindow?: [number, number];
  /** First and last incomplete answer. */
  incompleteWindow?: [number, number];
  /** The first few totals of incomplete answers. */
  incompleteTotals: number[];
  seconds: number;
}

interface Row {
  strategy: 'swap' | 'recreate';
  migrationSeconds: number;
  quietBaselineSeconds: number;
  /** Before and after the migration. */
  loadedBaselineSeconds: [number, number];
  migration: LoopCounts;
  baseline: [LoopCounts, LoopCounts];
}

const mean = (pair: [number, number]) => (pair[0] + pair[1]) / 2;

async function redisStack(): Promise<StartedRedisStack | undefined> {
  const given = process.env.BENCH_REDIS_STACK_URL ?? process.env.OM_TEST_REDIS_STACK_URL;
  if (given && given !== 'none') {
    const name = process.env.BENCH_REDIS_STACK_URL ? 'BENCH_REDIS_STACK_URL' : 'OM_TEST_REDIS_STACK_URL';
    return { url: given, description: `${name} (${given.replace(/\/\/[^@/]*@/, '//***@')})`, stop: async () => undefined };
  }
  const local = findLocalRedisStack();
  if (local) return startLocalRedisStack(local);
  if (await dockerAnswers()) return startRedisStackContainer();
  return undefined;
}

async function seed(redis: Redis): Promise<void> {
  const cities = ['Paris', 'Lima', 'Oslo', 'Pune', 'Kyiv', 'Quito'];
  for (let start = 0; start < DOCS; start += 10_000) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(start + 10_000, DOCS); i++) {
      pipeline.hset(`benchUser:${i}`, { name: `user ${i}`, city: cities[i % cities.length]!, bio: `likes ${i % 97} things`, age: String(i % 90) });
    }
    await pipeline.exec();
  }
}

async function waitIndexed(redis: Redis, name: string): Promise<void> {
  for (;;) {
    const status = parseIndexingStatus((await redis.call('FT.INFO', name)) as never);
    if (!status.indexing) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** RediSearch's own time to index the data with the new definition, on a side index (dropped after, documents kept). */
async function baseline(redis: Redis, project: string): Promise<number> {
  const [compiled] = await compileSchemas(Object.values(require(join(project, 'src/models.js'))) as never);
  const args = renderFtCreateArgs(compiled!.definition, SIDE_INDEX);
  const started = performance.now();
  await redis.call(args[0]!, ...args.slice(1));
  await waitIndexed(redis, SIDE_INDEX);
  const seconds = (performance.now() - started) / 1000;
  await redis.call('FT.DROPINDEX', SIDE_INDEX);
  return seconds;
}

/**
 * Queries the app's index name as fast as it answers, until stopped, and checks every answer:
 * an error is a failed query, a total other than the document count an incomplete one.
 */
function queryLoop(url: string) {
  const client = new Redis(url);
  let running = true;
  const counts: LoopCounts = { queries: 0, failed: 0, incomplete: 0, incompleteTotals: [], seconds: 0 };
  const started = performance.now();
  const now = () => (performance.now() - started) / 1000;
  const widen = (window: [number, number] | undefined, t: number): [number, number] => (window ? [window[0], t] : [t, t]);
  const done = (async () => {
    while (running) {
      counts.queries += 1;
      try {
        const reply = (await client.call('FT.SEARCH', INDEX, '*', 'LIMIT', '0', '0', 'TIMEOUT', '0')) as unknown[];
        const total = Number(reply[0]);
        if (total !== DOCS) {
          counts.incomplete += 1;
          if (counts.incompleteTotals.length < 5) counts.incompleteTotals.push(total);
          counts.incompleteWindow = widen(counts.incompleteWindow, now());
        }
      } catch (error) {
        counts.failed += 1;
        counts.firstFailure ??= (error as Error).message;
        counts.failedWindow = widen(counts.failedWindow, now());
      }
    }
  })();
  return {
    stop: async (): Promise<LoopCounts> => {
      running = false;
      await done;
      counts.seconds = now();
      client.disconnect();
      return counts;
    },
  };
}

async function underLoad<T>(url: string, work: () => Promise<T>): Promise<{ result: T; counts: LoopCounts }> {
  const loop = queryLoop(url);
  try {
    return { result: await work(), counts: await loop.stop() };
  } catch (error) {
    await loop.stop();
    throw error;
  }
}

async function measure(url: string, strategy: 'swap' | 'recreate'): Promise<Row> {
  const redis = new Redis(url);
  await redis.flushall();
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const project = mkdtempSync(join(ROOT, 'tmp', 'bench-schema-'));
  try {
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'src/models.js'), modelsSource(false));
    process.stdout.write(`${strategy}: seeding ${DOCS.toLocaleString('en-US')} documents... `);
    await seed(redis);
    const options = { cwd: project, models: 'src/models.js', redisUrl: url, strategy, logger: undefined };
    let migrator = new SchemaMigrator(options);
    await migrator.create('initial');
    await migrator.run();
    await migrator.close();
    await waitIndexed(redis, INDEX);

    writeFileSync(join(project, 'src/models.js'), modelsSource(true));
    delete require.cache[join(project, 'src/models.js')];
    process.stdout.write('baseline quiet... ');
    const quietBaselineSeconds = await baseline(redis, project);
    process.stdout.write('baseline under load... ');
    const before = await underLoad(url, () => baseline(redis, project));

    migrator = new SchemaMigrator(options);
    await migrator.create('sortable_age');
    process.stdout.write('migration under load... ');
    const migration = await underLoad(url, async () => {
      const started = performance.now();
      await migrator.run();
      await waitIndexed(redis, INDEX);
      return (performance.now() - started) / 1000;
    });
    await migrator.close();
    process.stdout.write('baseline under load again... ');
    const after = await underLoad(url, () => baseline(redis, project));
    console.log('done');
    return {
      strategy,
      migrationSeconds: migration.result,
      quietBaselineSeconds,
      loadedBaselineSeconds: [before.result, after.result],
      migration: migration.counts,
      baseline: [before.counts, after.counts],
    };
  } finally {
    redis.disconnect();
    rmSync(project, { recursive: true, force: true });
  }
}

const window = (w: [number, number] | undefined) => (w ? `${(w[1] - w[0]).toFixed(2)} (${w[0].toFixed(2)}–${w[1].toFixed(2)})` : '—');

async function main(): Promise<void> {
  const server = await redisStack();
  if (!server) {
    console.error(
      'bench:schema needs RediSearch: run `npm run redis-stack:install` (a local Redis Stack server the bench starts itself), ' +
        'set BENCH_REDIS_STACK_URL (or OM_TEST_REDIS_STACK_URL) to a Redis Stack or Redis 8 on database 0 that may be flushed, ' +
        'or start a Docker engine for testcontainers. Nothing was measured.',
    );
    process.exitCode = 2;
    return;
  }
  try {
    const described = await describeServer(server.url);
    if (!described.search) throw new Error(`${server.description} has no RediSearch module (${described.text}).`);
    const machine = `${cpus().length} CPUs, Node ${process.version}`;
    console.log(`Server: ${server.description}: ${described.text}. Machine: ${machine}.\n`);
    const rows: Row[] = [];
    for (const strategy of ['swap', 'recreate'] as const) rows.push(await measure(server.url, strategy));

    console.log(`\nSchema migration, ${DOCS.toLocaleString('en-US')} HASH documents, a NUMERIC field made SORTABLE`);
    console.log(`(${described.text}; ${machine}; queries: one client, FT.SEARCH ${INDEX} * LIMIT 0 0 TIMEOUT 0 back to back)\n`);
    console.log(
      '| strategy | migration s | baseline s under load | ratio | queries | failed | incomplete | incomplete window s | baseline s quiet |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) {
      const m = r.migration;
      console.log(
        `| ${r.strategy} | ${r.migrationSeconds.toFixed(2)} | ${mean(r.loadedBaselineSeconds).toFixed(2)} | ${(r.migrationSeconds / mean(r.loadedBaselineSeconds)).toFixed(2)}× | ` +
          `${m.queries} | ${m.failed} | ${m.incomplete} | ${window(m.incompleteWindow)} | ${r.quietBaselineSeconds.toFixed(2)} |`,
      );
    }
    console.log('');
    const rate = (c: LoopCounts) => `${(c.queries / c.seconds).toFixed(0)} q/s`;
    for (const r of rows) {
      const m = r.migration;
      const [b1, b2] = r.baseline;
      console.log(
        `${r.strategy}: baseline under load ${r.loadedBaselineSeconds.map((x) => x.toFixed(2)).join(' s before, ')} s after the migration; ` +
          `query rate ${rate(b1)} / ${rate(m)} / ${rate(b2)} (baseline before / migration / baseline after)`,
      );
      if (m.failed > 0) console.log(`  ${m.failed} failed queries over ${window(m.failedWindow)} s; first: ${m.firstFailure}`);
      if (m.incomplete > 0) console.log(`  incomplete answers: totals ${m.incompleteTotals.join(', ')}, ...`);
      for (const [when, b] of [['before', b1], ['after', b2]] as const) {
        if (b.failed > 0 || b.incomplete > 0) {
          console.log(`  the baseline's loop (${when}) saw ${b.failed} failed and ${b.incomplete} incomplete answers (expected none): ${b.firstFailure ?? ''} ${b.incompleteTotals.join(', ')}`);
        }
      }
    }
    const swap = rows.find((r) => r.strategy === 'swap')!;
    const ratio = swap.migrationSeconds / mean(swap.loadedBaselineSeconds);
    const met = ratio <= 1.1 && swap.migration.failed === 0 && swap.migration.incomplete === 0;
    console.log(
      `swap target (≤ 1.10× the loaded baseline, 0 failed, 0 incomplete): ${met ? 'met' : 'MISSED'} ` +
        `(${ratio.toFixed(2)}×, ${swap.migration.failed} failed, ${swap.migration.incomplete} incomplete)`,
    );
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:schema failed: ${(error as Error).message}`);
  process.exitCode = 1;
});
