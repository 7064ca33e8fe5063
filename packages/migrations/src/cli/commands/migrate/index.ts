import { Command } from 'commander';
import { checkCommand } from './check';
import { createCommand } from './create';
import { rollbackCommand } from './rollback';
import { runCommand } from './run';
import { statusCommand } from './status';
import { verifyCommand } from './verify';

/** `om migrate`: the command table of schema migrations (RediSearch index definitions). */
export function migrateCommand(): Command {
  return new Command('migrate')
    .description('schema migrations: RediSearch index definitions from your redis-om models')
    .addCommand(createCommand())
    .addCommand(statusCommand())
    .addCommand(runCommand())
    .addCommand(rollbackCommand())
    .addCommand(verifyCommand())
    .addCommand(checkCommand());
}
