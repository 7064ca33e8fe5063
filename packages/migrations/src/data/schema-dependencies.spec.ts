import { MigrationStateError } from '../errors';
import type { LedgerEntry } from '../state/ledger';
import { orderMigrations } from './order';
import { assertNoSnapshotDependents, assertSchemaDependenciesApplied, schemaDependencyId } from './schema-dependencies';
import type { LoadedSnapshot } from '../schema/snapshot-store';

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

  it('makes a data rollback refuse while an applied snapshot runs after a migration it undoes', () => {
    const snap = (id: string, after?: string[]) => ({ snapshot: { id, ...(after ? { after } : {}) }, file: `/p/migrations/schema-migrations/${id}.json`, checksum: 'c' }) as unknown as LoadedSnapshot;
    const snapshots = [snap('s0'), snap('s1', ['a'])];
    expect(() => assertNoSnapshotDependents([{ id: 'b' }, { id: 'a' }], snapshots, [entry('s0'), entry('s1')], '/p')).toThrow(MigrationStateError);
    expect(() => assertNoSnapshotDependents([{ id: 'a' }], snapshots, [entry('s1')], '/p')).toThrow(
      'Cannot roll back data migration a: the applied schema migration s1 (migrations/schema-migrations/s1.json) runs after it. Nothing was rolled back.',
    );
    expect(() => assertNoSnapshotDependents([{ id: 'a' }], snapshots, [entry('s0')], '/p')).not.toThrow();
    expect(() => assertNoSnapshotDependents([{ id: 'b' }], snapshots, [entry('s1')], '/p')).not.toThrow();
  });
});
