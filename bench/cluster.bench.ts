/**
 * `npm run bench:cluster`: the built-in datetime migration on a single redis-server against a
 * 3-master Redis Cluster of local redis-servers, the same keys on both, in one run; then the
 * cluster throttled (`--max-rate`, the total over its masters). Each conversion is a child
 * process (bench/worker.ts).
 *
 * Every redis-server and the migration share this machine's cores: on a 2-core machine three
 * masters and the migration compete for two cores, so the cluster cannot show what three
 * machines would give; the ratio says what walking the masters at once costs or gains here.
 *
 * Environment (BENCH_QUICK=1 picks the smaller figure): BENCH_CLUSTER_KEYS [1000000, 100000];
 * BENCH_CLUSTER_RATE [half the unthrottled cluster rate] (the throttled row's --max-rate).
 */
import { spawn, spawnSync } from 'node:child_process';
import { freePort, started, stopAll } from './children';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Redis, { Cluster } from 'ioredis';

const QUICK = process.env.BENCH_QUICK === '1';
const setting = (name: string, full: number, quick: number) => Number(process.env[name] ?? (QUICK ? quick : full));
const KEYS = setting('BENCH_CLUSTER_KEYS', 1_000_000, 100_000);
const RATE = process.env.BENCH_CLUSTER_RATE === undefined ? undefined : Number(process.env.BENCH_CLUSTER_RATE);

const log = (text: string) => process.stderr.write(`${text}\n`);
const num = (n: number) => Math.round(n).toLocaleString('en-US');
const pad = (text: string, n: number) => text.padEnd(n);

const cli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).stdout?.trim() ?? '';

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `count` redis-servers; with `cluster`, joined as masters (no replicas). */
async function startServers(count: number, cluster: boolean): Promise<{ ports: number[]; stop(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'om-bench-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const port = await freePort();
    ports.push(port);
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
    if (cluster) args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`));
    started(spawn('redis-server', args, { stdio: 'ignore' }));
  }
  const stop = () => {
    stopAll();
    rmSync(dir, { recursive: true, force: true });
  };
  for (const port of ports) await until(() => cli(port, 'ping') === 'PONG', `redis-server on ${port}`);
  if (cluster) {
    const created = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const port of ports) await until(() => cli(port, 'cluster', 'info').includes('cluster_state:ok'), `the cluster on ${port}`);
  }
  return { ports, stop };
}

/** FLUSHALL, then `KEYS` Event HASHes with three ISO date fields (as bench/datetime.bench.ts seeds them). */
async function seed(redis: Redis | Cluster): Promise<void> {
  const masters = redis instanceof Cluster ? redis.nodes('master') : [redis];
  await Promise.all(masters.map((m) => m.flushall()));
  for (let start = 0; start < KEYS; start += 10_000) {
    const writes: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(KEYS, start + 10_000); i += 1) {
      const t = Date.UTC(2020, 0, 1) + i * 1_001;
      writes.push(
        redis.hset(
          `Event:${i}`,
          'title', `event ${i}`,
          'createdAt', new Date(t).toISOString(),
          'updatedAt', new Date(t + 86_400_000).toISOString().replace('Z', '+00:00'),
          'startsAt', new Date(t + 3_600_000).toISOString().slice(0, 19),
        ),
      );
    }
    await Promise.all(writes);
  }
}

interface Measure {
  keys: number;
  seconds: number;
  keysPerSecond: number;
  maxRssMb: number;
}

function runBuiltin(url: string, maxRate?: number, env: NodeJS.ProcessEnv = process.env): Promise<Measure> {
  return new Promise((ok, fail) => {
    const args = ['-r', '@swc-node/register', resolve(__dirname, 'worker.ts'), 'builtin', url, ...(maxRate === undefined ? [] : [String(maxRate)])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !last.startsWith('{')) return fail(new Error(`the built-in at ${url} exited with ${code} and printed ${JSON.stringify(last)}`));
      ok(JSON.parse(last) as Measure);
    });
  });
}

async function main(): Promise<void> {
  log(`${num(KEYS)} keys; ${cpus().length} cores, shared by every redis-server and the migration${QUICK ? ' (BENCH_QUICK)' : ''}`);
  const rows: { name: string; m: Measure }[] = [];
  let rate = 0;
  const scaleOut: (Measure & { processes: number })[] = [];

  const single = await startServers(1, false);
  const url = `redis://127.0.0.1:${single.ports[0]}`;
  const redis = new Redis(url);
  try {
    await seed(redis);
    rows.push({ name: 'single redis-server', m: await runBuiltin(url) });
  } finally {
    redis.disconnect();
    single.stop();
  }
  log(`single: ${num(rows[0]!.m.keysPerSecond)} keys/s`);

  const cluster = await startServers(3, true);
  const clusterUrl = `redis://127.0.0.1:${cluster.ports[0]}`;
  const client = new Cluster(cluster.ports.map((port) => ({ host: '127.0.0.1', port })), { enableAutoPipelining: true });
  try {
    await seed(client);
    rows.push({ name: '3-master cluster', m: await runBuiltin(clusterUrl) });
    log(`cluster: ${num(rows[1]!.m.keysPerSecond)} keys/s`);
    await seed(client);
    rate = RATE ?? Math.round(rows[1]!.m.keysPerSecond / 2);
    rows.push({ name: `3-master cluster, --max-rate ${num(rate)}`, m: await runBuiltin(clusterUrl, rate) });
    // Scale-out: 1, 2, 3 processes sharing the run (--scale-out), all started at once; the
    // rate is every key over the time until the last one exits.
    for (const processes of [1, 2, 3]) {
      await seed(client);
      const started = performance.now();
      const measures = await Promise.all(Array.from({ length: processes }, () => runBuiltin(clusterUrl, undefined, { ...process.env, BENCH_SCALE_OUT: '1' })));
      const seconds = (performance.now() - started) / 1000;
      const keys = measures.reduce((sum, m) => sum + m.keys, 0);
      scaleOut.push({ processes, keys, seconds, keysPerSecond: keys / seconds, maxRssMb: Math.max(...measures.map((m) => m.maxRssMb)) });
      log(`scale-out, ${processes} process(es): ${num(keys / seconds)} keys/s`);
    }
  } finally {
    client.disconnect();
    cluster.stop();
  }

  const base = rows[0]!.m.keysPerSecond;
  console.log('');
  console.log(`${pad('setup', 40)} ${pad('keys', 10)} ${pad('keys/s', 9)} ${pad('× single', 9)} peak RSS`);
  for (const { name, m } of rows) {
    console.log(`${pad(name, 40)} ${pad(num(m.keys), 10)} ${pad(num(m.keysPerSecond), 9)} ${pad(`${(m.keysPerSecond / base).toFixed(2)}×`, 9)} ${m.maxRssMb.toFixed(0)} MB`);
  }
  console.log('');
  console.log(`cluster / single ${(rows[1]!.m.keysPerSecond / base).toFixed(2)}× (target >= 0.9×)`);
  console.log(`throttled: ${num(rows[2]!.m.keysPerSecond)} keys/s for --max-rate ${num(rate)} (${((rows[2]!.m.keysPerSecond / rate) * 100).toFixed(1)}% of the rate, the total over the 3 masters; process start-up included)`);
  console.log('');
  console.log(`Scale-out on the 3-master cluster (--scale-out; a process walks one master at a time):`);
  console.log(`${pad('processes', 10)} ${pad('keys', 10)} ${pad('keys/s', 9)} ${pad('× 1 process', 12)} peak RSS (largest process)`);
  for (const m of scaleOut) {
    console.log(`${pad(String(m.processes), 10)} ${pad(num(m.keys), 10)} ${pad(num(m.keysPerSecond), 9)} ${pad(`${(m.keysPerSecond / scaleOut[0]!.keysPerSecond).toFixed(2)}×`, 12)} ${m.maxRssMb.toFixed(0)} MB`);
  }
  console.log('');
  console.log(`${cpus().length} cores shared by the redis-servers and the migration: the cluster rows measure overhead, not what more machines would add.`);
  console.log('Scale-out is bounded by those cores too: three processes and three masters on two cores; on separate machines each process adds its own CPU.');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error instanceof Error ? error.stack : error)}\n`);
  process.exitCode = 1;
});
