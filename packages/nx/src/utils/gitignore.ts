import type { Tree } from '@nx/devkit';
import { REPORTS_FOLDER } from '@om/migrations';

/**
 * Adds the failure reports' folder (`<migrations>/.om-reports/`, written by every run that meets
 * a bad value) to the workspace's `.gitignore`, once: they are a machine's output, not source.
 */
export function ignoreFailureReports(tree: Tree): void {
  const entry = `${REPORTS_FOLDER}/`;
  const current = tree.exists('.gitignore') ? tree.read('.gitignore', 'utf-8') ?? '' : '';
  if (current.split(/\r?\n/).some((line) => line.trim() === entry || line.trim() === REPORTS_FOLDER)) return;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  tree.write('.gitignore', `${current}${separator}\n# Failure reports of Redis OM migration runs (@om/nx)\n${entry}\n`);
}
