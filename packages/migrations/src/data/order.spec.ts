import { MigrationGraphError } from '../errors';
import { orderMigrations } from './order';

const m = (id: string, dependencies: string[] = []) => ({ id, dependencies, source: `${id}.ts` });

describe('orderMigrations', () => {
  it('orders by id when there are no dependencies', () => {
    expect(orderMigrations([m('c'), m('a'), m('b')]).map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });

  it('puts dependencies first, then the rest by id', () => {
    const ordered = orderMigrations([m('a', ['c']), m('b'), m('c'), m('d', ['a'])]);
    expect(ordered.map((x) => x.id)).toEqual(['b', 'c', 'a', 'd']);
  });

  it('gives the same order whatever the input order', () => {
    const input = [m('x', ['z']), m('y'), m('z', ['y']), m('w')];
    const expected = orderMigrations(input).map((x) => x.id);
    expect(orderMigrations([...input].reverse()).map((x) => x.id)).toEqual(expected);
    expect(expected).toEqual(['w', 'y', 'z', 'x']);
  });

  it('names the migration and the missing dependency', () => {
    expect(() => orderMigrations([m('a', ['nope'])])).toThrow(
      new MigrationGraphError('Data migration a (a.ts) depends on nope, which is not a known migration.'),
    );
  });

  it('names the cycle', () => {
    expect(() => orderMigrations([m('a', ['b']), m('b', ['c']), m('c', ['a']), m('d')])).toThrow(/cycle: a → b → c → a/);
  });

  it('refuses a migration that depends on itself', () => {
    expect(() => orderMigrations([m('a', ['a'])])).toThrow(/depends on itself/);
  });
});
