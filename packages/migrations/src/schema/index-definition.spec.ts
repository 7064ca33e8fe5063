import {
  definitionHash,
  indexDefinitionSchema,
  normalizeDefinition,
  sameDefinition,
  stableStringify,
  type IndexDefinition,
} from './index-definition';

const hashDef: IndexDefinition = {
  indexName: 'p:index',
  on: 'HASH',
  prefixes: ['p:'],
  stopwords: null,
  fields: [
    { identifier: 'name', attribute: 'name', type: 'TAG' },
    { identifier: 'bio', attribute: 'bio', type: 'TEXT' },
    { identifier: 'age', attribute: 'age', type: 'NUMERIC', sortable: true, unf: true },
  ],
};

describe('normalizeDefinition', () => {
  it('fills every option of a type with its effective default and drops UNF on NUMERIC', () => {
    expect(normalizeDefinition(hashDef).fields).toEqual([
      { identifier: 'name', attribute: 'name', type: 'TAG', sortable: false, unf: false, noindex: false, separator: ',', caseSensitive: false },
      { identifier: 'bio', attribute: 'bio', type: 'TEXT', sortable: false, unf: false, noindex: false, weight: 1, nostem: false, phonetic: null },
      { identifier: 'age', attribute: 'age', type: 'NUMERIC', sortable: true, unf: false, noindex: false },
    ]);
  });

  it('uses no separator as the JSON TAG default and makes JSON sortable text UNF', () => {
    const json = normalizeDefinition({
      ...hashDef,
      on: 'JSON',
      fields: [
        { identifier: '$.n', attribute: 'n', type: 'TAG' },
        { identifier: '$.t', attribute: 't', type: 'TEXT', sortable: true },
      ],
    });
    expect(json.fields[0].separator).toBe('');
    expect(json.fields[1]).toMatchObject({ sortable: true, unf: true });
  });

  it('treats stop words as a set but keeps null (server default) apart from [] (off)', () => {
    expect(normalizeDefinition({ ...hashDef, stopwords: ['foo', 'bar', 'foo'] }).stopwords).toEqual(['bar', 'foo']);
    expect(definitionHash({ ...hashDef, stopwords: [] })).not.toBe(definitionHash(hashDef));
  });

  it('is idempotent', () => {
    const once = normalizeDefinition(hashDef);
    expect(normalizeDefinition(once)).toEqual(once);
  });
});

describe('definitionHash', () => {
  it('is stable across key order and written-out defaults', () => {
    const explicit: IndexDefinition = {
      fields: hashDef.fields.map((f) => (f.type === 'TAG' ? { ...f, separator: ',', caseSensitive: false } : f)),
      stopwords: null,
      prefixes: ['p:'],
      on: 'HASH',
      indexName: 'p:index',
    };
    expect(definitionHash(explicit)).toBe(definitionHash(hashDef));
    expect(sameDefinition(explicit, hashDef)).toBe(true);
    expect(definitionHash(hashDef)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('changes with anything the server indexes differently', () => {
    const variants: IndexDefinition[] = [
      { ...hashDef, indexName: 'other' },
      { ...hashDef, on: 'JSON' },
      { ...hashDef, prefixes: ['q:'] },
      { ...hashDef, stopwords: ['a'] },
      { ...hashDef, fields: [{ ...hashDef.fields[0], sortable: true }, ...hashDef.fields.slice(1)] },
      { ...hashDef, fields: [hashDef.fields[1], hashDef.fields[0], hashDef.fields[2]] },
      { ...hashDef, fields: hashDef.fields.slice(0, 2) },
    ];
    const hashes = new Set([hashDef, ...variants].map(definitionHash));
    expect(hashes.size).toBe(variants.length + 1);
  });
});

describe('indexDefinitionSchema', () => {
  it('accepts a normal form and rejects unknown keys and bad types', () => {
    expect(indexDefinitionSchema.safeParse(normalizeDefinition(hashDef)).success).toBe(true);
    expect(indexDefinitionSchema.safeParse({ ...hashDef, extra: 1 }).success).toBe(false);
    expect(indexDefinitionSchema.safeParse({ ...hashDef, fields: [{ identifier: 'x', attribute: 'x', type: 'VECTOR' }] }).success).toBe(false);
  });
});

describe('stableStringify', () => {
  it('sorts keys at every level and skips undefined', () => {
    expect(stableStringify({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":2,"z":1}]},"b":1}');
  });
});
