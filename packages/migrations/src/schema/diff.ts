import type { FieldRename } from './classify';
import type { CompiledIndex } from './compile';
import { definitionHash, normalizeDefinition, type IndexDefinition } from './index-definition';

/** One index as a snapshot records it, and as the models describe it. */
export interface IndexState {
  readonly indexName: string;
  /** redis-om's `schemaName` of the model that owns the index. */
  readonly schemaName: string;
  /** The key where redis-om keeps `indexHash`. */
  readonly indexHashName: string;
  /** redis-om's `schema.indexHash`; written to `indexHashName` after the index is migrated. */
  readonly indexHash: string;
  /** Normalised definition. */
  readonly definition: IndexDefinition;
  /** {@link definitionHash} of `definition`. */
  readonly hash: string;
}

/** How one index differs between two states. */
export type IndexChangeKind = 'added' | 'changed' | 'removed';

/** One changed index: the state before (absent when added) and after (absent when removed). */
export interface IndexChange {
  readonly indexName: string;
  readonly kind: IndexChangeKind;
  readonly before: IndexState | null;
  readonly after: IndexState | null;
  /**
   * True when only redis-om's `indexHash` changed (e.g. `normalized: false` on a JSON text
   * field, which the server indexes the same way): no index has to be rebuilt, but the stored
   * hash must be updated or the app's `createIndex()` would drop and rebuild the index.
   */
  readonly hashOnly: boolean;
  /**
   * Confirmed renames of stored fields (never guessed): `run` moves each value in every
   * document of the model before the index switches, and `rollback` moves it back.
   */
  readonly renames?: readonly FieldRename[];
  /**
   * On an added index: the removed index it was renamed from (a confirmed schema rename, never
   * guessed). `run` moves the documents to the new key prefix, or only the index name.
   */
  readonly renamedFrom?: string;
}

/** Index name → state. */
export type IndexStates = ReadonlyMap<string, IndexState>;

/** The state a compiled model describes. */
export function stateOfCompiled(compiled: CompiledIndex): IndexState {
  const definition = normalizeDefinition(compiled.definition);
  return {
    indexName: definition.indexName,
    schemaName: compiled.schemaName,
    indexHashName: compiled.indexHashName,
    indexHash: compiled.indexHash,
    definition,
    hash: definitionHash(definition),
  };
}

/** The states of several compiled models, keyed by index name. */
export function statesOfCompiled(compiled: readonly CompiledIndex[]): Map<string, IndexState> {
  return new Map(compiled.map((c) => [c.definition.indexName, stateOfCompiled(c)]));
}

/**
 * What changed from `from` (e.g. the latest snapshot) to `to` (e.g. the models). Pure; changes
 * come sorted by index name so a snapshot written twice from the same models is identical.
 */
export function diffIndexStates(from: IndexStates, to: IndexStates): IndexChange[] {
  const names = [...new Set([...from.keys(), ...to.keys()])].sort();
  const changes: IndexChange[] = [];
  for (const indexName of names) {
    const before = from.get(indexName) ?? null;
    const after = to.get(indexName) ?? null;
    if (before === null && after !== null) {
      changes.push({ indexName, kind: 'added', before, after, hashOnly: false });
    } else if (before !== null && after === null) {
      changes.push({ indexName, kind: 'removed', before, after, hashOnly: false });
    } else if (before !== null && after !== null) {
      const definitionChanged = before.hash !== after.hash;
      if (definitionChanged || before.indexHash !== after.indexHash || before.indexHashName !== after.indexHashName) {
        changes.push({ indexName, kind: 'changed', before, after, hashOnly: !definitionChanged });
      }
    }
  }
  return changes;
}

/** One line of a readable definition diff. */
export interface DefinitionDifference {
  /** Where: `on`, `prefixes`, `stopwords`, `field <attribute>`, `field <attribute>.<option>`. */
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

/**
 * The differences between two definitions, option by option, for `verify` and `status`.
 * Fields are matched by their `AS` name; a moved field is reported as a change of order.
 */
export function describeDefinitionDifferences(expected: IndexDefinition, actual: IndexDefinition): DefinitionDifference[] {
  const a = normalizeDefinition(expected);
  const b = normalizeDefinition(actual);
  const out: DefinitionDifference[] = [];
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  if (a.on !== b.on) out.push({ path: 'on', expected: a.on, actual: b.on });
  if (!same(a.prefixes, b.prefixes)) out.push({ path: 'prefixes', expected: a.prefixes, actual: b.prefixes });
  if (!same(a.stopwords, b.stopwords)) out.push({ path: 'stopwords', expected: a.stopwords, actual: b.stopwords });
  const actualFields = new Map(b.fields.map((f) => [f.attribute, f]));
  for (const field of a.fields) {
    const other = actualFields.get(field.attribute);
    if (other === undefined) {
      out.push({ path: `field ${field.attribute}`, expected: field, actual: null });
      continue;
    }
    const keys = [...new Set([...Object.keys(field), ...Object.keys(other)])].sort();
    for (const key of keys) {
      const x = (field as Record<string, unknown>)[key];
      const y = (other as Record<string, unknown>)[key];
      // An option one side lacks is null, as shown: no line that reads `expected null, live null`.
      if (!same(x ?? null, y ?? null)) out.push({ path: `field ${field.attribute}.${key}`, expected: x ?? null, actual: y ?? null });
    }
  }
  const expectedNames = new Set(a.fields.map((f) => f.attribute));
  for (const field of b.fields) {
    if (!expectedNames.has(field.attribute)) out.push({ path: `field ${field.attribute}`, expected: null, actual: field });
  }
  const order = (fields: readonly { attribute: string }[]) => fields.map((f) => f.attribute).filter((n) => actualFields.has(n) && expectedNames.has(n));
  if (out.length === 0 && !same(order(a.fields), order(b.fields))) {
    out.push({ path: 'field order', expected: a.fields.map((f) => f.attribute), actual: b.fields.map((f) => f.attribute) });
  }
  return out;
}
