import { IndexDefinitionError } from './errors';
import { parseFtInfo, parseIndexSize } from './ft-info';

// Replies shaped like newer RediSearch (Redis 8) writes them, per the FT.INFO page of the Redis
// docs and RediSearch's info command: `indexes_all` in index_definition, `cleaning`,
// `Index Errors` and `field statistics` at the top, and (RESP3) attributes as maps with `flags`.
// No Redis 8 server was available to record them; the 2.6 replies are in test/fixtures.
const redis8Resp2 = [
  'index_name', 'idx:bicycle',
  'index_options', [],
  'index_definition', ['key_type', 'JSON', 'prefixes', ['bicycle:'], 'default_score', '1', 'indexes_all', 'false'],
  'attributes', [
    ['identifier', '$.brand', 'attribute', 'brand', 'type', 'TEXT', 'WEIGHT', '1', 'SORTABLE', 'UNF'],
    ['identifier', '$.price', 'attribute', 'price', 'type', 'NUMERIC', 'SORTABLE', 'UNF'],
    ['identifier', '$.condition', 'attribute', 'condition', 'type', 'TAG', 'SEPARATOR', ',', 'CASESENSITIVE'],
    ['identifier', '$.store', 'attribute', 'store', 'type', 'GEO', 'NOINDEX'],
  ],
  'num_docs', '10', 'max_doc_id', '10',
  'hash_indexing_failures', '0', 'total_indexing_time', '4.5',
  'indexing', '0', 'percent_indexed', '1', 'number_of_uses', 1, 'cleaning', 0,
  'dialect_stats', ['dialect_1', 0, 'dialect_2', 0, 'dialect_3', 0, 'dialect_4', 0],
  'Index Errors', ['indexing failures', 0, 'last indexing error', 'N/A', 'last indexing error key', 'N/A'],
  'field statistics', [['identifier', '$.brand', 'attribute', 'brand', 'Index Errors', ['indexing failures', 0]]],
];

describe('parseFtInfo: Redis 8 shapes', () => {
  it('reads the size: total_indexing_time, and the memory as the sum of its parts when no total is given', () => {
    expect(parseFtInfo(redis8Resp2).size).toEqual({ numDocs: 10, memoryMb: 0, indexingTimeMs: 4.5 });
    expect(parseIndexSize(['num_docs', 4, 'inverted_sz_mb', '0.5', 'doc_table_size_mb', 0.25, 'key_table_size_mb', '0.25'])).toEqual({ numDocs: 4, memoryMb: 1, indexingTimeMs: null });
  });

  it('reads a RESP2 reply with the newer keys', () => {
    const live = parseFtInfo(redis8Resp2);
    expect(live.indexName).toBe('idx:bicycle');
    expect(live.unsupported).toEqual([]);
    expect(live.definition.fields).toEqual([
      { identifier: '$.brand', attribute: 'brand', type: 'TEXT', sortable: true, unf: true, noindex: false, weight: 1, nostem: false, phonetic: null },
      { identifier: '$.price', attribute: 'price', type: 'NUMERIC', sortable: true, unf: false, noindex: false },
      { identifier: '$.condition', attribute: 'condition', type: 'TAG', sortable: false, unf: false, noindex: false, separator: ',', caseSensitive: true },
      { identifier: '$.store', attribute: 'store', type: 'GEO', sortable: false, unf: false, noindex: true },
    ]);
  });

  it('reads a RESP3 map with attribute flags in their own list', () => {
    const resp3 = new Map<string, unknown>([
      ['index_name', 'idx:bicycle'],
      ['index_options', []],
      ['index_definition', new Map<string, unknown>([['key_type', 'JSON'], ['prefixes', ['bicycle:']], ['default_score', 1], ['indexes_all', 'false']])],
      ['attributes', [
        { identifier: '$.brand', attribute: 'brand', type: 'TEXT', WEIGHT: 1, flags: ['SORTABLE', 'UNF'] },
        { identifier: '$.price', attribute: 'price', type: 'NUMERIC', flags: ['SORTABLE', 'UNF'] },
        { identifier: '$.condition', attribute: 'condition', type: 'TAG', SEPARATOR: ',', flags: ['CASESENSITIVE'] },
        { identifier: '$.store', attribute: 'store', type: 'GEO', flags: ['NOINDEX'] },
      ]],
      ['num_docs', 10], ['indexing', 0], ['percent_indexed', 1], ['hash_indexing_failures', 0],
    ]);
    expect(parseFtInfo(resp3).definition).toEqual(parseFtInfo(redis8Resp2).definition);
  });

  it('lists settings a redis-om definition cannot hold instead of hiding them', () => {
    const reply = [...redis8Resp2];
    reply[5] = ['key_type', 'HASH', 'prefixes', ['p:'], 'filter', '@age>1', 'default_score', '0.5'];
    reply[7] = [['identifier', 't', 'attribute', 't', 'type', 'TEXT', 'WEIGHT', '1', 'WITHSUFFIXTRIE']];
    reply[3] = ['NOOFFSETS'];
    expect(parseFtInfo(reply).unsupported).toEqual([
      'index option NOOFFSETS',
      'filter @age>1',
      'default_score 0.5',
      'attribute t: WITHSUFFIXTRIE',
    ]);
  });

  it('names the index and the field when a type is not one redis-om creates', () => {
    const reply = [...redis8Resp2];
    reply[7] = [['identifier', '$.v', 'attribute', 'v', 'type', 'VECTOR']];
    expect(() => parseFtInfo(reply)).toThrow(IndexDefinitionError);
    expect(() => parseFtInfo(reply)).toThrow(/index idx:bicycle: attribute v has type VECTOR/);
  });

  it('rejects something that is not an FT.INFO reply', () => {
    expect(() => parseFtInfo('OK')).toThrow(IndexDefinitionError);
    expect(() => parseFtInfo(['index_name'])).toThrow(/odd number/);
  });
});
