import { Schema } from 'redis-om';
import { MigrationStateError } from '../errors';
import type { LedgerEntry } from '../state/ledger';
import { compileSchema } from './compile';
import { diffIndexStates, stateOfCompiled, type IndexState } from './diff';
import { layoutAfter, movesOf, movesToModels, planMove, planSchemaRollback, snapshotsBy } from './migration-plan';
import { ABSENT, reportedHash, versionedIndexName } from './plan';
import { buildSnapshot } from './snapshot';
import type { LoadedSnapshot } from './snapshot-store';

async function state(name: string, definition: ConstructorParameters<typeof Schema>[1]): Promise<IndexState> {
  return stateOfCompiled(await compileSchema(new Schema(name, definition, { dataStructure: 'HASH' })));
}

const entry = (id: string, order: number): LedgerEntry => ({ id, appliedAt: '2024-01-01T00:00:00.000Z', batch: 1, order, checksum: 'x', durationMs: 1 });

describe('schema migration planning', () => {
  let person1: IndexState;
  let person2: IndexState;
  let order1: IndexState;
  let snapshots: LoadedSnapshot[];
  beforeAll(async () => {
    person1 = await state('person', { name: { type: 'string' } });
    person2 = await state('person', { name: { type: 'string', sortable: true } });
    order1 = await state('order', { total: { type: 'number' } });
    const loaded = (name: string, from: IndexState[], to: IndexState[], at: string): LoadedSnapshot => {
      const changes = diffIndexStates(new Map(from.map((s) => [s.indexName, s])), new Map(to.map((s) => [s.indexName, s])));
      return { snapshot: buildSnapshot(name, changes, new Date(at)), file: `/p/${name}.json`, checksum: name };
    };
    snapshots = [
      loaded('initial', [], [person1], '2024-01-01T00:00:00Z'),
      loaded('orders', [person1], [person1, order1], '2024-01-02T00:00:00Z'),
      loaded('sortable', [person1, order1], [person2, order1], '2024-01-03T00:00:00Z'),
    ];
  });
  const id = (i: number) => snapshots[i]!.snapshot.id;

  it('moves a snapshot up to its states after and down to its states before', () => {
    expect(movesOf(snapshots[2]!.snapshot, 'up')).toEqual([{ indexName: 'person:index', target: person2, hashName: 'person:index:hash' }]);
    expect(movesOf(snapshots[2]!.snapshot, 'down')).toEqual([{ indexName: 'person:index', target: person1, hashName: 'person:index:hash' }]);
    // Undoing an added index removes it, and still names its redis-om hash key.
    expect(movesOf(snapshots[0]!.snapshot, 'down')).toEqual([{ indexName: 'person:index', target: null, hashName: 'person:index:hash' }]);
    expect(movesToModels([order1])).toEqual([{ indexName: 'order:index', target: order1, hashName: 'order:index:hash' }]);
  });

  it('splits the snapshots into applied and pending, in file order', () => {
    const ledger = [entry(id(1), 0)];
    expect(snapshotsBy(snapshots, ledger, true).map((s) => s.snapshot.name)).toEqual(['orders']);
    expect(snapshotsBy(snapshots, ledger, false).map((s) => s.snapshot.name)).toEqual(['initial', 'sortable']);
  });

  it('rolls back the newest snapshot of an index to its definition before', () => {
    const ledger = [entry(id(0), 0), entry(id(1), 1), entry(id(2), 2)];
    expect(planSchemaRollback(snapshots, ledger, id(2))).toEqual([{ indexName: 'person:index', target: person1, hashName: 'person:index:hash' }]);
    // A later snapshot touches other indexes only: this one can go.
    expect(planSchemaRollback(snapshots, ledger.slice(0, 2), id(0))).toEqual([{ indexName: 'person:index', target: null, hashName: 'person:index:hash' }]);
  });

  it('refuses a rollback of an unknown, pending or overtaken snapshot', () => {
    const ledger = [entry(id(0), 0), entry(id(2), 1)];
    expect(() => planSchemaRollback(snapshots, ledger, 'nope')).toThrow(MigrationStateError);
    expect(() => planSchemaRollback(snapshots, ledger, 'nope')).toThrow(/No schema migration has the id nope/);
    expect(() => planSchemaRollback([], ledger, 'nope')).toThrow(MigrationStateError);
    expect(() => planSchemaRollback(snapshots, ledger, id(1))).toThrow(`Schema migration ${id(1)} is not applied`);
    expect(() => planSchemaRollback(snapshots, ledger, id(0))).toThrow(`Cannot roll back ${id(0)}: later applied schema migrations change the same indexes: ${id(2)}.`);
  });

  it('predicts the layout a move leaves, so a dry run plans a later snapshot of the same index', () => {
    const [up] = movesOf(snapshots[0]!.snapshot, 'up');
    const swapped = layoutAfter(up!, ABSENT, 'swap');
    expect(swapped).toEqual({
      kind: 'alias',
      physicalName: versionedIndexName('person:index', person1.hash),
      reportedHash: reportedHash(person1.definition, 'person:index'),
      storedIndexHash: person1.indexHash,
    });
    expect(layoutAfter(up!, ABSENT, 'recreate')).toMatchObject({ kind: 'plain', physicalName: 'person:index' });
    // Planned from the predicted layout, the same move has nothing left to send.
    expect(planMove(up!, swapped, [], 'swap').steps).toEqual([]);
    const [removal] = movesOf(snapshots[0]!.snapshot, 'down');
    expect(layoutAfter(removal!, swapped, 'swap')).toEqual({ ...ABSENT, storedIndexHash: person1.indexHash });
    expect(planMove(removal!, swapped, [], 'swap').steps.map((s) => (s.kind === 'command' ? s.argv[0] : s.kind))).toEqual(['FT.DROPINDEX', 'DEL']);
  });
});
