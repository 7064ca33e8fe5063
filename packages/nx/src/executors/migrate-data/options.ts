import { FAILURE_MODES, z, type FailureMode } from '@om/migrations';
import type { EnvironmentSettings } from '../../utils/project-settings';
import { toArgv as commandArgv, type RunContext } from '../shared/argv';
import { checkActionOptions, commonOptionFields, parseWith } from '../shared/command-table';
import { ACTION_NAMES, DATA_MIGRATIONS } from './actions';
import type { MigrateDataExecutorOptions } from './schema';

export { describeArgv, type RunContext } from '../shared/argv';

const positiveInt = z.number().int().min(1);

/** The executor's options, checked again at run time (schema.json is what Nx Console shows). */
export const optionsSchema = z
  .object({
    action: z.enum(ACTION_NAMES),
    ...commonOptionFields,
    target: z.string().trim().min(1).optional(),
    limit: positiveInt.optional(),
    steps: positiveInt.optional(),
    detailed: z.boolean().optional(),
    checkData: z.boolean().optional(),
    failureMode: z.enum(FAILURE_MODES as unknown as [FailureMode, ...FailureMode[]]).optional(),
    batchSize: z.number().int().min(1).max(100_000).optional(),
    maxErrors: z.number().int().nonnegative().optional(),
    timezone: z.string().min(1).optional(),
    module: z.string().min(1).optional(),
  })
  .superRefine(checkActionOptions(DATA_MIGRATIONS))
  .superRefine((options, ctx) => {
    if (options.action === 'rollback' && (options.id === undefined) === (options.steps === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'rollback needs either a migration id or steps (e.g. --steps=1), not both or neither',
      });
    }
  });

/** Validates the options; throws an Error naming every bad option. */
export function parseOptions(options: unknown): MigrateDataExecutorOptions {
  return parseWith(DATA_MIGRATIONS, optionsSchema, options);
}

/** The `om migrate-data <action> [id] [flags]` argv for these options (see shared/argv). Pure. */
export function toArgv(
  options: MigrateDataExecutorOptions,
  settings: EnvironmentSettings,
  context: RunContext,
): string[] {
  return commandArgv(DATA_MIGRATIONS, options, settings, context);
}
