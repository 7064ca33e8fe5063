import type Redis from 'ioredis';

/** Date values of every kind the migration meets, by position, for seeding test data. */
export function isoFor(i: number): string {
  switch (i % 10) {
    case 0:
      return '1704164645.5'; // already epoch seconds
    case 1:
      return '2024-01-02'; // date only: UTC midnight
    case 2:
      return '2024-07-15T12:00:00'; // naive: UTC, or --timezone
    case 3:
      return '2024-07-15T14:00:00+02:00';
    default:
      return new Date(Date.UTC(2020, 0, 1) + i * 61_001).toISOString();
  }
}

/**
 * Writes `count` Event HASHes (three date fields, two other fields), `tags` Tag HASHes and a
 * few keys the migration must not touch. `garbage` lists indexes whose createdAt is not a date.
 */
export async function seedEvents(redis: Redis, count: number, options: { garbage?: number[]; tags?: number } = {}): Promise<void> {
  const garbage = new Set(options.garbage ?? []);
  for (let start = 0; start < count; start += 5000) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(count, start + 5000); i += 1) {
      pipeline.hset(
        `Event:${i}`,
        'title',
        `event ${i}`,
        'createdAt',
        garbage.has(i) ? `garbage-${i}` : isoFor(i),
        'updatedAt',
        isoFor(i + 3),
        'starts_on',
        isoFor(i + 1),
        'attendees',
        String(i),
      );
    }
    await pipeline.exec();
  }
  const pipeline = redis.pipeline();
  for (let i = 0; i < (options.tags ?? 5); i += 1) pipeline.hset(`Tag:${i}`, 'label', '2024-01-02T03:04:05Z');
  pipeline.set('Event:string', '2024-01-02T03:04:05Z');
  pipeline.hset('Eventual:1', 'createdAt', '2024-01-02T03:04:05Z');
  await pipeline.exec();
}

/** Every field of every key, for comparing the whole database before and after. */
export async function snapshot(redis: Redis): Promise<Map<string, Record<string, string> | string>> {
  const result = new Map<string, Record<string, string> | string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 2000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.type(key);
    const types = ((await pipeline.exec()) ?? []).map(([, t]) => t as string);
    const reads = redis.pipeline();
    keys.forEach((key, i) => (types[i] === 'hash' ? reads.hgetall(key) : reads.get(key)));
    const values = (await reads.exec()) ?? [];
    keys.forEach((key, i) => {
      if (!key.startsWith('om:migrations:')) result.set(key, values[i]![1] as Record<string, string> | string);
    });
  } while (cursor !== '0');
  return result;
}
