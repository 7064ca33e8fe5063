import { logger, type ExecutorContext } from '@nx/devkit';
import { readProjectSettings, settingsFor } from '../../utils/project-settings';
import { describeArgv, toArgv, type CommandOptions } from './argv';
import type { CommandTable } from './command-table';

/**
 * The body of every @om/nx executor: validates the options, reads the project's settings
 * (`metadata.om` and its `configurations`) from the project graph, and makes one in-process
 * call of the `om` CLI, so the output is the CLI's own. `{ success }` is its exit code.
 */
export async function runOmCommand<O extends CommandOptions>(
  table: CommandTable,
  parse: (options: unknown) => O,
  rawOptions: unknown,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  let argv: string[];
  try {
    const options = parse(rawOptions);
    const project = context.projectName ? context.projectsConfigurations.projects[context.projectName] : undefined;
    if (!project) throw new Error(`${table.executor} must run as a project target (nx run <project>:<target>).`);
    const settings = settingsFor(
      readProjectSettings({ ...project, name: context.projectName }),
      context.configurationName,
    );
    argv = toArgv(table, { ...options, verbose: options.verbose || context.isVerbose || undefined }, settings, {
      workspaceRoot: context.root,
      projectRoot: project.root,
      env: process.env,
    });
  } catch (error) {
    // Worded like the CLI's own errors, on stderr like them.
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return { success: false };
  }
  if (argv.includes('--verbose')) logger.info(`> ${describeArgv(argv, context.root)}`);
  const code = await runCli(argv);
  return { success: code === 0 };
}

/** The `om` CLI entry, `@om/migrations/cli` (loaded when a task runs, not when Nx reads executors). */
function runCli(argv: readonly string[]): Promise<number> {
  // A require, not an import: TypeScript's "node" resolution does not read the exports map.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = require('@om/migrations/cli') as { main(argv: readonly string[]): Promise<number> };
  return cli.main(argv);
}
