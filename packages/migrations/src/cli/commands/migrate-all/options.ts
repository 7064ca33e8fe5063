import { relative } from 'node:path';
import { Option, type Command } from 'commander';
import { CombinedMigrator, type CombinedStep } from '../../../combined/combined-migrator';
import type { SchemaStrategy } from '../../../schema/plan';
import { dataMigratorOptions, withCommonOptions, parseSeconds, type CommonOptions } from '../../options';
import { maxSwapMemoryOption, parseCount, parseStrategy } from '../migrate/options';

/** The options every `om migrate-all` command accepts: those of `migrate-data` and of `migrate`'s indexing. */
export interface AllCliOptions extends CommonOptions {
  strategy?: SchemaStrategy;
  indexingTimeout?: number;
  maxIndexingFailures?: number;
  maxSwapMemory?: number;
}

/** Adds the options of both kinds: the data options, then how indexes are built. */
export function withAllOptions(command: Command): Command {
  return withCommonOptions(command)
    .addOption(new Option('--strategy <swap|recreate>', 'schema migrations: swap (build beside, switch an alias; default) or recreate').argParser(parseStrategy))
    .addOption(new Option('--indexing-timeout <seconds>', 'longest wait for one index to finish indexing (default 3600)').argParser(parseSeconds))
    .addOption(new Option('--max-indexing-failures <n>', 'documents a new index may fail to index before the run fails (default 0)').argParser(parseCount))
    .addOption(maxSwapMemoryOption());
}

/** Runs `fn` with a combined migrator built from the options and always closes it. */
export async function withCombinedMigrator<T>(options: AllCliOptions, fn: (migrator: CombinedMigrator) => Promise<T>): Promise<T> {
  const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.round(seconds * 1000));
  const migrator = new CombinedMigrator({
    ...dataMigratorOptions(options),
    strategy: options.strategy,
    indexingTimeoutMs: ms(options.indexingTimeout),
    maxIndexingFailures: options.maxIndexingFailures,
    maxSwapMemoryMb: options.maxSwapMemory,
  });
  try {
    return await fn(migrator);
  } finally {
    await migrator.close();
  }
}

/** One step as a line of the plan: its kind, its id, what it waits for, and its file. */
export function describeStep(step: CombinedStep, cwd: string): string {
  const waits = step.dependencies.length > 0 ? ` after ${step.dependencies.join(', ')}` : '';
  return `${step.kind.padEnd(6)} ${step.id}${waits} (${relative(cwd, step.source) || step.source})`;
}

/** Prints the pending steps in order and returns them; says so when there are none. */
export async function printPendingSteps(migrator: CombinedMigrator): Promise<CombinedStep[]> {
  const pending = await migrator.plan();
  if (pending.length === 0) {
    console.log('No pending data or schema migrations.');
    return pending;
  }
  console.log(`${pending.length} pending migration${pending.length === 1 ? '' : 's'}, in this order:`);
  pending.forEach((step, i) => console.log(`  ${i + 1}. ${describeStep(step, migrator.settings.cwd)}`));
  return pending;
}
