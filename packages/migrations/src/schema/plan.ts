import type { IndexState } from './diff';
import { SchemaPlanError } from './errors';
import { renderFtCreateArgs } from './ft-create-args';
import { asReportedByFtInfo, type LiveIndex } from './ft-info';
import { definitionHash, type IndexDefinition } from './index-definition';

/**
 * Pure planning of schema migrations: which Redis commands, in which order, bring one index
 * from what is live to a target state. Plans are data: `--dry-run` prints them, the runner
 * sends them, tests read them. Command syntax follows the RediSearch command reference:
 *   FT.CREATE index [ON HASH|JSON] [PREFIX count prefix ...] [STOPWORDS count [stopword ...]] SCHEMA ...
 *   FT.ALIASADD alias index · FT.ALIASUPDATE alias index · FT.DROPINDEX index [DD] · FT.INFO index
 * `DD` is never planned: dropping an index must never delete documents.
 */

/** How an index is moved to a new definition. */
export type SchemaStrategy = 'swap' | 'recreate';

/** The default: no moment when the index name answers "no such index". */
export const DEFAULT_STRATEGY: SchemaStrategy = 'swap';

/** What currently answers to an index name on the server. */
export interface LiveLayout {
  /**
   * `absent`: nothing (FT.INFO says unknown index); `plain`: a real index with that name, as
   * redis-om creates it; `alias`: an alias to a versioned index (FT.INFO reports another name).
   */
  readonly kind: 'absent' | 'plain' | 'alias';
  /** The real index behind the name (the name itself when plain); null when absent. */
  readonly physicalName: string | null;
  /**
   * Hash of the live definition as FT.INFO shows it, compared with the target's hash as FT.INFO
   * would show it (see `asReportedByFtInfo`); null when absent. Used to skip a rebuild that
   * would produce the same index.
   */
  readonly reportedHash: string | null;
  /** The value stored at the target's `indexHashName`, null when missing. */
  readonly storedIndexHash: string | null;
}

/** A layout with nothing live. */
export const ABSENT: LiveLayout = { kind: 'absent', physicalName: null, reportedHash: null, storedIndexHash: null };

/** One step of a plan. */
export type PlanStep =
  | {
      readonly kind: 'command';
      /** The exact argv sent to Redis. */
      readonly argv: readonly string[];
      /** Why this command is there, for `--dry-run` and logs. */
      readonly why: string;
    }
  | {
      readonly kind: 'wait-indexed';
      /** Poll `FT.INFO <indexName>` until `indexing` is 0; fail on indexing failures. */
      readonly indexName: string;
      readonly why: string;
    };

/** The plan for one index. */
export interface IndexPlan {
  readonly indexName: string;
  readonly strategy: SchemaStrategy;
  /** One line for humans: what happens to the index. */
  readonly summary: string;
  readonly steps: readonly PlanStep[];
}

/** What to plan for one index. */
export interface IndexPlanInput {
  /** The name applications query (redis-om's `indexName`). */
  readonly indexName: string;
  /** The state to reach, or null to remove the index. */
  readonly target: IndexState | null;
  /** What is live now. */
  readonly live: LiveLayout;
  /** Every real index on the server (`FT._LIST`), to reuse a half-done swap and avoid clashes. */
  readonly existingIndexes?: readonly string[];
  readonly strategy?: SchemaStrategy;
  /** The key where redis-om stores its hash, when there is no target (removal). */
  readonly indexHashName?: string;
}

/**
 * The real index name the `swap` strategy builds a definition under: `<indexName>:v:<12 hex of
 * the definition hash>`. Derived from the content, so re-running a half-done migration finds
 * its own index, and a rollback gets back the name of the definition it restores.
 */
export function versionedIndexName(indexName: string, definitionHashValue: string): string {
  const hex = definitionHashValue.replace(/^sha256:/, '').slice(0, 12);
  if (!/^[0-9a-f]{12}$/.test(hex)) throw new SchemaPlanError(`Not a definition hash: ${definitionHashValue}`);
  return `${indexName}:v:${hex}`;
}

/**
 * The hash of a definition as FT.INFO would show it under the name `indexName`: comparable
 * between a compiled or snapshot definition and a live one read through an alias (whose
 * FT.INFO reports the versioned name and no PHONETIC).
 */
export function reportedHash(definition: IndexDefinition, indexName: string): string {
  return definitionHash({ ...asReportedByFtInfo(definition), indexName });
}

/**
 * The layout of `indexName` from what the server said: its FT.INFO (null when it answered
 * "unknown index") and the value at redis-om's hash key.
 */
export function liveLayoutOf(indexName: string, info: LiveIndex | null, storedIndexHash: string | null): LiveLayout {
  if (info === null) return { ...ABSENT, storedIndexHash };
  return {
    // FT.INFO through an alias reports the real index's name.
    kind: info.indexName === indexName ? 'plain' : 'alias',
    physicalName: info.indexName,
    // Settings a definition cannot hold make the live index different from any target.
    reportedHash: info.unsupported.length > 0 ? null : reportedHash(info.definition, indexName),
    storedIndexHash,
  };
}

const command = (argv: string[], why: string): PlanStep => ({ kind: 'command', argv, why });

/**
 * A plan in two parts: `build`, a swap's new versioned index created (or found) and waited for
 * until fully indexed, which touches nothing the app queries; and `rest`, what changes what it
 * queries (the stored hash, the alias, dropping the old index). Plans that build nothing beside
 * the live index (recreate, removals, up to date) are all `rest`. Pure.
 */
export function splitBuild(plan: IndexPlan): { readonly build: readonly PlanStep[]; readonly rest: readonly PlanStep[]; readonly builds: string | null } {
  const wait = plan.steps.findIndex((step) => step.kind === 'wait-indexed' && step.indexName !== plan.indexName);
  if (wait < 0) return { build: [], rest: plan.steps, builds: null };
  const step = plan.steps[wait] as Extract<PlanStep, { kind: 'wait-indexed' }>;
  return { build: plan.steps.slice(0, wait + 1), rest: plan.steps.slice(wait + 1), builds: step.indexName };
}

/** Plans one index. Pure. */
export function planIndex(input: IndexPlanInput): IndexPlan {
  const strategy = input.strategy ?? 'swap';
  const { indexName, target, live } = input;
  if (target !== null && target.indexName !== indexName) {
    throw new SchemaPlanError(`Planned index ${indexName} but the target definition is for ${target.indexName}`);
  }
  if (target === null) return planRemoval(input, strategy);

  const setHash = command(
    ['SET', target.indexHashName, target.indexHash],
    "so the app's repository.createIndex() finds the matching hash and leaves the index alone",
  );
  const hashIsCurrent = live.storedIndexHash === target.indexHash;
  const sameIndex = live.kind !== 'absent' && live.reportedHash === reportedHash(target.definition, indexName);

  if (sameIndex) {
    return {
      indexName,
      strategy,
      summary: hashIsCurrent ? `${indexName}: already up to date` : `${indexName}: definition already live, update the stored redis-om hash`,
      steps: hashIsCurrent ? [] : [setHash],
    };
  }

  if (strategy === 'recreate') {
    const steps: PlanStep[] = [];
    if (live.kind !== 'absent') {
      steps.push(
        command(
          ['FT.DROPINDEX', indexName],
          live.kind === 'alias'
            ? `drop ${live.physicalName} through its alias ${indexName} (documents are kept: no DD)`
            : 'drop the old index (documents are kept: no DD)',
        ),
      );
    }
    steps.push(command(renderFtCreateArgs(target.definition, indexName), 'create the new definition'));
    steps.push(setHash);
    steps.push({ kind: 'wait-indexed', indexName, why: 'wait until the server has indexed every document' });
    return {
      indexName,
      strategy,
      summary: `${indexName}: ${live.kind === 'absent' ? 'create' : 'drop and recreate'} (queries fail until it exists again)`,
      steps,
    };
  }

  const versioned = versionedIndexName(indexName, target.hash);
  if (versioned === live.physicalName) {
    throw new SchemaPlanError(`${indexName} already points at ${versioned}, yet its definition differs from the target`, {
      hint: `Check it with \`FT.INFO ${versioned}\`; drop it with FT.DROPINDEX (without DD) and run again.`,
    });
  }
  const steps: PlanStep[] = [];
  if ((input.existingIndexes ?? []).includes(versioned)) {
    // Left by an earlier run that stopped before switching: same name, so same definition.
    steps.push({ kind: 'wait-indexed', indexName: versioned, why: `${versioned} exists from an earlier run; wait until it has indexed everything` });
  } else {
    steps.push(command(renderFtCreateArgs(target.definition, versioned), `build the new definition beside the live one`));
    steps.push({ kind: 'wait-indexed', indexName: versioned, why: 'wait until it has indexed every document; the old index keeps serving' });
  }
  // Before the alias goes live: a mismatched hash would make the app's createIndex() drop the
  // index through the alias and create a plain one in its place.
  steps.push(setHash);
  if (live.kind === 'absent') {
    steps.push(command(['FT.ALIASADD', indexName, versioned], `make ${indexName} answer from ${versioned}`));
  } else if (live.kind === 'plain') {
    // The plain index shadows an alias of the same name until it is dropped, then the alias
    // answers: there is no moment when the name is unknown.
    steps.push(command(['FT.ALIASADD', indexName, versioned], `add alias ${indexName} (hidden by the plain index until it is dropped)`));
    steps.push(command(['FT.DROPINDEX', indexName], `drop the plain index; alias ${indexName} takes over (no DD)`));
  } else {
    steps.push(command(['FT.ALIASUPDATE', indexName, versioned], `point alias ${indexName} at ${versioned}`));
    steps.push(command(['FT.DROPINDEX', requirePhysical(live, indexName)], 'drop the old index (documents are kept: no DD)'));
  }
  return {
    indexName,
    strategy,
    summary:
      live.kind === 'absent'
        ? `${indexName}: create as ${versioned} behind alias ${indexName}`
        : live.kind === 'plain'
          ? `${indexName}: build ${versioned}, move the plain index to alias ${indexName}, drop the old index`
          : `${indexName}: build ${versioned}, switch alias ${indexName} from ${live.physicalName}, drop the old index`,
    steps,
  };
}

function planRemoval(input: IndexPlanInput, strategy: SchemaStrategy): IndexPlan {
  const { indexName, live } = input;
  const steps: PlanStep[] = [];
  if (live.kind !== 'absent') {
    steps.push(
      command(
        ['FT.DROPINDEX', requirePhysical(live, indexName)],
        live.kind === 'alias' ? `drop ${live.physicalName} and with it alias ${indexName} (no DD)` : 'drop the index (no DD)',
      ),
    );
  }
  if (input.indexHashName !== undefined && live.storedIndexHash !== null) {
    steps.push(command(['DEL', input.indexHashName], "remove redis-om's stored hash of the removed model"));
  }
  return {
    indexName,
    strategy,
    summary: live.kind === 'absent' ? `${indexName}: already absent` : `${indexName}: remove (documents are kept)`,
    steps,
  };
}

function requirePhysical(live: LiveLayout, indexName: string): string {
  if (live.physicalName === null) throw new SchemaPlanError(`No live index behind ${indexName}`);
  return live.physicalName;
}

/** Quotes an argument for display the way redis-cli would accept it. */
export function quoteArg(arg: string): string {
  return /^[\w:.$*\-|,/@+=]+$/.test(arg) ? arg : JSON.stringify(arg);
}

/**
 * Plans as printable lines, in the order a run sends them (what `--dry-run` shows): every new
 * index is built first, then each index switches, once all of them are fully indexed (see
 * {@link splitBuild}).
 */
export function formatPlan(plans: readonly IndexPlan[]): string[] {
  const lines: string[] = [];
  const stepLine = (step: PlanStep) =>
    step.kind === 'command'
      ? `  ${step.argv.map(quoteArg).join(' ')}    # ${step.why}`
      : `  (wait) FT.INFO ${quoteArg(step.indexName)} until indexing is 0    # ${step.why}`;
  const parts = plans.map(splitBuild);
  // Which plan the last lines were of: its switch then follows without a header of its own.
  let last: IndexPlan | undefined;
  for (const [i, plan] of plans.entries()) {
    if (parts[i]!.builds === null) continue;
    lines.push(`# ${plan.summary} [${plan.strategy}]`, ...parts[i]!.build.map(stepLine));
    last = plan;
  }
  for (const [i, plan] of plans.entries()) {
    const { builds, rest } = parts[i]!;
    if (builds === null) lines.push(`# ${plan.summary} [${plan.strategy}]`);
    else if (last !== plan) lines.push(`# ${plan.indexName}: switch to ${builds}, now that every new index is built [${plan.strategy}]`);
    if (plan.steps.length === 0) lines.push('  (nothing to send)');
    lines.push(...rest.map(stepLine));
    last = plan;
  }
  return lines;
}
