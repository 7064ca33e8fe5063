import { Schema, type SchemaDefinition, type SchemaOptions } from 'redis-om';
import { compileSchema } from '../../src/schema/compile';
import { asReportedByFtInfo, parseFtInfo, parseIndexingStatus } from '../../src/schema/ft-info';
import { definitionHash } from '../../src/schema/index-definition';
import { FIXTURE_SETS, eachFixtureSet, errorFixtures, indexFixtures, readFixtureOf, type IndexFixture } from './fixtures';

/** One top-level value of a recorded RESP2 FT.INFO reply. */
const infoField = (reply: unknown, key: string) => {
  const list = reply as unknown[];
  return list[list.indexOf(key) + 1];
};

const compile = (f: IndexFixture) =>
  compileSchema(new Schema(f.schemaName, f.definition as SchemaDefinition, f.options as SchemaOptions));

describe.each(eachFixtureSet())('%s replies', (_set, set) => {
  describe.each(indexFixtures(set).map((f) => [f.case, f] as const))('parseFtInfo on fixture %s', (_name, fixture) => {
    it('reads the definition redis-om created, as FT.INFO can show it', async () => {
      const live = parseFtInfo(fixture.ftInfo);
      const expected = asReportedByFtInfo((await compile(fixture)).definition);
      expect(live.indexName).toBe(fixture.redisOm.indexName);
      expect(live.definition).toEqual(expected);
      expect(definitionHash(live.definition)).toBe(definitionHash(expected));
      expect(live.unsupported).toEqual([]);
    });

    it('reads the same index through an alias, under the real index name', () => {
      const direct = parseFtInfo(fixture.ftInfo);
      const viaAlias = parseFtInfo(fixture.ftInfoViaAlias);
      expect(viaAlias.indexName).toBe(fixture.redisOm.indexName);
      expect(viaAlias.definition).toEqual(direct.definition);
    });

    it('reads the size of the index: documents, memory and indexing time', () => {
      const { size } = parseFtInfo(fixture.ftInfo);
      expect(size.numDocs).toBe(3);
      expect(size.memoryMb).toBeGreaterThan(0);
      expect(size.memoryMb).toBe(Number(infoField(fixture.ftInfo, 'total_index_memory_sz_mb')));
      expect(size.indexingTimeMs).toBe(Number(infoField(fixture.ftInfo, 'total_indexing_time')));
    });

    it('reports indexing done for the 3 saved documents', () => {
      expect(parseFtInfo(fixture.ftInfo).status).toEqual({
        indexing: false,
        percentIndexed: 1,
        numDocs: 3,
        indexingFailures: 0,
      });
    });
  });

  describe('parseFtInfo: what FT.INFO does not echo', () => {
    const byCase = new Map(indexFixtures(set).map((f) => [f.case, f]));

    it('does not show PHONETIC, so the live definition has none while the compiled one has', async () => {
      const f = byCase.get('hash_options')!;
      const compiled = await compile(f);
      const live = parseFtInfo(f.ftInfo);
      expect(compiled.definition.fields.find((x) => x.attribute === 'description')?.phonetic).toBe('dm:en');
      expect(live.definition.fields.find((x) => x.attribute === 'description')?.phonetic).toBeNull();
      expect(definitionHash(live.definition)).not.toBe(definitionHash(compiled.definition));
    });

    it('reads stopwords_list: absent is the default list, [] is OFF, a custom list is a set', () => {
      expect(parseFtInfo(byCase.get('hash_all_types')!.ftInfo).definition.stopwords).toBeNull();
      expect(parseFtInfo(byCase.get('stopwords_off')!.ftInfo).definition.stopwords).toEqual([]);
      expect(parseFtInfo(byCase.get('stopwords_custom')!.ftInfo).definition.stopwords).toEqual(['bar', 'foo']);
    });

    it('reads the default TAG separator per key type: "," on HASH, "" on JSON', () => {
      const hashVerified = parseFtInfo(byCase.get('hash_all_types')!.ftInfo).definition.fields.find((x) => x.attribute === 'verified');
      const jsonVerified = parseFtInfo(byCase.get('json_all_types')!.ftInfo).definition.fields.find((x) => x.attribute === 'verified');
      expect(hashVerified?.separator).toBe(',');
      expect(jsonVerified?.separator).toBe('');
    });

    it('reads JSON "SORTABLE UNF" for plain SORTABLE as the same definition', async () => {
      const f = byCase.get('json_sortable_warning')!;
      const compiled = await compile(f);
      expect(compiled.ftCreate).toEqual(expect.arrayContaining(['NUMERIC', 'SORTABLE']));
      expect(parseFtInfo(f.ftInfo).definition).toEqual(compiled.definition);
    });
  });

  describe('parseFtInfo on FT.INFO replies in errors.json', () => {
    const infos = errorFixtures(set).filter(
      (e) => e.command[0] === 'FT.INFO' && !e.isError && Array.isArray(e.reply) && e.server === set.moduleServer,
    );

    it('covers the recorded full replies', () => {
      expect(infos.length).toBeGreaterThanOrEqual(3);
    });

    it.each(infos.map((e) => [e.description, e] as const))('%s', (_d, entry) => {
      const live = parseFtInfo(entry.reply);
      expect(live.definition.on).toBe('HASH');
      expect(live.definition.fields.length).toBeGreaterThan(0);
      expect(live.unsupported).toEqual([]);
    });

    it('resolves an alias to the real index name (fx:alias -> fx:idx)', () => {
      const viaAlias = infos.find((e) => e.command[1] === 'fx:alias')!;
      expect(parseFtInfo(viaAlias.reply).indexName).toBe('fx:idx');
    });
  });

  describe('parseIndexingStatus on indexing/ft_info_while_indexing.json', () => {
    interface Sample {
      elapsedMs: number;
      indexing: string | number;
      percent_indexed: string;
      num_docs: string | number;
      ftInfo: unknown[];
    }
    const recording = readFixtureOf<{ samples: Sample[]; documents: number }>(set, 'indexing', 'ft_info_while_indexing.json');

    it.each(recording.samples.map((s) => [s.elapsedMs, s] as const))('sample at %i ms', (_ms, sample) => {
      const status = parseIndexingStatus(sample.ftInfo);
      expect(status).toEqual({
        indexing: Number(sample.indexing) === 1,
        percentIndexed: Number(sample.percent_indexed),
        numDocs: Number(sample.num_docs),
        indexingFailures: 0,
      });
      // The definition parses from the same reply while indexing runs.
      expect(parseFtInfo(sample.ftInfo).status).toEqual(status);
    });

    it('shows progress rising to done', () => {
      const statuses = recording.samples.map((s) => parseIndexingStatus(s.ftInfo));
      expect(statuses[0].indexing).toBe(true);
      expect(statuses.at(-1)).toMatchObject({ indexing: false, percentIndexed: 1, numDocs: recording.documents });
      const percents = statuses.map((s) => s.percentIndexed);
      expect([...percents].sort((a, b) => a - b)).toEqual(percents);
      const docs = statuses.map((s) => s.numDocs);
      expect([...docs].sort((a, b) => a - b)).toEqual(docs);
    });
  });
});

describe('RediSearch 2.6 and 2.10 FT.INFO replies of the same index', () => {
  const [v26, v210] = FIXTURE_SETS;
  const newer = new Map(indexFixtures(v210).map((f) => [f.case, f]));
  const pick = (reply: unknown[], key: string) => reply[reply.indexOf(key) + 1];

  it('cover the same schema cases, created with the same FT.CREATE', () => {
    expect([...newer.keys()]).toEqual(indexFixtures(v26).map((f) => f.case));
    for (const old of indexFixtures(v26)) expect(newer.get(old.case)!.ftCreate).toEqual(old.ftCreate);
  });

  it.each(indexFixtures(v26).map((f) => [f.case, f] as const))('%s: parse to the same definition and status', (name, old) => {
    const [a, b] = [parseFtInfo(old.ftInfo), parseFtInfo(newer.get(name)!.ftInfo)];
    expect(b.definition).toEqual(a.definition);
    expect(definitionHash(b.definition)).toBe(definitionHash(a.definition));
    expect(b.status).toEqual(a.status);
  });

  it('differ in the raw reply: 2.10 sends counters as integers, reports HASH NUMERIC SORTABLE as SORTABLE UNF, and adds per-field statistics', () => {
    const [old, now] = [indexFixtures(v26), indexFixtures(v210)].map((set) => set.find((f) => f.case === 'hash_options')!.ftInfo);
    expect([pick(old, 'num_docs'), pick(now, 'num_docs')]).toEqual(['3', 3]);
    expect([pick(old, 'indexing'), pick(now, 'indexing')]).toEqual(['0', 0]);
    const price = (reply: unknown[]) => (pick(reply, 'attributes') as string[][]).find((a) => a[1] === 'price');
    expect(price(old)).toEqual(['identifier', 'price', 'attribute', 'price', 'type', 'NUMERIC', 'SORTABLE']);
    expect(price(now)).toEqual(['identifier', 'price', 'attribute', 'price', 'type', 'NUMERIC', 'SORTABLE', 'UNF']);
    expect(old).not.toContain('field statistics');
    expect(now).toContain('field statistics');
    // Yet both read as the same sortable NUMERIC field.
    const parsedPrice = (reply: unknown[]) => parseFtInfo(reply).definition.fields.find((f) => f.attribute === 'price');
    expect(parsedPrice(now)).toEqual(parsedPrice(old));
    expect(parsedPrice(now)).toMatchObject({ sortable: true, unf: false });
  });
});
