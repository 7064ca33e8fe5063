import type Redis from 'ioredis';

/** Customers whose createdAt is not a date: every 10th. */
export const badCustomer = (i: number): boolean => i % 10 === 3;
/** Orders whose placedAt is not a date: every 8th. */
export const badOrder = (i: number): boolean => i % 8 === 5;

/**
 * Writes `count` customers and `count` orders with ISO dates, some of them not dates at all
 * (`bad`: their value is `not a date <n>`, or `text(i)` when given); returns the keys that hold one.
 */
export async function seedShop(redis: Redis, count: number, options: { text?: (i: number) => string } = {}): Promise<Map<string, string>> {
  const bad = new Map<string, string>();
  const pipeline = redis.pipeline();
  for (let i = 0; i < count; i += 1) {
    const iso = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    const customerDate = badCustomer(i) ? (options.text?.(i) ?? `not a date ${i}`) : iso;
    const orderDate = badOrder(i) ? (options.text?.(i) ?? `soon ${i}`) : iso;
    pipeline.hset(`Customer:${i}`, 'name', `customer ${i}`, 'createdAt', customerDate);
    pipeline.hset(`Order:${i}`, 'placedAt', orderDate, 'total', String(i));
    if (badCustomer(i)) bad.set(`Customer:${i}`, customerDate);
    if (badOrder(i)) bad.set(`Order:${i}`, orderDate);
  }
  await pipeline.exec();
  return bad;
}
