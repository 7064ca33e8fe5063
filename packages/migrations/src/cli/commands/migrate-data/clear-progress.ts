import { Command } from 'commander';
import { CheckpointStore } from '../../../batch/checkpoint';
import { withCommonOptions, withMigrator, type CommonOptions } from '../../options';

/** `om migrate-data clear-progress [name]`: removes saved checkpoints, so the next run starts over. */
export function clearProgressCommand(): Command {
  return withCommonOptions(
    new Command('clear-progress')
      .description('remove the saved progress of interrupted migrations; the next run starts from the beginning')
      .argument('[name]', 'only checkpoints whose name starts with this (e.g. a migration id); default all'),
  ).action((name: string | undefined, options: CommonOptions) =>
    withMigrator(options, async (migrator) => {
      const store = new CheckpointStore(await migrator.client(), migrator.statePrefix);
      const removed = await store.clear(name === undefined ? 'all' : { prefix: name });
      console.log(
        removed === 0
          ? 'No saved progress to clear.'
          : `Cleared ${removed} saved checkpoint${removed === 1 ? '' : 's'}; the next run starts over (values converted already are left alone).`,
      );
    }),
  );
}
