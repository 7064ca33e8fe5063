import type { ExecutorContext } from '@nx/devkit';
import { runOmCommand } from '../shared/run-command';
import { DATA_MIGRATIONS } from './actions';
import { parseOptions } from './options';
import type { MigrateDataExecutorOptions } from './schema';

/**
 * `@om/nx:migrate-data`: maps its options to one `om migrate-data <action>` call, in process,
 * so the output is the CLI's own. The project's settings (`metadata.om` and its
 * `configurations`) are read from the project graph.
 */
export default function migrateDataExecutor(
  options: MigrateDataExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  return runOmCommand(DATA_MIGRATIONS, parseOptions, options, context);
}
