import * as devkit from '@nx/devkit';
import { readJson, readNxJson, updateNxJson, writeJson, type Tree } from '@nx/devkit';
import { createTestTree } from '../../testing/tree';
import { initGenerator } from './init';

describe('@om/nx:init', () => {
  let tree: Tree;

  beforeEach(() => {
    tree = createTestTree();
  });

  it('git-ignores the failure reports of runs (.om-reports/), once, keeping what .gitignore had', async () => {
    tree.write('.gitignore', 'node_modules\ndist');
    await initGenerator(tree, { skipFormat: true, skipInstall: true });
    await initGenerator(tree, { skipFormat: true, skipInstall: true });
    const lines = tree.read('.gitignore', 'utf-8')!.split('\n');
    expect(lines.slice(0, 2)).toEqual(['node_modules', 'dist']);
    expect(lines.filter((line) => line === '.om-reports/')).toHaveLength(1);
  });

  it('registers @om/nx/plugin in nx.json with the default target names', async () => {
    await initGenerator(tree, {});
    expect(readNxJson(tree)?.plugins).toEqual([
      {
        plugin: '@om/nx/plugin',
        options: {
          targetName: 'migrate-data',
          statusTargetName: 'migrate-data-status',
          rollbackTargetName: 'migrate-data-rollback',
          schemaTargetName: 'migrate',
          schemaStatusTargetName: 'migrate-status',
          schemaRollbackTargetName: 'migrate-rollback',
          schemaVerifyTargetName: 'migrate-verify',
          schemaCheckTargetName: 'migrate-check',
          allTargetName: 'migrate-all',
        },
      },
    ]);
  });

  it('takes the target names from its options', async () => {
    await initGenerator(tree, {
      targetName: 'db-migrate',
      statusTargetName: 'db-status',
      rollbackTargetName: 'db-down',
      schemaCheckTargetName: 'index-check',
      allTargetName: 'migrate-all',
    });
    expect(readNxJson(tree)?.plugins).toEqual([
      {
        plugin: '@om/nx/plugin',
        options: {
          targetName: 'db-migrate',
          statusTargetName: 'db-status',
          rollbackTargetName: 'db-down',
          schemaTargetName: 'migrate',
          schemaStatusTargetName: 'migrate-status',
          schemaRollbackTargetName: 'migrate-rollback',
          schemaVerifyTargetName: 'migrate-verify',
          schemaCheckTargetName: 'index-check',
          allTargetName: 'migrate-all',
        },
      },
    ]);
  });

  it('registers the plugin only once, whether listed as a string or an object', async () => {
    const nxJson = readNxJson(tree)!;
    updateNxJson(tree, { ...nxJson, plugins: ['@om/nx/plugin'] });
    await initGenerator(tree, {});
    await initGenerator(tree, {});
    expect(readNxJson(tree)?.plugins).toEqual(['@om/nx/plugin']);
  });

  it('leaves nx.json alone with addPlugin: false', async () => {
    const before = tree.read('nx.json', 'utf8');
    await initGenerator(tree, { addPlugin: false });
    expect(tree.read('nx.json', 'utf8')).toEqual(before);
  });

  it('adds redis-om, @om/migrations and the TypeScript loader to package.json', async () => {
    await initGenerator(tree, {});
    const pkg = readJson(tree, 'package.json');
    expect(pkg.dependencies['redis-om']).toBe('^0.4.7');
    expect(Object.keys(pkg.devDependencies)).toEqual(
      expect.arrayContaining(['@om/nx', '@om/migrations', '@swc-node/register', '@swc/core']),
    );
    expect(pkg.devDependencies['@om/migrations']).toMatch(/^\^\d+\.\d+\.\d+/);
  });

  it('keeps versions the workspace already pins (e.g. a local tarball)', async () => {
    const pkg = readJson(tree, 'package.json');
    writeJson(tree, 'package.json', {
      ...pkg,
      devDependencies: { ...pkg.devDependencies, '@om/migrations': 'file:om-migrations-0.1.0.tgz' },
    });
    await initGenerator(tree, {});
    expect(readJson(tree, 'package.json').devDependencies['@om/migrations']).toBe('file:om-migrations-0.1.0.tgz');
  });

  it('does not touch package.json with skipPackageJson', async () => {
    const before = tree.read('package.json', 'utf8');
    await initGenerator(tree, { skipPackageJson: true });
    expect(tree.read('package.json', 'utf8')).toEqual(before);
  });

  it('ends with formatFiles, unless skipFormat', async () => {
    const format = jest.spyOn(devkit, 'formatFiles');
    await initGenerator(tree, {});
    expect(format).toHaveBeenCalledTimes(1);
    await initGenerator(tree, { skipFormat: true });
    expect(format).toHaveBeenCalledTimes(1);
    format.mockRestore();
  });
});
