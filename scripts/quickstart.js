#!/usr/bin/env node
// The README quick start: runs the example app's data migrations through the real `om` CLI
// (create, status, run, rollback) against a Redis it starts and stops by itself.
//
// Redis: REDIS_OM_URL if set; otherwise a testcontainers Redis Stack when a Docker engine
// answers; otherwise a throwaway redis-server on a free loopback port.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const { cpSync, mkdirSync, mkdtempSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { dirname, join, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const OM = join(ROOT, 'packages/migrations/bin/om.js');

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function startDockerRedisStack() {
  try {
    const { getContainerRuntimeClient, GenericContainer, Wait } = require('testcontainers');
    await getContainerRuntimeClient();
    const container = await new GenericContainer('redis/redis-stack-server:7.2.0-v13')
      .withExposedPorts(6379)
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .start();
    return {
      url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
      what: 'a throwaway Redis Stack container (testcontainers)',
      stop: () => container.stop(),
    };
  } catch {
    return undefined;
  }
}

async function startLocalRedis() {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      'No Redis to run against: REDIS_OM_URL is not set, no Docker engine answers, and redis-server is not installed.\n' +
        '  Install redis-server (Debian/Ubuntu: apt-get install redis-server), or set REDIS_OM_URL=redis://host:port.',
    );
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const exited = new Promise((ok) => child.once('exit', ok));
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG') break;
    if (i > 100) throw new Error('redis-server did not start');
    await new Promise((ok) => setTimeout(ok, 50));
  }
  return {
    url,
    what: `a throwaway local redis-server on port ${port} (no persistence)`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function om(args, cwd, url) {
  console.log(`\n$ om ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [OM, ...args], { cwd, env: { ...process.env, REDIS_OM_URL: url }, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`om ${args.join(' ')} exited with code ${result.status}`);
}

// nx's bin, as npm links it (nx's exports map hides dist/bin).
const NX = join(dirname(require.resolve('nx/package.json', { paths: [ROOT] })), 'dist/bin/nx.js');

function nx(args, url) {
  console.log(`\n$ nx ${args.join(' ')}`);
  const env = { ...process.env, REDIS_OM_URL: url, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
  const result = spawnSync(process.execPath, [NX, ...args, '--output-style=stream'], { cwd: ROOT, env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`nx ${args.join(' ')} exited with code ${result.status}`);
}

async function main() {
  let redis;
  if (process.env.REDIS_OM_URL) {
    const { redactRedisUrl } = require(join(ROOT, 'packages/migrations/dist'));
    redis = { url: process.env.REDIS_OM_URL, what: `REDIS_OM_URL (${redactRedisUrl(process.env.REDIS_OM_URL)})`, stop: async () => {} };
  } else {
    redis = (await startDockerRedisStack()) ?? (await startLocalRedis());
  }
  console.log(`Quick start: using ${redis.what}.`);

  // A copy of the example app, so that `create` does not add files to the repository.
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const app = mkdtempSync(join(ROOT, 'tmp', 'quickstart-'));
  cpSync(join(ROOT, 'examples/app'), app, { recursive: true });
  console.log(`Example app copied to ${app}`);
  try {
    om(['migrate-data', 'status'], app, redis.url);
    om(['migrate-data', 'create', 'add_signup_source'], app, redis.url);
    om(['migrate-data', 'status'], app, redis.url);
    om(['migrate-data', 'run', '--dry-run'], app, redis.url);
    om(['migrate-data', 'run', '-y'], app, redis.url);
    om(['migrate-data', 'status', '--detailed'], app, redis.url);
    om(['migrate-data', 'rollback', '--steps', '1', '-y'], app, redis.url);
    om(['migrate-data', 'status'], app, redis.url);

    console.log('\nThe same example through Nx (examples/app/project.json):');
    nx(['run', '@om/example-app:migrate-data-status'], redis.url);
    nx(['run', '@om/example-app:migrate-data', '--dry-run'], redis.url);
    nx(['run', '@om/example-app:migrate-data'], redis.url);
    nx(['run', '@om/example-app:migrate-data-rollback', '--steps=1'], redis.url);
    nx(['run', '@om/example-app:migrate-check'], redis.url);
    console.log('\nQuick start finished.');
  } finally {
    rmSync(app, { recursive: true, force: true });
    await redis.stop();
    console.log(`Stopped ${redis.what.startsWith('REDIS_OM_URL') ? 'nothing (your Redis keeps its data)' : redis.what}.`);
  }
}

main().catch((error) => {
  console.error(`error: ${error.message}`);
  process.exitCode = 1;
});
