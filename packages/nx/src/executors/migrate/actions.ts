import type { ActionSpec, CommandTable } from '../shared/command-table';

/** `run`, `rollback` and `auto` change indexes: they preview with --dry-run and ask first. */
const WRITES = ['dryRun', 'yes'] as const;

/**
 * The command table of the `migrate` executor: one line per `om migrate` action, naming its
 * positional argument and the options it accepts besides the common ones. `create` is not an
 * action: a task does not write files into the workspace; `nx g @om/nx:schema-migration` does.
 * A spec checks this table and schema.json against the CLI itself.
 */
export const SCHEMA_ACTIONS = {
  status: { positional: undefined, options: ['json'] },
  run: { positional: undefined, options: WRITES },
  rollback: { positional: 'required', options: WRITES },
  verify: { positional: undefined, options: [] },
  check: { positional: undefined, options: [], offline: true },
  auto: { positional: undefined, options: WRITES },
} as const satisfies Record<string, SchemaActionSpec>;

export type SchemaActionName = keyof typeof SCHEMA_ACTIONS;

export const SCHEMA_ACTION_NAMES = Object.keys(SCHEMA_ACTIONS) as [SchemaActionName, ...SchemaActionName[]];

/** Options every `om migrate` command accepts. */
export const SCHEMA_COMMON_OPTIONS = [
  'migrationsDir',
  'models',
  'redisUrl',
  'keyPrefix',
  'strategy',
  'lockTimeout',
  'lockLease',
  'indexingTimeout',
  'maxIndexingFailures',
  'verbose',
] as const;

/** The `om migrate` commands the executor leaves to a generator. */
export const NOT_ACTIONS = { create: 'nx g @om/nx:schema-migration' } as const;

/** `om migrate`, as the executor maps it. */
export const SCHEMA_MIGRATIONS: CommandTable = {
  command: 'migrate',
  executor: '@om/nx:migrate',
  actions: SCHEMA_ACTIONS,
  common: SCHEMA_COMMON_OPTIONS,
};

interface SchemaActionSpec extends ActionSpec {
  options: readonly ('json' | (typeof WRITES)[number])[];
}
