import type { ExecutorContext } from '@nx/devkit';
import { runOmCommand } from '../shared/run-command';
import { MIGRATE_ALL, type MigrateAllExecutorOptions } from './options';

/**
 * `@om/nx:migrate-all`: maps its options to one `om migrate-all <action>` call (data and schema
 * migrations in one dependency order), in process, so the output is the CLI's own.
 */
export default function migrateAllExecutor(
  options: MigrateAllExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  return runOmCommand(MIGRATE_ALL, options, context);
}
