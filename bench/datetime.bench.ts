/**
 * `npm run bench`: the built-in datetime migration against baselines measured in the same run,
 * on throwaway servers. Every measured conversion is a child process (bench/worker.ts), so its
 * peak RSS is its own.
 *
 * 1. Throughput at each round-trip time (loopback, then through bench/delay-proxy.ts): the
 *    built-in; the limit (a bare pipelined SCAN + HMGET + HSET loop, no checks, no checkpoint);
 *    the naive redis-om fetch + save loop; Redis OM Python's design (every key collected, then
 *    one key at a time, a round trip per command).
 * 2. Peak RSS of the built-in at BENCH_SMALL and BENCH_KEYS keys.
 * 3. The app's latency (HGET of random keys, and FT.SEARCH when a Redis Stack server is found
 *    through tools/redis-stack.js) idle, during the migration, and during it at half its rate
 *    (--max-rate), all through the proxy at BENCH_APP_RTT.
 *
 * Environment (defaults in brackets; BENCH_QUICK=1 picks small ones for a run of a minute or two):
 * BENCH_KEYS [1000000] and BENCH_SMALL [100000] (RSS, and the loopback limit ratio);
 * BENCH_NET_KEYS [200000] keys for the built-in and the limit at each RTT; BENCH_SLOW_KEYS
 * [2000] for the naive and Python rows through the proxy, BENCH_NAIVE_KEYS [20000] at loopback;
 * BENCH_RTTS [0,0.5,2] round trips in ms; BENCH_APP_RTT [0.5]; BENCH_APP_KEYS [BENCH_NET_KEYS];
 * BENCH_APP_BATCH [100] (the last app row's batch size; BENCH_RTTS= with nothing skips the RTT rows);
 * BENCH_IDLE_SECONDS [3]; BENCH_ROUNDS [1] (alternate built-in and limit, keep each one's best).
 */
import { spawn, spawnSync } from 'node:child_process';
import { freePort, started } from './children';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { parseIndexingStatus } from '../packages/migrations/src/schema/ft-info';
import { findLocalRedisStack, startLocalRedisStack } from '../tools/redis-stack';

const QUICK = process.env.BENCH_QUICK === '1';
const setting = (name: string, full: number, quick: number) => Number(process.env[name] ?? (QUICK ? quick : full));
const KEYS = setting('BENCH_KEYS', 1_000_000, 50_000);
const SMALL = setting('BENCH_SMALL', 100_000, 10_000);
const NET_KEYS = setting('BENCH_NET_KEYS', 200_000, 20_000);
const SLOW_KEYS = setting('BENCH_SLOW_KEYS', 2_000, 300);
const NAIVE_KEYS = setting('BENCH_NAIVE_KEYS', 20_000, 2_000);
const APP_KEYS = setting('BENCH_APP_KEYS', NET_KEYS, NET_KEYS);
const IDLE_SECONDS = setting('BENCH_IDLE_SECONDS', 3, 2);
const ROUNDS = setting('BENCH_ROUNDS', 1, 1);
const APP_RTT = Number(process.env.BENCH_APP_RTT ?? 0.5);
const RTTS = (process.env.BENCH_RTTS ?? '0,0.5,2').split(',').filter((r) => r !== '').map(Number);
const APP_SMALL_BATCH = setting('BENCH_APP_BATCH', 100, 100);

type Variant = 'builtin' | 'minimal' | 'naive' | 'python';

interface Measure {
  variant: Variant;
  keys: number;
  seconds: number;
  keysPerSecond: number;
  /** CPU the worker used (user + system), and the server meanwhile (INFO cpu): load-proof costs. */
  cpuSeconds: number;
  serverCpuSeconds: number;
  maxRssMb: number;
}

const log = (text: string) => process.stderr.write(`${text}\n`);

interface Server {
  url: string;
  port: number;
  description: string;
  stop(): Promise<void> | void;
}

async function waitForPing(url: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      probe.disconnect();
      return;
    } catch {
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${url} did not answer`);
}

async function startServer(): Promise<Server> {
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not installed');
  const port = await freePort();
  const child = started(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url);
  return { url, port, description: 'redis-server', stop: () => void child.kill('SIGTERM') };
}

/** A delay proxy in front of `port` (bench/delay-proxy.ts), `rttMs` round trip; undefined for loopback. */
async function startProxy(port: number, rttMs: number): Promise<{ url: string; stop(): void } | undefined> {
  if (rttMs === 0) return undefined;
  const child = started(
    spawn(process.execPath, ['-r', '@swc-node/register', resolve(__dirname, 'delay-proxy.ts'), String(port), String(rttMs / 2)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const listening = await new Promise<number>((ok, fail) => {
    child.stdout!.once('data', (c: Buffer) => ok(Number(c.toString().trim())));
    child.once('exit', (code) => fail(new Error(`the delay proxy exited with ${code}`)));
  });
  const url = `redis://127.0.0.1:${listening}`;
  await waitForPing(url);
  return { url, stop: () => void child.kill('SIGTERM') };
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

/** used_cpu_user + used_cpu_sys of the server behind `url`. */
async function serverCpu(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    const info = await redis.info('cpu');
    return ['used_cpu_user', 'used_cpu_sys'].reduce((sum, name) => sum + Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0), 0);
  } finally {
    redis.disconnect();
  }
}

async function measure(variant: Variant, url: string, maxRate?: number, batch?: number): Promise<Measure> {
  const before = await serverCpu(url);
  const m = await run(variant, url, maxRate, batch);
  return { ...m, serverCpuSeconds: (await serverCpu(url)) - before };
}

function run(variant: Variant, url: string, maxRate?: number, batch?: number): Promise<Omit<Measure, 'serverCpuSeconds'>> {
  return new Promise((ok, fail) => {
    const args = [resolve(__dirname, 'worker.ts'), variant, url, ...(maxRate === undefined ? [] : [String(maxRate)])];
    const env = batch === undefined ? process.env : { ...process.env, BENCH_BATCH: String(batch) };
    const child = spawn(process.execPath, ['-r', '@swc-node/register', ...args], { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) return fail(new Error(`${variant} at ${url} exited with ${code} and printed ${JSON.stringify(last)}`));
      ok(JSON.parse(last) as Omit<Measure, 'serverCpuSeconds'>);
    });
  });
}

const best = (a: Measure | undefined, b: Measure) => (!a || b.keysPerSecond > a.keysPerSecond ? b : a);
const num = (n: number) => Math.round(n).toLocaleString('en-US');
const pad = (text: string, n: number) => text.padEnd(n);
const rttName = (rtt: number) => (rtt === 0 ? 'loopback' : `${rtt} ms RTT`);

interface RttRows {
  rtt: number;
  builtin: Measure;
  minimal: Measure;
  naive: Measure;
  python: Measure;
}

/** The four variants at one round-trip time; the slow two on fewer keys. */
async function atRtt(server: Server, redis: Redis, rtt: number): Promise<RttRows> {
  const proxy = await startProxy(server.port, rtt);
  const url = proxy?.url ?? server.url;
  try {
    let builtin: Measure | undefined;
    let minimal: Measure | undefined;
    for (let round = 0; round < ROUNDS; round += 1) {
      await seed(redis, NET_KEYS);
      builtin = best(builtin, await measure('builtin', url));
      await seed(redis, NET_KEYS);
      minimal = best(minimal, await measure('minimal', url));
    }
    const slow = rtt === 0 ? NAIVE_KEYS : SLOW_KEYS;
    await seed(redis, slow);
    const naive = await measure('naive', url);
    await seed(redis, slow);
    const python = await measure('python', url);
    log(`${rttName(rtt)}: built-in ${num(builtin!.keysPerSecond)}, limit ${num(minimal!.keysPerSecond)}, naive ${num(naive.keysPerSecond)}, Python's ${num(python.keysPerSecond)} keys/s`);
    return { rtt, builtin: builtin!, minimal: minimal!, naive, python };
  } finally {
    proxy?.stop();
  }
}

/** Latency percentiles of one kind of app request, in ms. */
interface Latency {
  count: number;
  p50: number;
  p99: number;
}

function percentiles(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99) };
}

/**
 * The app: one connection on which, every millisecond (a timer tick, whatever came back), an
 * HGET of a random key is sent and, when RediSearch is there, an FT.SEARCH for a random title
 * word; until `until` settles. Each latency runs from the request's send to its reply.
 *
 * Requests arrive on a schedule, as users' requests do, not back to back: a back-to-back loop
 * sends nothing while it waits, so a 20 ms stall costs it one slow sample among thousands of
 * fast ones and its p99 rewards long, rare stalls (coordinated omission). Here every request
 * sent during a stall waits for it, in proportion to how long the stall lasts.
 */
async function appLoop(url: string, search: boolean, until: Promise<unknown>): Promise<{ hget: Latency; search?: Latency }> {
  const app = new Redis(url);
  await app.ping();
  let stop = false;
  void until.finally(() => (stop = true)).catch(() => undefined);
  const hget: number[] = [];
  const ft: number[] = [];
  const timed = (into: number[], request: Promise<unknown>) => {
    const t = process.hrtime.bigint();
    return request.then(() => void into.push(Number(process.hrtime.bigint() - t) / 1e6));
  };
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  try {
    while (!stop) {
      const id = Math.floor(Math.random() * APP_KEYS);
      track(timed(hget, app.hget(`Event:${id}`, 'title')));
      if (search) track(timed(ft, app.call('FT.SEARCH', 'Event:bench', `@title:${id}`, 'LIMIT', '0', '1')));
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inFlight);
  } finally {
    app.disconnect();
  }
  return { hget: percentiles(hget), ...(search ? { search: percentiles(ft) } : {}) };
}

async function seedForApp(redis: Redis, search: boolean): Promise<void> {
  await seed(redis, APP_KEYS);
  if (!search) return;
  await redis.call('FT.CREATE', 'Event:bench', 'ON', 'HASH', 'PREFIX', '1', 'Event:', 'SCHEMA', 'title', 'TEXT');
  for (;;) {
    if (!parseIndexingStatus((await redis.call('FT.INFO', 'Event:bench')) as never).indexing) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface AppRows {
  server: string;
  search: boolean;
  phases: { name: string; rate?: Measure; requested?: number; app: { hget: Latency; search?: Latency } }[];
}

/** The app's latency idle, during the migration, and during the migration at half its rate. */
async function appLatency(): Promise<AppRows> {
  const local = findLocalRedisStack();
  const server: Server = local ? await startLocalRedisStack(local) : await startServer();
  const search = Boolean(local);
  const redis = new Redis(server.url);
  // The app and the migration each reach the server through a proxy of their own, as two hosts
  // at the same distance would: one proxy process would queue the app's requests behind the
  // migration's traffic in its own event loop, a delay no network adds at these rates.
  const proxy = await startProxy(server.port, APP_RTT);
  const url = proxy?.url ?? server.url;
  const migrationProxy = await startProxy(server.port, APP_RTT);
  const migrationUrl = migrationProxy?.url ?? server.url;
  try {
    const phases: AppRows['phases'] = [];
    await seedForApp(redis, search);
    phases.push({ name: 'idle', app: await appLoop(url, search, new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000))) });
    const full = measure('builtin', migrationUrl);
    phases.push({ name: 'during the migration', app: await appLoop(url, search, full), rate: await full });
    await redis.flushall();
    await seedForApp(redis, search);
    const requested = Math.round((await full).keysPerSecond / 2);
    const half = measure('builtin', migrationUrl, requested);
    phases.push({ name: `during it, --max-rate ${requested}`, app: await appLoop(url, search, half), rate: await half, requested });
    // The throttle spaces the stalls out; a smaller batch shortens each one.
    await redis.flushall();
    await seedForApp(redis, search);
    const small = measure('builtin', migrationUrl, requested, APP_SMALL_BATCH);
    phases.push({ name: `  and --batch-size ${APP_SMALL_BATCH}`, app: await appLoop(url, search, small), rate: await small, requested });
    log(`app latency measured on ${server.description}`);
    return { server: server.description, search, phases };
  } finally {
    proxy?.stop();
    migrationProxy?.stop();
    redis.disconnect();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const server = await startServer();
  const redis = new Redis(server.url);
  const results: RttRows[] = [];
  let small: Measure;
  let large: Measure;
  try {
    log(`redis-server at ${server.url}; RSS at ${num(SMALL)} and ${num(KEYS)} keys; ${num(NET_KEYS)} keys per RTT row${QUICK ? ' (BENCH_QUICK)' : ''}`);
    await seed(redis, SMALL);
    small = await measure('builtin', server.url);
    await seed(redis, KEYS);
    large = await measure('builtin', server.url);
    log(`built-in peak RSS: ${small.maxRssMb.toFixed(0)} MB at ${num(SMALL)}, ${large.maxRssMb.toFixed(0)} MB at ${num(KEYS)}`);
    for (const rtt of RTTS) results.push(await atRtt(server, redis, rtt));
  } finally {
    redis.disconnect();
    await server.stop();
  }
  const app = await appLatency();

  console.log('');
  console.log(`${pad('RTT', 12)} ${pad('variant', 48)} ${pad('keys', 10)} ${pad('keys/s', 9)} ${pad('built-in ×', 11)} ${pad('µs CPU/key: client+server', 26)} peak RSS`);
  for (const r of results) {
    const rows = [
      ['built-in 001_datetime_fields_to_timestamps', r.builtin],
      ['limit: pipelined SCAN + HMGET + HSET', r.minimal],
      ['naive: redis-om fetch + save per key', r.naive],
      ["Redis OM Python's design: all keys, then 1 by 1", r.python],
    ] as const;
    for (const [name, m] of rows) {
      const ratio = (r.builtin.keysPerSecond / m.keysPerSecond).toFixed(m === r.builtin ? 2 : m === r.minimal ? 2 : 1);
      const cpu = `${((m.cpuSeconds * 1e6) / m.keys).toFixed(0)}+${((m.serverCpuSeconds * 1e6) / m.keys).toFixed(0)}`;
      console.log(`${pad(rttName(r.rtt), 12)} ${pad(name, 48)} ${pad(num(m.keys), 10)} ${pad(num(m.keysPerSecond), 9)} ${pad(`${ratio}×`, 11)} ${pad(cpu, 26)} ${m.maxRssMb.toFixed(0)} MB`);
    }
  }
  console.log('');
  const loop = results.find((r) => r.rtt === 0);
  const far = results.find((r) => r.rtt === 2);
  if (loop) console.log(`loopback: built-in / limit ${(loop.builtin.keysPerSecond / loop.minimal.keysPerSecond).toFixed(2)}× (target >= 0.9×)`);
  if (far) {
    console.log(`2 ms RTT: built-in / naive ${(far.builtin.keysPerSecond / far.naive.keysPerSecond).toFixed(0)}× (target >= 100×), built-in / limit ${(far.builtin.keysPerSecond / far.minimal.keysPerSecond).toFixed(2)}×`);
    if (loop) console.log(`2 ms RTT: built-in / its loopback rate ${(far.builtin.keysPerSecond / loop.builtin.keysPerSecond).toFixed(2)}× (target >= 0.8×)`);
  }
  const growth = large!.maxRssMb / small!.maxRssMb - 1;
  console.log(
    `built-in peak RSS: ${small!.maxRssMb.toFixed(0)} MB at ${num(SMALL)} keys, ${large!.maxRssMb.toFixed(0)} MB at ${num(KEYS)} keys ` +
      `(${growth >= 0 ? '+' : ''}${(growth * 100).toFixed(1)}%, target within 10%); loopback built-in at ${num(KEYS)}: ${num(large!.keysPerSecond)} keys/s`,
  );

  console.log('');
  console.log(`App latency on ${app.server} at ${rttName(APP_RTT)}, ${num(APP_KEYS)} keys (ms; one client sending an HGET${app.search ? ' and an FT.SEARCH' : ''} every ms, each timed from its send):`);
  console.log(`${pad('phase', 34)} ${pad('migration keys/s', 18)} ${pad('HGET p50', 9)} ${pad('HGET p99', 9)} ${app.search ? `${pad('FT.SEARCH p50', 14)} FT.SEARCH p99` : ''}`);
  for (const p of app.phases) {
    const rate = p.rate ? num(p.rate.keysPerSecond) + (p.requested ? ` (${((p.rate.keysPerSecond / p.requested - 1) * 100).toFixed(1)}%)` : '') : '—';
    const s = p.app.search ? `${pad(p.app.search.p50.toFixed(2), 14)} ${p.app.search.p99.toFixed(2)}` : '';
    console.log(`${pad(p.name, 34)} ${pad(rate, 18)} ${pad(p.app.hget.p50.toFixed(2), 9)} ${pad(p.app.hget.p99.toFixed(2), 9)} ${s}`);
  }
  // The target is on the default batch size; the small-batch row is for comparison.
  const ratios = (of: (p: AppRows['phases'][number]) => number | undefined) => {
    const [idle, , throttled, smaller] = app.phases.map(of);
    return `${(throttled! / idle!).toFixed(2)}× idle, ${(smaller! / idle!).toFixed(2)}× with --batch-size ${APP_SMALL_BATCH}`;
  };
  console.log(`throttled at half rate: HGET p99 ${ratios((p) => p.app.hget.p99)} (target <= 1.5×)`);
  if (app.search) console.log(`throttled at half rate: FT.SEARCH p99 ${ratios((p) => p.app.search?.p99)} (target <= 1.5×)`);
  if (!app.search) console.log('(no Redis Stack found: FT.SEARCH not measured; `npm run redis-stack:install` adds it)');
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
