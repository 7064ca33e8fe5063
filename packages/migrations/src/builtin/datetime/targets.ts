import type { ModelSchema } from '../../loading/models';

/** What the datetime migration reads of a model: its name, structure and fields. */
export type DateModel = Pick<ModelSchema, 'schemaName' | 'dataStructure' | 'fields'>;

/** The date fields of one model, as the scan sees them. Pure data. */
export interface DateTarget {
  readonly schemaName: string;
  readonly structure: 'HASH' | 'JSON';
  /** SCAN MATCH pattern: redis-om 0.4 keys are `<schemaName>:<id>`. */
  readonly match: string;
  /** HASH field names, or JSONPaths. */
  readonly fields: readonly string[];
  /** Model field names, in the same order, for messages. */
  readonly names: readonly string[];
}

/** Glob-escapes a schema name for SCAN MATCH (`*`, `?`, `[`, `]`, `\` are special). */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * The models with `date` fields and where those fields live: the HASH field (the field's
 * `field` option, else its `alias`, else its name) or the JSONPath (its `path` option, else
 * `$["<alias or name>"]`), exactly as redis-om 0.4.7 computes them. Models without a date
 * field are left out.
 */
export function dateTargets(schemas: readonly DateModel[]): DateTarget[] {
  return schemas
    .map((schema): DateTarget => {
      const dates = schema.fields.filter((f) => f.type === 'date');
      return {
        schemaName: schema.schemaName,
        structure: schema.dataStructure,
        match: `${escapeGlob(schema.schemaName)}:*`,
        fields: dates.map((f) => (schema.dataStructure === 'HASH' ? f.hashField : f.jsonPath)),
        names: dates.map((f) => f.name),
      };
    })
    .filter((t) => t.fields.length > 0);
}
