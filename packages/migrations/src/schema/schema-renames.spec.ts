import { Schema, type SchemaDefinition } from 'redis-om';
import { compileSchema } from './compile';
import { diffIndexStates, stateOfCompiled, type IndexChange, type IndexState } from './diff';
import {
  answerSchemaRename,
  classifyWithSchemaRenames,
  prefixChanges,
  resolveSchemaRenames,
  schemaRenamePairs,
  unresolvedSchemaMessage,
} from './schema-renames';
import { buildSnapshot, validateSnapshot } from './snapshot';
import { buildSchemaStatus } from './status';

type Structure = 'HASH' | 'JSON';

async function state(name: string, fields: SchemaDefinition, on: Structure = 'HASH', indexName?: string): Promise<IndexState> {
  return stateOfCompiled(await compileSchema(new Schema(name, fields, { dataStructure: on, ...(indexName ? { indexName } : {}) })));
}

const fields: SchemaDefinition = { name: { type: 'string' }, age: { type: 'number' } };

/** The changes from one set of models to another. */
function changes(before: IndexState[], after: IndexState[]): IndexChange[] {
  return diffIndexStates(new Map(before.map((s) => [s.indexName, s])), new Map(after.map((s) => [s.indexName, s])));
}

describe('schema renames', () => {
  it('a removed schema with an added one of the same fields is asked about, never guessed', async () => {
    const found = changes([await state('user', fields)], [await state('person', fields)]);
    const { unresolved, changes: out } = resolveSchemaRenames(found, {});
    expect(out.some((c) => c.renamedFrom !== undefined)).toBe(false);
    expect(unresolved.map((u) => [u.removed.indexName, u.candidates.map((c) => c.indexName)])).toEqual([['user:index', ['person:index']]]);
    const { message, hint } = unresolvedSchemaMessage(unresolved);
    expect(message).toContain('No schema migration was written: it would leave the documents of 1 schema behind.');
    expect(message).toContain('Did you rename schema user to person?');
    expect(hint).toContain('--rename-schema user:person');
    expect(hint).toContain('--drop-schema user');
  });

  it('is not offered when the fields or the data structure differ, or when nothing was added', async () => {
    expect(resolveSchemaRenames(changes([await state('user', fields)], [await state('person', { ...fields, city: { type: 'string' } })]), {}).unresolved).toEqual([]);
    expect(resolveSchemaRenames(changes([await state('user', fields)], [await state('person', fields, 'JSON')]), {}).unresolved).toEqual([]);
    expect(resolveSchemaRenames(changes([await state('user', fields)], []), {}).unresolved).toEqual([]);
  });

  it('--rename-schema by schema or index name records renamedFrom; --drop-schema leaves the removal; a typo is refused', async () => {
    const found = changes([await state('user', fields)], [await state('person', fields)]);
    for (const text of ['user:person', 'user:index:person:index', 'user:person:index']) {
      const { changes: out, unresolved } = resolveSchemaRenames(found, { renameSchemas: [text] });
      expect(unresolved).toEqual([]);
      expect(out.find((c) => c.indexName === 'person:index')?.renamedFrom).toBe('user:index');
    }
    const dropped = resolveSchemaRenames(found, { dropSchemas: ['user'] });
    expect(dropped.unresolved).toEqual([]);
    expect(dropped.changes.every((c) => c.renamedFrom === undefined)).toBe(true);
    expect(() => resolveSchemaRenames(found, { renameSchemas: ['usr:person'] })).toThrow('--rename-schema usr:person matches no schema');
    expect(() => resolveSchemaRenames(found, { dropSchemas: ['usr'] })).toThrow('--drop-schema usr matches no schema');
    const other = changes([await state('user', fields)], [await state('person', { x: { type: 'string' } })]);
    expect(() => resolveSchemaRenames(other, { renameSchemas: ['user:person'] })).toThrow(
      'do not hold the same documents',
    );
  });

  it('classifies a key-prefix change as document-dependent and an index-name change as index-only, with option changes beside', async () => {
    const prefix = answerSchemaRename(changes([await state('user', fields)], [await state('person', fields)]), await state('user', fields), await state('person', fields));
    expect(classifyWithSchemaRenames(prefix).map((c) => [c.class, c.what])).toEqual([
      ['document-dependent', 'schema user renamed to person (keys user:* → person:*, index user:index → person:index)'],
    ]);
    expect(prefixChanges(schemaRenamePairs(prefix)[0]!)).toBe(true);

    const before = await state('user', fields);
    const after = await state('user', { ...fields, age: { type: 'number', sortable: true } }, 'HASH', 'people');
    const renamedIndex = resolveSchemaRenames(changes([before], [after]), { renameSchemas: ['user:index:people'] }).changes;
    expect(classifyWithSchemaRenames(renamedIndex).map((c) => [c.class, c.what])).toEqual([
      ['index-only', 'index user:index renamed to people (same keys user:*)'],
      ['index-only', 'field age: sortable false → true'],
    ]);
    expect(prefixChanges(schemaRenamePairs(renamedIndex)[0]!)).toBe(false);
    const asked = unresolvedSchemaMessage(resolveSchemaRenames(changes([before], [after]), {}).unresolved);
    expect(asked.message).toContain('Did you rename schema user:index to people?');
    expect(asked.hint).toContain('--rename-schema user:index:people');
    expect(asked.hint).toContain('--drop-schema user:index');
  });

  it('the snapshot keeps renamedFrom, validated; snapshots without it still load', async () => {
    const found = resolveSchemaRenames(changes([await state('user', fields)], [await state('person', fields)]), { renameSchemas: ['user:person'] }).changes;
    const snapshot = buildSnapshot('rename_user', found, new Date('2026-12-02T10:00:00Z'));
    const loaded = validateSnapshot(JSON.parse(JSON.stringify(snapshot)), `${snapshot.id}.json`);
    expect(loaded.changes.find((c) => c.kind === 'added')?.renamedFrom).toBe('user:index');
    const plain = buildSnapshot('initial', changes([], [await state('user', fields)]), new Date('2026-12-02T09:00:00Z'));
    expect(validateSnapshot(JSON.parse(JSON.stringify(plain)), `${plain.id}.json`).changes[0]?.renamedFrom).toBeUndefined();
    const status = buildSchemaStatus([{ snapshot: loaded, file: `/p/${snapshot.id}.json`, checksum: 'x' }], [], { cwd: '/p' });
    expect(status.migrations[0]!.classified.map((c) => [c.class, c.indexName])).toEqual([['document-dependent', 'person:index']]);
    const broken = { ...snapshot, changes: snapshot.changes.map((c) => (c.kind === 'added' ? { ...c, renamedFrom: 'nope:index' } : c)) };
    expect(() => validateSnapshot(broken, `${snapshot.id}.json`)).toThrow('is renamed from nope:index, which is not one index this migration removes');
  });
});
