import { Command } from 'commander';
import { migrateCommand } from './commands/migrate';
import { migrateAllCommand } from './commands/migrate-all';
import { migrateDataCommand } from './commands/migrate-data';
import { reportError } from './report-error';
import { printAfterError } from './run-output';

/** Builds the `om` program. */
export function buildProgram(): Command {
  const program = new Command('om')
    .description('Redis OM migrations for TypeScript')
    .version(readVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addCommand(migrateCommand())
    .addCommand(migrateDataCommand())
    .addCommand(migrateAllCommand());
  // Every command throws instead of exiting, so errors meet in one place (reportError).
  const exitOverride = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(exitOverride);
  };
  exitOverride(program);
  return program;
}

/** Runs the `om` CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    const code = reportError(error, { verbose: argv.includes('--verbose') || process.env.OM_DEBUG === '1', redisUrls: optionValues(argv, '--redis-url'), keyPrefix: optionValues(argv, '--key-prefix')[0] });
    // A run's failure summary (or its `finished` event) stays the last thing printed.
    printAfterError(error);
    return code;
  }
}

/**
 * The values of an option in argv, in both spellings: what the error report needs even when the
 * error came from parsing (the Redis URL, whose secrets it must not show; the key prefix).
 */
function optionValues(argv: readonly string[], option: string): string[] {
  return argv.flatMap((arg, i) => (arg === option ? [argv[i + 1] ?? ''] : arg.startsWith(`${option}=`) ? [arg.slice(option.length + 1)] : []));
}

function readVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../package.json') as { version: string }).version;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
