/**
 * Where tests that need RediSearch and RedisJSON get a server: `OM_TEST_REDIS_STACK_URL`, else a
 * testcontainers `redis/redis-stack-server` when a Docker engine answers (started once in
 * global setup), else they are skipped and the run ends with one loud line saying so.
 */

/** Marker in the describe title of every suite that needs the modules; the reporter counts them. */
export const NEEDS_REDIS_STACK = '[needs RediSearch+RedisJSON]';

/** The image used when testcontainers starts a server. */
export const REDIS_STACK_IMAGE = 'redis/redis-stack-server:7.2.0-v13';

/** The module-enabled server for this run, if any (set by global setup). */
export function redisStackUrl(): string | undefined {
  const url = process.env.OM_TEST_REDIS_STACK_URL;
  return url && url !== 'none' ? url : undefined;
}

/**
 * `describe` for suites that need RediSearch/RedisJSON: runs them against the module-enabled
 * server, or skips them (counted and reported loudly at the end of the run) when there is none.
 */
export function describeWithRedisStack(name: string, fn: (url: string) => void): void {
  const url = redisStackUrl();
  const title = `${NEEDS_REDIS_STACK} ${name}`;
  if (url) describe(title, () => fn(url));
  // eslint-disable-next-line jest/no-disabled-tests -- reported by test/support/skip-reporter.js
  else describe.skip(title, () => fn('redis://unavailable'));
}
