import { Command } from 'commander';
import { createCommand } from './create';
import { resetCommand } from './reset';
import { rollbackCommand } from './rollback';
import { runCommand } from './run';
import { stampCommand } from './stamp';
import { statusCommand } from './status';
import { progressCommand } from './progress';
import { clearProgressCommand } from './clear-progress';
import { statsCommand } from './stats';
import { verifyCommand } from './verify';

/** `om migrate-data`: the command table of data migrations. */
export function migrateDataCommand(): Command {
  return new Command('migrate-data')
    .description('data migrations: transform the data stored in Redis')
    .addCommand(createCommand())
    .addCommand(statusCommand())
    .addCommand(runCommand())
    .addCommand(rollbackCommand())
    .addCommand(resetCommand())
    .addCommand(stampCommand())
    .addCommand(statsCommand())
    .addCommand(verifyCommand())
    .addCommand(progressCommand())
    .addCommand(clearProgressCommand());
}
