import { join } from 'node:path';
import {
  BUILTIN_NAMES as ENGINE_BUILTIN_NAMES,
  DATA_MIGRATIONS_FOLDER as ENGINE_DATA_FOLDER,
  SCHEMA_MIGRATIONS_FOLDER as ENGINE_SCHEMA_FOLDER,
} from '@om/migrations';
import {
  BUILTIN_NAMES,
  DATA_MIGRATIONS_FOLDER,
  joinProjectPath,
  nearest,
  parseProjectSettings,
  readSettingsLeniently,
  SCHEMA_MIGRATIONS_FOLDER,
  readProjectSettings,
  resolveProjectModule,
  settingsFor,
  singleModelsPath,
} from './project-settings';

describe('project settings (metadata.om)', () => {
  it('accepts every documented key, and nothing as no settings', () => {
    const settings = {
      migrationsDir: 'db',
      models: ['src/models.ts', 'src/more'],
      module: './src/migrations.ts',
      redisUrlEnv: 'APP_REDIS_URL',
      keyPrefix: 'app:',
      lockTimeout: 5,
      configurations: { staging: { redisUrlEnv: 'STAGING_REDIS_URL' } },
    };
    expect(parseProjectSettings(settings, 'x')).toEqual(settings);
    expect(parseProjectSettings(undefined, 'x')).toEqual({});
  });

  it.each([
    [{ redisUrl: 'redis://:pw@h:6379' }, /Unrecognized key: "redisUrl".*redisUrlEnv/],
    [{ configurations: { prod: { redisUrl: 'redis://h' } } }, /configurations\.prod: Unrecognized key.*redisUrlEnv/],
    [{ redisUrlEnv: 'redis://h:6379' }, /redisUrlEnv: must be the name of an environment variable/],
    [{ migrationsDir: '/abs/path' }, /migrationsDir: must be relative to the project root/],
    [{ migrationDir: 'typo' }, /Unrecognized key: "migrationDir"/],
  ])('refuses %j, naming the file', (value, message) => {
    expect(() => parseProjectSettings(value, 'apps/app/project.json')).toThrow(message);
    expect(() => parseProjectSettings(value, 'apps/app/project.json')).toThrow(/in apps\/app\/project.json/);
  });

  it('names the nearest valid key of a misspelt one, at its level', () => {
    expect(() => parseProjectSettings({ migrationDir: 'db' }, 'x')).toThrow(
      'Invalid Redis OM settings (metadata.om) in x: Unrecognized key: "migrationDir" (did you mean "migrationsDir"?).',
    );
    expect(() => parseProjectSettings({ configuration: {} }, 'x')).toThrow(/did you mean "configurations"\?/);
    expect(() => parseProjectSettings({ configurations: { prod: { configurations: {} } } }, 'x')).toThrow(
      /configurations\.prod: Unrecognized key: "configurations"\.$/,
    );
    expect(nearest('redisurlenv', ['redisUrlEnv', 'keyPrefix'])).toBe('redisUrlEnv');
    expect(nearest('banana', ['redisUrlEnv', 'keyPrefix'])).toBeUndefined();
  });

  it('reads what is valid and says what is not, for the project graph', () => {
    expect(readSettingsLeniently({ models: 'src/m.ts' }, 'x')).toEqual({ settings: { models: 'src/m.ts' } });
    const { settings, problem } = readSettingsLeniently(
      {
        models: ['src/a.ts', '/abs'],
        keyPrefx: 'p:',
        lockTimeout: 3,
        configurations: { staging: { redisUrlEnv: 'S_URL', redisUrl: 'redis://h' } },
      },
      'apps/app/project.json',
    );
    expect(settings).toEqual({ lockTimeout: 3, configurations: { staging: { redisUrlEnv: 'S_URL' } } });
    expect(problem).toMatch(/^Invalid Redis OM settings \(metadata.om\) in apps\/app\/project.json: /);
    expect(problem).toContain('models.1: must be relative to the project root');
    expect(problem).toContain('"keyPrefx" (did you mean "keyPrefix"?)');
    expect(problem).toContain('configurations.staging: Unrecognized key: "redisUrl"; keep the Redis URL');
  });

  it("names the engine's migrations folders and built-ins, without loading the engine", () => {
    expect(DATA_MIGRATIONS_FOLDER).toBe(ENGINE_DATA_FOLDER);
    expect(SCHEMA_MIGRATIONS_FOLDER).toBe(ENGINE_SCHEMA_FOLDER);
    expect(BUILTIN_NAMES).toEqual(ENGINE_BUILTIN_NAMES);
  });

  it('takes a namespace and the built-ins to enable, and refuses a built-in the engine does not have', () => {
    expect(parseProjectSettings({ namespace: 'shop-api', builtins: ['datetime'] }, 'p')).toEqual({ namespace: 'shop-api', builtins: ['datetime'] });
    expect(() => parseProjectSettings({ builtins: ['dates'] }, 'apps/api/project.json')).toThrow(
      /^Invalid Redis OM settings \(metadata.om\) in apps\/api\/project.json: builtins.0: "dates" is not one of "datetime"/,
    );
  });

  it('lays the selected configuration over the base settings', () => {
    const settings = { redisUrlEnv: 'A', keyPrefix: 'k:', configurations: { staging: { redisUrlEnv: 'B' } } };
    expect(settingsFor(settings, 'staging')).toEqual({ redisUrlEnv: 'B', keyPrefix: 'k:' });
    expect(settingsFor(settings, 'production')).toEqual({ redisUrlEnv: 'A', keyPrefix: 'k:' });
    expect(settingsFor(settings, undefined)).toEqual({ redisUrlEnv: 'A', keyPrefix: 'k:' });
  });

  it('reads metadata.om from a project configuration', () => {
    expect(readProjectSettings({ root: 'apps/app', metadata: { om: { migrationsDir: 'db' } } })).toEqual({
      migrationsDir: 'db',
    });
    expect(readProjectSettings({ root: 'apps/app' })).toEqual({});
  });

  it('joins project-relative paths with forward slashes', () => {
    expect(joinProjectPath('apps/app', 'migrations')).toBe('apps/app/migrations');
    expect(joinProjectPath('apps/app/', './db/')).toBe('apps/app/db');
    expect(joinProjectPath('.', 'migrations')).toBe('migrations');
    expect(joinProjectPath('apps/app', '.')).toBe('apps/app');
  });
});

describe('the models entry as a module to load', () => {
  it('is one path, never a list or a glob', () => {
    expect(singleModelsPath('src/models.ts')).toBe('src/models.ts');
    expect(singleModelsPath('src/models')).toBe('src/models');
    expect(singleModelsPath(['src/a.ts'])).toBeUndefined();
    expect(singleModelsPath('src/**/*.schema.ts')).toBeUndefined();
    expect(singleModelsPath(undefined)).toBeUndefined();
  });

  it('resolves paths from the project folder and keeps package names', () => {
    const dir = join('/ws', 'apps/app');
    expect(resolveProjectModule('src/models.ts', dir)).toBe(join(dir, 'src/models.ts'));
    expect(resolveProjectModule('src/models', dir)).toBe(join(dir, 'src/models'));
    expect(resolveProjectModule('./models', dir)).toBe(join(dir, 'models'));
    expect(resolveProjectModule('/abs/models.ts', dir)).toBe('/abs/models.ts');
    expect(resolveProjectModule('@acme/models', dir)).toBe('@acme/models');
    expect(resolveProjectModule('models', dir)).toBe('models');
  });
});
