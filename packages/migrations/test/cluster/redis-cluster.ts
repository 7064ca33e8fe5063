import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from '../support/redis-server';

/** A throwaway Redis Cluster of `masters` Debian redis-servers on loopback ports, no replicas. */
export interface TestRedisCluster {
  readonly ports: number[];
  stop(): Promise<void>;
}

/**
 * Starts `redis-server --cluster-enabled yes` `masters` times, joins them with
 * `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes` and waits for
 * `cluster_state:ok` on every node.
 */
export async function startRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'om-cluster-'));
  const ports: number[] = [];
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i += 1) {
      const port = await freePort();
      ports.push(port);
      children.push(
        spawn(
          'redis-server',
          [
            '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
            '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir,
            '--save', '', '--appendonly', 'no', '--daemonize', 'no',
          ],
          { stdio: 'ignore' },
        ),
      );
    }
    for (const port of ports) await waitFor(async () => (await probe(port, 'PING')) === 'PONG');
    const created = spawnSync(
      'redis-cli',
      ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'],
      { encoding: 'utf8', timeout: 20_000 },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const port of ports) {
      await waitFor(async () => String(await probe(port, 'CLUSTER', 'INFO')).includes('cluster_state:ok'));
    }
    return { ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function probe(port: number, ...command: string[]): Promise<unknown> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(command[0]!, ...command.slice(1));
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the cluster did not come up within 15s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
