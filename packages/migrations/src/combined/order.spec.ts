import { MigrationGraphError, MigrationStateError } from '../errors';
import type { LedgerEntry } from '../state/ledger';
import { orderAll, pendingSteps, planAllRollback } from './order';

const data = (id: string, dependencies: string[] = []) => ({ id, dependencies, source: `data-migrations/${id}.ts` });
const schema = (id: string, after: string[] = []) => ({ id, after, source: `schema-migrations/${id}.json` });
const entry = (id: string, appliedAt: string, order = 0): LedgerEntry => ({ id, appliedAt, batch: 1, order, checksum: 'x', durationMs: 1 });
const none = { data: [], schema: [] };
const refs = (steps: readonly { ref: string }[]) => steps.map((s) => s.ref);

describe('orderAll', () => {
  it('runs a backfill, then the snapshot that makes it sortable, then what depends on that snapshot', () => {
    const ordered = orderAll(
      [data('20240103_000000_use_sorted', ['schema:20240102_000000_sortable']), data('20240104_000000_backfill')],
      [schema('20240102_000000_sortable', ['20240104_000000_backfill'])],
      none,
    );
    expect(refs(ordered)).toEqual(['20240104_000000_backfill', 'schema:20240102_000000_sortable', '20240103_000000_use_sorted']);
  });

  it('keeps snapshots in timestamp order and interleaves the rest by id', () => {
    const ordered = orderAll([data('20240102_000000_b'), data('001_builtin')], [schema('20240103_000000_s2'), schema('20240101_000000_s1')], none);
    expect(refs(ordered)).toEqual(['001_builtin', 'schema:20240101_000000_s1', '20240102_000000_b', 'schema:20240103_000000_s2']);
  });

  it('makes a later snapshot wait for what an earlier one waits on', () => {
    const ordered = orderAll([data('20240109_000000_late')], [schema('20240101_000000_s1', ['20240109_000000_late']), schema('20240102_000000_s2')], none);
    expect(refs(ordered)).toEqual(['20240109_000000_late', 'schema:20240101_000000_s1', 'schema:20240102_000000_s2']);
  });

  it('gives the same order whatever the input order', () => {
    const d = [data('a', ['schema:s2']), data('b'), data('c', ['b'])];
    const s = [schema('s1', ['c']), schema('s2')];
    expect(refs(orderAll([...d].reverse(), [...s].reverse(), none))).toEqual(refs(orderAll(d, s, none)));
    expect(refs(orderAll(d, s, none))).toEqual(['b', 'c', 'schema:s1', 'schema:s2', 'a']);
  });

  it('refuses a cycle across the two kinds, naming the path and the files', () => {
    const run = () => orderAll([data('20240101_000000_backfill', ['schema:20240102_000000_sortable'])], [schema('20240102_000000_sortable', ['20240101_000000_backfill'])], none);
    expect(run).toThrow(MigrationGraphError);
    expect(run).toThrow(
      'Migrations depend on each other in a cycle: 20240101_000000_backfill (data-migrations/20240101_000000_backfill.ts) → schema:20240102_000000_sortable (schema-migrations/20240102_000000_sortable.json) → 20240101_000000_backfill (data-migrations/20240101_000000_backfill.ts). Nothing was applied.',
    );
  });

  it('refuses a cycle through the timestamp chain of snapshots', () => {
    expect(() => orderAll([data('d', ['schema:s2'])], [schema('s1', ['d']), schema('s2')], none)).toThrow(/cycle: d .* → schema:s2 .* → schema:s1 .* → d/);
  });

  it('refuses unknown references on either side, naming the file', () => {
    expect(() => orderAll([data('d', ['schema:nope'])], [], none)).toThrow(
      'Data migration d (data-migrations/d.ts) depends on schema:nope, which is not a known schema migration. Nothing was applied.',
    );
    expect(() => orderAll([], [schema('s1', ['nope'])], none)).toThrow(
      'Schema migration s1 (schema-migrations/s1.json) runs after nope, which is not a known data migration. Nothing was applied.',
    );
    expect(() => orderAll([data('d', ['other'])], [], none)).toThrow(MigrationGraphError);
  });

  it('accepts a reference to an applied migration whose file is gone', () => {
    const ordered = orderAll([data('d', ['schema:gone'])], [schema('s1', ['old'])], { data: [entry('old', 't')], schema: [entry('gone', 't')] });
    expect(refs(ordered)).toEqual(['d', 'schema:s1']);
  });
});

describe('pendingSteps', () => {
  it('leaves out what either ledger records', () => {
    const ordered = orderAll([data('a'), data('b', ['schema:s'])], [schema('s', ['a'])], none);
    expect(refs(pendingSteps(ordered, { data: [entry('a', 't')], schema: [] }))).toEqual(['schema:s', 'b']);
    expect(refs(pendingSteps(ordered, { data: [entry('a', 't')], schema: [entry('s', 't')] }))).toEqual(['b']);
  });
});

describe('planAllRollback', () => {
  const ordered = orderAll([data('backfill'), data('use', ['schema:sortable'])], [schema('sortable', ['backfill'])], none);
  const ledgers = {
    data: [entry('backfill', '2024-01-01T00:00:00.000Z', 0), entry('use', '2024-01-01T00:00:00.002Z', 1)],
    schema: [entry('sortable', '2024-01-01T00:00:00.001Z', 0)],
  };

  it('undoes in exact reverse of the apply order, across both ledgers', () => {
    expect(refs(planAllRollback(ordered, ledgers, { all: true }))).toEqual(['use', 'schema:sortable', 'backfill']);
    expect(refs(planAllRollback(ordered, ledgers, { steps: 2 }))).toEqual(['use', 'schema:sortable']);
  });

  it('breaks ties of the same millisecond by the combined order', () => {
    const same = '2024-01-01T00:00:00.000Z';
    const tied = { data: [entry('use', same, 1), entry('backfill', same, 0)], schema: [entry('sortable', same, 0)] };
    expect(refs(planAllRollback(ordered, tied, { all: true }))).toEqual(['use', 'schema:sortable', 'backfill']);
  });

  it('refuses to leave applied a migration that depends on one rolled back', () => {
    // `use` was applied first by hand (ledger times out of order): rolling back the newest would strand it.
    const odd = { data: [entry('backfill', '2024-01-01T00:00:00.000Z'), entry('use', '2024-01-01T00:00:00.001Z')], schema: [entry('sortable', '2024-01-01T00:00:00.009Z')] };
    expect(() => planAllRollback(ordered, odd, { steps: 1 })).toThrow(MigrationStateError);
    expect(() => planAllRollback(ordered, odd, { steps: 1 })).toThrow('Cannot roll back schema:sortable: use, which stays applied, depends on it. Nothing was rolled back.');
  });

  it('refuses a migration whose file is gone', () => {
    expect(() => planAllRollback(ordered, { data: [entry('ghost', '2025-01-01T00:00:00.000Z')], schema: [] }, { steps: 1 })).toThrow(/Cannot roll back ghost: no file defines it/);
  });
});
