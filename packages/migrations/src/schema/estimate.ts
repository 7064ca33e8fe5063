import { SchemaPlanError } from './errors';
import type { IndexSize } from './ft-info';
import type { SchemaStrategy } from './plan';
import type { RenameStep } from './rename-steps';

/**
 * Pure estimates of what a pending migration costs before anything runs: how many documents it
 * touches, how long it should take from rates measured on this server, and how much memory a
 * swap needs while the old and the new index coexist.
 */

/** A renamed field's copy step, measured by a dry run of its scan (reads only). */
export interface MeasuredRename {
  readonly step: RenameStep;
  /** Keys of the model's type under its prefixes (SCAN). */
  readonly keys: number;
  /** Of those, documents that hold the field: the values to move. */
  readonly values: number;
  /** How long reading them all took (SCAN and pipelined reads), in ms. */
  readonly readMs: number;
}

/** What one index move of a pending migration is expected to cost. */
export interface IndexEstimate {
  readonly indexName: string;
  readonly strategy: SchemaStrategy;
  /** `num_docs` of the live index (FT.INFO); null when nothing is live. */
  readonly indexedDocs: number | null;
  /** Keys of the model's type under the target's prefixes (SCAN): what the new index will hold. */
  readonly keys: number | null;
  /** Documents per second the server indexed the live index at (`total_indexing_time`); null when unknown. */
  readonly indexingRate: number | null;
  /** Expected time to build the new index, in seconds; 0 when nothing is built; null when unknown. */
  readonly indexingSeconds: number | null;
  readonly renames: readonly MeasuredRename[];
  /** Expected time of the renames' data steps, in seconds. */
  readonly renameSeconds: number;
  /** Extra memory while two indexes coexist (swap), in MB; 0 when they never do. */
  readonly swapMemoryMb: number;
}

/** What {@link estimateIndex} needs about one move. */
export interface EstimateInput {
  readonly indexName: string;
  readonly strategy: SchemaStrategy;
  /** False when the plan builds no index (already up to date, a removal, a hash update). */
  readonly builds: boolean;
  /** The live index's size; null when nothing is live. */
  readonly live: IndexSize | null;
  /** SCAN count of the target's keys; null when not counted. */
  readonly keys: number | null;
  readonly renames?: readonly MeasuredRename[];
}

/**
 * The copy and the move of a rename each read every key and write with one compare-and-set
 * script call per document; measured on Redis 7.0 the script costs about what the pipelined
 * read costs (see batch/scripts.ts), so each step is taken as twice the measured read.
 */
export const RENAME_COST_PER_READ = 4;

/** One move's estimate. Pure. */
export function estimateIndex(input: EstimateInput): IndexEstimate {
  const { live } = input;
  const indexingRate = live && live.indexingTimeMs && live.indexingTimeMs > 0 && live.numDocs > 0 ? (live.numDocs * 1000) / live.indexingTimeMs : null;
  const toIndex = input.keys ?? live?.numDocs ?? null;
  const indexingSeconds = !input.builds ? 0 : indexingRate === null || toIndex === null ? null : toIndex / indexingRate;
  // The new index holds about what the live one does, per document: scale by the documents it will hold.
  const perDoc = live && live.numDocs > 0 ? live.memoryMb / live.numDocs : null;
  const swapMemoryMb =
    !input.builds || input.strategy !== 'swap' || live === null ? 0 : perDoc !== null && input.keys !== null ? perDoc * input.keys : live.memoryMb;
  const renames = input.renames ?? [];
  return {
    indexName: input.indexName,
    strategy: input.strategy,
    indexedDocs: live?.numDocs ?? null,
    keys: input.keys,
    indexingRate,
    indexingSeconds,
    renames,
    renameSeconds: renames.reduce((sum, r) => sum + (r.readMs * RENAME_COST_PER_READ) / 1000, 0),
    swapMemoryMb,
  };
}

/**
 * Refuses the swaps of one migration when, together, they need more extra memory than `maxMb`
 * allows, before anything is sent: a run builds every new index of a migration before it
 * drops any old one, so all of them coexist with the old ones at once. Throws a
 * {@link SchemaPlanError} naming each index and both ways on.
 */
export function assertSwapMemory(estimates: readonly IndexEstimate[], maxMb: number | undefined): void {
  if (maxMb === undefined) return;
  const swaps = estimates.filter((e) => e.swapMemoryMb > 0);
  const total = swaps.reduce((sum, e) => sum + e.swapMemoryMb, 0);
  if (total <= maxMb) return;
  const what =
    swaps.length === 1
      ? `the swap of ${swaps[0]!.indexName} needs about ${mb(total)} MB while the old and the new index coexist`
      : `the swaps of ${swaps.map((e) => `${e.indexName} (${mb(e.swapMemoryMb)} MB)`).join(', ')} need about ${mb(total)} MB together while the old and the new indexes coexist`;
  throw new SchemaPlanError(`Nothing was changed: ${what}, above --max-swap-memory ${maxMb}.`, {
    hint: 'Free memory or raise --max-swap-memory, split the migration, or use --strategy recreate (no second index; queries fail and see partial results while it rebuilds).',
  });
}

function mb(value: number): string {
  return value >= 10 ? value.toFixed(0) : value.toPrecision(2);
}

function seconds(value: number | null): string {
  if (value === null) return 'unknown';
  if (value < 1) return 'under 1 s';
  return value < 120 ? `${Math.round(value)} s` : `${(value / 60).toFixed(1)} min`;
}

/** The estimates as lines, for `om migrate plan` and `run --dry-run`. Pure. */
export function formatEstimates(estimates: readonly IndexEstimate[]): string[] {
  const lines: string[] = [];
  for (const e of estimates) {
    const docs = `${e.keys ?? '?'} keys (SCAN), ${e.indexedDocs ?? 'no'} documents in the live index (FT.INFO)`;
    const rate = e.indexingRate === null ? 'no live index to measure the rate on' : `at ${Math.round(e.indexingRate)} documents/s, the live index's own rate`;
    lines.push(`  ${e.indexName}: ${docs}`);
    lines.push(`    indexing: ${seconds(e.indexingSeconds)} (${e.indexingSeconds === 0 ? 'nothing to build' : `${rate}; slower under query load`})`);
    for (const r of e.renames) {
      lines.push(`    rename ${r.step.from} → ${r.step.to}: ${r.values} of ${r.keys} documents hold it; about ${seconds((r.readMs * RENAME_COST_PER_READ) / 1000)} (read measured: ${Math.round(r.readMs)} ms)`);
    }
    lines.push(`    extra memory while two indexes coexist: ${e.swapMemoryMb === 0 ? 'none' : `about ${mb(e.swapMemoryMb)} MB (the live index's size per document, FT.INFO)`}`);
  }
  return lines;
}
