// The options' types come from the executor's table (options.ts), as schema.json does.
export type { MigrateAllExecutorOptions } from './options';
