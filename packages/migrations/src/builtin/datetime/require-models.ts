import { ConfigError } from '../../errors';
import { loadModelSchemas, type ModelSchema } from '../../loading/models';

/** The models for a command that needs them, or a clear error naming `--models`. */
export function requireModels(models: string | undefined, cwd: string, command: string): readonly ModelSchema[] {
  if (models === undefined) {
    throw new ConfigError(`om migrate-data ${command} needs your models to find the date fields.`, {
      hint: 'Pass --models <path>, a module that exports your redis-om Schemas (e.g. --models src/models.ts).',
    });
  }
  return loadModelSchemas(models, cwd).schemas;
}
