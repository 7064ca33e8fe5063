import { Schema } from 'redis-om';
import { ConfigError, MigrationStateError } from '../errors';
import type { LedgerEntry } from '../state/ledger';
import { compileSchema } from './compile';
import { assertAfterKnown, assertDataDependenciesApplied, assertNoDataDependents, type DataMigrationsView } from './data-dependencies';
import { diffIndexStates, statesOfCompiled } from './diff';
import { SnapshotError } from './errors';
import { buildSnapshot, validateSnapshot, type SchemaSnapshot } from './snapshot';

const now = new Date('2024-03-09T17:45:07.123Z');
const entry = (id: string): LedgerEntry => ({ id, appliedAt: 't', batch: 1, order: 0, checksum: 'x', durationMs: 1 });

async function snapshot(after?: string[]): Promise<SchemaSnapshot> {
  const to = statesOfCompiled([await compileSchema(new Schema('person', { name: { type: 'string' } }))]);
  return buildSnapshot('add_person', diffIndexStates(new Map(), to), now, after);
}

describe('a snapshot that runs after data migrations', () => {
  it('records `after` only when given, and old snapshots without it still load', async () => {
    const plain = await snapshot();
    expect(plain).not.toHaveProperty('after');
    expect(validateSnapshot(JSON.parse(JSON.stringify(plain)), '20240309_174507_add_person.json')).toEqual(plain);
    const after = await snapshot(['20240101_000000_backfill', '20240101_000000_backfill']);
    expect(after.after).toEqual(['20240101_000000_backfill']);
    expect(validateSnapshot(JSON.parse(JSON.stringify(after)), '20240309_174507_add_person.json').after).toEqual(['20240101_000000_backfill']);
  });

  it('refuses an `after` that names a schema migration or is not an id', async () => {
    const base = await snapshot();
    expect(() => validateSnapshot({ ...base, after: ['schema:20240101_000000_x'] }, 'f.json')).toThrow(SnapshotError);
    expect(() => validateSnapshot({ ...base, after: ['schema:20240101_000000_x'] }, 'f.json')).toThrow(/at after\.0: after names data migrations/);
    expect(() => validateSnapshot({ ...base, after: ['two words'] }, 'f.json')).toThrow(/at after\.0/);
    expect(() => validateSnapshot({ ...base, after: [] }, 'f.json')).toThrow(/at after/);
  });

  it('makes a schema run refuse while a data migration it waits on is not applied', async () => {
    const pending = [{ snapshot: await snapshot(['20240101_000000_backfill']), file: 'schema-migrations/20240309_174507_add_person.json', checksum: 'c' }];
    expect(() => assertDataDependenciesApplied(pending, [])).toThrow(MigrationStateError);
    expect(() => assertDataDependenciesApplied(pending, [])).toThrow(
      'Schema migration 20240309_174507_add_person (schema-migrations/20240309_174507_add_person.json) runs after data migration 20240101_000000_backfill, which is not applied. Nothing was applied.',
    );
    expect(() => assertDataDependenciesApplied(pending, [entry('20240101_000000_backfill')])).not.toThrow();
  });

  const view = (ids: string[], deps: Record<string, string[]> = {}): DataMigrationsView => ({
    folder: 'migrations/data-migrations',
    migrations: ids.map((id) => ({ id, dependencies: deps[id] ?? [], source: `migrations/data-migrations/${id}.ts` })),
    builtinIds: ['001_datetime_fields_to_timestamps'],
  });

  it('refuses to roll back a snapshot an applied data migration depends on, and only then', () => {
    const data = view(['a_search', 'b_other'], { a_search: ['schema:s1'] });
    expect(() => assertNoDataDependents('s1', data, [entry('a_search')])).toThrow(MigrationStateError);
    expect(() => assertNoDataDependents('s1', data, [entry('a_search')])).toThrow(
      'Cannot roll back schema migration s1: the applied data migration a_search (migrations/data-migrations/a_search.ts) depends on it (schema:s1). Nothing was rolled back.',
    );
    // Not applied, or depending on another snapshot: nothing to protect.
    expect(() => assertNoDataDependents('s1', data, [entry('b_other')])).not.toThrow();
    expect(() => assertNoDataDependents('s2', data, [entry('a_search')])).not.toThrow();
  });

  it('refuses an `after` id that names no data migration, listing the known ones or naming the empty folder', () => {
    expect(() => assertAfterKnown(['a_backfill', '001_datetime_fields_to_timestamps'], view(['a_backfill']))).not.toThrow();
    expect(() => assertAfterKnown(['a_bakfill'], view(['a_backfill', 'b_other']))).toThrow(ConfigError);
    expect(() => assertAfterKnown(['a_bakfill'], view(['a_backfill', 'b_other']))).toThrow(
      'No schema migration was written: --after a_bakfill is not a data migration of this project. The data migrations in migrations/data-migrations are: a_backfill, b_other; built-in: 001_datetime_fields_to_timestamps.',
    );
    expect(() => assertAfterKnown(['x'], view([]))).toThrow('There are no data migrations in migrations/data-migrations; built-in: 001_datetime_fields_to_timestamps.');
  });
});
