import { logger, type ExecutorContext } from '@nx/devkit';
import { readProjectSettings, settingsFor } from '../../utils/project-settings';
import { describeArgv, toArgv } from './argv';
import { checkArgumentSplit, checkTargetOption, invokingCommandLine } from './invocation';
import { parseOptions, type ExecutorTable } from './option-table';

/**
 * The body of every @om/nx executor: refuses a command line whose options Nx kept from the task, validates
 * the options, reads the project's settings (`metadata.om` and its `configurations`) from the
 * project graph, and makes one in-process call of the `om` CLI, so the output is the CLI's own.
 * `{ success }` is its exit code.
 */
export async function runOmCommand<A extends string>(
  table: ExecutorTable<A>,
  rawOptions: unknown,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  let argv: string[];
  let engineEnv: Record<string, string>;
  try {
    const commandLine = invokingCommandLine();
    const split =
      checkArgumentSplit(commandLine) ?? checkTargetOption(commandLine, context.targetName, targetFlagOption(table));
    if (split) throw new Error(split);
    const options = parseOptions(table, rawOptions) as { action: A } & Record<string, unknown>;
    const name = context.projectName;
    const project = name ? context.projectsConfigurations.projects[name] : undefined;
    if (!name || !project)
      throw new Error(`${table.executor} must run as a project target (nx run <project>:<target>).`);
    const projectSettings = readProjectSettings({ ...project, name });
    const settings = settingsFor(projectSettings, context.configurationName);
    argv = toArgv(table, options, settings, {
      workspaceRoot: context.root,
      projectName: name,
      projectRoot: project.root,
      env: process.env,
      verbose: context.isVerbose,
    });
    engineEnv = table.engineEnv?.({ project: name, options, settings, projectSettings }) ?? {};
  } catch (error) {
    // Worded like the CLI's own errors, on stderr like them.
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return { success: false };
  }
  if (argv.includes('--verbose')) logger.info(`> ${describeArgv(argv, context.root)}`);
  const code = await withEnv(engineEnv, () => runCli(argv));
  return { success: code === 0 };
}

/** The executor option that becomes the CLI's `--target` (a name Nx keeps for itself), if any. */
function targetFlagOption(table: ExecutorTable): string | undefined {
  return Object.entries(table.options).find(([, option]) => option.cli === '--target')?.[0];
}

/** Runs `fn` with `vars` set in the environment, restoring what was there after. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.keys(vars).map((key) => [key, process.env[key]] as const);
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** The `om` CLI entry, `@om/migrations/cli` (loaded when a task runs, not when Nx reads executors). */
function runCli(argv: readonly string[]): Promise<number> {
  // A require, not an import: TypeScript's "node" resolution does not read the exports map.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cli = require('@om/migrations/cli') as { main(argv: readonly string[]): Promise<number> };
  return cli.main(argv);
}
