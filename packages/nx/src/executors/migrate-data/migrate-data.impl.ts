import type { ExecutorContext } from '@nx/devkit';
import { runOmCommand } from '../shared/run-command';
import { MIGRATE_DATA, type MigrateDataExecutorOptions } from './options';

/**
 * `@om/nx:migrate-data`: maps its options to one `om migrate-data <action>` call, in process,
 * so the output is the CLI's own. The project's settings (`metadata.om` and its
 * `configurations`) are read from the project graph.
 */
export default function migrateDataExecutor(
  options: MigrateDataExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  return runOmCommand(MIGRATE_DATA, options, context);
}
