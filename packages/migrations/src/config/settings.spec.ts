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

  it('ignores empty environment variables', () => {
    expect(resolveSettings({}, { REDIS_OM_URL: '', REDIS_OM_MIGRATIONS_DIR: ' ' })).toMatchObject({ migrationsDir: 'migrations', redisUrl: 'redis://localhost:6379' });
  });

  it('names every bad setting', () => {
    expect(() => resolveSettings({ redisUrl: 'http://x', keyPrefix: '' }, {})).toThrow(
      'Invalid settings: redisUrl must start with redis:// or rediss://; keyPrefix must not be empty.',
    );
  });
});
