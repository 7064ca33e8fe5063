import { moveKeys, type MoveKeysResult } from '../batch/move-keys';
import type { BatchProgress, ScanFailure } from '../batch/types';
import type { Logger } from '../logger';
import type { LockedRun } from '../state/engine-state';
import { SchemaPlanError } from './errors';
import { countKeys, listIndexes, readFtInfo, readLiveLayout } from './live';
import { ABSENT, liveLayoutOf, reportedHash, type IndexPlan, type LiveLayout, type SchemaStrategy } from './plan';
import { bridgeDefinition, bridgeIndexName, keyMoveName, planSchemaRenameEnd, planSchemaRenameStart, prefixPairs, type SchemaRenameStep } from './schema-rename-steps';
import type { RedisClient } from '../redis/client';

/**
 * The I/O of schema renames: reads what is live, sends the pure plans of
 * schema-rename-steps.ts, and moves the keys with batch/move-keys.ts.
 */

/** What a schema rename needs from the migrator running it. */
export interface SchemaRenameEnv {
  readonly run: LockedRun;
  readonly migrationId: string;
  readonly strategy: SchemaStrategy;
  readonly logger: Logger;
  /** Where checkpoints live (the engine's prefix and namespace). */
  readonly statePrefix: string;
  /** Sends a plan with the migrator's hooks (lock checks, command events, indexing waits). */
  send(plan: IndexPlan): Promise<void>;
  onProgress(step: SchemaRenameStep, pass: 'move' | 'sweep', progress: BatchProgress): void;
  onFailure(failure: ScanFailure): void;
}

/** What a dry run shows of a step: the plans around the ordinary moves, and the layout the new name has between them. */
export interface PlannedSchemaRename {
  readonly start: IndexPlan;
  readonly end: IndexPlan;
  /** What answers the new name once `start` is done: the ordinary move of the new name is planned from it. */
  readonly toAfterStart: LiveLayout;
}

/** Plans a step against what is live, sending nothing (`plan`, `run --dry-run`). */
export async function planSchemaRename(redis: RedisClient, step: SchemaRenameStep, existing: readonly string[], strategy: SchemaStrategy): Promise<PlannedSchemaRename> {
  const [from, to] = await Promise.all([readLiveLayout(redis, step.from.indexName, step.from.indexHashName), readLiveLayout(redis, step.to.indexName, step.to.indexHashName)]);
  const toFinal = to.layout.kind !== 'absent' && to.layout.reportedHash === reportedHash(step.to.definition, step.to.indexName);
  const start = planSchemaRenameStart(step, { from: from.layout, to: to.layout, toFinal }, existing, strategy);
  let toAfterStart = to.layout;
  if (!toFinal && step.movesKeys) {
    toAfterStart = { kind: 'alias', physicalName: bridgeIndexName(step), reportedHash: reportedHash(bridgeDefinition(step), step.to.indexName), storedIndexHash: step.to.indexHash };
  } else if (!toFinal && start.steps.length > 0 && from.info) {
    toAfterStart = liveLayoutOf(step.to.indexName, from.info, to.layout.storedIndexHash);
  }
  // After the ordinary move, the old name is gone when it shared the bridge, an alias of the new index otherwise.
  const fromAfter = step.movesKeys ? { ...ABSENT, storedIndexHash: from.layout.storedIndexHash } : from.layout;
  const end = planSchemaRenameEnd(step, fromAfter, toAfterStart.physicalName, strategy);
  return { start, end, toAfterStart };
}

/** Sweeps after the move, until one finds nothing to move: the app may write under the old prefix meanwhile. */
const MAX_SWEEPS = 3;

/** The bridge (or the alias of an index-name change), then the keys moved and swept. */
export async function startSchemaRename(env: SchemaRenameEnv, step: SchemaRenameStep): Promise<IndexPlan> {
  const { run } = env;
  const [from, to, existing] = await Promise.all([
    readLiveLayout(run.redis, step.from.indexName, step.from.indexHashName),
    readLiveLayout(run.redis, step.to.indexName, step.to.indexHashName),
    listIndexes(run.redis),
  ]);
  const toFinal = to.layout.kind !== 'absent' && to.layout.reportedHash === reportedHash(step.to.definition, step.to.indexName);
  const plan = planSchemaRenameStart(step, { from: from.layout, to: to.layout, toFinal }, existing, env.strategy);
  env.logger.info(plan.summary);
  await env.send(plan);
  if (step.movesKeys) await moveDocuments(env, step);
  return plan;
}

async function moveDocuments(env: SchemaRenameEnv, step: SchemaRenameStep): Promise<void> {
  const { run } = env;
  const type = step.from.definition.on === 'HASH' ? 'hash' : 'json';
  const reported = new Set<string>();
  const left: string[] = [];
  for (const pair of prefixPairs(step)) {
    const base = { fromPrefix: pair.from, toPrefix: pair.to, type, model: step.from.schemaName } as const;
    const pass = (kind: 'move' | 'sweep', extra: { resume?: boolean; keepCheckpoint?: boolean; onFailure?: (f: ScanFailure) => void }): Promise<MoveKeysResult> => {
      run.assertHeld();
      return moveKeys(
        run.redis,
        {
          ...base,
          ...extra,
          name: keyMoveName(env.migrationId, step, kind, pair),
          onBatch: (progress) => {
            run.assertHeld();
            env.onProgress(step, kind, progress);
          },
        },
        { keyPrefix: env.statePrefix, logger: env.logger },
      );
    };
    env.logger.info(`${step.from.indexName} → ${step.to.indexName}: moving every ${pair.from}* key to ${pair.to}*`);
    // Failures of the first pass are found again by the sweep, which reports them once.
    const moved = await pass('move', { keepCheckpoint: true });
    env.logger.info(`  ${moved.counters.converted} keys moved${moved.alreadyDone ? ' (done by an earlier run)' : ''}`);
    let lastFailed: string[] = [];
    for (let i = 0; i < MAX_SWEEPS; i += 1) {
      const failedKeys: string[] = [];
      const sweep = await pass('sweep', {
        resume: false,
        onFailure: (failure) => {
          failedKeys.push(`${failure.key} → ${failure.value}`);
          if (reported.has(failure.key)) return;
          reported.add(failure.key);
          env.onFailure(failure);
        },
      });
      lastFailed = failedKeys;
      if (sweep.counters.converted === 0 && sweep.counters.conflicts === 0) break;
      env.logger.info(`  sweep: ${sweep.counters.converted} keys written under ${pair.from}* during the move, moved`);
    }
    left.push(...lastFailed);
  }
  if (left.length > 0) {
    throw new SchemaPlanError(
      `${left.length} document(s) of ${step.from.schemaName} could not move: the new key exists already (${left.slice(0, 3).join(', ')}${left.length > 3 ? ', …' : ''}). Nothing is switched yet: ${bridgeIndexName(step)} keeps answering ${step.from.indexName} and ${step.to.indexName} with every document.`,
      {
        hint: 'Compare each pair (the failure report lists them), delete or rename the key you do not want, and run again: the move resumes and nothing is overwritten.',
      },
    );
  }
}

/** Retires the old name once the new one answers from its own index. */
export async function endSchemaRename(env: SchemaRenameEnv, step: SchemaRenameStep): Promise<IndexPlan> {
  const [{ layout }, toInfo] = await Promise.all([readLiveLayout(env.run.redis, step.from.indexName, step.from.indexHashName), readFtInfo(env.run.redis, step.to.indexName)]);
  const plan = planSchemaRenameEnd(step, layout, toInfo?.indexName ?? null, env.strategy);
  env.logger.info(plan.summary);
  await env.send(plan);
  return plan;
}

/** Keys a step would move, by a SCAN count of the old prefixes (none for an index-name change). */
export async function keysToMove(redis: RedisClient, step: SchemaRenameStep): Promise<number> {
  return step.movesKeys ? countKeys(redis, step.from.definition) : 0;
}
