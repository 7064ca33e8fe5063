import type { IndexState } from './diff';
import type { IndexMove } from './migration-plan';
import { SchemaPlanError } from './errors';
import { definitionHash, type IndexDefinition } from './index-definition';
import { planIndex, versionedIndexName, type IndexPlan, type LiveLayout, type PlanStep, type SchemaStrategy } from './plan';
import { prefixChanges, schemaRenamePairs } from './schema-renames';
import type { SchemaSnapshot } from './snapshot';

/**
 * Pure planning of confirmed schema renames. Queries must keep answering with every document
 * all along, through the old name and the new one, so a key-prefix change is:
 *
 * 1. `bridge`: build an index over both prefixes (the new definition, PREFIX new old) and point
 *    both names at it: a key is under exactly one prefix at any moment, so it counts once;
 * 2. `move` the keys, then sweep the old prefix again for keys the app wrote meanwhile;
 * 3. the ordinary swap of the new name to its own definition (which drops the bridge, and the
 *    old name's alias with it);
 * 4. `retire` the old name: drop what is left of it and redis-om's stored hash.
 *
 * An index-name change with the same prefix moves nothing: the new name becomes an alias of
 * the live index when that already is behind an alias (no reindexing), and the old alias is
 * removed.
 */

/** One schema rename, in the direction it is applied (`down` swaps old and new). */
export interface SchemaRenameStep {
  readonly from: IndexState;
  readonly to: IndexState;
  /** True when the key prefix changes: documents move. */
  readonly movesKeys: boolean;
}

/** The schema renames of a snapshot, `up` or `down` (a rollback moves the documents back). Pure. */
export function schemaRenameStepsOf(snapshot: SchemaSnapshot, direction: 'up' | 'down'): SchemaRenameStep[] {
  return schemaRenamePairs(snapshot.changes).map((pair) => {
    const [from, to] = direction === 'up' ? [pair.from, pair.to] : [pair.to, pair.from];
    return { from, to, movesKeys: prefixChanges(pair) };
  });
}

/** The old-prefix → new-prefix pairs of a step (redis-om models have one prefix each). */
export function prefixPairs(step: SchemaRenameStep): { from: string; to: string }[] {
  const from = step.from.definition.prefixes;
  const to = step.to.definition.prefixes;
  if (from.length !== to.length) {
    throw new SchemaPlanError(`${step.from.indexName} → ${step.to.indexName}: ${from.length} key prefix(es) cannot be moved to ${to.length}.`, {
      hint: 'A schema rename moves each key prefix to one new prefix; move the keys with a data migration instead.',
    });
  }
  return from.map((p, i) => ({ from: p, to: to[i]! }));
}

/** The new definition over both prefixes: what answers both names while keys move. Pure. */
export function bridgeDefinition(step: SchemaRenameStep): IndexDefinition {
  const to = step.to.definition;
  return { ...to, prefixes: [...new Set([...to.prefixes, ...step.from.definition.prefixes])] };
}

/** The bridge as an index state of the new name (the new redis-om hash, so the app leaves it alone). */
export function bridgeState(step: SchemaRenameStep): IndexState {
  const definition = bridgeDefinition(step);
  return { ...step.to, definition, hash: definitionHash(definition) };
}

/** The real index name of the bridge. */
export function bridgeIndexName(step: SchemaRenameStep): string {
  return versionedIndexName(step.to.indexName, bridgeState(step).hash);
}

const command = (argv: string[], why: string): PlanStep => ({ kind: 'command', argv, why });

/** Points `name` (live as `live`) at `physical`, keeping it answering all along. */
function pointAt(name: string, live: LiveLayout, physical: string): PlanStep[] {
  if (live.kind === 'absent') return [command(['FT.ALIASADD', name, physical], `make ${name} answer from ${physical}`)];
  if (live.physicalName === physical) return [];
  if (live.kind === 'plain') {
    return [
      command(['FT.ALIASADD', name, physical], `add alias ${name} (hidden by the plain index until it is dropped)`),
      command(['FT.DROPINDEX', name], `drop the plain index; alias ${name} takes over (no DD)`),
    ];
  }
  return [
    command(['FT.ALIASUPDATE', name, physical], `point alias ${name} at ${physical}`),
    command(['FT.DROPINDEX', live.physicalName!], 'drop the old index (documents are kept: no DD)'),
  ];
}

/**
 * What comes before the keys move (or, without a prefix change, before the ordinary move of the
 * new name). Empty when there is nothing to do: the new name answers with its own definition
 * already (a rerun after the switch). Pure.
 */
export function planSchemaRenameStart(
  step: SchemaRenameStep,
  live: { readonly from: LiveLayout; readonly to: LiveLayout; readonly toFinal: boolean },
  existingIndexes: readonly string[],
  strategy: SchemaStrategy,
): IndexPlan {
  const { from, to } = step;
  if (live.toFinal) return { indexName: to.indexName, strategy, summary: `${to.indexName}: already answers with its new definition`, steps: [] };
  if (!step.movesKeys) {
    // The alias scheme lets one physical index answer two names: no reindexing.
    const steps = live.from.kind === 'alias' && live.to.kind === 'absent' ? pointAt(to.indexName, live.to, live.from.physicalName!) : [];
    return {
      indexName: to.indexName,
      strategy,
      summary:
        steps.length > 0
          ? `${to.indexName}: alias of ${live.from.physicalName}, the index behind ${from.indexName} (no reindexing)`
          : `${to.indexName}: built as its own index (${from.indexName} is ${live.from.kind === 'plain' ? 'a plain index, which cannot take a second name' : live.from.kind})`,
      steps,
    };
  }
  const bridge = planIndex({ indexName: to.indexName, target: bridgeState(step), live: live.to, existingIndexes, strategy: 'swap' });
  const physical = bridgeIndexName(step);
  return {
    indexName: to.indexName,
    strategy,
    summary: `${to.indexName}, ${from.indexName}: bridge ${physical} over ${bridgeDefinition(step).prefixes.map((p) => `${p}*`).join(', ')} answers both names while the keys move`,
    steps: [...bridge.steps, ...pointAt(from.indexName, live.from, physical)],
  };
}

/**
 * Removes the old name once the new one answers with its own index: an alias that shares its
 * index with the new name is deleted (FT.ALIASDEL), anything else is dropped (never DD), and
 * redis-om's stored hash of the old model goes unless the new model keeps it at the same key.
 */
export function planSchemaRenameEnd(step: SchemaRenameStep, live: LiveLayout, physicalOfNew: string | null, strategy: SchemaStrategy): IndexPlan {
  const { from, to } = step;
  const steps: PlanStep[] = [];
  if (live.kind === 'alias' && live.physicalName === physicalOfNew) {
    steps.push(command(['FT.ALIASDEL', from.indexName], `remove the old name; ${physicalOfNew} keeps serving ${to.indexName}`));
  } else if (live.kind !== 'absent') {
    steps.push(command(['FT.DROPINDEX', live.physicalName!], `drop the index behind the old name ${from.indexName} (no DD)`));
  }
  if (from.indexHashName !== to.indexHashName && live.storedIndexHash !== null) {
    steps.push(command(['DEL', from.indexHashName], "remove redis-om's stored hash of the old model"));
  }
  return { indexName: from.indexName, strategy, summary: steps.length === 0 ? `${from.indexName}: already gone` : `${from.indexName}: retire the old name`, steps };
}

/** What a step does, for plans and logs. */
export function describeSchemaRename(step: SchemaRenameStep): string[] {
  const keys = (s: IndexState) => s.definition.prefixes.map((p) => `${p}*`).join(', ');
  if (!step.movesKeys) return [`(index) ${step.from.indexName} renamed to ${step.to.indexName}: no document changes`];
  return [
    `(data) move every ${keys(step.from)} ${step.from.definition.on} key to ${keys(step.to)} (RENAMENX, never over an existing key; a key changing cluster slot: DUMP, RESTORE, compare, then delete), while ${step.from.indexName} and ${step.to.indexName} answer from a bridge index over both prefixes`,
    `(data) sweep ${keys(step.from)} again for keys written during the move`,
  ];
}

/** The checkpoint name of a step's move (or sweep) of one prefix: under the migration's scans. */
export function keyMoveName(migrationId: string, step: SchemaRenameStep, pass: 'move' | 'sweep', pair: { from: string; to: string }): string {
  return `schema:${migrationId}:${step.to.indexName}:${pass}-keys:${pair.from}>${pair.to}`;
}

/**
 * The moves `apply` makes beside the schema renames: the removal of each renamed-away index is
 * left out (its name is retired once the new one switched, not dropped first). Pure.
 */
export function withoutRetired(moves: readonly IndexMove[], steps: readonly SchemaRenameStep[]): IndexMove[] {
  const retired = new Set(steps.map((step) => step.from.indexName));
  return moves.filter((move) => !(move.target === null && retired.has(move.indexName)));
}
