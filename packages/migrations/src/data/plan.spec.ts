import type { LedgerEntry } from '../state/ledger';
import type { LoadedMigration } from './migration';
import { buildStatus, planRollback, planRun, planStamp } from './plan';

function migration(id: string, options: { deps?: string[]; down?: boolean; checksum?: string } = {}): LoadedMigration {
  const up = async () => undefined;
  return {
    id,
    description: `does ${id}`,
    dependencies: options.deps ?? [],
    supportsDryRun: false,
    source: `${id}.ts`,
    checksum: options.checksum ?? `sum-${id}`,
    migration: options.down === false ? { id, up } : { id, up, down: up },
  };
}

function applied(id: string, batch: number, order: number, checksum = `sum-${id}`): LedgerEntry {
  return { id, batch, order, checksum, appliedAt: '2024-01-01T00:00:00.000Z', durationMs: 5 };
}

const a = migration('a');
const b = migration('b', { deps: ['a'] });
const c = migration('c');
const d = migration('d', { down: false });

describe('buildStatus', () => {
  it('splits applied and pending and counts them', () => {
    const status = buildStatus([a, b, c], [applied('a', 1, 0)]);
    expect(status).toMatchObject({
      totalMigrations: 3,
      appliedCount: 1,
      pendingCount: 2,
      appliedMigrations: ['a'],
      pendingMigrations: ['b', 'c'],
      missing: [],
    });
  });

  it('flags an applied migration whose checksum changed', () => {
    const status = buildStatus([a, c], [applied('a', 1, 0, 'old'), applied('c', 1, 1)]);
    expect(status.migrations.map((m) => [m.id, m.changedSinceApplied])).toEqual([
      ['a', true],
      ['c', false],
    ]);
  });

  it('lists ledger entries whose migration is gone', () => {
    const status = buildStatus([a], [applied('a', 1, 0), applied('gone', 1, 1)]);
    expect(status.missing.map((e) => e.id)).toEqual(['gone']);
  });
});

describe('planRun', () => {
  it('takes pending migrations in order', () => {
    expect(planRun([a, b, c], [applied('a', 1, 0)]).map((m) => m.id)).toEqual(['b', 'c']);
  });

  it('honours --limit', () => {
    expect(planRun([a, b, c], [], { limit: 2 }).map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('stops at --target, inclusive', () => {
    expect(planRun([a, b, c], [], { target: 'b' }).map((m) => m.id)).toEqual(['a', 'b']);
  });

  it('refuses an unknown target and lists the known ids', () => {
    expect(() => planRun([a, b], [], { target: 'zz' })).toThrow('No data migration has the id zz.');
  });
});

describe('planRollback', () => {
  const ledger = [applied('a', 1, 0), applied('b', 1, 1), applied('c', 2, 2)];

  it('rolls back the last batch newest first', () => {
    expect(planRollback([a, b, c], ledger, { steps: 1 }).map((m) => m.id)).toEqual(['c']);
    expect(planRollback([a, b, c], ledger, { steps: 2 }).map((m) => m.id)).toEqual(['c', 'b', 'a']);
  });

  it('rolls back everything for a reset', () => {
    expect(planRollback([a, b, c], ledger, { all: true }).map((m) => m.id)).toEqual(['c', 'b', 'a']);
  });

  it('refuses a migration that applied migrations depend on', () => {
    expect(() => planRollback([a, b, c], ledger, { id: 'a' })).toThrow('Cannot roll back a: applied migrations depend on it: b.');
  });

  it('refuses an unknown id and a pending one', () => {
    expect(() => planRollback([a, b, c], ledger, { id: 'zz' })).toThrow('No data migration has the id zz.');
    expect(() => planRollback([a, b, c], [applied('a', 1, 0)], { id: 'c' })).toThrow('Data migration c is not applied');
  });

  it('refuses, before anything runs, when one of them has no down()', () => {
    expect(() => planRollback([a, d], [applied('a', 1, 0), applied('d', 1, 1)], { steps: 1 })).toThrow(
      'Cannot roll back d: no down() defined. Nothing was rolled back.',
    );
  });

  it('refuses a migration whose file is gone', () => {
    expect(() => planRollback([a], [applied('a', 1, 0), applied('gone', 2, 1)], { steps: 1 })).toThrow(
      'Cannot roll back gone: no migration file defines it any more.',
    );
  });
});

describe('planStamp', () => {
  it('stamps a pending migration whose dependencies are applied', () => {
    expect(planStamp([a, b], [applied('a', 1, 0)], 'b').id).toBe('b');
  });

  it('refuses an applied one, an unknown one, and one with pending dependencies', () => {
    expect(() => planStamp([a, b], [applied('a', 1, 0)], 'a')).toThrow('already applied');
    expect(() => planStamp([a, b], [], 'zz')).toThrow('No data migration has the id zz.');
    expect(() => planStamp([a, b], [], 'b')).toThrow('Cannot stamp b: its dependencies are not applied: a.');
  });
});
