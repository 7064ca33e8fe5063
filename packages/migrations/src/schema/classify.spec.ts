import { Schema, type SchemaDefinition } from 'redis-om';
import { classifyChange, formatClassified, renameCandidates } from './classify';
import { compileSchema } from './compile';
import { diffIndexStates, stateOfCompiled, type IndexChange } from './diff';
import { answerRename, parseRenameOption, resolveRenames, unresolvedMessage } from './renames';

type Structure = 'HASH' | 'JSON';

/** The one change between two versions of a model. */
async function change(before: SchemaDefinition, after: SchemaDefinition, on: Structure = 'HASH', afterOn: Structure = on, afterName = 'user'): Promise<IndexChange> {
  const a = stateOfCompiled(await compileSchema(new Schema('user', before, { dataStructure: on })));
  const b = stateOfCompiled(await compileSchema(new Schema(afterName, after, { dataStructure: afterOn, indexName: 'user:index' })));
  const [c] = diffIndexStates(new Map([[a.indexName, a]]), new Map([[b.indexName, b]]));
  return c!;
}

const classes = (c: IndexChange) => classifyChange(c, c.renames ?? []).map((x) => [x.class, x.what]);

describe('classifyChange', () => {
  it('index-only: sortable, added and removed fields', async () => {
    const c = await change({ name: { type: 'string' }, age: { type: 'number' } }, { name: { type: 'string', sortable: true }, city: { type: 'string' } });
    expect(classes(c)).toEqual([
      ['index-only', 'field name: sortable false → true'],
      ['index-only', 'field age removed (HASH field age)'],
      ['index-only', 'field city added (HASH field city)'],
    ]);
  });

  it('a confirmed rename is document-dependent and done by the run; in HASH and as a JSON path', async () => {
    const hash = await change({ name: { type: 'string' } }, { fullName: { type: 'string' } });
    expect(classifyChange(hash, [{ from: 'name', to: 'fullName' }])).toEqual([
      expect.objectContaining({ class: 'document-dependent', what: 'field name renamed to fullName (HASH field name → fullName)', automated: true }),
    ]);
    const json = await change({ city: { type: 'string', path: '$.city' } }, { city: { type: 'string', path: '$.address.city' } }, 'JSON');
    expect(classifyChange(json, [{ from: '$.city', to: '$.address.city' }])).toEqual([
      expect.objectContaining({ class: 'document-dependent', what: 'field city moved (JSON path $.city → $.address.city)' }),
    ]);
  });

  it('HASH ↔ JSON is blocked, with what to do instead', async () => {
    const c = await change({ name: { type: 'string' } }, { name: { type: 'string' } }, 'HASH', 'JSON');
    const [only, ...rest] = classifyChange(c);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ class: 'blocked', what: 'data structure HASH → JSON' });
    expect(only!.todo).toMatch(/copy the documents with a data migration/);
  });

  it('a new key prefix is document-dependent: the documents stay under the old names', async () => {
    const c = await change({ name: { type: 'string' } }, { name: { type: 'string' } }, 'HASH', 'HASH', 'member');
    expect(classes(c)).toEqual([['document-dependent', 'key prefix user: → member:']]);
    expect(classifyChange(c)[0]).toMatchObject({ automated: false, todo: expect.stringMatching(/move the keys/) });
  });

  it('type changes: TEXT ↔ TAG index-only; a JSON string to a number document-dependent; HASH number to string index-only', async () => {
    expect(classes(await change({ bio: { type: 'string' } }, { bio: { type: 'text' } }))).toEqual([['index-only', 'field bio: type TAG → TEXT']]);
    const json = await change({ n: { type: 'string' } }, { n: { type: 'number' } }, 'JSON');
    expect(classifyChange(json)).toEqual([
      expect.objectContaining({ class: 'document-dependent', what: 'field n: type TAG → NUMERIC', why: expect.stringMatching(/must become numbers/), automated: false }),
    ]);
    expect(classes(await change({ n: { type: 'number' } }, { n: { type: 'string' } }, 'JSON'))[0]![0]).toBe('document-dependent');
    expect(classes(await change({ n: { type: 'number' } }, { n: { type: 'string' } }))).toEqual([['index-only', 'field n: type NUMERIC → TAG']]);
    expect(classes(await change({ p: { type: 'string' } }, { p: { type: 'point' } }))[0]![0]).toBe('document-dependent');
  });

  it('an added and a removed model are index-only', async () => {
    const s = stateOfCompiled(await compileSchema(new Schema('user', { name: { type: 'string' } })));
    const [added] = diffIndexStates(new Map(), new Map([[s.indexName, s]]));
    const [removed] = diffIndexStates(new Map([[s.indexName, s]]), new Map());
    expect(classes(added!)).toEqual([['index-only', 'new index']]);
    expect(classes(removed!)).toEqual([['index-only', 'index removed (model deleted)']]);
  });

  it('formats each difference with why and what to do', async () => {
    const c = await change({ name: { type: 'string' } }, { name: { type: 'string' } }, 'HASH', 'JSON');
    const lines = formatClassified(classifyChange(c));
    expect(lines[0]).toMatch(/^ {2}blocked +user:index: data structure HASH → JSON$/);
    expect(lines[1]).toMatch(/why: HASH and JSON documents/);
    expect(lines[2]).toMatch(/instead: keep dataStructure 'HASH'/);
  });
});

describe('renames are asked, never guessed', () => {
  it('offers a removed and an added field of compatible type as a rename candidate, never an incompatible one', async () => {
    const c = await change({ name: { type: 'string' }, age: { type: 'number' } }, { fullName: { type: 'text' }, years: { type: 'point' } });
    expect(renameCandidates(c).map((x) => [x.removed.attribute, x.added.attribute])).toEqual([['name', 'fullName']]);
  });

  it('without a choice every removed field is unresolved, with its candidates and both ways on', async () => {
    const c = await change({ name: { type: 'string' }, age: { type: 'number' } }, { fullName: { type: 'string' } });
    const { unresolved, changes } = resolveRenames([c], {});
    expect(changes[0]!.renames).toBeUndefined();
    expect(unresolved.map((u) => [u.field.attribute, u.candidates.map((f) => f.attribute)])).toEqual([
      ['name', ['fullName']],
      ['age', []],
    ]);
    const { message, hint } = unresolvedMessage(unresolved);
    expect(message).toContain('would drop the data of 2 fields from search');
    expect(message).toContain('Did you rename name to fullName?');
    expect(hint).toContain('--rename name:fullName');
    expect(hint).toContain('--drop name --drop age');
  });

  it('--rename (by name or stored field) and --drop resolve them; the rename is kept on the change', async () => {
    const c = await change({ name: { type: 'string' }, age: { type: 'number' } }, { fullName: { type: 'string' } });
    const { unresolved, changes } = resolveRenames([c], { renames: ['name:fullName'], drops: ['age'] });
    expect(unresolved).toEqual([]);
    expect(changes[0]!.renames).toEqual([{ from: 'name', to: 'fullName' }]);
    const json = await change({ city: { type: 'string', path: '$.city' } }, { city: { type: 'string', path: '$.address.city' } }, 'JSON');
    expect(resolveRenames([json], { renames: ['$.city:$.address.city'] }).changes[0]!.renames).toEqual([{ from: '$.city', to: '$.address.city' }]);
  });

  it('refuses a choice that matches nothing, and a rename to an incompatible type', async () => {
    const c = await change({ name: { type: 'string' } }, { fullName: { type: 'string' }, n: { type: 'number' } });
    expect(() => resolveRenames([c], { renames: ['nme:fullName'] })).toThrow('--rename nme:fullName matches no field the models removed.');
    expect(() => resolveRenames([c], { renames: ['name:n'] })).toThrow('--rename name:n matches no field');
    expect(() => resolveRenames([c], { drops: ['age'] })).toThrow('--drop age matches no field');
    expect(() => parseRenameOption('name')).toThrow('--rename name is not old:new.');
  });

  it('an answer at the prompt renames or drops', async () => {
    const c = await change({ name: { type: 'string' } }, { fullName: { type: 'string' } });
    const [question] = resolveRenames([c], {}).unresolved;
    expect(answerRename([c], question!, question!.candidates[0]!)[0]!.renames).toEqual([{ from: 'name', to: 'fullName' }]);
    expect(answerRename([c], question!, null)[0]!.renames).toBeUndefined();
  });
});
