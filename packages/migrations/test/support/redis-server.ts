import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort, waitForPing } from '../../../../tools/redis-stack';

/** A throwaway redis-server on a free loopback port, for one test suite. */
export interface TestRedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` (with the password when one was set). */
  readonly url: string;
  /** Runs `redis-cli` against it and returns what it printed, trimmed. */
  cli(...args: string[]): string;
  stop(): Promise<void>;
}

// One port finder and one readiness wait serve the test support, the benches and the quick start.
export { freePort } from '../../../../tools/redis-stack';

/** True when a `redis-server` binary is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Starts `redis-server` with no persistence on a free port and waits until it answers.
 * `extraArgs` are passed through (e.g. `['--requirepass', 'secret']`, or `--loadmodule <file>`).
 */
export async function startRedisServer(
  options: { password?: string; extraArgs?: string[]; /** Another server binary (e.g. Redis Stack's). */ binary?: string } = {},
): Promise<TestRedisServer> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
  if (options.password) args.push('--requirepass', options.password);
  args.push(...(options.extraArgs ?? []));
  const child: ChildProcess = spawn(options.binary ?? 'redis-server', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = options.password ? `redis://:${options.password}@127.0.0.1:${port}` : `redis://127.0.0.1:${port}`;
  await waitForPing(url, child);
  return {
    port,
    url,
    cli: (...cliArgs: string[]) =>
      spawnSync('redis-cli', ['-p', String(port), ...(options.password ? ['-a', options.password, '--no-auth-warning'] : []), ...cliArgs], {
        encoding: 'utf8',
      }).stdout.trim(),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Gives a suite its own redis-server for all its tests (started before, stopped after) and a
 * client to it, and empties every database before each test.
 */
export function useRedisServer(options: { password?: string; extraArgs?: string[] } = {}): {
  readonly server: TestRedisServer;
  readonly redis: Redis;
} {
  const state = {} as { server: TestRedisServer; redis: Redis };
  beforeAll(async () => {
    state.server = await startRedisServer(options);
    state.redis = new Redis(state.server.url);
  });
  afterAll(async () => {
    state.redis?.disconnect();
    await state.server?.stop();
  });
  beforeEach(async () => {
    await state.redis.flushall();
  });
  return state;
}

/** A redis-server with an append-only file that can be shut down and started again on its port. */
export interface PersistentRedisServer extends TestRedisServer {
  /** Its data folder (the AOF lives there). */
  readonly dir: string;
  /** Shuts it down as SIGTERM does (the AOF flushed); nothing listens on the port until {@link start}. */
  shutdown(): Promise<void>;
  /**
   * {@link shutdown}, blocking this process until the server has exited: called from a scan's
   * `onBatch`, it puts the restart between two batches of that scan, however fast the scan.
   */
  shutdownNow(): void;
  /** Starts it again on the same port and folder; resolves once it answers, its AOF loaded. */
  start(): Promise<void>;
  /** True while a server process runs. */
  readonly running: boolean;
  /** The run_id of the running process (a new one after each start). */
  runId(): string;
}

/**
 * A redis-server with `--appendonly yes` in a temporary folder, so that a restart keeps every
 * key (as a production server with AOF does) while the new process is another one: new run_id,
 * new hash seed, an empty script cache. For tests of what a restart does to a running scan.
 */
export async function startPersistentRedisServer(): Promise<PersistentRedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'om-aof-'));
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', dir, '--daemonize', 'no'];
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const cli = (...cliArgs: string[]) => spawnSync('redis-cli', ['-p', String(port), ...cliArgs], { encoding: 'utf8' }).stdout.trim();
  const start = async () => {
    if (child) throw new Error('already running');
    const started = spawn('redis-server', args, { stdio: 'ignore' });
    child = started;
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    await waitForPing(url, started);
  };
  const shutdown = async () => {
    const running = child;
    if (!running) return;
    if (running.exitCode === null) running.kill('SIGTERM');
    await exited;
    child = undefined;
  };
  const shutdownNow = () => {
    const running = child;
    if (!running?.pid) return;
    running.kill('SIGTERM');
    // Node cannot reap the child while blocked, so "gone" is: no such process, or a zombie.
    spawnSync('sh', ['-c', `while [ -e /proc/${running.pid} ] && ! grep -q ') Z ' /proc/${running.pid}/stat; do sleep 0.02; done`]);
    child = undefined;
  };
  await start();
  return {
    port,
    url,
    dir,
    cli,
    start,
    shutdown,
    shutdownNow,
    get running() {
      return child !== undefined;
    },
    runId: () => /run_id:(\S+)/.exec(cli('info', 'server'))?.[1] ?? '',
    stop: async () => {
      await shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
