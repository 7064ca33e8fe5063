import type { SchemaMigrationStatus } from '../schema/status';
import { formatSchemaStatus } from './format-schema-status';

const base: SchemaMigrationStatus = {
  totalMigrations: 0,
  appliedCount: 0,
  pendingCount: 0,
  pendingMigrations: [],
  appliedMigrations: [],
  migrations: [],
  missing: [],
};

describe('formatSchemaStatus', () => {
  it('prints the counts alone when there is nothing else', () => {
    expect(formatSchemaStatus(base)).toBe(['Schema migration status:', '  Total migrations: 0', '  Applied: 0', '  Pending: 0'].join('\n'));
  });

  it('lists pending, then applied migrations with their indexes, model changes and missing files', () => {
    const status: SchemaMigrationStatus = {
      ...base,
      totalMigrations: 2,
      appliedCount: 1,
      pendingCount: 1,
      migrations: [
        { id: '20240101_000000_a', file: 'a.json', indexes: ['person:index'], applied: true, appliedAt: '2024-02-01T00:00:00.000Z', batch: 3, changedSinceApplied: true, classified: [] },
        { id: '20240102_000000_b', file: 'b.json', indexes: ['order:index', 'person:index'], applied: false,
          changedSinceApplied: false,
          classified: [{ indexName: 'order:index', class: 'blocked', what: 'data structure HASH → JSON', why: 'stored as other types', todo: 'keep HASH', automated: true }],
        },
      ],
      missing: [{ id: '20231231_000000_gone', appliedAt: 'x', batch: 1, order: 0, checksum: 'x', durationMs: 1 }],
      modelChanges: [{ indexName: 'user:index', kind: 'added', before: null, after: null, hashOnly: false }],
      modelChangesClassified: [{ indexName: 'user:index', class: 'index-only', what: 'new index', why: 'indexed as they are', automated: true }],
    };
    expect(formatSchemaStatus(status)).toBe(
      [
        'Schema migration status:',
        '  Total migrations: 2',
        '  Applied: 1',
        '  Pending: 1',
        '',
        'Pending migrations:',
        '  - 20240102_000000_b: order:index, person:index',
        '      blocked            order:index: data structure HASH → JSON',
        '                         why: stored as other types',
        '                         instead: keep HASH',
        '',
        'Applied migrations:',
        '  - 20240101_000000_a: person:index (applied 2024-02-01T00:00:00.000Z, batch 3) (file changed since applied)',
        '',
        'Changed in the models since the latest schema migration (run `om migrate create <name>`):',
        '  - added user:index',
        '      index-only         user:index: new index',
        '                         why: indexed as they are',
        '',
        'Applied but without a file: 20231231_000000_gone',
      ].join('\n'),
    );
  });
});
