import { assertSwapMemory, estimateIndex, formatEstimates, RENAME_COST_PER_READ } from './estimate';

const live = { numDocs: 1000, memoryMb: 2, indexingTimeMs: 50 };
const step = { indexName: 'user:index', on: 'HASH' as const, prefixes: ['user:'], from: 'name', to: 'fullName' };

describe('estimateIndex', () => {
  it("a swap: time from the live index's own indexing rate, memory from its size per document", () => {
    const e = estimateIndex({ indexName: 'user:index', strategy: 'swap', builds: true, live, keys: 2000 });
    expect(e).toMatchObject({ indexedDocs: 1000, keys: 2000, indexingRate: 20_000, indexingSeconds: 0.1, swapMemoryMb: 4, renameSeconds: 0 });
  });

  it('recreate needs no second index; nothing built costs nothing; no live index gives no rate', () => {
    expect(estimateIndex({ indexName: 'i', strategy: 'recreate', builds: true, live, keys: 1000 }).swapMemoryMb).toBe(0);
    expect(estimateIndex({ indexName: 'i', strategy: 'swap', builds: false, live, keys: 1000 })).toMatchObject({ swapMemoryMb: 0, indexingSeconds: 0 });
    expect(estimateIndex({ indexName: 'i', strategy: 'swap', builds: true, live: null, keys: 10 })).toMatchObject({ indexingRate: null, indexingSeconds: null, swapMemoryMb: 0 });
    // Without a SCAN count the live index's size stands for the new one.
    expect(estimateIndex({ indexName: 'i', strategy: 'swap', builds: true, live, keys: null }).swapMemoryMb).toBe(2);
  });

  it('a rename costs its measured read times the read-and-write of its two steps', () => {
    const e = estimateIndex({ indexName: 'user:index', strategy: 'swap', builds: true, live, keys: 1000, renames: [{ step, keys: 1000, values: 900, readMs: 500 }] });
    expect(e.renameSeconds).toBe((500 * RENAME_COST_PER_READ) / 1000);
    expect(formatEstimates([e])).toEqual([
      '  user:index: 1000 keys (SCAN), 1000 documents in the live index (FT.INFO)',
      "    indexing: under 1 s (at 20000 documents/s, the live index's own rate; slower under query load)",
      '    rename name → fullName: 900 of 1000 documents hold it; about 2 s (read measured: 500 ms)',
      "    extra memory while two indexes coexist: about 2.0 MB (the live index's size per document, FT.INFO)",
    ]);
  });
});

describe('assertSwapMemory', () => {
  const e = estimateIndex({ indexName: 'user:index', strategy: 'swap', builds: true, live, keys: 1000 });
  it('refuses a swap above the bound, naming the index, the need and both ways on', () => {
    expect(() => assertSwapMemory([e], 1)).toThrow('Nothing was changed: the swap of user:index needs about 2.0 MB while the old and the new index coexist, above --max-swap-memory 1.');
    try {
      assertSwapMemory([e], 1);
    } catch (error) {
      expect((error as { hint: string }).hint).toMatch(/raise --max-swap-memory, split the migration, or use --strategy recreate/);
    }
  });
  it("adds up one migration's swaps, which coexist: each under the bound, together above it", () => {
    const other = estimateIndex({ indexName: 'order:index', strategy: 'swap', builds: true, live, keys: 500 });
    expect(() => assertSwapMemory([other], 1.5)).not.toThrow();
    expect(() => assertSwapMemory([e, other], 2.5)).toThrow(
      'Nothing was changed: the swaps of user:index (2.0 MB), order:index (1.0 MB) need about 3.0 MB together while the old and the new indexes coexist, above --max-swap-memory 2.5.',
    );
    expect(() => assertSwapMemory([e, other], 3)).not.toThrow();
  });
  it('lets it through at or under the bound, and without one', () => {
    expect(() => assertSwapMemory([e], 2)).not.toThrow();
    expect(() => assertSwapMemory([e], undefined)).not.toThrow();
  });
});
