#!/usr/bin/env node
// The README quick start: runs the example app's data migrations through the real `om` CLI
// (create, status, run, rollback) with, before the rollback and when the Redis has RediSearch and
// RedisJSON, a schema migration of its indexes (run, create, run with swap, status, verify);
// then the data migrations through Nx; against a Redis it starts and stops by itself.
//
// Redis: REDIS_OM_URL if set; otherwise a local Redis Stack server (found like the tests find it:
// `npm run redis-stack:install`, OM_REDIS_STACK_SERVER, ...), started on a free loopback port;
// otherwise a testcontainers Redis Stack when a Docker engine answers; otherwise a throwaway
// redis-server on a free loopback port (then the schema part is skipped, and it says so).
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { dirname, join, resolve } = require('node:path');
const stack = require('../tools/redis-stack');

const ROOT = resolve(__dirname, '..');
const OM = join(ROOT, 'packages/migrations/bin/om.js');
const freePort = stack.freePort;

async function startRedisStack() {
  const local = stack.findLocalRedisStack();
  if (local) {
    const server = await stack.startLocalRedisStack(local);
    return { url: server.url, what: `a throwaway ${server.description.replace(/^a /, '')}, port ${server.port} (no persistence)`, stop: server.stop };
  }
  if (!(await stack.dockerAnswers())) return undefined;
  const container = await stack.startRedisStackContainer();
  return { url: container.url, what: `a throwaway Redis Stack container (${container.description})`, stop: container.stop };
}

async function startLocalRedis() {
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new Error(
      'No Redis to run against: REDIS_OM_URL is not set, no local Redis Stack server was found, no Docker engine answers, and redis-server is not installed.\n' +
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

/**
 * Whether the schema part can run on this Redis, and if not why: it needs RediSearch (the
 * indexes) and RedisJSON (the example's orders are JSON), on database 0.
 */
async function schemaSupport(url) {
  let database = 0;
  try {
    database = Number(new URL(url).pathname.slice(1) || 0);
  } catch {
    // not a URL the WHATWG parser takes: om reports it
  }
  if (database !== 0) return { ok: false, why: `the URL selects database ${database} (RediSearch indexes live on database 0)` };
  let server;
  try {
    server = await stack.describeServer(url);
  } catch (error) {
    return { ok: false, why: `the server did not answer (${error.message})` };
  }
  const missing = [server.search ? '' : 'RediSearch', server.json ? '' : 'RedisJSON'].filter(Boolean);
  if (missing.length > 0) return { ok: false, why: `Redis ${server.redis} there has no ${missing.join(' or ')}` };
  return { ok: true, text: server.text };
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

/**
 * The schema part: the example's indexes from its snapshot (schema-migrations/), then a model
 * change (user.name becomes sortable) snapshotted with `create` and applied with `swap`: the new
 * index is built beside the live one and the alias switched.
 */
function schemaMigration(app, url) {
  const models = ['--models', 'src/models.ts'];
  console.log('\nSchema migrations (RediSearch indexes) of the example, from migrations/schema-migrations/:');
  om(['migrate', 'status', ...models], app, url);
  om(['migrate', 'run', '-y', ...models], app, url);

  const file = join(app, 'src/models.ts');
  const source = readFileSync(file, 'utf8');
  const changed = source.replace("name: { type: 'string' },", "name: { type: 'string', sortable: true },");
  if (changed === source) throw new Error(`could not make user.name sortable in ${file}`);
  writeFileSync(file, changed);
  console.log(`\nChanged the model (in the copy): user.name is now { type: 'string', sortable: true }.`);
  om(['migrate', 'create', 'add_sortable_user_name', ...models], app, url);
  om(['migrate', 'status', ...models], app, url);
  om(['migrate', 'run', '--strategy', 'swap', '-y', ...models], app, url);
  om(['migrate', 'status', ...models], app, url);
  om(['migrate', 'verify', ...models], app, url);
}

async function main() {
  let redis;
  if (process.env.REDIS_OM_URL) {
    const { redactRedisUrl } = require(join(ROOT, 'packages/migrations/dist'));
    redis = { url: process.env.REDIS_OM_URL, what: `REDIS_OM_URL (${redactRedisUrl(process.env.REDIS_OM_URL)})`, stop: async () => {} };
  } else {
    redis = (await startRedisStack()) ?? (await startLocalRedis());
  }
  console.log(`Quick start: using ${redis.what}.`);
  const schema = await schemaSupport(redis.url);
  console.log(schema.ok ? `It has ${schema.text}: the schema migration part runs too.` : `The schema migration part will be skipped: ${schema.why}.`);

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
    // --models alone enables no built-in: status lists the datetime one and how to enable it.
    om(['migrate-data', 'status', '--detailed', '--models', 'src/models.ts'], app, redis.url);
    if (schema.ok) schemaMigration(app, redis.url);
    else {
      console.log(
        `\nSkipping the schema migration part (om migrate): ${schema.why}. To see it, run \`npm run redis-stack:install\` ` +
          '(a local Redis Stack server the quick start starts itself), start a Docker engine, or set REDIS_OM_URL to a Redis Stack or Redis 8.',
      );
    }
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
