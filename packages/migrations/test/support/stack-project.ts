import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { makeProject, runOm, spawnOm, type CliResult, type OmProcess } from './cli';
import type { TestRedisStack } from './redis-stack';

/** A scratch project whose `om migrate` commands run against one Redis Stack. */
export interface StackProject {
  readonly dir: string;
  /** Replaces `src/models.ts`. */
  write(text: string): void;
  /** `om migrate <args> --models src/models.ts`, to its end. */
  om(...args: string[]): Promise<CliResult>;
  /** The same, started and returned at once (for signals). */
  spawn(...args: string[]): OmProcess;
  /** The snapshot files, sorted. */
  files(): string[];
}

/**
 * For a suite on a Redis Stack: a client for assertions and one for an app's queries (both
 * closed after the suite), every database emptied before each test, and scratch projects
 * (removed after the suite) with `src/models.ts` and the built `om` bound to the server.
 */
export function useStackProjects(stack: TestRedisStack, options: { timeoutMs?: number } = {}): {
  readonly redis: Redis;
  readonly queries: Redis;
  project(source: string): StackProject;
} {
  const state = {} as { redis: Redis; queries: Redis };
  const projects: { remove(): void }[] = [];
  beforeAll(() => {
    state.redis = new Redis(stack.url);
    state.queries = new Redis(stack.url);
  });
  afterAll(() => {
    state.redis?.disconnect();
    state.queries?.disconnect();
    for (const p of projects) p.remove();
  });
  beforeEach(() => state.redis.flushall());
  const env = () => ({ REDIS_OM_URL: stack.url });
  return {
    get redis() {
      return state.redis;
    },
    get queries() {
      return state.queries;
    },
    project(source: string): StackProject {
      const p = makeProject({ 'src/models.ts': source });
      projects.push(p);
      const argv = (args: string[]) => ['migrate', ...args, '--models', 'src/models.ts'];
      return {
        dir: p.dir,
        write: (text) => p.write('src/models.ts', text),
        om: (...args) => runOm(argv(args), { cwd: p.dir, env: env(), timeoutMs: options.timeoutMs ?? 120_000 }),
        spawn: (...args) => spawnOm(argv(args), { cwd: p.dir, env: env(), timeoutMs: options.timeoutMs }),
        files: () => {
          try {
            return readdirSync(join(p.dir, 'migrations/schema-migrations')).sort();
          } catch {
            return [];
          }
        },
      };
    },
  };
}
