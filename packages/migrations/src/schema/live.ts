import type { RedisClient } from '../redis/client';
import { scanNodes } from '../redis/nodes';
import type { IndexDefinition } from './index-definition';
import { matchPrefix } from './rename-steps';
import { describeCause } from '../errors';
import { IndexingTimeoutError, SchemaPlanError } from './errors';
import { parseFtInfo, parseIndexingStatus, type IndexingStatus, type LiveIndex } from './ft-info';
import { liveLayoutOf, type IndexPlan, type LiveLayout } from './plan';
import { classifySearchError, isMissingIndexError, searchErrorToOmError } from './redis-errors';

/**
 * The I/O half of schema migrations: reading what is live and sending a plan. Everything it
 * decides comes from the pure modules (ft-info, plan, redis-errors).
 */

/** Sends one command; turns "no module" and "db != 0" into user errors, rethrows the rest. */
async function call(redis: RedisClient, argv: readonly string[]): Promise<unknown> {
  try {
    return await redis.call(argv[0], ...argv.slice(1));
  } catch (error) {
    throw searchErrorToOmError(error, { command: argv[0], database: databaseOf(redis) }) ?? error;
  }
}

function databaseOf(redis: RedisClient): number | undefined {
  const db = (redis.options as { db?: number } | undefined)?.db;
  return typeof db === 'number' ? db : undefined;
}

/** `FT.INFO name`, or null when the server says the index does not exist. */
export async function readFtInfo(redis: RedisClient, name: string): Promise<LiveIndex | null> {
  try {
    return parseFtInfo(await call(redis, ['FT.INFO', name]));
  } catch (error) {
    if (isMissingIndexError(error)) return null;
    throw error;
  }
}

/** What answers `indexName` now, with the value at redis-om's hash key. */
export async function readLiveLayout(redis: RedisClient, indexName: string, indexHashName: string): Promise<{ layout: LiveLayout; info: LiveIndex | null }> {
  const [info, stored] = await Promise.all([readFtInfo(redis, indexName), redis.get(indexHashName)]);
  return { layout: liveLayoutOf(indexName, info, stored), info };
}

/** Every real index on the server (`FT._LIST`; aliases are never listed). */
export async function listIndexes(redis: RedisClient): Promise<string[]> {
  const reply = await call(redis, ['FT._LIST']);
  return Array.isArray(reply) ? reply.map(String) : [];
}

/** How `waitUntilIndexed` polls. */
export interface WaitOptions {
  /** Give up after this long; default 1 hour. */
  readonly timeoutMs?: number;
  /** Between two FT.INFO; default 250 ms. */
  readonly pollMs?: number;
  /** Called with every FT.INFO status, for progress output. */
  readonly onProgress?: (indexName: string, status: IndexingStatus) => void;
  /**
   * How many documents may fail to index before the wait fails; default 0. Raise it when the
   * data already holds documents the live index cannot index either.
   */
  readonly maxIndexingFailures?: number;
}

/**
 * Polls `FT.INFO` until the server reports `indexing` 0. Fails when the index reports indexing
 * failures (documents whose values do not fit the definition), disappears, or the time runs out.
 */
export async function waitUntilIndexed(redis: RedisClient, indexName: string, options: WaitOptions = {}): Promise<IndexingStatus> {
  const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
  for (;;) {
    let reply: unknown;
    try {
      reply = await call(redis, ['FT.INFO', indexName]);
    } catch (error) {
      if (isMissingIndexError(error)) {
        throw new SchemaPlanError(`Index ${indexName} disappeared while it was being built.`, {
          hint: 'Something dropped it (an app calling repository.createIndex() with an older model?). Run again.',
        });
      }
      throw error;
    }
    const status = parseIndexingStatus(reply);
    options.onProgress?.(indexName, status);
    if (status.indexingFailures > (options.maxIndexingFailures ?? 0)) {
      throw new SchemaPlanError(`Index ${indexName} could not index ${status.indexingFailures} document(s).`, {
        hint: 'Their values do not fit the new definition (e.g. text in a NUMERIC field). Fix the data (a data migration) and run again, or allow them with --max-indexing-failures.',
      });
    }
    if (!status.indexing) return status;
    if (Date.now() >= deadline) {
      throw new IndexingTimeoutError(`Index ${indexName} was still indexing (${Math.round(status.percentIndexed * 100)}%) when the wait timed out.`, {
        hint: 'It keeps indexing on the server; run again later, the migration reuses it.',
      });
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
  }
}

/** Hooks of {@link executePlan}. */
export interface ExecuteOptions extends WaitOptions {
  /** Before each command is sent. */
  readonly onCommand?: (argv: readonly string[], why: string) => void;
}

/**
 * Sends a plan, step by step. When waiting for a new versioned index fails on indexing failures
 * (or it disappears), that index is dropped (never with DD) unless it is the live one, so the
 * old index keeps serving and nothing half-built is left behind; then the error is rethrown. One
 * that only ran out of time is left indexing: the next run reuses it.
 */
export async function executePlan(redis: RedisClient, plan: IndexPlan, options: ExecuteOptions = {}): Promise<void> {
  for (const step of plan.steps) {
    if (step.kind === 'command') {
      options.onCommand?.(step.argv, step.why);
      try {
        await call(redis, step.argv);
      } catch (error) {
        // A run that stopped between FT.ALIASADD and FT.DROPINDEX of a plain index left the
        // alias behind, hidden by the plain index; FT.INFO cannot show it. Point it again.
        if (step.argv[0] !== 'FT.ALIASADD' || classifySearchError(error) !== 'alias-exists') throw error;
        const retry = ['FT.ALIASUPDATE', ...step.argv.slice(1)];
        options.onCommand?.(retry, 'the alias exists from an earlier, interrupted run: point it again');
        await call(redis, retry);
      }
      continue;
    }
    try {
      await waitUntilIndexed(redis, step.indexName, options);
    } catch (error) {
      if (step.indexName !== plan.indexName && !(error instanceof IndexingTimeoutError)) {
        await redis.call('FT.DROPINDEX', step.indexName).catch(() => undefined);
      }
      throw error instanceof SchemaPlanError ? error : new SchemaPlanError(`Waiting for ${step.indexName} failed: ${describeCause(error)}`, { cause: error });
    }
  }
}

/**
 * How many keys an index definition covers: SCAN of its prefixes with the type it follows, on
 * every master, counting only (memory stays flat). SCAN may return a key twice: an estimate.
 */
export async function countKeys(redis: RedisClient, definition: IndexDefinition): Promise<number> {
  const type = definition.on === 'HASH' ? 'hash' : 'ReJSON-RL';
  let total = 0;
  for (const node of await scanNodes(redis)) {
    for (const prefix of definition.prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.client.scan(cursor, 'MATCH', matchPrefix(prefix), 'COUNT', 1000, 'TYPE', type);
        total += keys.length;
        cursor = next;
      } while (cursor !== '0');
    }
  }
  return total;
}
