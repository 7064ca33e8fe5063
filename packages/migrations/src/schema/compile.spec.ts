import { Schema, type SchemaDefinition, type SchemaOptions } from 'redis-om';
import { compileSchema, compileSchemas } from './compile';
import { IndexDefinitionError } from './errors';
import type { IndexField } from './index-definition';

async function fieldsOf(definition: SchemaDefinition, options: SchemaOptions = {}): Promise<IndexField[]> {
  const compiled = await compileSchema(new Schema('m', definition, options));
  return compiled.definition.fields;
}

const base = { sortable: false, unf: false, noindex: false };
const text = { ...base, type: 'TEXT', weight: 1, nostem: false, phonetic: null };

describe('compileSchema: HASH', () => {
  const hash: SchemaOptions = { dataStructure: 'HASH' };

  it('maps every field type', async () => {
    const fields = await fieldsOf(
      {
        s: { type: 'string' },
        t: { type: 'text' },
        n: { type: 'number' },
        b: { type: 'boolean' },
        d: { type: 'date' },
        p: { type: 'point' },
        a: { type: 'string[]' },
      },
      hash,
    );
    expect(fields).toEqual([
      { identifier: 's', attribute: 's', ...base, type: 'TAG', separator: '|', caseSensitive: false },
      { identifier: 't', attribute: 't', ...text },
      { identifier: 'n', attribute: 'n', ...base, type: 'NUMERIC' },
      // redis-om sends no SEPARATOR for a HASH boolean: the server's default ',' applies.
      { identifier: 'b', attribute: 'b', ...base, type: 'TAG', separator: ',', caseSensitive: false },
      { identifier: 'd', attribute: 'd', ...base, type: 'NUMERIC' },
      { identifier: 'p', attribute: 'p', ...base, type: 'GEO' },
      { identifier: 'a', attribute: 'a', ...base, type: 'TAG', separator: '|', caseSensitive: false },
    ]);
  });

  it('maps text options: weight, phonetic, no stemming', async () => {
    const [t] = await fieldsOf({ t: { type: 'text', weight: 2.5, matcher: 'dm:fr', stemming: false } }, hash);
    expect(t).toEqual({ identifier: 't', attribute: 't', ...text, weight: 2.5, nostem: true, phonetic: 'dm:fr' });
  });

  it('maps sortable on string, text, number, date and boolean', async () => {
    const fields = await fieldsOf(
      {
        s: { type: 'string', sortable: true },
        t: { type: 'text', sortable: true },
        n: { type: 'number', sortable: true },
        d: { type: 'date', sortable: true },
        b: { type: 'boolean', sortable: true },
      },
      hash,
    );
    expect(fields.map((f) => [f.attribute, f.sortable, f.unf])).toEqual([
      ['s', true, false],
      ['t', true, false],
      ['n', true, false],
      ['d', true, false],
      ['b', true, false],
    ]);
  });

  it('maps normalized: false to SORTABLE UNF, even without sortable', async () => {
    const compiled = await compileSchema(
      new Schema('m', { s: { type: 'string', normalized: false }, t: { type: 'text', sortable: true, normalized: false } }, hash),
    );
    expect(compiled.ftCreate).toEqual(expect.arrayContaining(['SORTABLE', 'UNF']));
    expect(compiled.definition.fields.map((f) => [f.attribute, f.sortable, f.unf])).toEqual([
      ['s', true, true],
      ['t', true, true],
    ]);
  });

  it('maps caseSensitive and separator', async () => {
    const [s, a] = await fieldsOf(
      { s: { type: 'string', caseSensitive: true, separator: ';' }, a: { type: 'string[]', separator: ',' } },
      hash,
    );
    expect(s).toMatchObject({ type: 'TAG', separator: ';', caseSensitive: true });
    expect(a).toMatchObject({ type: 'TAG', separator: ',', caseSensitive: false });
  });

  it('maps indexed: false to NOINDEX on every type', async () => {
    const fields = await fieldsOf(
      {
        s: { type: 'string', indexed: false },
        t: { type: 'text', indexed: false },
        n: { type: 'number', indexed: false },
        b: { type: 'boolean', indexed: false },
        p: { type: 'point', indexed: false },
      },
      hash,
    );
    expect(fields.every((f) => f.noindex)).toBe(true);
  });

  it('uses the field option as the HASH field name', async () => {
    const [f] = await fieldsOf({ ownerName: { type: 'string', field: 'owner_name' } }, hash);
    expect(f).toMatchObject({ identifier: 'owner_name', attribute: 'ownerName' });
  });

  it('keeps index name, prefix and hash key from the schema options', async () => {
    const compiled = await compileSchema(
      new Schema('person', { n: { type: 'number' } }, { ...hash, indexName: 'people', indexHashName: 'people:h' }),
    );
    expect(compiled.definition).toMatchObject({ indexName: 'people', on: 'HASH', prefixes: ['person:'], stopwords: null });
    expect(compiled.indexHashName).toBe('people:h');
    expect(compiled.ftCreate.slice(0, 7)).toEqual(['FT.CREATE', 'people', 'ON', 'HASH', 'PREFIX', '1', 'person:']);
  });
});

describe('compileSchema: JSON', () => {
  it('is the default data structure and maps every field type to JSON paths', async () => {
    const compiled = await compileSchema(
      new Schema('m', {
        s: { type: 'string' },
        t: { type: 'text' },
        n: { type: 'number' },
        b: { type: 'boolean' },
        d: { type: 'date' },
        p: { type: 'point' },
        a: { type: 'string[]' },
        x: { type: 'number[]' },
      }),
    );
    expect(compiled.definition.on).toBe('JSON');
    expect(compiled.definition.fields.map((f) => [f.identifier, f.attribute, f.type, f.separator])).toEqual([
      ['$["s"]', 's', 'TAG', '|'],
      ['$["t"]', 't', 'TEXT', undefined],
      ['$["n"]', 'n', 'NUMERIC', undefined],
      // No SEPARATOR for a JSON boolean: JSON's default is no separator at all.
      ['$["b"]', 'b', 'TAG', ''],
      ['$["d"]', 'd', 'NUMERIC', undefined],
      ['$["p"]', 'p', 'GEO', undefined],
      ['$["a"][*]', 'a', 'TAG', '|'],
      ['$["x"][*]', 'x', 'NUMERIC', undefined],
    ]);
  });

  it('uses custom paths', async () => {
    const [f] = await fieldsOf({ city: { type: 'string', path: '$.address.city' } });
    expect(f).toMatchObject({ identifier: '$.address.city', attribute: 'city' });
  });

  it('drops SORTABLE on JSON TAG fields with redis-om warnings, keeps it on numbers and text (as UNF)', async () => {
    const compiled = await compileSchema(
      new Schema('m', {
        s: { type: 'string', sortable: true },
        b: { type: 'boolean', sortable: true },
        n: { type: 'number', sortable: true },
        t: { type: 'text', sortable: true },
      }),
    );
    expect(compiled.warnings).toHaveLength(2);
    expect(compiled.definition.fields.map((f) => [f.attribute, f.sortable, f.unf])).toEqual([
      ['s', false, false],
      ['b', false, false],
      ['n', true, false],
      // The server reports a JSON sortable TEXT as SORTABLE UNF whatever was sent.
      ['t', true, true],
    ]);
  });

  it('maps normalized: false on JSON text to SORTABLE UNF, the same index as plain sortable', async () => {
    const unf = await compileSchema(new Schema('m', { t: { type: 'text', normalized: false } }));
    const sortable = await compileSchema(new Schema('m', { t: { type: 'text', sortable: true } }));
    expect(unf.ftCreate.slice(-5)).toEqual(['AS', 't', 'TEXT', 'SORTABLE', 'UNF']);
    expect(unf.definition).toEqual(sortable.definition);
    expect(unf.indexHash).not.toBe(sortable.indexHash);
  });

  it('maps text options, caseSensitive, separator and indexed: false', async () => {
    const fields = await fieldsOf({
      t: { type: 'text', weight: 3, matcher: 'dm:en', stemming: false, indexed: false },
      s: { type: 'string', caseSensitive: true, separator: ',' },
    });
    expect(fields[0]).toMatchObject({ weight: 3, phonetic: 'dm:en', nostem: true, noindex: true });
    expect(fields[1]).toMatchObject({ separator: ',', caseSensitive: true });
  });
});

describe('compileSchema: stop words', () => {
  it('DEFAULT sends no STOPWORDS', async () => {
    const compiled = await compileSchema(new Schema('m', { t: { type: 'text' } }, { useStopWords: 'DEFAULT' }));
    expect(compiled.ftCreate).not.toContain('STOPWORDS');
    expect(compiled.definition.stopwords).toBeNull();
  });

  it('OFF sends STOPWORDS 0', async () => {
    const compiled = await compileSchema(new Schema('m', { t: { type: 'text' } }, { useStopWords: 'OFF' }));
    expect(compiled.ftCreate).toEqual(expect.arrayContaining(['STOPWORDS', '0']));
    expect(compiled.definition.stopwords).toEqual([]);
  });

  it('CUSTOM sends the list', async () => {
    const compiled = await compileSchema(
      new Schema('m', { t: { type: 'text' } }, { useStopWords: 'CUSTOM', stopWords: ['the', 'a'] }),
    );
    expect(compiled.ftCreate.join(' ')).toContain('STOPWORDS 2 the a');
    expect(compiled.definition.stopwords).toEqual(['a', 'the']);
  });
});

describe('compileSchemas', () => {
  it('refuses two models that define the same index', async () => {
    const a = new Schema('a', { n: { type: 'number' } }, { indexName: 'same' });
    const b = new Schema('b', { n: { type: 'number' } }, { indexName: 'same' });
    await expect(compileSchemas([a, b])).rejects.toThrow(IndexDefinitionError);
    await expect(compileSchemas([a, b])).rejects.toThrow('Models a and b both define index same');
  });

  it('leaves console.warn as it was', async () => {
    const before = console.warn;
    await compileSchema(new Schema('m', { s: { type: 'string', sortable: true } }));
    expect(console.warn).toBe(before);
  });
});
