import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

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
