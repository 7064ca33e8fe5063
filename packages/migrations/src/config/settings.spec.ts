import { resolveSettings } from './settings';

describe('resolveSettings', () => {
  it('uses the defaults', () => {
    expect(resolveSettings({}, {})).toMatchObject({ migrationsDir: 'migrations', redisUrl: 'redis://localhost:6379', keyPrefix: 'om:migrations:' });
  });

  it('takes the environment over the defaults and options over the environment', () => {
    const env = { REDIS_OM_URL: 'redis://env:1', REDIS_OM_MIGRATIONS_DIR: 'envdir' };
    expect(resolveSettings({}, env)).toMatchObject({ migrationsDir: 'envdir', redisUrl: 'redis://env:1' });
    expect(resolveSettings({ migrationsDir: 'opt', redisUrl: 'redis://opt:2' }, env)).toMatchObject({ migrationsDir: 'opt', redisUrl: 'redis://opt:2' });
  });

  it('refuses an environment variable that is set but empty, rather than fall back to the default', () => {
    expect(() => resolveSettings({}, { REDIS_OM_URL: '' })).toThrow('REDIS_OM_URL is set but empty.');
    expect(() => resolveSettings({}, { REDIS_OM_MIGRATIONS_DIR: ' ' })).toThrow('REDIS_OM_MIGRATIONS_DIR is set but empty.');
    expect(resolveSettings({ redisUrl: 'redis://opt:1' }, { REDIS_OM_URL: 'redis://env:2' }).redisUrl).toBe('redis://opt:1');
  });

  it('knows whether the migrations folder was named', () => {
    expect(resolveSettings({}, {}).migrationsDirGiven).toBe(false);
    expect(resolveSettings({}, { REDIS_OM_MIGRATIONS_DIR: 'm' }).migrationsDirGiven).toBe(true);
    expect(resolveSettings({ migrationsDir: 'm' }, {}).migrationsDirGiven).toBe(true);
  });

  it('names every bad setting', () => {
    expect(() => resolveSettings({ redisUrl: 'http://x', keyPrefix: '' }, {})).toThrow(
      'The Redis URL (--redis-url or REDIS_OM_URL) must start with redis:// or rediss://, e.g. redis://localhost:6379; --key-prefix must not be empty.',
    );
  });

  it('takes a namespace, none by default, and refuses one that is empty or holds white space or braces', () => {
    expect(resolveSettings({}, {}).namespace).toBeUndefined();
    expect(resolveSettings({ namespace: '@shop/api' }, {}).namespace).toBe('@shop/api');
    expect(() => resolveSettings({ namespace: '' }, {})).toThrow('--namespace must not be empty.');
    expect(() => resolveSettings({ namespace: 'my app' }, {})).toThrow('--namespace must not contain white space or braces.');
    expect(() => resolveSettings({ namespace: '{api}' }, {})).toThrow('--namespace must not contain white space or braces.');
  });
});
