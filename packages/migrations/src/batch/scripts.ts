/**
 * Compare-and-set writes, one script call per key.
 *
 * Why Lua and not WATCH/MULTI: a write must never clobber a value an app changed after we read
 * it. WATCH gives that only per connection and per transaction: every key would need its own
 * WATCH … MULTI … EXEC round trips on a connection of its own (WATCH state cannot be pipelined
 * across keys on one connection: one changed key aborts the whole transaction, and the batch
 * must be retried), and a busy key makes the retries pile up. (Measured on Redis 7.0: WATCH
 * of a 1000-key batch alone costs 6.4 ms, as WATCH checks each key against those already
 * watched; the compare-and-set script for that batch, reads and writes included, about 5 ms.)
 * A script runs atomically on the
 * server, compares each field with the value we read and writes only if it is unchanged, and
 * EVALSHA calls pipeline like any other command, one key each, so it works unchanged on every
 * master of a Redis Cluster. On a single server, HASH batches go further: one script call
 * checks and writes the whole batch (Lua's fixed cost per call is most of its cost; measured
 * 12 µs per single-key call against 2 µs for a plain HSET), holding the server about 5 ms per
 * 1000 keys (twice what blind HSETs take); a throttled scan, which has time to spare, writes
 * the batch in slices instead, so that app commands wait for a slice, not the batch. A cluster refuses scripts whose keys span slots, so there
 * it stays one call per key. Fields that changed are returned and counted as conflicts: the
 * app's value stands (if the app wrote it through redis-om 0.4.7 it is epoch seconds already).
 */

/**
 * HASH: KEYS[1] = the key; ARGV = field, expected, new, field, expected, new, …
 * Returns the fields that were not written because they no longer hold `expected`
 * (a deleted key or field is a conflict too, so a key removed meanwhile is never recreated).
 */
export const HASH_COMPARE_AND_SET = `
local n = #ARGV / 3
local fields = {}
for i = 1, n do fields[i] = ARGV[3 * i - 2] end
local current = redis.call('HMGET', KEYS[1], unpack(fields))
local set = {}
local conflicts = {}
for i = 1, n do
  if current[i] == ARGV[3 * i - 1] then
    set[#set + 1] = ARGV[3 * i - 2]
    set[#set + 1] = ARGV[3 * i]
  else
    conflicts[#conflicts + 1] = ARGV[3 * i - 2]
  end
end
if #set > 0 then redis.call('HSET', KEYS[1], unpack(set)) end
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

/** Where a batch script finds its keys, as Lua expressions. */
interface BatchKeys {
  /** How many keys. */
  readonly count: string;
  /** Key number `k` (1-based), given the Lua expression of `k`. */
  readonly key: (k: string) => string;
  /** The ARGV index of the first key's field count. */
  readonly first: string;
}

/**
 * The compare-and-set loop over several HASH keys in one call, as Lua text: the keys as
 * `keys` says; from `ARGV[first]`, for each key in order the number n of its fields and n
 * triples field, expected, new. Leaves in `conflicts` a flat list of key index (1-based) and
 * field for every value not written.
 *
 * Each key is read and then written, in one pass, unless `readAllFirst`: then every key is
 * read before any is written, so that a call failing on a key (on a cluster, one the node does
 * not serve) fails before it wrote anything. That costs a second pass and a table per key, so
 * the single-server scripts, whose keys cannot fail so, do not ask for it.
 */
function hashCompareAndSetKeys(keys: BatchKeys, readAllFirst: boolean): string {
  const key = keys.key('k');
  const read = `
  local n = tonumber(ARGV[a])
  a = a + 1
  local fields = {}
  for i = 1, n do fields[i] = ARGV[a + 3 * (i - 1)] end
  local current = redis.call('HMGET', ${key}, unpack(fields))`;
  const write = `
  local set = {}
  for i = 1, n do
    local at = a + 3 * (i - 1)
    if current[i] == ARGV[at + 1] then
      set[#set + 1] = ARGV[at]
      set[#set + 1] = ARGV[at + 2]
    else
      conflicts[#conflicts + 1] = k
      conflicts[#conflicts + 1] = ARGV[at]
    end
  end
  if #set > 0 then redis.call('HSET', ${key}, unpack(set)) end`;
  const head = `
local conflicts = {}
local a = ${keys.first}`;
  if (!readAllFirst) {
    return `${head}
for k = 1, ${keys.count} do${read}${write}
  a = a + 3 * n
end`;
  }
  return `${head}
local reads = {}
for k = 1, ${keys.count} do${read}
  reads[k] = { a, n, current }
  a = a + 3 * n
end
for k = 1, ${keys.count} do
  local a, n, current = reads[k][1], reads[k][2], reads[k][3]${write}
end`;
}

/**
 * HASH, a whole batch on a single server, and its checkpoint: KEYS = the batch's keys, then the
 * checkpoint HASH; ARGV = the checkpoint's field and JSON, then for each key in order the
 * number n of its fields and n triples field, expected, new. Returns a flat list of key index
 * (1-based) and field for every value not written.
 *
 * The checkpoint rides in the same call so that a batch costs one round trip, and it is saved
 * after every write of the batch ran, in one atomic script: it can never cover a write that
 * did not happen, whatever kills the run. It is saved only when nothing conflicted, because
 * its counters were computed assuming so; otherwise the caller saves the right ones.
 */
export const HASH_COMPARE_AND_SET_BATCH = `${hashCompareAndSetKeys({ count: '#KEYS - 1', key: (k) => `KEYS[${k}]`, first: '3' }, false)}
if #conflicts == 0 then redis.call('HSET', KEYS[#KEYS], ARGV[1], ARGV[2]) end
return conflicts`;

/**
 * HASH, a slice of a batch on a single server, without the checkpoint: KEYS = the slice's keys;
 * ARGV = for each key n and n triples, as {@link HASH_COMPARE_AND_SET_BATCH}; same reply. A
 * throttled scan writes a batch as several of these so that the server is held for one slice at
 * a time (app commands run between them); the caller saves the checkpoint once all succeeded.
 */
export const HASH_COMPARE_AND_SET_SLICE = `${hashCompareAndSetKeys({ count: '#KEYS', key: (k) => `KEYS[${k}]`, first: '1' }, false)}
return conflicts`;

/**
 * HASH, a whole batch on one master of a cluster, without the checkpoint (it lives in a slot
 * of its own, maybe on another master). A cluster refuses a call whose declared keys span
 * slots, so the keys come in ARGV (no declared keys) and the script is flagged
 * `allow-cross-slot-keys` (Redis 7.0+, in its shebang line), which lets it touch keys of any
 * slot the node serves; a key the node does not serve fails the call. Every key is read
 * before any is written, so such a failure writes nothing (the batch then goes one key per
 * call). ARGV = the number k of keys, the k keys, then for each key in order n and n triples
 * field, expected, new. Returns the flat list of key index (1-based) and field not written.
 */
export const HASH_COMPARE_AND_SET_NODE_BATCH = `#!lua flags=allow-cross-slot-keys
local count = tonumber(ARGV[1])${hashCompareAndSetKeys({ count: 'count', key: (k) => `ARGV[1 + ${k}]`, first: 'count + 2' }, true)}
return conflicts`;

/**
 * A renamed HASH field, one key: KEYS[1]; ARGV = source field, expected, value, target field,
 * mode (`copy` or `move`). Returns the source field when not written (the source changed since
 * it was read, or, moving, the target holds another value), else nothing.
 */
export const HASH_RELOCATE = `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return {ARGV[1]} end
if ARGV[5] == 'move' then
  local target = redis.call('HGET', KEYS[1], ARGV[4])
  if target ~= false and target ~= ARGV[3] then return {ARGV[1]} end
  if target == false then redis.call('HSET', KEYS[1], ARGV[4], ARGV[3]) end
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HSET', KEYS[1], ARGV[4], ARGV[3])
end
return {}`;

/**
 * A moved JSON path, one key: KEYS[1]; ARGV = source path, expected (the `JSON.GET key path`
 * reply as read), value (JSON text), target path, mode. `JSON.SET` answers nil when the
 * target's parent does not exist (RedisJSON docs): that stops the batch with the reason.
 */
export const JSON_RELOCATE = `
if redis.call('JSON.GET', KEYS[1], ARGV[1]) ~= ARGV[2] then return {ARGV[1]} end
local target = redis.call('JSON.GET', KEYS[1], ARGV[4])
if ARGV[5] == 'move' and target ~= '[]' and target ~= ARGV[2] then return {ARGV[1]} end
if ARGV[5] == 'copy' or target == '[]' then
  if not redis.call('JSON.SET', KEYS[1], ARGV[4], ARGV[3]) then
    return redis.error_reply('cannot create ' .. ARGV[4] .. ' in ' .. KEYS[1] .. ': its parent does not exist')
  end
end
if ARGV[5] == 'move' then redis.call('JSON.DEL', KEYS[1], ARGV[1]) end
return {}`;
