import { Command } from 'commander';
import { planCommand } from './plan';
import { rollbackCommand } from './rollback';
import { runCommand } from './run';
import { statusCommand } from './status';

/** `om migrate-all`: data and schema migrations together, in one dependency order (docs/ordering.md). */
export function migrateAllCommand(): Command {
  return new Command('migrate-all')
    .description('data and schema migrations together, in one dependency order, under one lock')
    .addCommand(statusCommand())
    .addCommand(planCommand())
    .addCommand(runCommand())
    .addCommand(rollbackCommand());
}
