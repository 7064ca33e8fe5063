import { SearchDatabaseError, SearchModuleMissingError } from '../../src/schema/errors';
import { classifySearchError, isMissingIndexError, searchErrorToOmError, type SearchErrorKind } from '../../src/schema/redis-errors';
import { FIXTURE_SETS, eachFixtureSet, errorFixtures } from './fixtures';

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

describe.each(eachFixtureSet())('%s replies', (_set, set) => {
  const errors = errorFixtures(set).filter((e) => e.isError);

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
    const plainFtInfo = errors.find((e) => e.server === set.plainServer && e.command[0] === 'FT.INFO')!;
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

    it('leaves a missing index to the caller, in the words of each command', () => {
      const missing = errors.filter((e) => e.command[1] === 'fx:missing');
      expect(missing.length).toBeGreaterThanOrEqual(8);
      for (const entry of missing) expect(searchErrorToOmError(new Error(entry.reply as string), { command: entry.command[0] })).toBeUndefined();
    });
  });

  it('holds entries of its two servers only', () => {
    expect([...new Set(errorFixtures(set).map((e) => e.server))].sort()).toEqual([set.moduleServer, set.plainServer].sort());
  });
});

describe('missing-index texts of RediSearch 2.6 and 2.10', () => {
  const [v26, v210] = FIXTURE_SETS.map((set) => errorFixtures(set));

  it('are recorded for the same commands, in the same order', () => {
    expect(v210.map((e) => [e.description, e.command])).toEqual(v26.map((e) => [e.description, e.command]));
  });

  it('changed for FT.INFO only: "Unknown Index name" on 2.6, "Unknown index name" on 2.10, both a missing index', () => {
    const textOf = (entries: typeof v26, command: string) => entries.find((e) => e.command[0] === command && e.command[1] === 'fx:missing')!.reply;
    const byCommand = (entries: typeof v26) =>
      Object.fromEntries(['FT.INFO', 'FT.DROPINDEX', 'FT.TAGVALS', 'FT.ALTER', 'FT.SEARCH'].map((c) => [c, textOf(entries, c)]));
    expect(byCommand(v26)).toEqual({
      'FT.INFO': 'Unknown Index name',
      'FT.DROPINDEX': 'Unknown Index name',
      'FT.TAGVALS': 'Unknown Index name',
      'FT.ALTER': 'Unknown index name',
      'FT.SEARCH': 'fx:missing: no such index',
    });
    expect(byCommand(v210)).toEqual({ ...byCommand(v26), 'FT.INFO': 'Unknown index name' });
    for (const text of Object.values(byCommand(v210))) expect(isMissingIndexError(new Error(text as string))).toBe(true);
  });

  it('differ nowhere else: every other error text is the same on both', () => {
    const differing = v26
      .map((e, i) => [e, v210[i]] as const)
      .filter(([a, b]) => (a.isError || b.isError) && a.reply !== b.reply)
      .map(([a]) => a.command[0]);
    expect([...new Set(differing)]).toEqual(['FT.INFO']);
  });
});
