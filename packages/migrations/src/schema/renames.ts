import { ConfigError } from '../errors';
import { renameCandidates, matchFields, type FieldRename } from './classify';
import type { IndexChange } from './diff';
import type { IndexField } from './index-definition';

/**
 * Pure resolution of removed fields: each is renamed (`--rename old:new`, or answered at the
 * prompt), dropped on purpose (`--drop old`), or left unresolved, and `create` refuses to write
 * a snapshot while any is. Django's autodetector asks "Did you rename X to Y?"; so do we, and
 * never guess.
 */

/** What the user said on the command line (or the generator's options). */
export interface RenameChoices {
  /** `old:new` pairs, old and new each a field name (the query name) or its HASH field / JSON path. */
  readonly renames?: readonly string[];
  /** Removed fields whose data may leave search. */
  readonly drops?: readonly string[];
}

/** A removed field nobody decided about yet, with the added fields it could be renamed to. */
export interface UnresolvedField {
  readonly indexName: string;
  readonly field: IndexField;
  readonly candidates: readonly IndexField[];
}

/** Asked on a terminal: the added field `field` was renamed to, or null to drop it. */
export type RenameQuestion = (question: UnresolvedField) => Promise<IndexField | null>;

/** `old:new`, split. Throws a {@link ConfigError} for anything else. */
export function parseRenameOption(text: string): { from: string; to: string } {
  // A JSONPath holds no colon, so the first one separates the two names.
  const at = text.indexOf(':');
  const from = at < 0 ? '' : text.slice(0, at).trim();
  const to = at < 0 ? '' : text.slice(at + 1).trim();
  if (from === '' || to === '') {
    throw new ConfigError(`--rename ${text} is not old:new.`, { hint: 'Name the field before and after, e.g. --rename name:fullName.' });
  }
  return { from, to };
}

/** A JSONPath in dot form where it can be: redis-om writes `$["name"]`, people type `$.name`. */
function dotted(path: string): string {
  return path.replace(/\["([A-Za-z_$][\w$]*)"\]/g, '.$1');
}

/** What a user may call a field: its query name, or where it is stored (in either JSONPath form). */
const names = (f: IndexField) => [f.attribute, f.identifier, dotted(f.identifier), dotted(f.identifier).replace(/\[\*\]$/, '')];

/** How a question names a field: by query name, or by where it is stored when that is what moved. */
const label = (f: IndexField, other: IndexField) => (f.attribute !== other.attribute ? f.attribute : dotted(f.identifier));

/**
 * Applies the choices to the changes: the renames each change gets, and the removed fields no
 * choice covers. Throws a {@link ConfigError} for a choice that matches nothing (a typo must
 * not pass silently).
 */
export function resolveRenames(changes: readonly IndexChange[], choices: RenameChoices): { changes: IndexChange[]; unresolved: UnresolvedField[] } {
  const pairs = (choices.renames ?? []).map((text) => ({ text, ...parseRenameOption(text), used: false }));
  const drops = (choices.drops ?? []).map((name) => ({ name, used: false }));
  const resolved = changes.map((change) => {
    const renames: FieldRename[] = [...(change.renames ?? [])];
    for (const pair of pairs) {
      const candidate = renameCandidates(change, renames).find((c) => names(c.removed).includes(dotted(pair.from)) && names(c.added).includes(dotted(pair.to)));
      if (!candidate) continue;
      renames.push({ from: candidate.removed.identifier, to: candidate.added.identifier });
      pair.used = true;
    }
    return renames.length > 0 ? { ...change, renames } : change;
  });
  const unresolved: UnresolvedField[] = [];
  for (const change of resolved) {
    if (change.kind !== 'changed' || change.hashOnly) continue;
    const { removed } = matchFields(change, change.renames ?? []);
    for (const field of removed) {
      const drop = drops.find((d) => names(field).includes(dotted(d.name)));
      if (drop) {
        drop.used = true;
        continue;
      }
      const sameOn = change.before!.definition.on === change.after!.definition.on;
      // A change of data structure is blocked as a whole: its fields are not asked about.
      if (!sameOn) continue;
      const candidates = renameCandidates(change, change.renames).filter((c) => c.removed === field).map((c) => c.added);
      unresolved.push({ indexName: change.indexName, field, candidates });
    }
  }
  const unused = [...pairs.filter((p) => !p.used).map((p) => `--rename ${p.text}`), ...drops.filter((d) => !d.used).map((d) => `--drop ${d.name}`)];
  if (unused.length > 0) {
    throw new ConfigError(`${unused.join(', ')} matches no field the models removed.`, {
      hint: 'Name the field as the model did before (its name, HASH field or JSON path) and, for a rename, an added field of a compatible type (TEXT and TAG are interchangeable).',
    });
  }
  return { changes: resolved, unresolved };
}

/** Records one answer: `to` renamed from `question.field`, or (null) the field dropped. */
export function answerRename(changes: readonly IndexChange[], question: UnresolvedField, to: IndexField | null): IndexChange[] {
  if (to === null) return [...changes];
  return changes.map((c) =>
    c.indexName === question.indexName ? { ...c, renames: [...(c.renames ?? []), { from: question.field.identifier, to: to.identifier }] } : c,
  );
}

/** Why `create` refuses, naming both ways on. */
export function unresolvedMessage(unresolved: readonly UnresolvedField[]): { message: string; hint: string } {
  const lines = unresolved.map((u) => {
    const first = u.candidates[0];
    if (!first) return `${u.indexName}: field ${u.field.attribute} was removed.`;
    const added = u.candidates.map((c) => label(c, u.field)).join(' or ');
    return `${u.indexName}: field ${label(u.field, first)} was removed and ${added} added (${u.field.type}). Did you rename ${label(u.field, first)} to ${label(first, u.field)}?`;
  });
  const renames = unresolved.flatMap((u) => (u.candidates[0] ? [`--rename ${label(u.field, u.candidates[0])}:${label(u.candidates[0], u.field)}`] : []));
  const drops = unresolved.map((u) => `--drop ${u.field.attribute}`);
  return {
    message: `No schema migration was written: it would drop the data of ${unresolved.length} field${unresolved.length === 1 ? '' : 's'} from search.\n${lines.map((l) => `  ${l}`).join('\n')}`,
    hint:
      (renames.length > 0 ? `To keep the data under the new name (every document's stored field is moved by \`om migrate run\`), run again with ${renames.join(' ')}. ` : '') +
      `To remove ${unresolved.length === 1 ? 'it' : 'them'} from the index on purpose (documents keep the values), run again with ${drops.join(' ')}.`,
  };
}
