// Scratch folders live inside the repository (git-ignored tmp/), so that model files written by
// a spec resolve `redis-om` and the TypeScript loader from the repository's node_modules, as a
// user's models resolve them from their workspace's: the engine's test helper does exactly that.
import { makeProject } from '../../../migrations/test/support/cli';

/** A redis-om models module with one HASH model; `extra` adds fields to it. */
export function modelsSource(extra = ''): string {
  return `import { Schema } from 'redis-om';

export const personSchema = new Schema('person', { name: { type: 'string' }${extra} }, { dataStructure: 'HASH' });
`;
}

/** A folder under the repository's scratch space, with files written into it. */
export type ScratchDir = ReturnType<typeof makeProject>;

/** A new folder under the scratch space, with these files (paths relative to it). */
export function makeScratchDir(files: Record<string, string> = {}): ScratchDir {
  return makeProject(files);
}
