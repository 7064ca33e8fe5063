import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';

/**
 * An empty Nx 24 workspace without a formatter config. Nx 24's empty workspace names oxfmt,
 * which is not installed here, and prettier 3 cannot load inside Jest's CommonJS runtime, so
 * the specs check that generators call formatFiles; the e2e suite checks the formatted result
 * with a real prettier in a real workspace.
 */
export function createTestTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.delete('.oxfmtrc.json');
  return tree;
}

/**
 * The same empty workspace, rooted at a real folder. Generators that hand the engine code to
 * load (models) need it on disk, as in a real `nx g` run, where the Tree's root is the
 * workspace root and files the generator did not change are read from disk. Everything the
 * generator writes stays in the Tree.
 */
export function createTestTreeAt(root: string): Tree {
  const tree = createTestTree();
  Object.defineProperty(tree, 'root', { value: root });
  return tree;
}
