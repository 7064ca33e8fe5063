import { IndexDefinitionError } from './errors';
import {
  INDEX_FIELD_TYPES,
  normalizeDefinition,
  type IndexDataStructure,
  type IndexDefinition,
  type IndexField,
  type IndexFieldType,
} from './index-definition';

/** How far the server is with building an index, from `FT.INFO`. */
export interface IndexingStatus {
  /** True while the initial scan (or a re-scan) is running. */
  readonly indexing: boolean;
  /** 0..1; `1` when done. */
  readonly percentIndexed: number;
  readonly numDocs: number;
  /** Documents the server could not index (`hash_indexing_failures`, for HASH and JSON alike). */
  readonly indexingFailures: number;
}

/** How big a live index is and how long the server took to index it, from `FT.INFO`. */
export interface IndexSize {
  readonly numDocs: number;
  /**
   * Memory of the index in MB: `total_index_memory_sz_mb` where the server reports it (2.6 and
   * later do), else the sum of the parts it reports (inverted index, offsets, doc and key tables,
   * sortables, tag and text overhead).
   */
  readonly memoryMb: number;
  /** `total_indexing_time` in ms: the server's own time spent indexing; null when not reported. */
  readonly indexingTimeMs: number | null;
}

/** A live index as `FT.INFO` describes it. */
export interface LiveIndex {
  /**
   * The real index name. Asked through an alias, FT.INFO answers for the index behind it and
   * reports that index's own name, so this is how an alias is resolved.
   */
  readonly indexName: string;
  /** The definition, normalised, with `indexName` set to the real name. */
  readonly definition: IndexDefinition;
  readonly status: IndexingStatus;
  /**
   * Settings of the live index that an {@link IndexDefinition} cannot hold (FILTER, a
   * LANGUAGE_FIELD, WITHSUFFIXTRIE, ...). redis-om never creates them, so any entry here is drift.
   */
  readonly unsupported: readonly string[];
  readonly size: IndexSize;
}

/** A raw FT.INFO reply: RESP2's flat `[key, value, ...]` array, or a RESP3 map. */
export type RawFtInfoReply = unknown;

// Attribute keys that carry a value, as RediSearch 2.6 through Redis 8 write them. Every other
// token inside an attribute is a flag.
const VALUED_ATTRIBUTE_KEYS = new Set([
  'identifier',
  'attribute',
  'type',
  'WEIGHT',
  'SEPARATOR',
  'PHONETIC',
  'coord_system',
  'algorithm',
  'data_type',
  'dim',
  'distance_metric',
  'M',
  'ef_construction',
]);

// index_definition entries whose value here is the server default: ignoring them is safe.
const DEFAULT_DEFINITION_VALUES: Record<string, string> = {
  default_score: '1',
  indexes_all: 'false',
  default_language: 'english',
};

/**
 * Reads a raw `FT.INFO` reply into a normalised definition plus the indexing status, for
 * RediSearch 2.6 and later (Redis 8) replies. The reply does not echo FT.CREATE's arguments, so:
 * - `PHONETIC` is never reported: the definition has `phonetic: null` (compare through
 *   {@link asReportedByFtInfo});
 * - `WEIGHT` is always reported, `SEPARATOR` always for TAG (`,` on HASH, `""` on JSON by
 *   default), JSON sortable fields as `SORTABLE UNF`: the normal form absorbs these;
 * - `stopwords_list` appears only for an index with its own list (`[]` when off).
 */
export function parseFtInfo(reply: RawFtInfoReply): LiveIndex {
  const top = toRecord(reply, 'FT.INFO reply');
  const indexName = asString(top.index_name, 'index_name');
  const fail = (what: string): never => {
    throw new IndexDefinitionError(`Cannot read FT.INFO of index ${indexName}: ${what}`);
  };
  const unsupported: string[] = [];

  const options = top.index_options;
  if (Array.isArray(options)) for (const option of options) unsupported.push(`index option ${String(option)}`);

  const definitionInfo = toRecord(top.index_definition, 'index_definition');
  const keyType = asString(definitionInfo.key_type, 'key_type').toUpperCase();
  if (keyType !== 'HASH' && keyType !== 'JSON') fail(`key_type ${keyType} is not HASH or JSON`);
  const on = keyType as IndexDataStructure;
  const prefixes = definitionInfo.prefixes === undefined ? [] : asStringArray(definitionInfo.prefixes, 'prefixes');
  for (const [key, value] of Object.entries(definitionInfo)) {
    if (key === 'key_type' || key === 'prefixes') continue;
    const text = String(value);
    if (DEFAULT_DEFINITION_VALUES[key] !== undefined && Number(text) === Number(DEFAULT_DEFINITION_VALUES[key])) continue;
    if (DEFAULT_DEFINITION_VALUES[key] === text.toLowerCase()) continue;
    unsupported.push(`${key} ${text}`);
  }

  if (!Array.isArray(top.attributes)) fail('attributes is not a list');
  const fields = (top.attributes as unknown[]).map((raw, i) => parseAttribute(raw, i, unsupported, fail));

  const stopwords = top.stopwords_list === undefined ? null : asStringArray(top.stopwords_list, 'stopwords_list');

  return {
    indexName,
    definition: normalizeDefinition({ indexName, on, prefixes, stopwords, fields }),
    status: parseIndexingStatus(top),
    unsupported,
    size: parseIndexSize(top),
  };
}

const MEMORY_PARTS = [
  'inverted_sz_mb',
  'offset_vectors_sz_mb',
  'doc_table_size_mb',
  'sortable_values_size_mb',
  'key_table_size_mb',
  'tag_overhead_sz_mb',
  'text_overhead_sz_mb',
  'vector_index_sz_mb',
  'geoshapes_sz_mb',
];

/** The size part of a raw FT.INFO reply (RESP2 or RESP3; numbers as strings or integers). */
export function parseIndexSize(reply: RawFtInfoReply): IndexSize {
  const top = toRecord(reply, 'FT.INFO reply');
  const memoryMb =
    top.total_index_memory_sz_mb !== undefined
      ? asNumber(top.total_index_memory_sz_mb, 'total_index_memory_sz_mb')
      : MEMORY_PARTS.reduce((sum, key) => sum + (top[key] === undefined ? 0 : asNumber(top[key], key)), 0);
  return {
    numDocs: asNumber(top.num_docs ?? 0, 'num_docs'),
    memoryMb,
    indexingTimeMs: top.total_indexing_time === undefined ? null : asNumber(top.total_indexing_time, 'total_indexing_time'),
  };
}

/** Just the indexing progress of a raw FT.INFO reply (cheaper when polling). */
export function parseIndexingStatus(reply: RawFtInfoReply): IndexingStatus {
  const top = toRecord(reply, 'FT.INFO reply');
  return {
    indexing: asNumber(top.indexing ?? 0, 'indexing') !== 0,
    percentIndexed: asNumber(top.percent_indexed ?? 1, 'percent_indexed'),
    numDocs: asNumber(top.num_docs ?? 0, 'num_docs'),
    indexingFailures: asNumber(top.hash_indexing_failures ?? 0, 'hash_indexing_failures'),
  };
}

/**
 * What FT.INFO would report for `definition`: the same definition without what FT.INFO never
 * shows (`PHONETIC`). Compare a compiled or snapshot definition with a live one through this.
 */
export function asReportedByFtInfo(definition: IndexDefinition): IndexDefinition {
  const normal = normalizeDefinition(definition);
  return { ...normal, fields: normal.fields.map((f) => (f.type === 'TEXT' ? { ...f, phonetic: null } : f)) };
}

function parseAttribute(
  raw: unknown,
  position: number,
  unsupported: string[],
  fail: (what: string) => never,
): IndexField {
  const values = new Map<string, string>();
  const flags: string[] = [];
  if (Array.isArray(raw)) {
    // RESP2: keys with values and bare flags share one flat list.
    for (let i = 0; i < raw.length; i++) {
      const token = String(raw[i]);
      if (VALUED_ATTRIBUTE_KEYS.has(token)) values.set(token, String(raw[++i]));
      else flags.push(token.toUpperCase());
    }
  } else if (raw !== null && typeof raw === 'object') {
    // RESP3: a map, with the flags in their own list.
    for (const [key, value] of Object.entries(toRecord(raw, 'attribute'))) {
      if (key === 'flags' && Array.isArray(value)) flags.push(...value.map((f) => String(f).toUpperCase()));
      else values.set(key, String(value));
    }
  } else {
    fail(`attribute #${position + 1} is not a list`);
  }
  const identifier = values.get('identifier') ?? fail(`attribute #${position + 1} has no identifier`);
  const attribute = values.get('attribute') ?? identifier;
  const type = (values.get('type') ?? '').toUpperCase() as IndexFieldType;
  if (!INDEX_FIELD_TYPES.includes(type)) {
    fail(`attribute ${attribute} has type ${values.get('type')}, which redis-om 0.4.7 never creates`);
  }
  const field: IndexField = { identifier, attribute, type };
  const weight = values.get('WEIGHT');
  if (type === 'TEXT' && weight !== undefined) field.weight = Number(weight);
  const phonetic = values.get('PHONETIC');
  if (type === 'TEXT' && phonetic !== undefined) field.phonetic = phonetic;
  const separator = values.get('SEPARATOR');
  if (type === 'TAG' && separator !== undefined) field.separator = separator;
  for (const flag of flags) {
    if (flag === 'SORTABLE') field.sortable = true;
    else if (flag === 'UNF') field.unf = true;
    else if (flag === 'NOINDEX') field.noindex = true;
    else if (flag === 'NOSTEM' && type === 'TEXT') field.nostem = true;
    else if (flag === 'CASESENSITIVE' && type === 'TAG') field.caseSensitive = true;
    else unsupported.push(`attribute ${attribute}: ${flag}`);
  }
  return field;
}

/** RESP2 `[k, v, k, v]` or a RESP3 map/object, as a plain record. */
function toRecord(value: unknown, what: string): Record<string, unknown> {
  if (value instanceof Map) return Object.fromEntries([...value.entries()].map(([k, v]) => [String(k), v]));
  if (Array.isArray(value)) {
    if (value.length % 2 !== 0) throw new IndexDefinitionError(`Cannot read ${what}: odd number of entries`);
    const record: Record<string, unknown> = {};
    for (let i = 0; i < value.length; i += 2) record[String(value[i])] = value[i + 1];
    return record;
  }
  if (value !== null && typeof value === 'object') return value as Record<string, unknown>;
  throw new IndexDefinitionError(`Cannot read ${what}: expected a list of key/value pairs, got ${JSON.stringify(value)}`);
}

function asString(value: unknown, what: string): string {
  if (typeof value === 'string' || Buffer.isBuffer(value)) return String(value);
  throw new IndexDefinitionError(`Cannot read FT.INFO: ${what} is ${JSON.stringify(value)}, expected a string`);
}

function asStringArray(value: unknown, what: string): string[] {
  if (!Array.isArray(value)) throw new IndexDefinitionError(`Cannot read FT.INFO: ${what} is not a list`);
  return value.map((v) => asString(v, what));
}

function asNumber(value: unknown, what: string): number {
  // FT.INFO sends most numbers as strings ("3", "1.5e-05"), a few as integers.
  const n = typeof value === 'number' ? value : Number(asString(value, what));
  if (Number.isNaN(n)) throw new IndexDefinitionError(`Cannot read FT.INFO: ${what} is ${JSON.stringify(value)}`);
  return n;
}
