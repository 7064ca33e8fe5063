import { Command } from 'commander';
import { autoCommand } from './auto';
import { checkCommand } from './check';
import { createCommand } from './create';
import { planCommand } from './plan';
import { rollbackCommand } from './rollback';
import { runCommand } from './run';
import { statusCommand } from './status';
import { verifyCommand } from './verify';

/** `om migrate`: the command table of schema migrations (RediSearch index definitions). */
export function migrateCommand(): Command {
  const migrate = new Command('migrate')
    .description('schema migrations: RediSearch index definitions from your redis-om models')
    .option('--auto', 'legacy immediate mode for prototyping: same as `om migrate auto`')
    // `om migrate --auto --models ...`: the other options belong to `auto`, passed on below.
    .allowUnknownOption()
    .allowExcessArguments()
    .addCommand(createCommand())
    .addCommand(statusCommand())
    .addCommand(planCommand())
    .addCommand(runCommand())
    .addCommand(rollbackCommand())
    .addCommand(verifyCommand())
    .addCommand(checkCommand())
    .addCommand(autoCommand());
  migrate.action(async (options: { auto?: boolean }, command: Command) => {
    if (!options.auto) command.help();
    await autoCommand().exitOverride().parseAsync(command.args, { from: 'user' });
  });
  return migrate;
}
