import { ConfigError } from '../errors';
import { classifyChange, type ClassifiedChange } from './classify';
import type { IndexChange, IndexState } from './diff';
import { definitionHash, type IndexDefinition } from './index-definition';

/**
 * Pure resolution of renamed schemas: a model that disappeared from the models while another
 * with the same data structure and the same fields appeared (a new `schemaName`, so a new key
 * prefix and index name, or only a new `indexName`). Asked, never guessed: `--rename-schema
 * old:new` or the prompt makes the added index `renamedFrom` the removed one, and `run` moves
 * the documents; `--drop-schema old` says the old model goes with its documents left behind.
 */

/** What the user said about removed schemas (the CLI options, or the generator's). */
export interface SchemaRenameChoices {
  /** `old:new` pairs, each a schema name or an index name. */
  readonly renameSchemas?: readonly string[];
  /** Removed schemas (schema or index name) whose documents stay behind on purpose. */
  readonly dropSchemas?: readonly string[];
}

/** A removed index nobody decided about, with the added indexes it could have become. */
export interface UnresolvedSchema {
  readonly removed: IndexState;
  readonly candidates: readonly IndexState[];
}

/** Asked on a terminal: the added index `removed` became, or null when it was removed. */
export type SchemaRenameQuestion = (question: UnresolvedSchema) => Promise<IndexState | null>;

/** What a schema rename is made of, for plans and classification. */
export interface SchemaRenamePair {
  readonly from: IndexState;
  readonly to: IndexState;
}

/** The fields as queries see them: name, stored location, type (options may differ). */
const fieldShape = (d: IndexDefinition) =>
  d.fields
    .map((f) => `${f.attribute}\u0000${f.identifier}\u0000${f.type}`)
    .sort()
    .join('\n');

/** Whether the documents of `from` can be the documents of `to`: same structure, same fields. Pure. */
export function renamableSchema(from: IndexState, to: IndexState): boolean {
  return from.definition.on === to.definition.on && fieldShape(from.definition) === fieldShape(to.definition);
}

/** True when a rename moves documents (their key prefix changes), not only the index name. */
export function prefixChanges(pair: SchemaRenamePair): boolean {
  return JSON.stringify(pair.from.definition.prefixes) !== JSON.stringify(pair.to.definition.prefixes);
}

/** The confirmed schema renames of a set of changes (added `renamedFrom` a removed one). Pure. */
export function schemaRenamePairs(changes: readonly Pick<IndexChange, 'indexName' | 'kind' | 'before' | 'after' | 'renamedFrom'>[]): SchemaRenamePair[] {
  return changes.flatMap((c) => {
    if (c.renamedFrom === undefined || c.after === null) return [];
    const removed = changes.find((r) => r.kind === 'removed' && r.indexName === c.renamedFrom);
    return removed?.before ? [{ from: removed.before, to: c.after }] : [];
  });
}

const names = (s: IndexState) => [s.schemaName, s.indexName];

/**
 * Applies the choices: each added index renamed from a removed one gets `renamedFrom`, and the
 * removed indexes with a compatible added one that no choice covers are returned unresolved.
 * Throws a {@link ConfigError} for a choice that matches nothing.
 */
export function resolveSchemaRenames(changes: readonly IndexChange[], choices: SchemaRenameChoices): { changes: IndexChange[]; unresolved: UnresolvedSchema[] } {
  let out = [...changes];
  const unused: string[] = [];
  for (const text of choices.renameSchemas ?? []) {
    const found = splitsOf(text)
      .map(({ from, to }) => ({
        removed: out.find((c) => c.kind === 'removed' && names(c.before!).includes(from)),
        added: out.find((c) => c.kind === 'added' && c.renamedFrom === undefined && names(c.after!).includes(to)),
      }))
      .find((m) => m.removed !== undefined && m.added !== undefined);
    if (!found) {
      unused.push(`--rename-schema ${text}`);
      continue;
    }
    const { removed, added } = found as { removed: IndexChange; added: IndexChange };
    if (!renamableSchema(removed.before!, added.after!)) {
      throw new ConfigError(`--rename-schema ${text}: ${removed.indexName} and ${added.indexName} do not hold the same documents (data structure or fields differ).`, {
        hint: 'A schema rename keeps the fields: rename the schema in one migration, change its fields in the next.',
      });
    }
    out = answerSchemaRename(out, removed.before!, added.after!);
  }
  const drops = (choices.dropSchemas ?? []).map((name) => ({ name, used: false }));
  const unresolved: UnresolvedSchema[] = [];
  for (const change of out) {
    if (change.kind !== 'removed' || out.some((c) => c.renamedFrom === change.indexName)) continue;
    const drop = drops.find((d) => names(change.before!).includes(d.name));
    if (drop) {
      drop.used = true;
      continue;
    }
    const candidates = out.filter((c) => c.kind === 'added' && c.renamedFrom === undefined && renamableSchema(change.before!, c.after!)).map((c) => c.after!);
    if (candidates.length > 0) unresolved.push({ removed: change.before!, candidates });
  }
  unused.push(...drops.filter((d) => !d.used).map((d) => `--drop-schema ${d.name}`));
  if (unused.length > 0) {
    throw new ConfigError(`${unused.join(', ')} matches no schema the models removed (or no added schema of the same shape).`, {
      hint: 'Name the schema as the models did before (its schemaName or indexName) and, for a rename, the schema added in its place.',
    });
  }
  return { changes: out, unresolved };
}

/** Records one answer: `to` renamed from `removed`, or (null) the old schema dropped. */
export function answerSchemaRename(changes: readonly IndexChange[], removed: IndexState, to: IndexState | null): IndexChange[] {
  if (to === null) return [...changes];
  return changes.map((c) => (c.kind === 'added' && c.indexName === to.indexName ? { ...c, renamedFrom: removed.indexName } : c));
}

/** How a question names the two sides: by schema name, or by index name when only that changed. */
export function schemaRenameLabels(from: IndexState, to: IndexState): { from: string; to: string } {
  return from.schemaName !== to.schemaName ? { from: from.schemaName, to: to.schemaName } : { from: from.indexName, to: to.indexName };
}

/** Why `create` refuses, naming both ways on. */
export function unresolvedSchemaMessage(unresolved: readonly UnresolvedSchema[]): { message: string; hint: string } {
  const lines = unresolved.map((u) => {
    const added = u.candidates.map((c) => `${c.schemaName} (${c.indexName}, keys ${c.definition.prefixes.map((p) => `${p}*`).join(', ')})`).join(' or ');
    const label = schemaRenameLabels(u.removed, u.candidates[0]!);
    return `schema ${u.removed.schemaName} (${u.removed.indexName}, keys ${u.removed.definition.prefixes.map((p) => `${p}*`).join(', ')}) was removed and ${added} added with the same fields. Did you rename schema ${label.from} to ${label.to}?`;
  });
  const renames = unresolved.map((u) => {
    const label = schemaRenameLabels(u.removed, u.candidates[0]!);
    return `--rename-schema ${label.from}:${label.to}`;
  });
  const drops = unresolved.map((u) => `--drop-schema ${u.candidates.some((c) => c.schemaName === u.removed.schemaName) ? u.removed.indexName : u.removed.schemaName}`);
  return {
    message: `No schema migration was written: it would leave the documents of ${unresolved.length} schema${unresolved.length === 1 ? '' : 's'} behind.\n${lines.map((l) => `  ${l}`).join('\n')}`,
    hint:
      `To move the documents to the new schema (\`om migrate run\` renames every key and the index), run again with ${renames.join(' ')}. ` +
      `To remove the old schema's index on purpose (its documents stay under the old keys, unindexed), run again with ${drops.join(' ')}.`,
  };
}

/**
 * Every way to read `old:new`: index names hold colons (`user:index`), so each colon is tried
 * and the caller keeps the split that names a removed and an added schema.
 */
function splitsOf(text: string): { from: string; to: string }[] {
  const out: { from: string; to: string }[] = [];
  for (let i = text.indexOf(':'); i >= 0; i = text.indexOf(':', i + 1)) {
    const from = text.slice(0, i).trim();
    const to = text.slice(i + 1).trim();
    if (from !== '' && to !== '') out.push({ from, to });
  }
  if (out.length === 0) throw new ConfigError(`--rename-schema ${text} is not old:new.`, { hint: 'Name the schema before and after, e.g. --rename-schema user:person.' });
  return out;
}

/** Every difference of a snapshot's changes, classified, schema renames as one change each. Pure. */
export function classifyWithSchemaRenames(changes: readonly IndexChange[]): ClassifiedChange[] {
  const pairs = schemaRenamePairs(changes);
  const renamedAway = new Set(pairs.map((p) => p.from.indexName));
  return changes.flatMap((c) => {
    if (renamedAway.has(c.indexName) && c.kind === 'removed') return [];
    const pair = pairs.find((p) => p.to.indexName === c.indexName && c.renamedFrom !== undefined);
    return pair ? classifySchemaRename(pair) : classifyChange(c, c.renames ?? []);
  });
}

/** A confirmed schema rename, classified: moving keys when the prefix changes, index-only otherwise. Pure. */
export function classifySchemaRename(pair: SchemaRenamePair): ClassifiedChange[] {
  const { from, to } = pair;
  const keys = (s: IndexState) => s.definition.prefixes.map((p) => `${p}*`).join(', ');
  const out: ClassifiedChange[] = [
    prefixChanges(pair)
      ? {
          indexName: to.indexName,
          class: 'document-dependent',
          what: `schema ${from.schemaName} renamed to ${to.schemaName} (keys ${keys(from)} → ${keys(to)}, index ${from.indexName} → ${to.indexName})`,
          why: `every document is stored under ${keys(from)}; the new index reads ${keys(to)}`,
          automated: true,
        }
      : {
          indexName: to.indexName,
          class: 'index-only',
          what: `index ${from.indexName} renamed to ${to.indexName} (same keys ${keys(to)})`,
          why: 'the documents stay where they are; the new name is an alias of the live index (no reindexing when it already is behind an alias)',
          automated: true,
        },
  ];
  // Option changes made together with the rename (sortable, weight…) are index-only.
  const aligned = { ...from.definition, indexName: to.indexName, prefixes: to.definition.prefixes };
  if (definitionHash(aligned) !== to.hash) {
    const before = { ...from, indexName: to.indexName, definition: aligned, hash: definitionHash(aligned) };
    out.push(...classifyChange({ indexName: to.indexName, kind: 'changed', before, after: to, hashOnly: false }).filter((c) => c.what !== 'field order'));
  }
  return out;
}
