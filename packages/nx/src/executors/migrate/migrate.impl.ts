import type { ExecutorContext } from '@nx/devkit';
import { runOmCommand } from '../shared/run-command';
import { MIGRATE, type MigrateExecutorOptions } from './options';

/**
 * `@om/nx:migrate`: maps its options to one `om migrate <action>` call (schema migrations:
 * RediSearch indexes), in process, so the output is the CLI's own. The project's settings
 * (`metadata.om` and its `configurations`) are read from the project graph. `check` needs no
 * Redis: no Redis URL is looked up for it.
 */
export default function migrateExecutor(
  options: MigrateExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  return runOmCommand(MIGRATE, options, context);
}
