import { TokenBucket } from './pace';

/** Runs batches of `sizes` through a bucket on a fake clock, each batch taking `workMs`; returns the end time. */
function simulate(bucket: TokenBucket, sizes: readonly number[], workMs: number): number {
  let now = 0;
  bucket.start(now);
  for (const keys of sizes) {
    now += workMs;
    now += bucket.take(keys, now);
  }
  return now;
}

describe('TokenBucket (the --max-rate throttle)', () => {
  it('holds a fast scan to the rate on average', () => {
    const rate = 5000;
    const sizes = Array.from({ length: 200 }, () => 1000);
    const ms = simulate(new TokenBucket(rate, 1000), sizes, 2);
    expect((200 * 1000 * 1000) / ms).toBeCloseTo(rate, 6);
  });

  it('counts the keys SCAN actually returned, uneven batches included', () => {
    const sizes = Array.from({ length: 300 }, (_, i) => [1000, 12, 2400, 0, 987][i % 5]!);
    const total = sizes.reduce((a, b) => a + b, 0);
    const ms = simulate(new TokenBucket(2000, 2400), sizes, 1);
    const achieved = (total * 1000) / ms;
    expect(achieved).toBeLessThanOrEqual(2000 * 1.0000001);
    expect(achieved).toBeGreaterThan(2000 * 0.99);
  });

  it('does not slow a scan that is slower than the rate', () => {
    const bucket = new TokenBucket(1000, 1000);
    bucket.start(0);
    // 1000 keys take 2 s to process: slower than 1000/s, never a wait after the first.
    expect(bucket.take(1000, 2000)).toBe(0);
    expect(bucket.take(1000, 4000)).toBe(0);
  });

  it('keeps no more than one batch of credit after a pause, so no burst follows', () => {
    const bucket = new TokenBucket(1000, 500);
    bucket.start(0);
    expect(bucket.take(500, 60_000)).toBe(0);
    // A minute idle earned 60000 tokens, but only 500 were kept: the next 500 keys wait 0.5 s.
    expect(bucket.take(500, 60_000)).toBe(500);
  });

  it('makes a late timer up on the next batch', () => {
    const bucket = new TokenBucket(1000, 1000);
    bucket.start(0);
    expect(bucket.take(1000, 0)).toBe(1000);
    // The wait overran by 50 ms: the next batch waits that much less.
    expect(bucket.take(1000, 1050)).toBe(950);
  });

  it('holds walkers that share it (the masters of a cluster) to the rate in total', () => {
    // Three walkers, each taking a batch, waiting what the bucket says, then working a while:
    // the one due first takes next, as the event loop would run them.
    const rate = 6000;
    const bucket = new TokenBucket(rate, 1000);
    bucket.start(0);
    const due = [0, 0, 0];
    const work = [1, 3, 7];
    let keys = 0;
    for (let i = 0; i < 900; i++) {
      const w = due.indexOf(Math.min(...due));
      const size = [1000, 640, 990][w]!;
      keys += size;
      due[w] = due[w]! + bucket.take(size, due[w]!) + work[w]!;
    }
    const end = Math.max(...due);
    const achieved = (keys * 1000) / end;
    expect(achieved).toBeLessThanOrEqual(rate * 1.01);
    expect(achieved).toBeGreaterThan(rate * 0.95);
  });
});
