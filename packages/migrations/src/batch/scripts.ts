/**
 * Compare-and-set writes, one script call per key.
 *
 * Why Lua and not WATCH/MULTI: a write must never clobber a value an app changed after we read
 * it. WATCH gives that only per connection and per transaction: every key would need its own
 * WATCH … MULTI … EXEC round trips on a connection of its own (WATCH state cannot be pipelined
 * across keys on one connection: one changed key aborts the whole transaction, and the batch
 * must be retried), and a busy key makes the retries pile up. A script runs atomically on the
 * server, compares each field with the value we read and writes only if it is unchanged, and
 * EVALSHA calls pipeline like any other command, one key each, so it works unchanged on every
 * master of a Redis Cluster. Fields that changed are returned and counted as conflicts: the
 * app's value stands (if the app wrote it through redis-om 0.4.7 it is epoch seconds already).
 */

/**
 * HASH: KEYS[1] = the key; ARGV = field, expected, new, field, expected, new, …
 * Returns the fields that were not written because they no longer hold `expected`
 * (a deleted key or field is a conflict too, so a key removed meanwhile is never recreated).
 */
export const HASH_COMPARE_AND_SET = `
local conflicts = {}
for i = 1, #ARGV, 3 do
  if redis.call('HGET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2])
  else
    conflicts[#conflicts + 1] = ARGV[i]
  end
end
return conflicts`;

/**
 * RedisJSON: KEYS[1] = the key; ARGV = path, expected, new, …, where `expected` is the exact
 * reply of `JSON.GET key path` when we read it (a JSONPath reply is a JSON array of the
 * matches, e.g. `["2024-01-02"]`) and `new` the JSON text to set. `JSON.SET key path value XX`
 * only updates a path that exists. Returns the paths not written.
 */
export const JSON_COMPARE_AND_SET = `
local conflicts = {}
for i = 1, #ARGV, 3 do
  if redis.call('JSON.GET', KEYS[1], ARGV[i]) == ARGV[i + 1] then
    redis.call('JSON.SET', KEYS[1], ARGV[i], ARGV[i + 2], 'XX')
  else
    conflicts[#conflicts + 1] = ARGV[i]
  end
end
return conflicts`;
