/**
 * One measured conversion, in a process of its own so that its peak RSS is its own:
 * `node -r @swc-node/register bench/worker.ts <variant> <redis-url> [max-rate]`; prints one
 * JSON line. `max-rate` (keys/s) throttles the built-in.
 */
import Redis from 'ioredis';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataMigrator } from '../packages/migrations/src/data/data-migrator';
import { parseDatetime } from '../packages/migrations/src/builtin/datetime/parse';
import { eventSchema, legacyEventSchema } from './models';

const FIELDS = ['createdAt', 'updatedAt', 'startsAt'];
/** Keys per batch; BENCH_BATCH sets it (the app latency rows try a smaller one). */
const BATCH = Number(process.env.BENCH_BATCH ?? 1000);

async function builtin(url: string, maxRate?: number): Promise<number> {
  // Only the built-in runs: an empty migrations folder.
  const migrationsDir = mkdtempSync(join(tmpdir(), 'om-bench-'));
  const migrator = new DataMigrator({
    redisUrl: url,
    models: resolve(__dirname, 'models.ts'),
    builtins: ['datetime'],
    migrationsDir,
    batch: { batchSize: BATCH, maxRate },
    // BENCH_SCALE_OUT=1: one of several processes sharing the run (--scale-out).
    ...(process.env.BENCH_SCALE_OUT === '1' ? { scaleOut: {} } : {}),
  });
  let keys = 0;
  migrator.on('progress', (p) => (keys = p.counters.keys));
  try {
    await migrator.run();
  } finally {
    await migrator.close();
    rmSync(migrationsDir, { recursive: true, force: true });
  }
  return keys;
}

/** The limit: SCAN, one pipeline of HMGET, one pipeline of HSET per batch; no checks, no checkpoint. */
async function minimal(url: string): Promise<number> {
  const redis = new Redis(url);
  let keys = 0;
  let cursor = '0';
  try {
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', 'Event:*', 'COUNT', BATCH);
      cursor = next;
      const reads = redis.pipeline();
      for (const key of batch) reads.hmget(key, ...FIELDS);
      const values = (await reads.exec()) ?? [];
      const writes = redis.pipeline();
      batch.forEach((key, i) => {
        const row = values[i]![1] as (string | null)[];
        const update: string[] = [];
        row.forEach((value, f) => {
          if (value === null) return;
          const parsed = parseDatetime(value);
          if (parsed.kind === 'converted') update.push(FIELDS[f]!, parsed.text);
        });
        if (update.length > 0) writes.hset(key, ...update);
      });
      await writes.exec();
      keys += batch.length;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return keys;
}

/** What a first attempt looks like: each entity fetched with the old schema and saved with the new one, one at a time. */
async function naive(url: string): Promise<number> {
  const { createClient } = await import('redis');
  const { Repository } = await import('redis-om');
  const client = createClient({ url });
  await client.connect();
  const scanner = new Redis(url);
  const legacy = new Repository(legacyEventSchema, client as never);
  const current = new Repository(eventSchema, client as never);
  let keys = 0;
  let cursor = '0';
  try {
    do {
      const [next, batch] = await scanner.scan(cursor, 'MATCH', 'Event:*', 'COUNT', BATCH);
      cursor = next;
      for (const key of batch) {
        const id = key.slice('Event:'.length);
        const entity = (await legacy.fetch(id)) as Record<string, unknown>;
        for (const f of FIELDS) if (typeof entity[f] === 'string') entity[f] = new Date(entity[f] as string);
        await current.save(id, entity);
        keys += 1;
      }
    } while (cursor !== '0');
  } finally {
    scanner.disconnect();
    await client.quit();
  }
  return keys;
}

/**
 * Redis OM Python's design (its 1.x datetime migration), in TypeScript: every matching key
 * collected first, then each key on its own, one command and one round trip at a time (read
 * the hash, write the converted fields), no pipeline. Memory grows with the keyspace.
 */
async function python(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    const all: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', 'Event:*', 'COUNT', BATCH);
      cursor = next;
      all.push(...batch);
    } while (cursor !== '0');
    for (const key of all) {
      const hash = await redis.hgetall(key);
      const update: string[] = [];
      for (const f of FIELDS) {
        const value = hash[f];
        if (value === undefined) continue;
        const parsed = parseDatetime(value);
        if (parsed.kind === 'converted') update.push(f, parsed.text);
      }
      if (update.length > 0) await redis.hset(key, ...update);
    }
    return all.length;
  } finally {
    redis.disconnect();
  }
}

const VARIANTS = { builtin, minimal, naive, python };

async function main(): Promise<void> {
  const [variant, url, rate] = process.argv.slice(2);
  const run = VARIANTS[variant as keyof typeof VARIANTS];
  if (!run || !url) throw new Error(`usage: worker.ts ${Object.keys(VARIANTS).join('|')} <redis-url> [max-rate]`);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const keys = await run(url, rate === undefined ? undefined : Number(rate));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  process.stdout.write(`${JSON.stringify({ variant, keys, seconds, keysPerSecond: keys / seconds, cpuSeconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
