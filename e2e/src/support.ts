import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The repository root (e2e/src → ..). */
export const REPO_ROOT = `${__dirname}/../..`;

/** What the suite prints: each command and the lines that matter, for the closing note. */
export const transcript: string[] = [];

export interface CommandResult {
  code: number;
  output: string;
}

/** Runs a command to completion; `output` is stdout and stderr, interleaved by stream. */
export function sh(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; quiet?: boolean },
): CommandResult {
  const started = Date.now();
  const result: SpawnSyncReturns<string> = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  const output = `${result.stdout}${result.stderr}`;
  if (options.quiet) return { code: result.status ?? 1, output };
  const shown = command.replace(/^.*node_modules\/\.bin\//, '');
  transcript.push(
    `$ ${[shown, ...args].join(' ')}   (exit ${result.status}, ${((Date.now() - started) / 1000).toFixed(1)}s)`,
  );
  return { code: result.status ?? 1, output };
}

/** Keeps the lines of a command's output that a reader needs (no npm/Nx chatter). */
export function keyLines(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .filter((line) => line.trim() !== '')
    .filter((line) => !/^npm (warn|notice)|Run duration|Cache:|Critical path|Recoverable time|^\s*—+$/.test(line))
    .map((line) => (line.length > 160 ? `${line.slice(0, 157)}...` : line));
}

export function note(lines: string[]): void {
  transcript.push(...lines.map((line) => `    ${line}`));
}

/** The suite's own redis-server, with no persistence, on a free loopback port. */
export { startRedisServer as startRedis, type TestRedisServer as E2eRedis } from '../../packages/migrations/test/support/redis-server';

/** A real Nx 24 workspace in a temporary folder, with the packed packages installed. */
export interface NxWorkspace {
  /** The workspace root. */
  readonly root: string;
  /** The environment of every command: no daemon, no cloud, no cache, CI. */
  readonly env: NodeJS.ProcessEnv;
  /** `nx <args>`, to completion; the lines that matter go to the transcript. */
  nx(...args: string[]): CommandResult;
  /** Writes a file (an object as formatted JSON), making its folders. */
  write(path: string, content: string | object): void;
  read(path: string): string;
  /** Removes the workspace and the packed packages. */
  remove(): void;
}

/**
 * Builds the repository, packs @om/migrations and @om/nx, and makes an Nx 24 workspace by hand
 * (create-nx-workspace resolves to another Nx here) that installs them from the tarballs:
 * package.json, nx.json (`nxJson` laid over the default), the given files, `npm install`.
 */
export function createNxWorkspace(options: {
  name: string;
  files?: Record<string, string | object>;
  dependencies?: Record<string, string>;
  nxJson?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
}): NxWorkspace {
  const tmp = mkdtempSync(join(tmpdir(), `${options.name}-`));
  const root = join(tmp, 'workspace');
  const repo = resolve(REPO_ROOT);
  const build = sh('npm', ['run', 'build'], { cwd: repo });
  if (build.code !== 0) throw new Error(`npm run build failed:\n${build.output}`);
  const pack = sh('npm', ['pack', '-w', '@om/migrations', '-w', '@om/nx', '--pack-destination', tmp], { cwd: repo });
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.output}`);
  const tarballs = readdirSync(tmp).filter((f) => f.endsWith('.tgz'));
  const tarball = (prefix: string) => `file:../${tarballs.find((f) => f.startsWith(prefix))}`;
  note(tarballs);

  const write = (path: string, content: string | object) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  };
  mkdirSync(root, { recursive: true });
  write('package.json', {
    name: options.name,
    private: true,
    ...(options.dependencies ? { dependencies: options.dependencies } : {}),
    devDependencies: { nx: '24.0.6', '@om/nx': tarball('om-nx-'), '@om/migrations': tarball('om-migrations-'), prettier: '^3.0.0' },
  });
  write('nx.json', {
    $schema: './node_modules/nx/schemas/nx-schema.json',
    namedInputs: { default: ['{projectRoot}/**/*'], production: ['default'] },
    ...options.nxJson,
  });
  write('.gitignore', 'node_modules\n.nx\n*.local\n');
  for (const [path, content] of Object.entries(options.files ?? {})) write(path, content);
  const install = sh('npm', ['install', '--no-audit', '--no-fund'], { cwd: root });
  if (install.code !== 0) throw new Error(`npm install failed:\n${install.output}`);

  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NX_') && !k.startsWith('npm_'))),
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    NX_SKIP_NX_CACHE: 'true',
    CI: 'true',
    FORCE_COLOR: '0',
    ...options.env,
  };
  return {
    root,
    env,
    nx: (...args) => {
      const result = sh(join(root, 'node_modules/.bin/nx'), args, { cwd: root, env });
      note(
        keyLines(result.output)
          .filter((line) => !/^\s*(NX\s+)?(Successfully ran|Ran target)/.test(line))
          .slice(0, 14),
      );
      return result;
    },
    write,
    read: (path) => readFileSync(join(root, path), 'utf8'),
    remove: () => rmSync(tmp, { recursive: true, force: true }),
  };
}
