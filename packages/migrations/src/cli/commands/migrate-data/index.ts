import { Command } from 'commander';
import { createCommand } from './create';
import { resetCommand } from './reset';
import { rollbackCommand } from './rollback';
import { runCommand } from './run';
import { stampCommand } from './stamp';
import { statusCommand } from './status';

/** `om migrate-data`: the command table of data migrations. */
export function migrateDataCommand(): Command {
  return new Command('migrate-data')
    .description('data migrations: transform the data stored in Redis')
    .addCommand(createCommand())
    .addCommand(statusCommand())
    .addCommand(runCommand())
    .addCommand(rollbackCommand())
    .addCommand(resetCommand())
    .addCommand(stampCommand());
}
