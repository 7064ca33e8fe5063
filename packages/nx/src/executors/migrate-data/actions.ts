import type { ActionSpec, CommandTable } from '../shared/command-table';

export { flagFor } from '../shared/command-table';

/** The options of commands that run batched data migrations. */
const BATCH = ['failureMode', 'batchSize', 'maxErrors', 'timezone'] as const;

/**
 * The command table of the `migrate-data` executor: one line per `om migrate-data` action,
 * naming its positional argument and the options it accepts. Adding an action the CLI gained
 * is one line here plus its name in schema.json's `action` enum (and any new option in
 * schema.json); a spec checks all of it against the CLI itself.
 */
export const ACTIONS = {
  status: { positional: undefined, options: ['detailed', 'json'] },
  run: { positional: undefined, options: ['dryRun', 'limit', 'target', 'yes', ...BATCH] },
  rollback: { positional: 'optional', options: ['steps', 'dryRun', 'yes', ...BATCH] },
  reset: { positional: undefined, options: ['dryRun', 'yes'] },
  stamp: { positional: 'required', options: [] },
  stats: { positional: undefined, options: ['json', ...BATCH] },
  verify: { positional: undefined, options: ['checkData', 'limit', ...BATCH] },
  progress: { positional: undefined, options: ['json'] },
  'clear-progress': { positional: 'optional', options: [] },
} as const satisfies Record<string, DataActionSpec>;

export type ActionName = keyof typeof ACTIONS;

export const ACTION_NAMES = Object.keys(ACTIONS) as [ActionName, ...ActionName[]];

/** Options every action accepts (the CLI's common options). */
export const COMMON_OPTIONS = [
  'migrationsDir',
  'module',
  'models',
  'redisUrl',
  'keyPrefix',
  'lockTimeout',
  'lockLease',
  'verbose',
] as const;

/** `om migrate-data`, as the executor maps it. */
export const DATA_MIGRATIONS: CommandTable = {
  command: 'migrate-data',
  executor: '@om/nx:migrate-data',
  actions: ACTIONS,
  common: COMMON_OPTIONS,
};

/**
 * Options of one action. `positional` says whether it takes the `id` argument (a migration id;
 * for clear-progress, a checkpoint name prefix).
 */
export interface DataActionSpec extends ActionSpec {
  options: readonly ActionOption[];
}

/** Options that map one-to-one to a CLI flag of the same name in kebab case. */
export type ActionOption =
  'detailed' | 'json' | 'dryRun' | 'limit' | 'target' | 'yes' | 'steps' | 'checkData' | (typeof BATCH)[number];
