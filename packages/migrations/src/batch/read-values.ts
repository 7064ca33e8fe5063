import type Redis from 'ioredis';
import { isConnectionError } from '../redis/connection-errors';
import { isTopologyError } from '../redis/nodes';
import type { JsonValue } from './types';

/** One value as read: absent, present (with the raw reply the write compares against), or unreadable. */
export type ReadValue<V> =
  | { readonly kind: 'missing' }
  | { readonly kind: 'value'; readonly value: V; readonly expected: string }
  | { readonly kind: 'unreadable'; readonly raw: string; readonly reason: string };

/** Values of `fields` for each key: one HMGET per key, all in one pipeline. */
export async function readHashValues(client: Redis, keys: readonly string[], fields: readonly string[]): Promise<ReadValue<string>[][]> {
  const pipeline = client.pipeline();
  for (const key of keys) pipeline.hmget(key, ...fields);
  const replies = (await pipeline.exec()) ?? [];
  return keys.map((_key, i) => {
    const [error, values] = replies[i] ?? [new Error('no reply'), null];
    // A lost connection, or a master that is one no longer (a failover), says nothing about
    // the value: the whole batch is read again (there).
    if (error && (isConnectionError(error) || isTopologyError(error))) throw error;
    if (error) return fields.map(() => ({ kind: 'unreadable', raw: '', reason: error.message }) as const);
    return (values as (string | null)[]).map((value) =>
      value === null ? ({ kind: 'missing' } as const) : ({ kind: 'value', value, expected: value } as const),
    );
  });
}

/** Values at `paths` for each key: one `JSON.GET key path` per key and path, all in one pipeline. */
export async function readJsonValues(client: Redis, keys: readonly string[], paths: readonly string[]): Promise<ReadValue<JsonValue>[][]> {
  const pipeline = client.pipeline();
  for (const key of keys) for (const path of paths) pipeline.call('JSON.GET', key, path);
  const replies = (await pipeline.exec()) ?? [];
  return keys.map((_key, i) =>
    paths.map((_path, j) => {
      const [error, reply] = replies[i * paths.length + j] ?? [new Error('no reply'), null];
      if (error && (isConnectionError(error) || isTopologyError(error))) throw error;
      if (error) return { kind: 'unreadable', raw: '', reason: error.message } as const;
      return parseJsonPathReply(reply as string | null);
    }),
  );
}

/**
 * Reads the reply of `JSON.GET key <JSONPath>`: per the RedisJSON docs, a single JSONPath
 * answers a JSON array of every match (`["2024-01-02"]`, `[]` when nothing matches), and a
 * missing key answers nil. A JSON `null` counts as missing: redis-om reads it as no date.
 * More than one match is unreadable: redis-om itself throws on a non-array field that does.
 */
export function parseJsonPathReply(reply: string | null): ReadValue<JsonValue> {
  if (reply === null) return { kind: 'missing' };
  let matches: unknown;
  try {
    matches = JSON.parse(reply);
  } catch {
    return { kind: 'unreadable', raw: reply, reason: 'JSON.GET did not answer JSON' };
  }
  if (!Array.isArray(matches)) return { kind: 'unreadable', raw: reply, reason: 'JSON.GET did not answer an array (is the path a JSONPath starting with $?)' };
  if (matches.length === 0) return { kind: 'missing' };
  if (matches.length > 1) return { kind: 'unreadable', raw: reply, reason: `the path matches ${matches.length} values; expected one` };
  const value = matches[0] as JsonValue;
  if (value === null) return { kind: 'missing' };
  return { kind: 'value', value, expected: reply };
}
