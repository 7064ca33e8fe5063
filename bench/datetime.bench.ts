/**
 * `npm run bench`: throughput of the built-in datetime migration against the limit (a minimal
 * pipelined SCAN + HMGET + HSET loop) and a naive redis-om fetch/save loop, and its peak RSS at
 * 100k and at 1M keys, on one throwaway redis-server. Every measured run is a child process
 * (bench/worker.ts), so its peak RSS is its own.
 *
 * Environment: BENCH_KEYS (default 1000000), BENCH_SMALL (default 100000), BENCH_NAIVE_KEYS
 * (default 20000: the naive loop is measured on fewer keys, it is that slow), BENCH_ROUNDS
 * (default 1: alternate built-in and limit this many times, keep each one's best).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import Redis from 'ioredis';

const KEYS = Number(process.env.BENCH_KEYS ?? 1_000_000);
const SMALL = Number(process.env.BENCH_SMALL ?? 100_000);
const NAIVE_KEYS = Number(process.env.BENCH_NAIVE_KEYS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);

interface Measure {
  variant: string;
  keys: number;
  seconds: number;
  keysPerSecond: number;
  maxRssMb: number;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

async function startServer(): Promise<{ url: string; stop(): void }> {
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not installed');
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i += 1) {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      probe.disconnect();
      return { url, stop: () => child.kill('SIGTERM') };
    } catch {
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('redis-server did not start');
}

/** FLUSHALL, then `count` Event HASHes with three ISO date fields, as an app before the migration wrote them. */
async function seed(redis: Redis, count: number): Promise<void> {
  await redis.flushall();
  for (let start = 0; start < count; start += 10_000) {
    const pipeline = redis.pipeline();
    for (let i = start; i < Math.min(count, start + 10_000); i += 1) {
      const t = Date.UTC(2020, 0, 1) + i * 1_001;
      pipeline.hset(
        `Event:${i}`,
        'title',
        `event ${i}`,
        'createdAt',
        new Date(t).toISOString(),
        'updatedAt',
        new Date(t + 86_400_000).toISOString().replace('Z', '+00:00'),
        'startsAt',
        new Date(t + 3_600_000).toISOString().slice(0, 19),
      );
    }
    await pipeline.exec();
  }
}

function measure(variant: 'builtin' | 'minimal' | 'naive', url: string): Promise<Measure> {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', resolve(__dirname, 'worker.ts'), variant, url], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`${variant} exited with ${code}`));
      ok(JSON.parse(out.trim().split('\n').pop()!) as Measure);
    });
  });
}

const best = (a: Measure | undefined, b: Measure) => (!a || b.keysPerSecond > a.keysPerSecond ? b : a);

async function main(): Promise<void> {
  const server = await startServer();
  const redis = new Redis(server.url);
  const log = (text: string) => process.stderr.write(`${text}\n`);
  try {
    log(`redis-server at ${server.url}; ${KEYS} keys, ${ROUNDS} round(s)`);
    await seed(redis, SMALL);
    const small = await measure('builtin', server.url);
    log(`built-in at ${SMALL}: ${Math.round(small.keysPerSecond)} keys/s, peak RSS ${small.maxRssMb.toFixed(0)} MB`);
    let builtin: Measure | undefined;
    let minimal: Measure | undefined;
    for (let round = 0; round < ROUNDS; round += 1) {
      await seed(redis, KEYS);
      builtin = best(builtin, await measure('builtin', server.url));
      log(`built-in at ${KEYS}: ${Math.round(builtin.keysPerSecond)} keys/s`);
      await seed(redis, KEYS);
      minimal = best(minimal, await measure('minimal', server.url));
      log(`limit at ${KEYS}: ${Math.round(minimal.keysPerSecond)} keys/s`);
    }
    await seed(redis, NAIVE_KEYS);
    const naive = await measure('naive', server.url);
    log(`naive at ${NAIVE_KEYS}: ${Math.round(naive.keysPerSecond)} keys/s`);

    const rows = [
      ['built-in 001_datetime_fields_to_timestamps', builtin!],
      ['limit: pipelined SCAN + HMGET + HSET', minimal!],
      ['naive: redis-om fetch + save per key', naive],
    ] as const;
    const pad = (text: string, n: number) => text.padEnd(n);
    const num = (n: number) => Math.round(n).toLocaleString('en-US');
    console.log('');
    console.log(`${pad('variant', 44)} ${pad('keys', 10)} ${pad('seconds', 8)} ${pad('keys/s', 9)} peak RSS`);
    for (const [name, m] of rows) {
      console.log(`${pad(name, 44)} ${pad(num(m.keys), 10)} ${pad(m.seconds.toFixed(1), 8)} ${pad(num(m.keysPerSecond), 9)} ${m.maxRssMb.toFixed(0)} MB`);
    }
    const limitRatio = builtin!.keysPerSecond / minimal!.keysPerSecond;
    const naiveRatio = builtin!.keysPerSecond / naive.keysPerSecond;
    const rssGrowth = builtin!.maxRssMb / small.maxRssMb - 1;
    console.log('');
    console.log(`built-in / limit: ${limitRatio.toFixed(2)}x (target >= 0.8x)`);
    console.log(`built-in / naive: ${naiveRatio.toFixed(1)}x (target >= 20x)`);
    console.log(
      `built-in peak RSS: ${small.maxRssMb.toFixed(0)} MB at ${num(SMALL)} keys, ${builtin!.maxRssMb.toFixed(0)} MB at ${num(KEYS)} keys ` +
        `(${rssGrowth >= 0 ? '+' : ''}${(rssGrowth * 100).toFixed(1)}%, target within 10%)`,
    );
  } finally {
    redis.disconnect();
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
