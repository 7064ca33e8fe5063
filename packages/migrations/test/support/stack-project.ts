import Redis from 'ioredis';
import { runOm, snapshotFiles, spawnOm, useScratchProjects, type CliResult, type OmProcess, type ScratchProject } from './cli';
import { startMonitor, type CommandMonitor } from './monitor';
import type { TestRedisStack } from './redis-stack';

/** A scratch project with the built `om` bound to a suite's Redis Stack. */
export interface BoundProject extends ScratchProject {
  /** `om <args>` (any command), to its end. */
  om(...args: string[]): Promise<CliResult>;
  /** The same, started and returned at once (for signals). */
  spawn(...args: string[]): OmProcess;
  /** The snapshot files, sorted. */
  files(): string[];
}

/**
 * For a suite on a Redis Stack: a client for assertions (closed after the suite), every
 * database emptied before each test, and scratch projects (removed after the suite) whose `om`
 * runs the built CLI against the server. With `monitor`, a MONITOR connection for the suite too.
 */
export function useStackSuite(
  stack: TestRedisStack,
  options: { timeoutMs?: number; monitor?: boolean } = {},
): {
  readonly redis: Redis;
  /** Throws unless the suite asked for `monitor`. */
  readonly monitor: CommandMonitor;
  project(files: Record<string, string>): BoundProject;
} {
  const state = {} as { redis: Redis; monitor?: CommandMonitor };
  const scratch = useScratchProjects();
  beforeAll(async () => {
    state.redis = new Redis(stack.url);
    if (options.monitor) state.monitor = await startMonitor(stack.url);
  });
  afterAll(() => {
    state.monitor?.stop();
    state.redis?.disconnect();
  });
  beforeEach(() => state.redis.flushall());
  const env = () => ({ REDIS_OM_URL: stack.url });
  return {
    get redis() {
      return state.redis;
    },
    get monitor() {
      if (!state.monitor) throw new Error('useStackSuite: pass { monitor: true } to get a monitor.');
      return state.monitor;
    },
    project(files) {
      const p = scratch(files);
      return {
        ...p,
        om: (...args) => runOm(args, { cwd: p.dir, env: env(), timeoutMs: options.timeoutMs ?? 120_000 }),
        spawn: (...args) => spawnOm(args, { cwd: p.dir, env: env(), timeoutMs: options.timeoutMs }),
        files: () => snapshotFiles(p.dir),
      };
    },
  };
}

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
 * {@link useStackSuite} for `om migrate` with one models file, plus a second client for an
 * app's queries (closed after the suite): scratch projects with `src/models.ts`.
 */
export function useStackProjects(stack: TestRedisStack, options: { timeoutMs?: number } = {}): {
  readonly redis: Redis;
  readonly queries: Redis;
  project(source: string): StackProject;
} {
  const suite = useStackSuite(stack, options);
  const state = {} as { queries: Redis };
  beforeAll(() => {
    state.queries = new Redis(stack.url);
  });
  afterAll(() => {
    state.queries?.disconnect();
  });
  return {
    get redis() {
      return suite.redis;
    },
    get queries() {
      return state.queries;
    },
    project(source: string): StackProject {
      const p = suite.project({ 'src/models.ts': source });
      const argv = (args: string[]) => ['migrate', ...args, '--models', 'src/models.ts'];
      return {
        dir: p.dir,
        write: (text) => p.write('src/models.ts', text),
        om: (...args) => p.om(...argv(args)),
        spawn: (...args) => p.spawn(...argv(args)),
        files: p.files,
      };
    },
  };
}
