import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The built `om` bin (the root `npm test` builds before it tests). */
export const OM_BIN = resolve(__dirname, '../../bin/om.js');

/** Scratch space inside the repo, so migration files resolve `@om/migrations` like a user's do. */
const SCRATCH = resolve(__dirname, '../../../../tmp/tests');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `om <args>` as a real process, with no TTY (as in CI); killed after `timeoutMs` (default 20 s). */
export function runOm(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  return spawnOm(args, { ...options, timeoutMs: options.timeoutMs ?? 20_000 }).exited.then(({ code, stdout, stderr }) => ({ code, stdout, stderr }));
}

/** A running `om` process: its output so far, and its end. */
export interface OmProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once it has exited, with the exit code or the signal that ended it. */
  readonly exited: Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

/**
 * Starts `om <args>` as a real process with no TTY and returns at once, for tests that act on
 * it while it runs (signals, server restarts). Killed after `timeoutMs` (default 120 s).
 */
export function spawnOm(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): OmProcess {
  const child = spawn(process.execPath, [OM_BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, REDIS_OM_URL: undefined, REDIS_OM_MIGRATIONS_DIR: undefined, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const exited = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, signal, stdout, stderr });
    });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Polls `check` (every 10 ms) until it returns a value other than undefined; fails after `timeoutMs`. */
export async function waitUntil<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A temporary project folder with the given files (paths relative to it). */
export function makeProject(files: Record<string, string> = {}): { dir: string; write(path: string, content: string): string; remove(): void } {
  mkdirSync(SCRATCH, { recursive: true });
  const dir = mkdtempSync(join(SCRATCH, 'project-'));
  const write = (path: string, content: string) => {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A temporary project folder (see {@link makeProject}). */
export type ScratchProject = ReturnType<typeof makeProject>;

/** The snapshot files of a project, sorted; none when it has no snapshot folder yet. */
export function snapshotFiles(dir: string): string[] {
  try {
    return readdirSync(join(dir, 'migrations/schema-migrations')).sort();
  } catch {
    return [];
  }
}

/** For a suite: scratch projects made with the given files, every one removed after the suite. */
export function useScratchProjects(): (files?: Record<string, string>) => ScratchProject {
  const projects: ScratchProject[] = [];
  afterAll(() => {
    for (const p of projects) p.remove();
  });
  return (files = {}) => {
    const p = makeProject(files);
    projects.push(p);
    return p;
  };
}

/** A models file (`src/models.ts`) exporting one redis-om schema, `name` with `fields`. */
export function modelsSource(name: string, fields: object, dataStructure: 'HASH' | 'JSON' = 'HASH'): string {
  return `import { Schema } from 'redis-om';\nexport const model = new Schema(${JSON.stringify(name)}, ${JSON.stringify(fields)}, { dataStructure: '${dataStructure}' });\n`;
}

/**
 * Source of a data migration that records its calls in Redis, so tests can see what ran:
 * `up` does RPUSH calls "up:<id>", `down` RPUSH calls "down:<id>".
 */
export function recordingMigration(
  id: string,
  options: { deps?: string[]; down?: boolean; canRun?: string; up?: string; extra?: string } = {},
): string {
  return `export default {
  id: ${JSON.stringify(id)},
  description: ${JSON.stringify(`test migration ${id}`)},
  dependencies: ${JSON.stringify(options.deps ?? [])},
  ${options.extra ?? ''}
  async up(ctx: any) {
    ${options.up ?? ''}
    await ctx.redis.rpush('calls', 'up:${id}');
  },
  ${options.down === false ? '' : `async down(ctx: any) { await ctx.redis.rpush('calls', 'down:${id}'); },`}
  ${options.canRun ? `async canRun(ctx: any) { ${options.canRun} },` : ''}
};
`;
}

/**
 * Runs `om <args>` on a pseudo-terminal (util-linux `script`), typing `keys` once the prompt is
 * up: how a person answers the confirmation.
 */
export function runOmInTerminal(args: string[], keys: string, options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const command = [process.execPath, OM_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      cwd: options.cwd,
      env: { ...process.env, REDIS_OM_URL: undefined, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let typed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!typed && stdout.includes('?')) {
        typed = true;
        setTimeout(() => child.stdin.write(keys), 200);
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr: '' });
    });
  });
}
