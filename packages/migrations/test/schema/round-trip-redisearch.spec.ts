import Redis from 'ioredis';
import { createClient } from 'redis';
import { Repository, Schema, type SchemaDefinition, type SchemaOptions } from 'redis-om';
import { compileSchema, definitionHash, parseFtInfo, type CompiledIndex, type IndexDefinition } from '../../src';
import { renderFtCreateArgs } from '../../src/schema/ft-create-args';
import { asReportedByFtInfo } from '../../src/schema/ft-info';
import { versionedIndexName } from '../../src/schema/plan';
import { describeWithRedisStack } from '../support/redis-stack';
import { indexFixtures } from './fixtures';

/**
 * Every field type and option the compile tests cover (src/schema/compile.spec.ts and the
 * recorded fixture schemas), on HASH and JSON: the compiled definition is created on a real
 * RediSearch, read back with FT.INFO, and must parse to the same definition; and the index must
 * find, by every indexed field, what redis-om saves.
 */
interface Case {
  readonly name: string;
  readonly schemaName: string;
  readonly definition: SchemaDefinition;
  readonly options: SchemaOptions;
}

const HASH: SchemaOptions = { dataStructure: 'HASH' };
const JSON_: SchemaOptions = { dataStructure: 'JSON' };

const ALL_HASH_TYPES: SchemaDefinition = {
  s: { type: 'string' },
  t: { type: 'text' },
  n: { type: 'number' },
  b: { type: 'boolean' },
  d: { type: 'date' },
  p: { type: 'point' },
  a: { type: 'string[]' },
};

const CASES: Case[] = [
  { name: 'HASH: every field type', schemaName: 'rtHashTypes', definition: ALL_HASH_TYPES, options: HASH },
  {
    name: 'HASH: text weight, phonetic, no stemming',
    schemaName: 'rtHashText',
    definition: { t: { type: 'text', weight: 2.5, matcher: 'dm:fr', stemming: false }, u: { type: 'text', matcher: 'dm:en' } },
    options: HASH,
  },
  {
    name: 'HASH: sortable string, text, number, date, boolean',
    schemaName: 'rtHashSortable',
    definition: {
      s: { type: 'string', sortable: true },
      t: { type: 'text', sortable: true },
      n: { type: 'number', sortable: true },
      d: { type: 'date', sortable: true },
      b: { type: 'boolean', sortable: true },
    },
    options: HASH,
  },
  {
    name: 'HASH: normalized: false (SORTABLE UNF), with and without sortable',
    schemaName: 'rtHashUnf',
    definition: { s: { type: 'string', normalized: false }, t: { type: 'text', sortable: true, normalized: false } },
    options: HASH,
  },
  {
    name: 'HASH: caseSensitive and separators',
    schemaName: 'rtHashTags',
    definition: { s: { type: 'string', caseSensitive: true, separator: ';' }, a: { type: 'string[]', separator: ',' } },
    options: HASH,
  },
  {
    name: 'HASH: indexed: false on every type',
    schemaName: 'rtHashNoindex',
    definition: {
      s: { type: 'string', indexed: false },
      t: { type: 'text', indexed: false },
      n: { type: 'number', indexed: false },
      b: { type: 'boolean', indexed: false },
      p: { type: 'point', indexed: false },
      // One indexed field, so the document has something to be found by.
      k: { type: 'string' },
    },
    options: HASH,
  },
  {
    name: 'HASH: field names, index name and hash key options',
    schemaName: 'rtHashNames',
    definition: { ownerName: { type: 'string', field: 'owner_name' }, n: { type: 'number' } },
    options: { ...HASH, indexName: 'rt:people', indexHashName: 'rt:people:h' },
  },
  {
    name: 'JSON: every field type',
    schemaName: 'rtJsonTypes',
    definition: { ...ALL_HASH_TYPES, x: { type: 'number[]' } },
    options: {},
  },
  {
    name: 'JSON: custom paths',
    schemaName: 'rtJsonPaths',
    definition: {
      city: { type: 'string', path: '$.address.city' },
      street: { type: 'text', path: '$.address.street' },
      zip: { type: 'number', path: '$.address.zip' },
      geo: { type: 'point', path: '$.address.geo' },
      active: { type: 'boolean', path: '$.meta.active' },
      since: { type: 'date', path: '$.meta.since' },
      labels: { type: 'string[]', path: '$.meta.labels[*]' },
    },
    options: JSON_,
  },
  {
    name: 'JSON: sortable (dropped on TAG by redis-om, UNF on text)',
    schemaName: 'rtJsonSortable',
    definition: {
      s: { type: 'string', sortable: true },
      b: { type: 'boolean', sortable: true },
      n: { type: 'number', sortable: true },
      t: { type: 'text', sortable: true },
    },
    options: JSON_,
  },
  {
    name: 'JSON: normalized: false on text',
    schemaName: 'rtJsonUnf',
    definition: { t: { type: 'text', normalized: false } },
    options: JSON_,
  },
  {
    name: 'JSON: text options, caseSensitive, separator, indexed: false',
    schemaName: 'rtJsonOptions',
    definition: {
      t: { type: 'text', weight: 3, matcher: 'dm:en', stemming: false, indexed: false },
      s: { type: 'string', caseSensitive: true, separator: ',' },
      u: { type: 'text', weight: 0.5, stemming: false },
    },
    options: JSON_,
  },
  { name: 'HASH: stop words DEFAULT', schemaName: 'rtStopDefault', definition: { t: { type: 'text' } }, options: { ...HASH, useStopWords: 'DEFAULT' } },
  { name: 'HASH: stop words OFF', schemaName: 'rtStopOff', definition: { t: { type: 'text' } }, options: { ...HASH, useStopWords: 'OFF' } },
  {
    name: 'JSON: stop words CUSTOM',
    schemaName: 'rtStopCustom',
    definition: { t: { type: 'text' } },
    options: { useStopWords: 'CUSTOM', stopWords: ['the', 'a'] },
  },
  // The schemas of the recorded fixtures (test/fixtures/redisearch/indexes).
  ...indexFixtures().map((f) => ({
    name: `fixture ${f.case}`,
    schemaName: f.schemaName,
    definition: f.definition as SchemaDefinition,
    options: f.options as SchemaOptions,
  })),
];

type FieldSpec = { type: string; path?: string; indexed?: boolean };

/** Two entities with different values in every field: queries for entity 1 must not find 2. */
function entityValue(type: string, which: 1 | 2): unknown {
  const one = which === 1;
  switch (type) {
    case 'string':
      return one ? 'alpha' : 'omega';
    case 'text':
      return one ? 'hello world' : 'goodbye moon';
    case 'number':
      return one ? 42 : 7;
    case 'boolean':
      return one;
    case 'date':
      return new Date(one ? '2024-01-02T03:04:05Z' : '2020-06-01T00:00:00Z');
    case 'point':
      return one ? { longitude: 2.35, latitude: 48.85 } : { longitude: 139.69, latitude: 35.69 };
    case 'string[]':
      return one ? ['alpha', 'beta'] : ['gamma'];
    case 'number[]':
      return one ? [7, 8] : [9];
    default:
      throw new Error(`no sample value for ${type}`);
  }
}

/** Puts `value` where redis-om reads `field` from: its JSON path if it has one (as nested objects), else its name. */
function setAt(entity: Record<string, unknown>, field: string, spec: FieldSpec, value: unknown): void {
  if (spec.path === undefined) {
    entity[field] = value;
    return;
  }
  const steps = spec.path.replace(/^\$\./, '').replace(/\[\*\]$/, '').split('.');
  let node = entity;
  for (const step of steps.slice(0, -1)) node = (node[step] ??= {}) as Record<string, unknown>;
  node[steps.at(-1)!] = value;
}

/** The query that finds entity 1 by `field`, or undefined when the field is not indexed. */
function queryFor(attribute: string, spec: FieldSpec, dataStructure: string): string {
  switch (spec.type) {
    case 'string':
      return `@${attribute}:{alpha}`;
    case 'string[]':
      return `@${attribute}:{beta}`;
    case 'text':
      return `@${attribute}:hello`;
    case 'number':
      return `@${attribute}:[42 42]`;
    case 'number[]':
      return `@${attribute}:[8 8]`;
    case 'date':
      return `@${attribute}:[1704164645 1704164645]`;
    case 'boolean':
      // redis-om stores booleans as '1'/'0' in HASH and as real booleans in JSON.
      return dataStructure === 'HASH' ? `@${attribute}:{1}` : `@${attribute}:{true}`;
    case 'point':
      return `@${attribute}:[2.35 48.85 5 km]`;
    default:
      throw new Error(`no query for ${spec.type}`);
  }
}

describeWithRedisStack('FT.CREATE → FT.INFO round trip of every compiled field type and option', (stack) => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(stack.url);
  });
  afterAll(() => redis.disconnect());
  beforeEach(() => redis.flushall());

  const ftInfo = async (name: string) => parseFtInfo(await redis.call('FT.INFO', name));
  const send = (argv: readonly string[]) => redis.call(argv[0], ...argv.slice(1));

  async function waitIndexed(name: string, docs: number): Promise<void> {
    for (let i = 0; i < 500; i++) {
      const { status } = await ftInfo(name);
      if (!status.indexing && status.numDocs === docs) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`${name} did not index ${docs} documents`);
  }

  /** The definition as the engine compares it with a live index: FT.INFO's view, under `name`. */
  const reportedAs = (definition: IndexDefinition, name: string) => ({ ...asReportedByFtInfo(definition), indexName: name });

  describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    let compiled: CompiledIndex;
    beforeAll(async () => {
      compiled = await compileSchema(new Schema(c.schemaName, c.definition, c.options));
    });

    it('FT.CREATE of the rendered definition reads back through FT.INFO as the compiled definition, with the same definitionHash', async () => {
      const expected = asReportedByFtInfo(compiled.definition);
      expect(await send(renderFtCreateArgs(compiled.definition))).toBe('OK');
      const live = await ftInfo(compiled.definition.indexName);
      expect(live.unsupported).toEqual([]);
      expect(live.indexName).toBe(compiled.definition.indexName);
      expect(live.definition).toEqual(expected);
      expect(definitionHash(live.definition)).toBe(definitionHash(expected));
      // Only PHONETIC is invisible in FT.INFO; everything else reads back as compiled.
      const hasPhonetic = compiled.definition.fields.some((f) => f.phonetic);
      expect(definitionHash(live.definition) === definitionHash(compiled.definition)).toBe(!hasPhonetic);

      // Round trip again from what FT.INFO showed: the same index, the same hash.
      await send(['FT.DROPINDEX', compiled.definition.indexName]);
      expect(await send(renderFtCreateArgs(live.definition))).toBe('OK');
      const again = await ftInfo(compiled.definition.indexName);
      expect(again.definition).toEqual(live.definition);
      expect(definitionHash(again.definition)).toBe(definitionHash(live.definition));
    });

    it("redis-om's own FT.CREATE and the swap strategy's versioned one give the same index, which finds what redis-om saves by every indexed field", async () => {
      const name = compiled.definition.indexName;
      const versioned = versionedIndexName(name, definitionHash(compiled.definition));
      expect(await send(compiled.ftCreate)).toBe('OK');
      expect(await send(renderFtCreateArgs(compiled.definition, versioned))).toBe('OK');
      expect(await send(['FT.ALIASADD', `${c.schemaName}:alias`, versioned])).toBe('OK');

      const plain = await ftInfo(name);
      const viaAlias = await ftInfo(`${c.schemaName}:alias`);
      expect(viaAlias.indexName).toBe(versioned);
      expect(plain.definition).toEqual(reportedAs(compiled.definition, name));
      expect(viaAlias.definition).toEqual(reportedAs(compiled.definition, versioned));
      expect(definitionHash({ ...viaAlias.definition, indexName: name })).toBe(definitionHash(plain.definition));

      // Save two entities through redis-om itself (node-redis), as the application does.
      const client = createClient({ url: stack.url });
      await client.connect();
      try {
        const repository = new Repository(new Schema(c.schemaName, c.definition, c.options), client);
        for (const which of [1, 2] as const) {
          const entity: Record<string, unknown> = {};
          for (const [field, spec] of Object.entries(c.definition)) setAt(entity, field, spec as FieldSpec, entityValue((spec as FieldSpec).type, which));
          await repository.save(String(which), entity);
        }
      } finally {
        await client.quit();
      }
      for (const index of [name, versioned]) await waitIndexed(index, 2);
      expect((await ftInfo(name)).status.indexingFailures).toBe(0);

      const structure = c.options.dataStructure ?? 'JSON';
      const found: unknown[] = [];
      const expected: unknown[] = [];
      for (const [attribute, spec] of Object.entries(c.definition)) {
        const query = queryFor(attribute, spec as FieldSpec, structure);
        // A field with indexed: false is saved but finds nothing.
        const hits = (spec as FieldSpec).indexed === false ? [0] : [1, `${c.schemaName}:1`];
        for (const index of [name, `${c.schemaName}:alias`]) {
          found.push({ index, query, reply: await redis.call('FT.SEARCH', index, query, 'NOCONTENT') });
          expected.push({ index, query, reply: hits });
        }
      }
      expect(found).toEqual(expected);
    });
  });
});
