/**
 * The command table of the `migrate-data` executor: one line per `om migrate-data` action,
 * naming its positional argument and the options it accepts. Adding an action the CLI gained
 * (verify, stats, progress, clear-progress) is one line here plus its name in schema.json's
 * `action` enum; a spec checks both against the CLI itself.
 */
export const ACTIONS = {
  status: { positional: undefined, options: ['detailed', 'json'] },
  run: { positional: undefined, options: ['dryRun', 'limit', 'target', 'yes'] },
  rollback: { positional: 'optional', options: ['steps', 'dryRun', 'yes'] },
  reset: { positional: undefined, options: ['dryRun', 'yes'] },
  stamp: { positional: 'required', options: [] },
} as const satisfies Record<string, ActionSpec>;

export type ActionName = keyof typeof ACTIONS;

export const ACTION_NAMES = Object.keys(ACTIONS) as [ActionName, ...ActionName[]];

/** Options every action accepts (the CLI's common options). */
export const COMMON_OPTIONS = ['migrationsDir', 'module', 'redisUrl', 'keyPrefix', 'lockTimeout', 'verbose'] as const;

/** Options of one action. `positional` says whether it takes the migration `id`. */
export interface ActionSpec {
  positional: 'required' | 'optional' | undefined;
  options: readonly ActionOption[];
}

/** Options that map one-to-one to a CLI flag of the same name in kebab case. */
export type ActionOption = 'detailed' | 'json' | 'dryRun' | 'limit' | 'target' | 'yes' | 'steps';

/** `dryRun` → `--dry-run`. */
export function flagFor(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
