import type Redis from 'ioredis';

/** One answer of a query loop: the total FT.SEARCH reported, or the error text. */
export type Answer = number | string;

/** One query a loop sends: the index name (or alias) and the query. */
export interface LoopQuery {
  readonly index: string;
  readonly query: string;
}

/**
 * What an app that queries all along sees during a migration: sends `queries` (FT.SEARCH …
 * LIMIT 0 0, so only the total) one after the other, pauses `pauseMs`, and again until
 * stopped; keeps each round's answers in order.
 */
export function queryLoopOver(redis: Redis, queries: readonly LoopQuery[], options: { pauseMs?: number } = {}): { stop(): Promise<Answer[][]> } {
  const rounds: Answer[][] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const round: Answer[] = [];
      for (const { index, query } of queries) {
        try {
          const reply = (await redis.call('FT.SEARCH', index, query, 'LIMIT', '0', '0', 'TIMEOUT', '0')) as unknown[];
          round.push(Number(reply[0]));
        } catch (error) {
          round.push((error as Error).message);
        }
      }
      rounds.push(round);
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return rounds;
    },
  };
}

/** {@link queryLoopOver} with every query on one index name. */
export function queryLoop(redis: Redis, index: string, queries: readonly string[], options: { pauseMs?: number } = {}): { stop(): Promise<Answer[][]> } {
  return queryLoopOver(
    redis,
    queries.map((query) => ({ index, query })),
    options,
  );
}
