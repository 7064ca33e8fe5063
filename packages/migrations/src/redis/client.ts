import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';

/** An ioredis connection: a single server, or a cluster. */
export type RedisClient = Redis | Cluster;
