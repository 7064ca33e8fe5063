import { InvalidArgumentError, type Command } from 'commander';
import { BUILTIN_NAMES, type BuiltinName } from '../builtin';
import { DataMigrator, type DataMigratorOptions } from '../data/data-migrator';
import { createConsoleLogger } from '../logger';
import { batchOptionsOf, type BatchCliOptions } from './batch-options';
import { FAILURES_BEYOND, FAILURES_SHOWN, type OutputOptions } from './run-output';

export type { OutputOptions } from './run-output';

/** The options every `migrate-data` command accepts. */
export interface CommonOptions extends BatchCliOptions, OutputOptions {
  models?: string;
  migrationsDir?: string;
  module?: string;
  redisUrl?: string;
  keyPrefix?: string;
  namespace?: string;
  builtin?: BuiltinName[];
  lockTimeout?: number;
  lockLease?: number;
  verbose?: boolean;
  /** `run --scale-out`: share the run with the other processes started the same way. */
  scaleOut?: boolean;
  /** `run --share-lease <seconds>`. */
  shareLease?: number;
}

/** Adds the options every `migrate-data` command shares. */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--migrations-dir <dir>', 'migrations root folder (env REDIS_OM_MIGRATIONS_DIR, default "migrations")')
    .option('--module <path>', 'load migrations from the MIGRATIONS export of this module instead of the folder')
    .option('--models <path>', 'module exporting your redis-om Schemas, for the built-in migrations and stats/verify')
    .option('--builtin <name>', `enable a built-in migration (repeatable): ${BUILTIN_NAMES.join(', ')}`, collectBuiltin)
    .option('--redis-url <url>', 'Redis to migrate (env REDIS_OM_URL, default redis://localhost:6379)')
    .option('--key-prefix <prefix>', 'prefix of the keys that hold the ledger and the lock', 'om:migrations:')
    .option('--namespace <name>', NAMESPACE_HELP)
    .option('--lock-timeout <seconds>', 'how long to wait for another run to release the lock (default 60)', parseSeconds)
    .option('--lock-lease <seconds>', 'lease of the lock, renewed while running: how long a killed run blocks others (default 30)', parseLeaseSeconds)
    .option('--verbose', 'print more detail, and stack traces of unexpected errors');
}

/**
 * Adds `--report <file>` and, for the commands that run migrations, `--json`: what the output of
 * a long run needs (see run-output.ts).
 */
export function withOutputOptions(command: Command, options: { json: boolean }): Command {
  command.option('--report <file>', 'write the failure report (JSON Lines) to this file (default <migrations>/.om-reports/<time>-<command>.jsonl)');
  if (options.json) command.option('--json', 'print one JSON event per line on stdout (human output goes to stderr)');
  return command;
}

/** Builds the migrator from the command's options; `close()` it when done. */
export function migratorFrom(options: CommonOptions): DataMigrator {
  return new DataMigrator(dataMigratorOptions(options));
}

/** The {@link DataMigrator} options of a command's options (`om migrate-all` adds the index options). */
export function dataMigratorOptions(options: CommonOptions): DataMigratorOptions {
  return {
    migrationsDir: options.migrationsDir,
    module: options.module,
    redisUrl: options.redisUrl,
    keyPrefix: options.keyPrefix,
    namespace: options.namespace,
    builtins: options.builtin,
    lockTimeoutMs: options.lockTimeout === undefined ? undefined : Math.round(options.lockTimeout * 1000),
    lockLeaseMs: options.lockLease === undefined ? undefined : Math.round(options.lockLease * 1000),
    logger: createConsoleLogger({ verbose: options.verbose, redisUrls: [options.redisUrl], infoStream: options.json ? 'stderr' : 'stdout' }),
    failureLog: options.verbose ? {} : { limit: FAILURES_SHOWN, beyond: FAILURES_BEYOND },
    models: options.models,
    timeZone: options.timezone,
    batch: batchOptionsOf(options),
    ...(options.scaleOut ? { scaleOut: options.shareLease === undefined ? {} : { leaseMs: Math.round(options.shareLease * 1000) } } : {}),
  };
}

/** What `--namespace` does, in every command's help. */
export const NAMESPACE_HELP =
  'keep the ledgers and progress under <key-prefix><name>: (one per project sharing a Redis; the lock stays shared)';

/** Collects `--builtin` given several times, refusing a name that is no built-in. */
function collectBuiltin(value: string, previous: BuiltinName[] | undefined): BuiltinName[] {
  if (!(BUILTIN_NAMES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of: ${BUILTIN_NAMES.join(', ')}.`);
  }
  return [...(previous ?? []), value as BuiltinName];
}

/**
 * How the user enables a built-in: `--builtin <name>`, or the words a tool that runs this CLI
 * for the user gives in OM_BUILTIN_ENABLE_HINT, with `<name>` in place of the name (the Nx
 * executor: the project's `metadata.om`).
 */
export function builtinEnableHint(name: BuiltinName): string {
  const template = process.env.OM_BUILTIN_ENABLE_HINT?.trim() || 'pass `--builtin <name>`';
  return template.replaceAll('<name>', name);
}

/** Parses a positive whole number, for `--limit` and `--steps`. */
export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1.');
  }
  return Number(value);
}

/** Parses a number of seconds (fractions allowed), for `--lock-timeout`. */
export function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new InvalidArgumentError('expected a number of seconds, 0 or more.');
  }
  return n;
}

/** Parses the lock lease: at least 1 second, so a live run can renew it in time. */
export function parseLeaseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 1) {
    throw new InvalidArgumentError('expected a number of seconds, at least 1.');
  }
  return n;
}

/** Runs `fn` with a migrator and always closes it. */
export async function withMigrator<T>(options: CommonOptions, fn: (migrator: DataMigrator) => Promise<T>): Promise<T> {
  const migrator = migratorFrom(options);
  try {
    return await fn(migrator);
  } finally {
    await migrator.close();
  }
}
