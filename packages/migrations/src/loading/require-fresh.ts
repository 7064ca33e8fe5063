/**
 * Loads a module the way Node's `require` would from `fromDir`, after dropping any cached copy:
 * a second load in the same process (tests, watch mode, a generator run twice) must see the
 * file as it is now.
 */
export function requireFresh(specifier: string, fromDir: string): unknown {
  const resolved = require.resolve(specifier, { paths: [fromDir] });
  delete require.cache[resolved];
  return require(resolved);
}

/**
 * Whether a `--models` or `--module` value names a file (relative or absolute, or with a
 * script extension) rather than a package to resolve from `node_modules`.
 */
export function looksLikePath(specifier: string): boolean {
  return specifier.startsWith('.') || specifier.startsWith('/') || /\.[cm]?[jt]sx?$/.test(specifier);
}
