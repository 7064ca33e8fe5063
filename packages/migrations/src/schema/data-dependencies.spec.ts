import { Schema } from 'redis-om';
import { MigrationStateError } from '../errors';
import type { LedgerEntry } from '../state/ledger';
import { compileSchema } from './compile';
import { assertDataDependenciesApplied } from './data-dependencies';
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
});
