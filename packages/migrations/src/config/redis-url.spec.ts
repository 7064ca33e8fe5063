import { databaseIndexOf, redactRedisUrl } from './redis-url';

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

  it('hides credentials even in a URL it cannot parse', () => {
    expect(redactRedisUrl('redis://user:pa ss@ho st')).not.toContain('pa ss');
  });
});

describe('databaseIndexOf', () => {
  it('reads the path as the database index', () => {
    expect(databaseIndexOf('redis://h:1/3')).toBe(3);
    expect(databaseIndexOf('redis://h:1')).toBe(0);
    expect(databaseIndexOf('redis://h:1/x')).toBeNaN();
  });
});
