/** Types of tools/redis-stack.js (finding and starting a local Redis Stack server). */

/** The image used when testcontainers starts a server. */
export declare const REDIS_STACK_IMAGE: string;

/** A setting that names a server that is not there: fails the run rather than skipping. */
export declare class RedisStackSetupError extends Error {}

/** A local server binary and the two module files it is started with. */
export interface LocalRedisStack {
  readonly server: string;
  readonly modules: readonly string[];
  /** Where it was found, for the log line: `OM_REDIS_STACK_SERVER`, `.redis-stack/`, ... */
  readonly origin: string;
}

/** A server this process started (or connected to). */
export interface StartedRedisStack {
  /** `redis://host:port` (database 0). */
  readonly url: string;
  /** Where it came from, e.g. `a local Redis Stack server from .redis-stack/ (npm run redis-stack:install)`. */
  readonly description: string;
  stop(): Promise<void>;
}

/** What a server is, from INFO server and MODULE LIST. */
export interface ServerDescription {
  readonly redis: string;
  /** e.g. `2.10.5`; undefined without the search module. */
  readonly search?: string;
  /** e.g. `2.8.3`; undefined without the JSON module. */
  readonly json?: string;
  /** e.g. `Redis 7.4.1, RediSearch 2.10.5, RedisJSON 2.8.3`. */
  readonly text: string;
}

export declare function findLocalRedisStack(env?: NodeJS.ProcessEnv): LocalRedisStack | undefined;
export declare function freePort(): Promise<number>;
/** Waits (10 s at most) until the server at `url` answers PING; fails at once when `child` exits. */
export declare function waitForPing(url: string, child: import('node:child_process').ChildProcess): Promise<void>;
export declare function startLocalRedisStack(local: LocalRedisStack): Promise<StartedRedisStack & { readonly port: number }>;
export declare function dockerAnswers(): Promise<boolean>;
export declare function startRedisStackContainer(image?: string): Promise<StartedRedisStack>;
export declare function describeServer(url: string): Promise<ServerDescription>;
