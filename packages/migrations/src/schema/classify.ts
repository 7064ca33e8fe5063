import type { IndexChange } from './diff';
import type { IndexDataStructure, IndexField, IndexFieldType } from './index-definition';

/**
 * Pure classification of schema changes, after RedisVL's index migrator: what a change asks of
 * the documents. `index-only`: rebuilding the index is all it takes. `document-dependent`: the
 * stored documents must change too (a renamed field, a new key prefix, values of another type).
 * `blocked`: no migration can do it safely; `todo` says what to do instead.
 */

/** How far a change reaches. */
export type ChangeClass = 'index-only' | 'document-dependent' | 'blocked';

/** One classified difference of one index. */
export interface ClassifiedChange {
  readonly indexName: string;
  readonly class: ChangeClass;
  /** What changed, in the model's words: `field name renamed to fullName`. */
  readonly what: string;
  /** Why it is in its class. */
  readonly why: string;
  /** What the user must do, when the migration does not do everything itself. */
  readonly todo?: string;
  /** True when `om migrate run` does the document part itself (a confirmed rename). */
  readonly automated: boolean;
}

/** A stored field moved: HASH field names or JSON paths, as the index definitions name them. */
export interface FieldRename {
  /** The `identifier` of the field before (a HASH field, or a JSONPath). */
  readonly from: string;
  /** The `identifier` of the field after. */
  readonly to: string;
}

/** A field removed and one added with a compatible type: perhaps a rename. Never assumed. */
export interface RenameCandidate {
  readonly indexName: string;
  readonly removed: IndexField;
  readonly added: IndexField;
}

/** How the fields of a changed index line up before and after. */
export interface FieldMatching {
  /** Same query name and same stored field, on both sides. */
  readonly kept: readonly { readonly before: IndexField; readonly after: IndexField }[];
  /** Confirmed renames, with both fields. */
  readonly renamed: readonly { readonly before: IndexField; readonly after: IndexField }[];
  readonly removed: readonly IndexField[];
  readonly added: readonly IndexField[];
}

/** Lines up the fields of a change, taking `renames` as confirmed. Pure. */
export function matchFields(change: IndexChange, renames: readonly FieldRename[]): FieldMatching {
  const before = change.before?.definition.fields ?? [];
  const after = change.after?.definition.fields ?? [];
  const same = (a: IndexField, b: IndexField) => a.attribute === b.attribute && a.identifier === b.identifier;
  const kept = before.flatMap((b) => {
    const a = after.find((f) => same(f, b));
    return a ? [{ before: b, after: a }] : [];
  });
  let removed = before.filter((b) => !after.some((f) => same(f, b)));
  let added = after.filter((a) => !before.some((f) => same(f, a)));
  const renamed: { before: IndexField; after: IndexField }[] = [];
  for (const rename of renames) {
    const b = removed.find((f) => f.identifier === rename.from);
    const a = added.find((f) => f.identifier === rename.to);
    if (!b || !a) continue;
    renamed.push({ before: b, after: a });
    removed = removed.filter((f) => f !== b);
    added = added.filter((f) => f !== a);
  }
  return { kept, renamed, removed, added };
}

/**
 * Whether values stored for a field of type `from` can be indexed as `to` unchanged: TEXT and
 * TAG both index the same strings; anything else changes what must be stored.
 */
export function compatibleTypes(from: IndexFieldType, to: IndexFieldType): boolean {
  return from === to || (isStringType(from) && isStringType(to));
}

function isStringType(type: IndexFieldType): boolean {
  return type === 'TEXT' || type === 'TAG';
}

/** Removed and added fields of each change that could be one field renamed. Pure. */
export function renameCandidates(change: IndexChange, renames: readonly FieldRename[] = []): RenameCandidate[] {
  if (change.kind !== 'changed' || change.before!.definition.on !== change.after!.definition.on) return [];
  const { removed, added } = matchFields(change, renames);
  return removed.flatMap((r) => added.filter((a) => compatibleTypes(r.type, a.type)).map((a) => ({ indexName: change.indexName, removed: r, added: a })));
}

const OPTION_KEYS = ['sortable', 'unf', 'noindex', 'weight', 'nostem', 'phonetic', 'separator', 'caseSensitive'] as const;

/** Every difference of one change, classified. `renames` are the confirmed ones. Pure. */
export function classifyChange(change: IndexChange, renames: readonly FieldRename[] = []): ClassifiedChange[] {
  const indexName = change.indexName;
  const out: ClassifiedChange[] = [];
  const add = (c: Omit<ClassifiedChange, 'indexName' | 'automated'> & { automated?: boolean }) =>
    out.push({ indexName, automated: c.class === 'index-only', ...c });
  if (change.kind === 'added') {
    add({ class: 'index-only', what: 'new index', why: 'documents already under its prefix are indexed as they are' });
    return out;
  }
  if (change.kind === 'removed') {
    add({ class: 'index-only', what: 'index removed (model deleted)', why: 'the index is dropped; the documents are kept' });
    return out;
  }
  if (change.hashOnly) {
    add({ class: 'index-only', what: "redis-om's index hash only", why: 'the server indexes the same way; only the stored hash is updated' });
    return out;
  }
  const before = change.before!.definition;
  const after = change.after!.definition;
  if (before.on !== after.on) {
    add({
      class: 'blocked',
      what: `data structure ${before.on} → ${after.on}`,
      why: `${before.on} and ${after.on} documents are stored as different Redis types: the new index would find none of the existing documents and redis-om could not read them`,
      todo: `keep dataStructure '${before.on}', or add a new model (its own schemaName) on ${after.on}, copy the documents with a data migration (om migrate-data create), then remove the old model`,
    });
    return out;
  }
  if (JSON.stringify(before.prefixes) !== JSON.stringify(after.prefixes)) {
    add({
      class: 'document-dependent',
      what: `key prefix ${before.prefixes.join(', ')} → ${after.prefixes.join(', ')}`,
      why: 'the documents stay under the old key names: the new index would find none of them',
      todo: 'move the keys with a data migration in the same deploy (RENAME each key once the target is known not to exist), or keep the schemaName',
    });
  }
  if (JSON.stringify(before.stopwords) !== JSON.stringify(after.stopwords)) {
    add({ class: 'index-only', what: 'stop words', why: 'the server tokenises the stored text again when it builds the index' });
  }
  const matching = matchFields(change, renames);
  for (const { before: b, after: a } of matching.renamed) {
    add({
      class: 'document-dependent',
      what: `field ${b.attribute} ${b.attribute === a.attribute ? 'moved' : `renamed to ${a.attribute}`} (${storedName(before.on)} ${b.identifier} → ${a.identifier})`,
      why: `every document stores the value under ${b.identifier}; the new index reads ${a.identifier}`,
      automated: true,
    });
    typeChange(b, a, before.on, add);
  }
  for (const { before: b, after: a } of matching.kept) {
    typeChange(b, a, before.on, add);
    const options = OPTION_KEYS.filter((key) => b.type === a.type && JSON.stringify(b[key] ?? null) !== JSON.stringify(a[key] ?? null));
    if (options.length > 0) {
      add({
        class: 'index-only',
        what: `field ${a.attribute}: ${options.map((key) => `${key} ${show(b[key])} → ${show(a[key])}`).join(', ')}`,
        why: 'the stored values stay as they are; only how they are indexed changes',
      });
    }
  }
  for (const f of matching.removed) {
    add({
      class: 'index-only',
      what: `field ${f.attribute} removed (${storedName(before.on)} ${f.identifier})`,
      why: 'queries can no longer search or sort on it; the documents keep the values',
    });
  }
  for (const f of matching.added) {
    add({
      class: 'index-only',
      what: `field ${f.attribute} added (${storedName(after.on)} ${f.identifier})`,
      why: 'documents that hold it are indexed; the others simply lack it',
    });
  }
  if (out.length === 0) {
    add({ class: 'index-only', what: 'field order', why: 'the same fields in another order: the index is rebuilt, documents stay' });
  }
  return out;
}

function typeChange(
  b: IndexField,
  a: IndexField,
  on: IndexDataStructure,
  add: (c: Omit<ClassifiedChange, 'indexName' | 'automated'> & { automated?: boolean }) => void,
): void {
  if (b.type === a.type) return;
  const what = `field ${a.attribute}: type ${b.type} → ${a.type}`;
  if (compatibleTypes(b.type, a.type) || (on === 'HASH' && b.type === 'NUMERIC' && isStringType(a.type))) {
    add({ class: 'index-only', what, why: `the stored ${on === 'HASH' ? 'strings' : 'values'} index as ${a.type} unchanged` });
    return;
  }
  const needed =
    a.type === 'NUMERIC'
      ? 'numbers'
      : a.type === 'GEO'
        ? '"lon,lat" points'
        : on === 'JSON'
          ? 'JSON strings (RediSearch does not index JSON numbers as TEXT or TAG)'
          : 'strings';
  add({
    class: 'document-dependent',
    what,
    why: `the stored values must become ${needed}; the new index fails on every document that holds another kind`,
    todo: 'convert the stored values with a data migration (om migrate-data create) before `om migrate run`; the run stops on indexing failures otherwise',
  });
}

function storedName(on: IndexDataStructure): string {
  return on === 'HASH' ? 'HASH field' : 'JSON path';
}

function show(value: unknown): string {
  return value === undefined || value === null ? 'none' : JSON.stringify(value);
}

/** The classified changes as lines, for `create`, `status` and `run --dry-run`. Pure. */
export function formatClassified(changes: readonly ClassifiedChange[], indent = '  '): string[] {
  return changes.flatMap((c) => {
    const lines = [`${indent}${c.class.padEnd(18)} ${c.indexName}: ${c.what}`, `${indent}${' '.repeat(19)}why: ${c.why}`];
    if (c.todo) lines.push(`${indent}${' '.repeat(19)}${c.class === 'blocked' ? 'instead' : 'to do'}: ${c.todo}`);
    return lines;
  });
}
