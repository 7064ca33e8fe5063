import { Schema } from 'redis-om';
import { compileSchema } from './compile';
import { diffIndexStates, stateOfCompiled } from './diff';
import { describeRenameStep, matchPrefix, renameScanName, renameScanPrefix, renameScans, renameStepsOf, storedPath } from './rename-steps';
import { resolveRenames } from './renames';
import { buildSnapshot } from './snapshot';

async function renamedSnapshot(on: 'HASH' | 'JSON', before: object, after: object, rename: string) {
  const a = stateOfCompiled(await compileSchema(new Schema('user', before as never, { dataStructure: on })));
  const b = stateOfCompiled(await compileSchema(new Schema('user', after as never, { dataStructure: on })));
  const { changes } = resolveRenames(diffIndexStates(new Map([[a.indexName, a]]), new Map([[b.indexName, b]])), { renames: [rename] });
  return buildSnapshot('rename', changes, new Date(Date.UTC(2025, 0, 1)));
}

describe('rename steps', () => {
  it('up moves old → new, a rollback new → old, over the model prefix', async () => {
    const snapshot = await renamedSnapshot('HASH', { name: { type: 'string' } }, { fullName: { type: 'string' } }, 'name:fullName');
    expect(renameStepsOf(snapshot, 'up')).toEqual([{ indexName: 'user:index', on: 'HASH', prefixes: ['user:'], from: 'name', to: 'fullName' }]);
    expect(renameStepsOf(snapshot, 'down')).toEqual([{ indexName: 'user:index', on: 'HASH', prefixes: ['user:'], from: 'fullName', to: 'name' }]);
  });

  it('a JSON string[] moves as the whole array, and a user may type $.name for redis-om\'s $["name"]', async () => {
    const snapshot = await renamedSnapshot('JSON', { tags: { type: 'string[]' } }, { labels: { type: 'string[]' } }, '$.tags:labels');
    const [step] = renameStepsOf(snapshot, 'up');
    expect([step!.from, step!.to]).toEqual(['$["tags"]', '$["labels"]']);
    expect(storedPath('$.tags[*]', 'JSON')).toBe('$.tags');
    expect(storedPath('tags', 'HASH')).toBe('tags');
  });

  it('scans: one per prefix, glob characters escaped, stable checkpoint names under the migration', async () => {
    const step = { indexName: 'a:index', on: 'HASH' as const, prefixes: ['a*b:', 'c:'], from: 'x', to: 'y' };
    expect(matchPrefix('a*b?[c]\\:')).toBe('a\\*b\\?\\[c\\]\\\\:*');
    const scans = renameScans('20250101_000000_r', step, 'copy');
    expect(scans.map((s) => [s.name, s.match, s.type, s.relocate])).toEqual([
      ['schema:20250101_000000_r:a:index:copy:x>y:a*b:', 'a\\*b:*', 'hash', { to: 'y', mode: 'copy' }],
      ['schema:20250101_000000_r:a:index:copy:x>y:c:', 'c:*', 'hash', { to: 'y', mode: 'copy' }],
    ]);
    expect(scans.every((s) => s.keepCheckpoint && s.name.startsWith(renameScanPrefix('20250101_000000_r')))).toBe(true);
    expect(renameScanName('id', step, 'move', 'c:')).not.toBe(renameScanName('id', step, 'copy', 'c:'));
    expect(describeRenameStep(step, 'move')).toBe('(data) remove x where y holds the same value (HASH field x → y in every a*b:*, c:* key)');
  });
});
