import Redis, { Cluster } from 'ioredis';
import { databaseIndexOf } from '../config/redis-url';
import { redactRedisUrl } from '../redact';
import type { RedisClient } from './client';
import { RedisConnectionError, RedisPermissionError, describeCause } from '../errors';
import { permissionErrorOf } from './permission-error';

/** How long to wait for the first connection before giving up. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Opens an ioredis connection and proves it works with a PING, so that a wrong host, password
 * or database index is reported once, clearly, before any migration runs. When the server is a
 * Redis Cluster node (`INFO cluster` says `cluster_enabled:1`), the result is an ioredis
 * `Cluster` seeded with that node, so the same URL works for both.
 */
export async function connectRedis(url: string, options: { connectTimeoutMs?: number } = {}): Promise<RedisClient> {
  const shown = redactRedisUrl(url);
  const db = databaseIndexOf(url);
  if (!Number.isInteger(db) || db < 0) {
    throw new RedisConnectionError(`Invalid database index in Redis URL ${shown}.`, {
      hint: 'The path of a Redis URL is a database number, e.g. redis://localhost:6379/0.',
    });
  }
  let client: Redis;
  try {
    client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      // Fail the first connection at once instead of retrying forever; retries are switched on
      // once the server has answered (see below).
      retryStrategy: () => null,
      maxRetriesPerRequest: 1,
      // A failed connection otherwise keeps the process alive for 2 s before exiting.
      disconnectTimeout: 100,
    });
  } catch (cause) {
    throw new RedisConnectionError(`Invalid Redis URL ${shown}: ${describeCause(cause)}`, {
      hint: 'Use the form redis://[[user]:password@]host[:port][/db], e.g. redis://localhost:6379.',
    });
  }
  let lastError: unknown;
  // ioredis reports handshake failures (AUTH, SELECT) as events as well as rejections.
  client.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await client.connect();
    await client.ping();
    // ioredis reports a failed SELECT only as an event and then serves database 0: check.
    if (lastError !== undefined) throw lastError;
    if (await isClusterNode(client)) {
      client.disconnect();
      return await connectCluster(client, shown, db, options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS);
    }
    if (db !== 0) await client.select(db);
  } catch (cause) {
    client.disconnect();
    if (cause instanceof RedisConnectionError) throw cause;
    throw classifyConnectionError(lastError ?? cause, shown, db, url);
  }
  client.options.retryStrategy = (times: number) => (times > 20 ? null : Math.min(times * 100, 2_000));
  client.options.maxRetriesPerRequest = 20;
  return client;
}

async function isClusterNode(client: Redis): Promise<boolean> {
  try {
    return /cluster_enabled:1/.test(await client.info('cluster'));
  } catch {
    // INFO may be denied by ACLs: such a server is treated as a single node.
    return false;
  }
}

async function connectCluster(seed: Redis, shown: string, db: number, connectTimeout: number): Promise<Cluster> {
  if (db !== 0) throw clusterHasOnlyDbZero(shown);
  const { host, port, username, password, tls } = seed.options;
  const cluster = new Cluster([{ host, port }], {
    lazyConnect: true,
    redisOptions: { username, password, tls, connectTimeout, disconnectTimeout: 100 },
    clusterRetryStrategy: () => null,
  });
  let lastError: unknown;
  cluster.on('error', (error: unknown) => {
    lastError = error;
  });
  try {
    await cluster.connect();
    await cluster.ping();
  } catch (cause) {
    cluster.disconnect();
    throw new RedisConnectionError(`Cannot connect to the Redis Cluster at ${shown}: ${describeCause(lastError ?? cause)}.`, {
      hint: 'Check that every node of the cluster is reachable from here.',
    });
  }
  cluster.options.clusterRetryStrategy = (times: number) => (times > 20 ? null : Math.min(times * 100, 2_000));
  return cluster;
}

function clusterHasOnlyDbZero(shownUrl: string): RedisConnectionError {
  return new RedisConnectionError(`${shownUrl} is a Redis Cluster node, and a cluster has only database 0.`, {
    hint: 'Remove the database number from the URL.',
  });
}

function classifyConnectionError(cause: unknown, shownUrl: string, db: number, url: string): RedisConnectionError | RedisPermissionError {
  const refused = permissionErrorOf(cause, url);
  if (refused) return refused;
  const text = describeCause(cause);
  const code = (cause as { code?: string } | undefined)?.code;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(text)) {
    return new RedisConnectionError(`Redis at ${shownUrl} rejected the username or password (${text.trim()}).`, {
      hint: 'Check the credentials in REDIS_OM_URL (redis://user:password@host:port).',
    });
  }
  if (/NOAUTH/i.test(text)) {
    return new RedisConnectionError(`Redis at ${shownUrl} requires a password and none was given.`, {
      hint: 'Put the password in REDIS_OM_URL: redis://:password@host:port (or redis://user:password@host:port).',
    });
  }
  if (/SELECT is not allowed in cluster mode/i.test(text)) {
    return clusterHasOnlyDbZero(shownUrl);
  }
  if (/DB index is out of range|invalid DB index/i.test(text)) {
    return new RedisConnectionError(`Redis at ${shownUrl} has no database ${db}.`, {
      hint: 'Use a database index the server has (see its `databases` setting), usually 0.',
    });
  }
  const reason = code ?? text;
  return new RedisConnectionError(`Cannot connect to Redis at ${shownUrl} (${reason}).`, {
    hint: 'Check that the server is running and that REDIS_OM_URL (or --redis-url) points at it.',
  });
}
