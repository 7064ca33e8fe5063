import type { LedgerEntry } from '../state/ledger';
import type { SchemaSnapshot } from './snapshot';
import type { LoadedSnapshot } from './snapshot-store';
import { buildSchemaStatus } from './status';

const snapshot = (id: string, indexes: string[]): SchemaSnapshot =>
  ({
    format: 'om-schema-migration/1',
    id,
    name: id.slice(16),
    createdAt: '2024-01-01T00:00:00.000Z',
    changes: indexes.map((indexName) => ({ indexName, kind: 'added', hashOnly: false, before: null, after: null })),
  }) as unknown as SchemaSnapshot;
const loaded = (id: string, indexes: string[], checksum = 'sum'): LoadedSnapshot => ({
  snapshot: snapshot(id, indexes),
  file: `/project/migrations/schema-migrations/${id}.json`,
  checksum,
});
const entry = (id: string, checksum = 'sum'): LedgerEntry => ({ id, appliedAt: '2024-02-01T00:00:00.000Z', batch: 1, order: 0, checksum, durationMs: 5 });

describe('buildSchemaStatus', () => {
  it('joins the snapshots with the ledger, with files relative to the project', () => {
    const status = buildSchemaStatus([loaded('20240101_000000_a', ['person:index']), loaded('20240102_000000_b', ['order:index', 'person:index'])], [entry('20240101_000000_a')], {
      cwd: '/project',
    });
    expect(status).toMatchObject({
      totalMigrations: 2,
      appliedCount: 1,
      pendingCount: 1,
      pendingMigrations: ['20240102_000000_b'],
      appliedMigrations: ['20240101_000000_a'],
      missing: [],
      modelChanges: undefined,
    });
    expect(status.migrations).toEqual([
      {
        id: '20240101_000000_a',
        file: 'migrations/schema-migrations/20240101_000000_a.json',
        indexes: ['person:index'],
        applied: true,
        appliedAt: '2024-02-01T00:00:00.000Z',
        batch: 1,
        changedSinceApplied: false,
        classified: [expect.objectContaining({ indexName: 'person:index', class: 'index-only', what: 'new index' })],
      },
      {
        id: '20240102_000000_b',
        file: 'migrations/schema-migrations/20240102_000000_b.json',
        indexes: ['order:index', 'person:index'],
        applied: false,
        appliedAt: undefined,
        batch: undefined,
        changedSinceApplied: false,
        classified: [expect.objectContaining({ indexName: 'order:index' }), expect.objectContaining({ indexName: 'person:index' })],
      },
    ]);
  });

  it('flags a file edited since it was applied, and ledger entries without a file', () => {
    const status = buildSchemaStatus([loaded('20240101_000000_a', ['person:index'], 'edited')], [entry('20240101_000000_a'), entry('20231231_000000_gone')], {
      cwd: '/project',
      modelChanges: [],
    });
    expect(status.migrations[0]!.changedSinceApplied).toBe(true);
    expect(status.missing.map((e) => e.id)).toEqual(['20231231_000000_gone']);
    expect(status.modelChanges).toEqual([]);
  });
});
