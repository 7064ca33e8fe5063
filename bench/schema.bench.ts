/**
 * `npm run bench:schema`: what a schema migration costs on 200k HASH documents when a field
 * becomes sortable, with the `swap` and the `recreate` strategies.
 *
 * For each strategy: the wall time of `SchemaMigrator.run()`; RediSearch's own indexing time for
 * the same data and the same new definition (a bare FT.CREATE on the side, timed until FT.INFO
 * says indexing is done) as the baseline; and a concurrent query loop (FT.SEARCH on the index
 * name the app uses) counting failed queries during the migration.
 *
 * Needs a Redis with RediSearch on database 0: BENCH_REDIS_STACK_URL or OM_TEST_REDIS_STACK_URL
 * (Redis Stack or Redis 8), else a testcontainers `redis/redis-stack-server` when a Docker engine
 * answers. The server is flushed: never point it at data you keep.
 *
 * Environment: BENCH_DOCS (default 200000).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { SchemaMigrator, compileSchemas } from '../packages/migrations/src';
import { renderFtCreateArgs } from '../packages/migrations/src/schema/ft-create-args';
import { parseIndexingStatus } from '../packages/migrations/src/schema/ft-info';

const DOCS = Number(process.env.BENCH_DOCS ?? 200_000);
const ROOT = resolve(__dirname, '..');
const INDEX = 'benchUser:index';

const modelsSource = (sortable: boolean) => `const { Schema } = require('redis-om');
exports.benchUser = new Schema('benchUser', {
  name: { type: 'string' },
  city: { type: 'string' },
  bio: { type: 'text' },
  age: { type: 'number'${sortable ? ', sortable: true' : ''} },
}, { dataStructure: 'HASH' });
`;

interface Row {
  strategy: string;
  migrationSeconds: number;
  baselineSeconds: number;
  queries: number;
  failedQueries: number;
  firstFailure?: string;
}

async function redisStack(): Promise<{ url: string; stop(): Promise<unknown> } | undefined> {
  const given = process.env.BENCH_REDIS_STACK_URL ?? process.env.OM_TEST_REDIS_STACK_URL;
  if (given && given !== 'none') return { url: given, stop: async () => undefined };
  try {
    const { getContainerRuntimeClient, GenericContainer, Wait } = await import('testcontainers');
    await getContainerRuntimeClient();
    const container = await new GenericContainer('redis/redis-stack-server:7.2.0-v13')
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .start();
    return { url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`, stop: () => container.stop() };
  } catch {
    return undefined;
  }
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

/** RediSearch's own time to index the data with the new definition, on a side index. */
async function baseline(redis: Redis, project: string): Promise<number> {
  const [compiled] = await compileSchemas(Object.values(require(join(project, 'src/models.js'))) as never);
  const args = renderFtCreateArgs(compiled!.definition, 'bench:baseline');
  const started = performance.now();
  await redis.call(args[0]!, ...args.slice(1));
  await waitIndexed(redis, 'bench:baseline');
  const seconds = (performance.now() - started) / 1000;
  await redis.call('FT.DROPINDEX', 'bench:baseline');
  return seconds;
}

/** Queries the app's index name as fast as it answers, until stopped. */
function queryLoop(url: string) {
  const client = new Redis(url);
  let running = true;
  const counts = { queries: 0, failedQueries: 0, firstFailure: undefined as string | undefined };
  const done = (async () => {
    while (running) {
      counts.queries += 1;
      try {
        await client.call('FT.SEARCH', INDEX, '*', 'LIMIT', '0', '0');
      } catch (error) {
        counts.failedQueries += 1;
        counts.firstFailure ??= (error as Error).message;
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      client.disconnect();
      return counts;
    },
  };
}

async function measure(url: string, strategy: 'swap' | 'recreate'): Promise<Row> {
  const redis = new Redis(url);
  await redis.flushall();
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const project = mkdtempSync(join(ROOT, 'tmp', 'bench-schema-'));
  try {
    mkdirSync(join(project, 'src'));
    writeFileSync(join(project, 'src/models.js'), modelsSource(false));
    await seed(redis);
    const options = { cwd: project, models: 'src/models.js', redisUrl: url, strategy, logger: undefined };
    let migrator = new SchemaMigrator(options);
    await migrator.create('initial');
    await migrator.run();
    await migrator.close();
    await waitIndexed(redis, INDEX);

    writeFileSync(join(project, 'src/models.js'), modelsSource(true));
    delete require.cache[join(project, 'src/models.js')];
    const baselineSeconds = await baseline(redis, project);
    migrator = new SchemaMigrator(options);
    await migrator.create('sortable_age');
    const loop = queryLoop(url);
    const started = performance.now();
    await migrator.run();
    await waitIndexed(redis, INDEX);
    const migrationSeconds = (performance.now() - started) / 1000;
    const counts = await loop.stop();
    await migrator.close();
    return { strategy, migrationSeconds, baselineSeconds, ...counts };
  } finally {
    redis.disconnect();
    rmSync(project, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const server = await redisStack();
  if (!server) {
    console.error(
      'bench:schema needs RediSearch: set BENCH_REDIS_STACK_URL (or OM_TEST_REDIS_STACK_URL) to a Redis Stack or Redis 8 ' +
        'on database 0 that may be flushed, or start a Docker engine for testcontainers. Nothing was measured.',
    );
    process.exitCode = 2;
    return;
  }
  try {
    const rows: Row[] = [];
    for (const strategy of ['swap', 'recreate'] as const) rows.push(await measure(server.url, strategy));
    console.log(`\nSchema migration, ${DOCS.toLocaleString('en-US')} HASH documents, a NUMERIC field made SORTABLE\n`);
    console.log('| strategy | migration s | RediSearch indexing s (baseline) | ratio | queries during | failed queries |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rows) {
      console.log(
        `| ${r.strategy} | ${r.migrationSeconds.toFixed(2)} | ${r.baselineSeconds.toFixed(2)} | ${(r.migrationSeconds / r.baselineSeconds).toFixed(2)}× | ${r.queries} | ${r.failedQueries}${r.firstFailure ? ` (first: ${r.firstFailure})` : ''} |`,
      );
    }
  } finally {
    await server.stop();
  }
}

void main();
