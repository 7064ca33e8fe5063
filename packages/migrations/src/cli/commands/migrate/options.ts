import { InvalidArgumentError, Option, type Command } from 'commander';
import { dataMigrationsView } from '../../../data/data-migrations-view';
import { createConsoleLogger } from '../../../logger';
import { SchemaMigrator, type PlannedMigration } from '../../../schema/schema-migrator';
import { formatEstimates } from '../../../schema/estimate';
import type { SchemaStrategy } from '../../../schema/plan';
import { NAMESPACE_HELP, parseLeaseSeconds, parseSeconds } from '../../options';

/** The options every `om migrate` command accepts. */
export interface SchemaCliOptions {
  models?: string;
  migrationsDir?: string;
  redisUrl?: string;
  keyPrefix?: string;
  namespace?: string;
  strategy?: SchemaStrategy;
  lockTimeout?: number;
  lockLease?: number;
  indexingTimeout?: number;
  maxIndexingFailures?: number;
  /** `run` and `plan` only. */
  maxSwapMemory?: number;
  verbose?: boolean;
}

/** What a command does with Redis: decides which shared options its `--help` shows. */
export interface SchemaOptionUse {
  /** Talks to Redis (URL, key prefix, lock). */
  redis: boolean;
  /** Builds indexes (strategy, indexing timeout and failures). */
  indexing: boolean;
}

/**
 * Adds the options every `om migrate` command shares. All are accepted everywhere (the Nx
 * executor passes the common ones to every action), but `--help` shows only those the command
 * uses: `check` and `create` never touch Redis, `status` and `verify` build no index.
 */
export function withSchemaOptions(command: Command, use: SchemaOptionUse = { redis: true, indexing: true }): Command {
  const add = (option: Option, shown: boolean) => command.addOption(option.hideHelp(!shown));
  add(new Option('--models <path>', 'module exporting your redis-om Schemas (e.g. src/models.ts)'), true);
  add(new Option('--migrations-dir <dir>', 'migrations root folder (env REDIS_OM_MIGRATIONS_DIR, default "migrations")'), true);
  add(new Option('--redis-url <url>', 'Redis to migrate (env REDIS_OM_URL, default redis://localhost:6379)'), use.redis);
  add(new Option('--key-prefix <prefix>', 'prefix of the keys that hold the ledger and the lock').default('om:migrations:'), use.redis);
  add(new Option('--namespace <name>', NAMESPACE_HELP), use.redis);
  add(
    new Option('--strategy <swap|recreate>', 'swap: build beside, switch an alias (default); recreate: drop and create').argParser(parseStrategy),
    use.indexing,
  );
  add(new Option('--lock-timeout <seconds>', 'how long to wait for another run to release the lock (default 60)').argParser(parseSeconds), use.redis);
  add(new Option('--lock-lease <seconds>', 'lease of the lock, renewed while running (default 30)').argParser(parseLeaseSeconds), use.redis);
  add(new Option('--indexing-timeout <seconds>', 'longest wait for one index to finish indexing (default 3600)').argParser(parseSeconds), use.indexing);
  add(
    new Option('--max-indexing-failures <n>', 'documents a new index may fail to index before the run fails (default 0)').argParser(parseCount),
    use.indexing,
  );
  add(new Option('--verbose', 'print every command sent, and stack traces of unexpected errors'), true);
  return command;
}

/** `--max-swap-memory <MB>`, for the commands that run or plan a swap. */
export function maxSwapMemoryOption(): Option {
  return new Option('--max-swap-memory <MB>', 'refuse a swap whose second index needs more extra memory than this (estimated from FT.INFO)').argParser(parseMegabytes);
}

function parseMegabytes(value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new InvalidArgumentError('expected a number of megabytes above 0, e.g. 512.');
  return Number(value);
}

/** Prints the plan of the pending migrations and returns them; says so when there are none. */
export async function printPendingPlan(migrator: SchemaMigrator): Promise<PlannedMigration[]> {
  const planned = await migrator.plan();
  if (planned.length === 0) console.log('No pending schema migrations.');
  for (const line of SchemaMigrator.format(planned)) console.log(line);
  return planned;
}

/**
 * Ends a preview (`plan`, `run --dry-run`): what the pending migrations are expected to cost,
 * then the refusal `run` would give (`--max-swap-memory`), so a preview in CI fails where the
 * run would.
 */
export async function finishPreview(migrator: SchemaMigrator, done: string): Promise<void> {
  const estimates = await migrator.estimate({ count: true });
  console.log('Estimate:');
  for (const m of estimates) {
    const moves = (m.keyMoves ?? []).map(({ step, keys }) =>
      step.movesKeys
        ? `  ${step.from.indexName} → ${step.to.indexName}: ${keys} documents to move (SCAN of ${step.from.definition.prefixes.map((p) => `${p}*`).join(', ')}), and the bridge and new index to build`
        : `  ${step.from.indexName} → ${step.to.indexName}: index name only, no documents to move`,
    );
    console.log([`Migration ${m.id}:`, ...moves, ...formatEstimates(m.indexes)].join('\n'));
  }
  await migrator.checkSwapMemory();
  console.log(done);
}

/** Parses a whole number, 0 or more, for `--max-indexing-failures`. */
export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number, 0 or more.');
  return Number(value);
}

/** Parses `--strategy`. */
export function parseStrategy(value: string): SchemaStrategy {
  if (value !== 'swap' && value !== 'recreate') throw new InvalidArgumentError('expected swap or recreate.');
  return value;
}

/**
 * How the user snapshots a model change: `om migrate create <name>`, or the command a tool that
 * runs this CLI for the user names in OM_SCHEMA_CREATE_COMMAND (the Nx executor: its generator).
 */
export function schemaCreateCommand(): string {
  return process.env.OM_SCHEMA_CREATE_COMMAND?.trim() || 'om migrate create <name>';
}

/** Runs `fn` with a migrator built from the options and always closes it. */
export async function withSchemaMigrator<T>(options: SchemaCliOptions, fn: (migrator: SchemaMigrator) => Promise<T>): Promise<T> {
  const ms = (seconds: number | undefined) => (seconds === undefined ? undefined : Math.round(seconds * 1000));
  const migrator: SchemaMigrator = new SchemaMigrator({
    models: options.models,
    migrationsDir: options.migrationsDir,
    redisUrl: options.redisUrl,
    keyPrefix: options.keyPrefix,
    namespace: options.namespace,
    strategy: options.strategy,
    lockTimeoutMs: ms(options.lockTimeout),
    lockLeaseMs: ms(options.lockLease),
    indexingTimeoutMs: ms(options.indexingTimeout),
    maxIndexingFailures: options.maxIndexingFailures,
    maxSwapMemoryMb: options.maxSwapMemory,
    logger: createConsoleLogger({ verbose: options.verbose, redisUrls: [options.redisUrl] }),
    // Loaded only for the checks that span both kinds (rollback's dependents, create --after).
    dataMigrations: () => dataMigrationsView(migrator.settings.migrationsDir, migrator.settings.cwd),
  });
  try {
    return await fn(migrator);
  } finally {
    await migrator.close();
  }
}
