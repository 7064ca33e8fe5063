import { SearchDatabaseError, SearchModuleMissingError } from '../../src/schema/errors';
import { classifySearchError, isMissingIndexError, searchErrorToOmError, type SearchErrorKind } from '../../src/schema/redis-errors';
import { errorFixtures } from './fixtures';

// Every error reply recorded from the real servers, with the kind it must get.
function expectedKind(reply: string): SearchErrorKind {
  if (reply === 'Unknown Index name' || reply === 'Unknown index name' || reply.endsWith(': no such index') || reply === 'Unknown index name (or name is an alias itself)') {
    return 'missing-index';
  }
  if (reply.startsWith("ERR unknown command 'FT.")) return 'search-module-missing';
  if (reply.startsWith("ERR unknown command 'JSON.")) return 'json-module-missing';
  if (reply === 'Cannot create index on db != 0') return 'database-not-zero';
  if (reply === 'Index already exists') return 'index-exists';
  if (reply === 'Alias already exists') return 'alias-exists';
  if (reply === 'Alias does not exist') return 'alias-missing';
  return 'other';
}

const errors = errorFixtures().filter((e) => e.isError);

describe('classifySearchError on every error in errors.json', () => {
  it.each(errors.map((e) => [e.description, e] as const))('%s', (_d, entry) => {
    const reply = entry.reply as string;
    expect(classifySearchError(new Error(reply))).toBe(expectedKind(reply));
  });

  it('covers all four missing-index texts and the module/database errors', () => {
    const replies = new Set(errors.map((e) => e.reply as string));
    for (const text of ['Unknown Index name', 'Unknown index name', 'fx:missing: no such index', 'Unknown index name (or name is an alias itself)']) {
      expect(replies.has(text)).toBe(true);
      expect(isMissingIndexError(new Error(text))).toBe(true);
    }
    expect([...replies].some((r) => r.startsWith("ERR unknown command 'FT.INFO'"))).toBe(true);
    expect(replies.has('Cannot create index on db != 0')).toBe(true);
  });

  it('does not take other errors for a missing index', () => {
    for (const text of ['Existing key has wrong Redis type', 'Alias does not belong to provided spec', 'Invalid field type for field `title`', 'WRONGTYPE Operation against a key holding the wrong kind of value']) {
      expect(isMissingIndexError(text)).toBe(false);
    }
  });
});

describe('searchErrorToOmError', () => {
  const plainFtInfo = errors.find((e) => e.server === 'plain-redis-7.0.15' && e.command[0] === 'FT.INFO')!;
  const db1 = errors.find((e) => e.precedingCommands?.[0]?.[0] === 'SELECT')!;

  it('says the server has no RediSearch module and what to use instead', () => {
    const error = searchErrorToOmError(new Error(plainFtInfo.reply as string), { command: 'FT.INFO' });
    expect(error).toBeInstanceOf(SearchModuleMissingError);
    expect(error?.message).toMatch(/has no RediSearch module/);
    expect(error?.hint).toMatch(/Redis 8.*Redis Stack/);
  });

  it('refuses a database other than 0', () => {
    const error = searchErrorToOmError(new Error(db1.reply as string), { command: 'FT.CREATE', database: 1 });
    expect(error).toBeInstanceOf(SearchDatabaseError);
    expect(error?.message).toMatch(/database 1/);
  });

  it('leaves a missing index to the caller', () => {
    expect(searchErrorToOmError(new Error('Unknown Index name'), { command: 'FT.INFO' })).toBeUndefined();
  });
});
