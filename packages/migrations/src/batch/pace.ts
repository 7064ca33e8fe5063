/**
 * The `maxRate` throttle of a scan: a token bucket refilled at `rate` keys per second and
 * debited a whole batch at a time, after the batch is scanned (SCAN COUNT is only a hint, so
 * the number of keys is known only then). A debt is waited off before the next batch starts;
 * the bucket holds at most one batch's worth, so a pause (a slow batch, a reconnect) buys no
 * burst above the rate afterwards. Pure: the clock is passed in, so it is tested without Redis.
 */
export class TokenBucket {
  private tokens: number;
  private last: number | undefined;

  constructor(
    /** Keys per second. */
    private readonly rate: number,
    /** Tokens the bucket holds at most (one batch). */
    private readonly capacity: number,
  ) {
    // Empty at the start: the first batch already waits its share, so a run never starts
    // with a burst that the average has to make up for.
    this.tokens = 0;
  }

  /** Takes `keys` tokens at `nowMs`; returns how many ms to wait before the next batch. */
  take(keys: number, nowMs: number): number {
    if (this.last === undefined) this.last = nowMs;
    this.tokens = Math.min(this.capacity, this.tokens + ((nowMs - this.last) * this.rate) / 1000);
    this.last = nowMs;
    this.tokens -= keys;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.rate;
  }

  /** Starts the refill clock (before the first batch is fetched). */
  start(nowMs: number): void {
    this.last = nowMs;
  }
}

/**
 * Paces a scan's batches to `rate` keys per second (undefined: no pacing). `wait` resolves after
 * the delay, or at once when `signal` aborts, so Ctrl-C never waits for the throttle.
 */
export class BatchPacer {
  private readonly bucket: TokenBucket | undefined;

  constructor(rate: number | undefined, batchSize: number, private readonly signal?: AbortSignal) {
    this.bucket = rate === undefined ? undefined : new TokenBucket(rate, batchSize);
    this.bucket?.start(performance.now());
  }

  /** True when a rate is set. */
  get active(): boolean {
    return this.bucket !== undefined;
  }

  /** Counts a batch of `keys` and waits until the rate allows the next one. */
  async pace(keys: number): Promise<void> {
    const ms = this.bucket?.take(keys, performance.now()) ?? 0;
    if (ms <= 0 || this.signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.signal?.addEventListener('abort', done, { once: true });
    });
  }
}
