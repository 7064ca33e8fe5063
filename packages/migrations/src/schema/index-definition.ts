import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The plain-data description of one RediSearch index: what `FT.CREATE` receives. It is
 * compiled from a redis-om model, read back from a live index (`FT.INFO`) or stored in a
 * snapshot, and always compared in its {@link normalizeDefinition | normal form}.
 */

/** The key type an index follows (`ON HASH|JSON`). */
export type IndexDataStructure = 'HASH' | 'JSON';

/** The field types redis-om 0.4.7 can produce. */
export const INDEX_FIELD_TYPES = ['TEXT', 'TAG', 'NUMERIC', 'GEO'] as const;
/** A RediSearch field type: one of {@link INDEX_FIELD_TYPES}. */
export type IndexFieldType = (typeof INDEX_FIELD_TYPES)[number];

const fieldSchema = z
  .object({
    /** The HASH field or JSON path the values come from. */
    identifier: z.string().min(1),
    /** The `AS` name queries use. */
    attribute: z.string().min(1),
    type: z.enum(INDEX_FIELD_TYPES),
    sortable: z.boolean().optional(),
    /** `SORTABLE UNF`: sort on the value as stored, not on a normalised copy. */
    unf: z.boolean().optional(),
    noindex: z.boolean().optional(),
    /** TEXT only. */
    weight: z.number().positive().optional(),
    /** TEXT only. */
    nostem: z.boolean().optional(),
    /** TEXT only: `PHONETIC <matcher>`, e.g. `dm:en`. */
    phonetic: z.string().nullable().optional(),
    /** TAG only. `''` means "no separator" (the JSON default). */
    separator: z.string().max(1).optional(),
    /** TAG only. */
    caseSensitive: z.boolean().optional(),
  })
  .strict();

/** One `SCHEMA` entry of an index. Options that do not apply to the type are absent. */
export type IndexField = z.infer<typeof fieldSchema>;

/** zod schema of an {@link IndexDefinition}, used wherever a definition comes from outside. */
export const indexDefinitionSchema = z
  .object({
    /** The name applications query (redis-om's `indexName`). */
    indexName: z.string().min(1),
    on: z.enum(['HASH', 'JSON']),
    prefixes: z.array(z.string()),
    /** `null`: the server's default list; `[]`: stop words off; otherwise a custom list. */
    stopwords: z.array(z.string()).nullable(),
    fields: z.array(fieldSchema).min(1),
  })
  .strict();

/** What `FT.CREATE` receives for one index, as plain data. */
export type IndexDefinition = z.infer<typeof indexDefinitionSchema>;

/**
 * RediSearch's TAG separator when `SEPARATOR` is not given: `,` on HASH, none on JSON (the
 * server reports `""`, see RediSearch's `TAG_FIELD_DEFAULT_JSON_SEP`).
 */
export function defaultTagSeparator(on: IndexDataStructure): string {
  return on === 'HASH' ? ',' : '';
}

/** The TEXT weight when `WEIGHT` is not given. */
export const DEFAULT_TEXT_WEIGHT = 1;

/**
 * The normal form of a definition: every option of a field's type present with its effective
 * value, options of other types removed, stop words sorted. Two definitions describe the same
 * server-side index exactly when their normal forms are deep-equal, whichever way they were
 * written (redis-om's argv, FT.INFO, a snapshot).
 *
 * Rules that come from what the server does, not from the argv:
 * - UNF only means something for a SORTABLE TEXT or TAG field; on NUMERIC it is dropped (HASH
 *   reports plain `SORTABLE`, JSON reports `SORTABLE UNF` for the same index);
 * - on JSON, a SORTABLE TEXT or TAG field is always UNF (the server reports `SORTABLE UNF` for a
 *   plain `SORTABLE`);
 * - stop words are a set (the server reports them in its own order).
 */
export function normalizeDefinition(definition: IndexDefinition): IndexDefinition {
  const on = definition.on;
  return {
    indexName: definition.indexName,
    on,
    prefixes: [...definition.prefixes],
    stopwords: definition.stopwords === null ? null : [...new Set(definition.stopwords)].sort(),
    fields: definition.fields.map((field) => normalizeField(field, on)),
  };
}

function normalizeField(field: IndexField, on: IndexDataStructure): IndexField {
  const sortable = field.sortable ?? false;
  const sortsText = sortable && (field.type === 'TEXT' || field.type === 'TAG');
  const base: IndexField = {
    identifier: field.identifier,
    attribute: field.attribute,
    type: field.type,
    sortable,
    unf: sortsText && (on === 'JSON' || (field.unf ?? false)),
    noindex: field.noindex ?? false,
  };
  switch (field.type) {
    case 'TEXT':
      return {
        ...base,
        weight: field.weight ?? DEFAULT_TEXT_WEIGHT,
        nostem: field.nostem ?? false,
        phonetic: field.phonetic ?? null,
      };
    case 'TAG':
      return {
        ...base,
        separator: field.separator ?? defaultTagSeparator(on),
        caseSensitive: field.caseSensitive ?? false,
      };
    default:
      return base;
  }
}

/**
 * Serialises a value with object keys sorted at every level, so that equal data always gives
 * the same text whatever order its keys were written in.
 */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * A stable hash of a definition's normal form: `sha256:<hex>`. Equal for two definitions of the
 * same index however they were obtained, different as soon as anything the server would index
 * differently changes. Not redis-om's `indexHash` (that one hashes redis-om's own schema).
 */
export function definitionHash(definition: IndexDefinition): string {
  const digest = createHash('sha256').update(stableStringify(normalizeDefinition(definition))).digest('hex');
  return `sha256:${digest}`;
}

/** True when both definitions describe the same index. */
export function sameDefinition(a: IndexDefinition, b: IndexDefinition): boolean {
  return definitionHash(a) === definitionHash(b);
}
