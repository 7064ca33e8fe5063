import { Schema } from 'redis-om';
import { compileSchema } from './compile';
import { describeDefinitionDifferences, diffIndexStates, stateOfCompiled, statesOfCompiled, type IndexState } from './diff';

async function state(schema: Schema): Promise<IndexState> {
  return stateOfCompiled(await compileSchema(schema));
}

describe('diffIndexStates', () => {
  it('finds added, changed and removed indexes, sorted by name', async () => {
    const person = await state(new Schema('person', { name: { type: 'string' } }));
    const personSortable = await state(new Schema('person', { name: { type: 'text', sortable: true } }));
    const order = await state(new Schema('order', { total: { type: 'number' } }));
    const city = await state(new Schema('city', { name: { type: 'string' } }));
    const from = new Map([
      [person.indexName, person],
      [order.indexName, order],
    ]);
    const to = new Map([
      [personSortable.indexName, personSortable],
      [city.indexName, city],
    ]);
    const changes = diffIndexStates(from, to);
    expect(changes.map((c) => [c.indexName, c.kind, c.hashOnly])).toEqual([
      ['city:index', 'added', false],
      ['order:index', 'removed', false],
      ['person:index', 'changed', false],
    ]);
    expect(changes[2].before).toBe(person);
    expect(changes[2].after).toBe(personSortable);
  });

  it('reports nothing when the models match the snapshot', async () => {
    const compiled = [await compileSchema(new Schema('person', { name: { type: 'string' } }))];
    expect(diffIndexStates(statesOfCompiled(compiled), statesOfCompiled(compiled))).toEqual([]);
  });

  it('marks a change of redis-om indexHash alone as hashOnly', async () => {
    // JSON sortable text is UNF on the server either way, but redis-om hashes the option.
    const a = await state(new Schema('doc', { t: { type: 'text', sortable: true } }));
    const b = await state(new Schema('doc', { t: { type: 'text', sortable: true, normalized: false } }));
    expect(a.hash).toBe(b.hash);
    expect(a.indexHash).not.toBe(b.indexHash);
    const [change] = diffIndexStates(new Map([[a.indexName, a]]), new Map([[b.indexName, b]]));
    expect(change).toMatchObject({ kind: 'changed', hashOnly: true });
  });
});

describe('describeDefinitionDifferences', () => {
  it('lists option, field and index differences readably', async () => {
    const a = (await state(new Schema('p', { name: { type: 'string' }, age: { type: 'number' } }, { dataStructure: 'HASH' }))).definition;
    const b = (
      await state(
        new Schema('p', { name: { type: 'string', sortable: true }, bio: { type: 'text' } }, { dataStructure: 'HASH', useStopWords: 'OFF' }),
      )
    ).definition;
    expect(describeDefinitionDifferences(a, b)).toEqual([
      { path: 'stopwords', expected: null, actual: [] },
      { path: 'field name.sortable', expected: false, actual: true },
      { path: 'field age', expected: expect.objectContaining({ type: 'NUMERIC' }), actual: null },
      { path: 'field bio', expected: null, actual: expect.objectContaining({ type: 'TEXT' }) },
    ]);
  });

  it('reports a change of field order alone', async () => {
    const a = (await state(new Schema('p', { x: { type: 'number' }, y: { type: 'number' } }))).definition;
    const b = (await state(new Schema('p', { y: { type: 'number' }, x: { type: 'number' } }))).definition;
    expect(describeDefinitionDifferences(a, b)).toEqual([{ path: 'field order', expected: ['x', 'y'], actual: ['y', 'x'] }]);
    expect(describeDefinitionDifferences(a, a)).toEqual([]);
  });
});
