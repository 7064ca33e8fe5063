import type { Repository, Schema } from 'redis-om';
import { DryRunWriteError } from '../errors';
import type { Logger } from '../logger';
import { readOnlyClient } from '../redis/read-only-client';
import { CheckpointStore } from '../batch/checkpoint';
import { DEFAULT_KEY_PREFIX } from '../config/defaults';
import type { RedisClient } from '../redis/client';
import type { RepositoryConnections } from '../redis/repository-connections';
import { scanTransform } from '../batch/scan-transform';
import type { ShareSettings } from '../batch/shares';
import type { BatchOptions, BatchProgress, ScanFailure, ScanTransformResult, ScanTransformSpec } from '../batch/types';
import type { MigrationContext } from './migration';

const REPOSITORY_WRITES = new Set(['save', 'remove', 'expire', 'expireAt', 'createIndex', 'dropIndex']);

/** A repository whose writing methods throw: what migrations get in a dry run. */
function readOnlyRepository(repository: Repository, who: string): Repository {
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property === 'string' && REPOSITORY_WRITES.has(property)) {
        return () =>
          Promise.reject(
            new DryRunWriteError(`${who} called repository.${property}() during a dry run; nothing was written.`, {
              hint: 'Check ctx.dryRun before writing, and only read (and report) in a dry run.',
            }),
          );
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Builds the context handed to one migration. */
export function createMigrationContext(options: {
  redis: RedisClient;
  logger: Logger;
  dryRun: boolean;
  connections: RepositoryConnections;
  migrationId: string;
  /** Where scan checkpoints live (the engine's key prefix and namespace). */
  keyPrefix?: string;
  /** The run's --batch-size, --max-rate, --failure-mode, --max-errors: they override the spec's. */
  batch?: BatchOptions;
  /** Receives the progress of every batch of `ctx.scanTransform`. */
  onBatch?: (progress: BatchProgress) => void;
  /** Receives every failed value of `ctx.scanTransform` (which then logs none itself). */
  onFailure?: (failure: ScanFailure) => void;
  /** Receives the result of every complete `ctx.scanTransform` scan. */
  onScanned?: (result: ScanTransformResult) => void;
  /** Stops scans at their next batch boundary once aborted. */
  signal?: AbortSignal;
  /** Scans shared with the other processes of a scaled-out run. */
  share?: ShareSettings;
}): MigrationContext {
  const who = `Data migration ${options.migrationId}`;
  const redis = options.dryRun ? readOnlyClient(options.redis, who) : options.redis;
  return {
    redis,
    logger: options.logger,
    dryRun: options.dryRun,
    repository: async (schema: Schema) => {
      const repository = await options.connections.repository(schema);
      return options.dryRun ? readOnlyRepository(repository, who) : repository;
    },
    scanTransform: (spec: ScanTransformSpec) => {
      const given = Object.fromEntries(Object.entries(options.batch ?? {}).filter(([, v]) => v !== undefined));
      const onBatch = (progress: BatchProgress) => {
        options.onBatch?.(progress);
        spec.onBatch?.(progress);
      };
      // The unguarded client: the helper itself never writes in a dry run.
      return scanTransform(options.redis, { ...spec, ...given, dryRun: options.dryRun || spec.dryRun, onBatch } as ScanTransformSpec, {
        logger: options.logger,
        keyPrefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX,
        signal: options.signal,
        onFailure: options.onFailure,
        ...(options.share ? { share: options.share } : {}),
      }).then((result) => {
        options.onScanned?.(result);
        return result;
      });
    },
    clearCheckpoints: async (namePrefix: string) =>
      options.dryRun ? 0 : new CheckpointStore(options.redis, options.keyPrefix ?? DEFAULT_KEY_PREFIX).clear({ prefix: namePrefix }),
  };
}
