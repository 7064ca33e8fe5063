import { z } from '@om/migrations';
import type { EnvironmentSettings } from '../../utils/project-settings';
import { toArgv as commandArgv, type RunContext } from '../shared/argv';
import { checkActionOptions, commonOptionFields, parseWith } from '../shared/command-table';
import { SCHEMA_ACTION_NAMES, SCHEMA_MIGRATIONS } from './actions';
import type { MigrateExecutorOptions } from './schema';

/** The executor's options, checked again at run time (schema.json is what Nx Console shows). */
export const optionsSchema = z
  .object({
    action: z.enum(SCHEMA_ACTION_NAMES),
    ...commonOptionFields,
    strategy: z.enum(['swap', 'recreate']).optional(),
    indexingTimeout: z.number().nonnegative().optional(),
    maxIndexingFailures: z.number().int().nonnegative().optional(),
  })
  .superRefine(checkActionOptions(SCHEMA_MIGRATIONS));

/** Validates the options; throws an Error naming every bad option. */
export function parseOptions(options: unknown): MigrateExecutorOptions {
  return parseWith(SCHEMA_MIGRATIONS, optionsSchema, options);
}

/** The `om migrate <action> [id] [flags]` argv for these options (see shared/argv). Pure. */
export function toArgv(options: MigrateExecutorOptions, settings: EnvironmentSettings, context: RunContext): string[] {
  return commandArgv(SCHEMA_MIGRATIONS, options, settings, context);
}
