import Redis from 'ioredis';
import { REDIS_STACK_IMAGE } from './redis-stack';
import { hasRedisServer } from './redis-server';

declare global {
  // eslint-disable-next-line no-var
  var __OM_STACK_CONTAINER__: { stop(): Promise<unknown> } | undefined;
}

/**
 * Fails the whole run at once, with the fix, when redis-server is not installed; finds a
 * RediSearch+RedisJSON server for the suites that need one (see redis-stack.ts).
 */
export default async function globalSetup(): Promise<void> {
  if (!hasRedisServer()) {
    throw new Error(
      'redis-server is not installed: integration tests start their own. Install it (Debian: apt-get install redis-server) and run the tests again.',
    );
  }
  const given = process.env.OM_TEST_REDIS_STACK_URL;
  if (given && given !== 'none') {
    await assertHasModules(given);
    return;
  }
  process.env.OM_TEST_REDIS_STACK_URL = (await startContainer()) ?? 'none';
}

async function assertHasModules(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const modules = JSON.stringify(await client.call('MODULE', 'LIST')).toLowerCase();
    if (!modules.includes('search') || !modules.includes('json')) {
      throw new Error(`OM_TEST_REDIS_STACK_URL points at a server without RediSearch and RedisJSON (MODULE LIST: ${modules}).`);
    }
  } finally {
    client.disconnect();
  }
}

async function startContainer(): Promise<string | undefined> {
  try {
    const { getContainerRuntimeClient, GenericContainer, Wait } = await import('testcontainers');
    await getContainerRuntimeClient();
    const container = await new GenericContainer(REDIS_STACK_IMAGE)
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .start();
    globalThis.__OM_STACK_CONTAINER__ = container;
    return `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
  } catch {
    // No Docker engine: the suites that need the modules are skipped and reported.
    return undefined;
  }
}
