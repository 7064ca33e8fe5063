import { redactRedisUrl, redactSecrets, secretsOfRedisUrl } from './redact';

describe('redactRedisUrl', () => {
  it.each([
    ['redis://:secret@host:6379', 'redis://:***@host:6379'],
    ['redis://user:secret@host:6379/2', 'redis://user:***@host:6379/2'],
    ['rediss://default:p%40ss@example.com:6380', 'rediss://default:***@example.com:6380'],
    ['redis://token@host:6379', 'redis://***@host:6379'],
    ['redis://localhost:6379', 'redis://localhost:6379'],
  ])('redacts %s', (url, shown) => {
    expect(redactRedisUrl(url)).toBe(shown);
  });

  // Every form ioredis accepts a credential in (its parseURL: userinfo, any query parameter as
  // an option, no scheme, protocol-relative, unix socket with a query).
  it.each([
    ['redis://127.0.0.1:7299/?password=LeakMe123', 'redis://127.0.0.1:7299/?password=***'],
    ['redis://127.0.0.1:7299/99?password=LeakMe123', 'redis://127.0.0.1:7299/99?password=***'],
    ['redis://127.0.0.1:7299?username=bob&password=LeakMe123', 'redis://127.0.0.1:7299?username=bob&password=***'],
    ['redis://h:1?sentinelPassword=LeakMe123&db=2', 'redis://h:1?sentinelPassword=***&db=2'],
    ['rediss://h:1?tls=x&passphrase=LeakMe123', 'rediss://h:1?tls=x&passphrase=***'],
    ['redis://h:1?Password=LeakMe123', 'redis://h:1?Password=***'],
    ['redis://h:1?pass%77ord=LeakMe123', 'redis://h:1?pass%77ord=***'],
    ['//:LeakMe123@h:1', '//:***@h:1'],
    ['bob:LeakMe123@h:1', 'bob:***@h:1'],
    ['h:1?password=LeakMe123', 'h:1?password=***'],
    ['/tmp/redis.sock?password=LeakMe123&db=1', '/tmp/redis.sock?password=***&db=1'],
    ['redis://user:Leak@Me123@h:1', 'redis://user:***@h:1'],
    ['REDIS://user:LeakMe123@h:1', 'REDIS://user:***@h:1'],
    ['redis://h:1?password=', 'redis://h:1?password='],
  ])('redacts the credential form %s', (url, shown) => {
    expect(redactRedisUrl(url)).toBe(shown);
    expect(redactRedisUrl(url)).not.toContain('LeakMe123');
  });

  it('hides credentials even in a URL it cannot parse', () => {
    expect(redactRedisUrl('redis://user:pa ss@ho st')).not.toContain('pa ss');
  });
});

describe('redactSecrets', () => {
  it('redacts URLs inside text and every literal secret of the given URLs', () => {
    const url = 'redis://h:1/?password=LeakMe%2123';
    expect(secretsOfRedisUrl(url)).toEqual(expect.arrayContaining(['LeakMe%2123', 'LeakMe!23']));
    const text = `Cannot connect to ${url}: WRONGPASS for LeakMe!23 (redis://a:other@x:2)`;
    const shown = redactSecrets(text, [url]);
    expect(shown).toBe('Cannot connect to redis://h:1/?password=***: WRONGPASS for *** (redis://a:***@x:2)');
  });
});
