import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Scratch space inside the repository (git-ignored tmp/), so that model files written by a
 * spec resolve `redis-om` and the TypeScript loader from the repository's node_modules, as a
 * user's models resolve them from their workspace's.
 */
const SCRATCH = resolve(__dirname, '../../../../tmp/nx-tests');

/** A redis-om models module with one HASH model; `extra` adds fields to it. */
export function modelsSource(extra = ''): string {
  return `import { Schema } from 'redis-om';

export const personSchema = new Schema('person', { name: { type: 'string' }${extra} }, { dataStructure: 'HASH' });
`;
}

export interface ScratchDir {
  readonly dir: string;
  write(path: string, content: string): string;
  remove(): void;
}

/** A new folder under the scratch space, with these files (paths relative to it). */
export function makeScratchDir(files: Record<string, string> = {}): ScratchDir {
  mkdirSync(SCRATCH, { recursive: true });
  const dir = mkdtempSync(join(SCRATCH, 'ws-'));
  const write = (path: string, content: string) => {
    const file = join(dir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
