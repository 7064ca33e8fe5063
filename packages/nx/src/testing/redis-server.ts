// One redis-server starter for every suite of the repository: the engine's test support.
export { startRedisServer as startRedis, type TestRedisServer as TestRedis } from '../../../migrations/test/support/redis-server';
