/**
 * Share of one node's keyspace a SCAN cursor has covered, 0 to 1. Redis walks its table by
 * incrementing the cursor's bits in reverse order, so the reversed low bits of the cursor, over
 * the table size, count the buckets done. The table size is estimated as the power of two at
 * or above the key count (Redis grows it that way); an estimate, for progress output only.
 */
export function scanFraction(cursor: string, keyCount: number, done: boolean): number {
  if (done) return 1;
  const bits = Math.max(2, Math.ceil(Math.log2(Math.max(keyCount, 4))));
  let value = BigInt(cursor) & ((1n << BigInt(bits)) - 1n);
  let reversed = 0n;
  for (let i = 0; i < bits; i += 1) {
    reversed = (reversed << 1n) | (value & 1n);
    value >>= 1n;
  }
  return Math.min(1, Number(reversed) / 2 ** bits);
}
