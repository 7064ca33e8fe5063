/**
 * One measured conversion, in a process of its own so that its peak RSS is its own:
 * `node -r @swc-node/register bench/worker.ts <variant> <redis-url>`; prints one JSON line.
 */
import Redis from 'ioredis';
import { resolve } from 'node:path';
import { DataMigrator } from '../packages/migrations/src/data/data-migrator';
import { parseDatetime } from '../packages/migrations/src/builtin/datetime/parse';
import { eventSchema, legacyEventSchema } from './models';

const FIELDS = ['createdAt', 'updatedAt', 'startsAt'];
const BATCH = 1000;

async function builtin(url: string): Promise<number> {
  const migrator = new DataMigrator({ redisUrl: url, models: resolve(__dirname, 'models.ts'), migrationsDir: resolve(__dirname, 'no-migrations'), batch: { batchSize: BATCH } });
  let keys = 0;
  migrator.on('progress', (p) => (keys = p.counters.keys));
  try {
    await migrator.run();
  } finally {
    await migrator.close();
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

async function main(): Promise<void> {
  const [variant, url] = process.argv.slice(2);
  const run = { builtin, minimal, naive }[variant as 'builtin' | 'minimal' | 'naive'];
  if (!run || !url) throw new Error('usage: worker.ts builtin|minimal|naive <redis-url>');
  const started = performance.now();
  const keys = await run(url);
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${JSON.stringify({ variant, keys, seconds, keysPerSecond: keys / seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
