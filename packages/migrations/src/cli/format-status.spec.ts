import { buildStatus } from '../data/plan';
import type { LoadedMigration } from '../data/migration';
import { formatStatus } from './format-status';

const loaded = (id: string, checksum = 'x'): LoadedMigration => ({
  id,
  description: `about ${id}`,
  dependencies: [],
  supportsDryRun: false,
  source: `m/${id}.ts`,
  checksum,
  migration: { id, up: () => undefined },
});

describe('formatStatus', () => {
  it('prints the seed format', () => {
    const status = buildStatus([loaded('001_a'), loaded('002_b')], [
      { id: '001_a', batch: 1, order: 0, checksum: 'x', appliedAt: '2024-01-01T00:00:00.000Z', durationMs: 3 },
    ]);
    expect(formatStatus(status)).toBe(
      [
        'Migration Status:',
        '  Total migrations: 2',
        '  Applied: 1',
        '  Pending: 1',
        '',
        'Pending migrations:',
        '  - 002_b',
        '',
        'Applied migrations:',
        '  - 001_a',
      ].join('\n'),
    );
  });

  it('flags changed and missing migrations and shows why a pending one cannot run', () => {
    const status = buildStatus([loaded('001_a', 'new'), loaded('002_b')], [
      { id: '001_a', batch: 1, order: 0, checksum: 'old', appliedAt: '2024-01-01T00:00:00.000Z', durationMs: 3 },
      { id: '000_gone', batch: 1, order: 1, checksum: 'x', appliedAt: '2024-01-01T00:00:00.000Z', durationMs: 3 },
    ]);
    const text = formatStatus(status, { detailed: true, blocked: [{ id: '002_b', reason: 'users not seeded' }] });
    expect(text).toContain('  - 001_a  (CHANGED since it was applied)');
    expect(text).toContain('  - 000_gone  (MISSING: applied 2024-01-01T00:00:00.000Z, batch 1)');
    expect(text).toContain('  - 002_b  (cannot run yet: users not seeded)');
    expect(text).toContain('      applied: 2024-01-01T00:00:00.000Z (batch 1, took 3 ms)');
    expect(text).toContain('Warning: 1 applied migration file has changed since it ran.');
  });

  it('lists a built-in that is not enabled and how to enable it, in the words given', () => {
    const datetime = { name: 'datetime' as const, id: '001_datetime_fields_to_timestamps', description: 'Convert date fields' };
    const status = buildStatus([loaded('002_b')], [], [datetime]);
    expect(formatStatus(status)).toContain(
      'Built-in migrations not enabled (they run only where enabled):\n  - 001_datetime_fields_to_timestamps  (Convert date fields; to enable it, pass `--builtin datetime`)',
    );
    expect(formatStatus(status, { enableHint: (name) => `add "builtins": ["${name}"] to metadata.om` })).toContain(
      '(Convert date fields; to enable it, add "builtins": ["datetime"] to metadata.om)',
    );
    expect(formatStatus(buildStatus([loaded('002_b')], []))).not.toContain('Built-in');
  });

  it('shows a built-in applied earlier but not enabled now as such, not as a lost file', () => {
    const status = buildStatus([], [
      { id: '001_datetime_fields_to_timestamps', batch: 1, order: 0, checksum: 'x', appliedAt: '2024-01-01T00:00:00.000Z', durationMs: 3 },
    ]);
    const text = formatStatus(status);
    expect(text).toContain(
      'Applied built-in migrations not enabled now:\n  - 001_datetime_fields_to_timestamps  (applied 2024-01-01T00:00:00.000Z, batch 1; to roll it back, pass `--builtin datetime`)',
    );
    expect(text).not.toContain('MISSING');
    expect(text).not.toContain('no file any more');
  });
});
