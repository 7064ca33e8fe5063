import { MigrationStateError } from '../errors';
import type { LedgerEntry } from '../state/ledger';
import { orderMigrations } from './order';
import { assertSchemaDependenciesApplied, schemaDependencyId } from './schema-dependencies';

const entry = (id: string): LedgerEntry => ({ id, appliedAt: 't', batch: 1, order: 0, checksum: 'x', durationMs: 1 });

describe('data migrations that depend on schema migrations', () => {
  it('names a schema migration as schema:<id>', () => {
    expect(schemaDependencyId('schema:20240101_000000_sortable')).toBe('20240101_000000_sortable');
    expect(schemaDependencyId('20240101_000000_backfill')).toBeUndefined();
  });

  it('orders by the data dependencies alone: schema ones are om migrate-all\'s', () => {
    const ordered = orderMigrations([
      { id: 'b', dependencies: ['schema:s', 'a'], source: 'b.ts' },
      { id: 'a', dependencies: [], source: 'a.ts' },
    ]);
    expect(ordered.map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('makes a data run refuse while a schema dependency is not applied', () => {
    const planned = [{ id: 'a', dependencies: [] }, { id: 'b', dependencies: ['a', 'schema:s'] }];
    expect(() => assertSchemaDependenciesApplied(planned, [])).toThrow(MigrationStateError);
    expect(() => assertSchemaDependenciesApplied(planned, [])).toThrow('Data migration b depends on schema migration s, which is not applied. Nothing was applied.');
    expect(() => assertSchemaDependenciesApplied(planned, [entry('s')])).not.toThrow();
  });
});
