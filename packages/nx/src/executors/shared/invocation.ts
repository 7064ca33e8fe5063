import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * The command line of the `nx` process that started this task, when the system shows it
 * (Linux: /proc; macOS and the BSDs: ps). Nx runs each task in a process of its own, which
 * gets the parsed options but not the command line; it names its own pid, innermost last, in
 * NX_INVOCATION_ANCESTOR_PIDS. Undefined outside such a task, or where the system does not say.
 */
export function invokingCommandLine(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const pid = env.NX_INVOCATION_ANCESTOR_PIDS?.split(',').pop()?.trim();
  if (!pid || !/^\d+$/.test(pid)) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
  } catch {
    // No /proc: ps shows the arguments joined by spaces, enough to find a bare `--`.
  }
  try {
    const line = execFileSync('ps', ['-o', 'args=', '-p', pid], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return line.trim().split(/\s+/);
  } catch {
    return undefined;
  }
}

/** The arguments after the `nx` script, when the command line is one of nx's. */
function nxArguments(commandLine: readonly string[] | undefined): string[] | undefined {
  if (!commandLine) return undefined;
  const script = commandLine.findIndex((arg) => /^nx(\.[cm]?js)?$/.test(basename(arg)));
  return script === -1 ? undefined : commandLine.slice(script + 1);
}

/**
 * Nx hands a task only the options after a `--`, and silently drops those before it:
 * `nx run app:migrate-data --dryRun -- --verbose` would migrate for real. Returns the error to
 * refuse such a command line with (naming what was dropped and the command to run instead),
 * or undefined when there is no `--` (or no nx command line to look at). Pure.
 */
export function checkArgumentSplit(commandLine: readonly string[] | undefined): string | undefined {
  const args = nxArguments(commandLine);
  if (!args) return undefined;
  const separator = args.indexOf('--');
  if (separator === -1) return undefined;
  const before = args.slice(0, separator).filter((arg) => arg.startsWith('-'));
  // Nx keeps its own options before `--` (-c, --verbose): the list says "among".
  const dropped = before.length > 0 ? ` (among: ${before.join(' ')})` : '';
  const instead = ['nx', ...args.filter((_, i) => i !== separator)].join(' ');
  return (
    `Nx hands a task only the options after \`--\`; the task's options before it${dropped} never reach it, so a dry run could become a real one. ` +
    `Nothing was run. Give every option without \`--\`: ${instead}`
  );
}

/**
 * `--target` (`-t`) is Nx's own option, the target to run: `nx run api:migrate-data --target=<id>`
 * never hands the id to the task, which would then run every pending migration. Returns the error
 * to refuse it with, unless the values name the running target (`nx run-many --target=migrate-data`).
 * `instead` is the executor's option for the CLI's `--target`, when it has one. Pure.
 */
export function checkTargetOption(
  commandLine: readonly string[] | undefined,
  targetName: string | undefined,
  instead: string | undefined,
): string | undefined {
  const args = nxArguments(commandLine);
  if (!args || !targetName) return undefined;
  const end = args.indexOf('--');
  const values: string[] = [];
  for (const [i, arg] of (end === -1 ? args : args.slice(0, end)).entries()) {
    const match = /^(?:--targets?|-t)(?:=(.*))?$/.exec(arg);
    if (!match) continue;
    const value = match[1] ?? args[i + 1];
    if (value !== undefined) values.push(...value.split(','));
  }
  if (values.length === 0 || values.includes(targetName)) return undefined;
  const hint = instead ? ` For the CLI's --target, pass --${instead}=${values[0]}.` : '';
  return `--target is Nx's own option (the target to run): it never reaches the task. Nothing was run.${hint}`;
}
