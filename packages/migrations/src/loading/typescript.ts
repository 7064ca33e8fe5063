import { existsSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { registerPathAliases } from './path-aliases';

let registered = false;

/**
 * Lets `require` load TypeScript files on Node 20, so users never build their migrations.
 * Uses @swc-node/register (the loader Nx itself uses for TypeScript plugins), always emitting
 * CommonJS, with the nearest tsconfig.json above `fromDir` so path aliases resolve.
 * Does nothing when something else (ts-node, tsx, jest) already handles `.ts`. Imports of the
 * project's files resolve through the workspace's path mapping either way (path-aliases.ts).
 */
export function ensureTypeScriptLoader(fromDir: string): void {
  registerPathAliases();
  const extensions = (Module as unknown as { _extensions: Record<string, unknown> })._extensions;
  if (registered || extensions['.ts']) return;
  // Loaded lazily: a JavaScript-only user never pays for the compiler.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { register } = require('@swc-node/register/register') as typeof import('@swc-node/register/register');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { readDefaultTsConfig } = require('@swc-node/register/read-default-tsconfig') as {
    readDefaultTsConfig(path?: string): Record<string, unknown>;
  };
  const tsconfig = findUp(fromDir, 'tsconfig.json');
  const options = tsconfig ? readDefaultTsConfig(tsconfig) : {};
  register({ ...options, esModuleInterop: true, experimentalDecorators: true });
  registered = true;
}

function findUp(start: string, name: string): string | undefined {
  let dir = start;
  for (;;) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
