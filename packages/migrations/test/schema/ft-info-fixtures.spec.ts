import { Schema, type SchemaDefinition, type SchemaOptions } from 'redis-om';
import { compileSchema } from '../../src/schema/compile';
import { asReportedByFtInfo, parseFtInfo, parseIndexingStatus } from '../../src/schema/ft-info';
import { definitionHash } from '../../src/schema/index-definition';
import { errorFixtures, indexFixtures, readFixture } from './fixtures';

describe.each(indexFixtures().map((f) => [f.case, f] as const))('parseFtInfo on fixture %s', (_name, fixture) => {
  const compiled = () =>
    compileSchema(new Schema(fixture.schemaName, fixture.definition as SchemaDefinition, fixture.options as SchemaOptions));

  it('reads the definition redis-om created, as FT.INFO can show it', async () => {
    const live = parseFtInfo(fixture.ftInfo);
    const expected = asReportedByFtInfo((await compiled()).definition);
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
  const byCase = new Map(indexFixtures().map((f) => [f.case, f]));

  it('does not show PHONETIC, so the live definition has none while the compiled one has', async () => {
    const f = byCase.get('hash_options')!;
    const compiled = await compileSchema(new Schema(f.schemaName, f.definition as SchemaDefinition, f.options as SchemaOptions));
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
    const compiled = await compileSchema(new Schema(f.schemaName, f.definition as SchemaDefinition, f.options as SchemaOptions));
    expect(compiled.ftCreate).toEqual(expect.arrayContaining(['NUMERIC', 'SORTABLE']));
    expect(parseFtInfo(f.ftInfo).definition).toEqual(compiled.definition);
  });
});

describe('parseFtInfo on FT.INFO replies in errors.json', () => {
  const infos = errorFixtures().filter(
    (e) => e.command[0] === 'FT.INFO' && !e.isError && Array.isArray(e.reply) && e.server === 'redisearch-2.6.37',
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
    indexing: string;
    percent_indexed: string;
    num_docs: string;
    ftInfo: unknown[];
  }
  const recording = readFixture<{ samples: Sample[]; documents: number }>('indexing', 'ft_info_while_indexing.json');

  it.each(recording.samples.map((s) => [s.elapsedMs, s] as const))('sample at %i ms', (_ms, sample) => {
    const status = parseIndexingStatus(sample.ftInfo);
    expect(status).toEqual({
      indexing: sample.indexing === '1',
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
  });
});
