import { Cluster } from 'ioredis';
import type { Repository, Schema } from 'redis-om';
import type { RedisClient } from './client';

type NodeRedisClient = { connect(): Promise<unknown>; quit(): Promise<unknown> };

/**
 * Opens node-redis connections for redis-om repositories on demand (redis-om 0.4 needs a
 * node-redis client; the engine itself speaks ioredis) to the server `redis` is connected to,
 * and closes them when the run ends.
 */
export class RepositoryConnections {
  private client?: Promise<NodeRedisClient>;

  constructor(private readonly redis: RedisClient) {}

  async repository(schema: Schema): Promise<Repository> {
    // Loaded lazily: redis-om is a peer dependency, needed only by migrations that use it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Repository } = require('redis-om') as typeof import('redis-om');
    this.client ??= this.open();
    return new Repository(schema, (await this.client) as never);
  }

  async close(): Promise<void> {
    if (!this.client) return;
    const client = await this.client.catch(() => undefined);
    this.client = undefined;
    await client?.quit().catch(() => undefined);
  }

  private async open(): Promise<NodeRedisClient> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createClient, createCluster } = require('redis') as typeof import('redis');
    if (this.redis instanceof Cluster) {
      const rootNodes = this.redis.nodes('master').map((node) => ({ socket: { host: node.options.host, port: node.options.port } }));
      const { username, password } = this.redis.options.redisOptions ?? {};
      const cluster = createCluster({
        rootNodes,
        defaults: { username: username || undefined, password: password || undefined },
      });
      cluster.on('error', () => undefined);
      await cluster.connect();
      return cluster as unknown as NodeRedisClient;
    }
    const { host, port, username, password, db } = this.redis.options;
    const client = createClient({
      socket: { host, port, reconnectStrategy: false },
      username: username || undefined,
      password: password || undefined,
      database: db ?? 0,
    });
    client.on('error', () => undefined);
    await client.connect();
    return client as unknown as NodeRedisClient;
  }
}
