import { describeCause, type OmError } from '../errors';
import { SearchDatabaseError, SearchModuleMissingError } from './errors';

/**
 * What a RediSearch server error means for schema migrations. The texts are the servers' own
 * (RediSearch 2.6 through Redis 8); they carry no `ERR` prefix, except the plain server's
 * "unknown command".
 */
export type SearchErrorKind =
  /** The index (or alias) does not exist. */
  | 'missing-index'
  /** The server has no RediSearch module. */
  | 'search-module-missing'
  /** The server has no RedisJSON module. */
  | 'json-module-missing'
  /** FT.CREATE was sent from a database other than 0. */
  | 'database-not-zero'
  | 'index-exists'
  | 'alias-exists'
  | 'alias-missing'
  | 'other';

// Each text differs by command: FT.INFO/FT.DROPINDEX/FT.TAGVALS say "Unknown Index name",
// FT.ALTER and newer FT.INFO "Unknown index name", FT.SEARCH/FT.AGGREGATE/FT.EXPLAIN
// "<name>: no such index", alias commands "Unknown index name (or name is an alias itself)".
const MISSING_INDEX = [
  /^Unknown index name$/i,
  /^Unknown index name \(or name is an alias itself\)$/i,
  /: no such index$/i,
  /^no such index$/i,
];

/** The message of an error reply (ioredis `ReplyError`, node-redis `ErrorReply`, or a string). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : describeCause(error);
}

/** Classifies a server error. */
export function classifySearchError(error: unknown): SearchErrorKind {
  const message = errorMessage(error).trim();
  if (MISSING_INDEX.some((re) => re.test(message))) return 'missing-index';
  if (/^ERR unknown command '(FT\.|ft\.)/i.test(message)) return 'search-module-missing';
  if (/^ERR unknown command 'JSON\./i.test(message)) return 'json-module-missing';
  if (/^Cannot create index on db != 0$/i.test(message)) return 'database-not-zero';
  if (/^Index already exists$/i.test(message)) return 'index-exists';
  if (/^Alias already exists$/i.test(message)) return 'alias-exists';
  if (/^Alias does not exist$/i.test(message)) return 'alias-missing';
  return 'other';
}

/** True when the error says the index does not exist, in any server's wording. */
export function isMissingIndexError(error: unknown): boolean {
  return classifySearchError(error) === 'missing-index';
}

/**
 * The user-facing error for a server error that the engine cannot work around, or undefined when
 * the caller should handle (or rethrow) it itself.
 */
export function searchErrorToOmError(error: unknown, context: { command: string; database?: number }): OmError | undefined {
  switch (classifySearchError(error)) {
    case 'search-module-missing':
      return new SearchModuleMissingError(
        `This server has no RediSearch module: ${context.command} is an unknown command, so indexes cannot be read or migrated.`,
        {
          cause: error,
          hint: 'Use Redis 8 (search is built in) or Redis Stack (e.g. the redis/redis-stack-server image), or load the RediSearch module. Data migrations (om migrate-data) work without it.',
        },
      );
    case 'json-module-missing':
      return new SearchModuleMissingError(`This server has no RedisJSON module: ${context.command} is an unknown command.`, {
        cause: error,
        hint: 'Use Redis 8 or Redis Stack, or use dataStructure: "HASH" in the models.',
      });
    case 'database-not-zero':
      return new SearchDatabaseError(
        `RediSearch cannot create indexes from database ${context.database ?? '!= 0'}: ${errorMessage(error)}.`,
        { cause: error, hint: 'Use database 0 in the Redis URL (redis://host:6379/0) for schema migrations.' },
      );
    default:
      return undefined;
  }
}
