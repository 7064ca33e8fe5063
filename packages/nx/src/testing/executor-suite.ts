import type { ExecutorContext } from '@nx/devkit';
import { makeScratchDir, type ScratchDir } from './scratch';
import { startRedis, type TestRedis } from './redis-server';

/** What {@link useExecutorSuite} hands an executor spec. */
export interface ExecutorSuite {
  /** The suite's redis-server (emptied before each test). */
  readonly redis: TestRedis;
  /** This test's workspace root. */
  readonly dir: string;
  /** What the executor printed in this test (console.log and stderr), line by line. */
  readonly output: string[];
  /** Writes a file of this test's workspace (path relative to its root). */
  write(path: string, text: string): void;
  /** Forgets what was printed so far. */
  clearOutput(): void;
  /** The context Nx hands the executor of `targetName` on project `app` (root `apps/app`) with these `metadata.om` settings. */
  context(targetName: string, om: Record<string, unknown>, configurationName?: string): ExecutorContext;
}

/**
 * The setup every executor spec shares: a real redis-server for the suite; before each test a
 * scratch workspace with `files`, an empty database, the environment `env` names (given the
 * server's URL) and the executor's output captured; after it, the environment, the mocks and
 * the workspace restored.
 */
export function useExecutorSuite(options: { files?: () => Record<string, string>; env?: (url: string) => Record<string, string> } = {}): ExecutorSuite {
  const state = {} as { redis: TestRedis; ws: ScratchDir; output: string[] };
  const env = { ...process.env };
  beforeAll(async () => {
    state.redis = await startRedis();
  });
  afterAll(async () => {
    await state.redis?.stop();
  });
  beforeEach(() => {
    state.ws = makeScratchDir(options.files?.() ?? {});
    state.redis.cli('flushall');
    Object.assign(process.env, options.env?.(state.redis.url) ?? {});
    state.output = [];
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void state.output.push(args.join(' ')));
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      state.output.push(String(chunk).trimEnd());
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.env = { ...env };
    state.ws.remove();
  });
  return {
    get redis() {
      return state.redis;
    },
    get dir() {
      return state.ws.dir;
    },
    get output() {
      return state.output;
    },
    write: (path, text) => state.ws.write(path, text),
    clearOutput: () => void (state.output.length = 0),
    context: (targetName, om, configurationName) => ({
      root: state.ws.dir,
      cwd: state.ws.dir,
      isVerbose: false,
      projectName: 'app',
      targetName,
      ...(configurationName === undefined ? {} : { configurationName }),
      projectsConfigurations: { version: 2, projects: { app: { root: 'apps/app', metadata: { om } } } },
      nxJsonConfiguration: {},
      projectGraph: { nodes: {}, dependencies: {} },
    }),
  };
}
