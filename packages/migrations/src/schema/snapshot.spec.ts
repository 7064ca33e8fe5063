import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Schema } from 'redis-om';
import { compileSchema } from './compile';
import { diffIndexStates, statesOfCompiled } from './diff';
import { SnapshotError } from './errors';
import { SCHEMA_MIGRATIONS_FOLDER, buildSnapshot, stateAfterSnapshots, validateSnapshot } from './snapshot';
import { loadSnapshots, writeSnapshot } from './snapshot-store';

const now = new Date('2024-03-09T17:45:07.123Z');

async function models(...schemas: Schema[]) {
  return statesOfCompiled(await Promise.all(schemas.map((s) => compileSchema(s))));
}

describe('schema snapshots', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'om-snap-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes YYYYMMDD_HHMMSS_<name>.json (UTC) with before/after definitions and hashes', async () => {
    const to = await models(new Schema('person', { name: { type: 'string' } }));
    const snapshot = buildSnapshot('add_person', diffIndexStates(new Map(), to), now);
    const written = writeSnapshot(dir, snapshot);
    expect(basename(written.file)).toBe('20240309_174507_add_person.json');
    expect(written.createdDir).toBe(true);
    const onDisk = JSON.parse(readFileSync(written.file, 'utf8'));
    expect(onDisk).toMatchObject({
      format: 'om-schema-migration/1',
      id: '20240309_174507_add_person',
      createdAt: '2024-03-09T17:45:07.123Z',
      changes: [{ indexName: 'person:index', kind: 'added', before: null, after: { hash: expect.stringMatching(/^sha256:/) } }],
    });
    expect(() => writeSnapshot(dir, snapshot)).toThrow(/already exists/);
  });

  it('adds snapshots up to the latest state, so a second create finds only new changes', async () => {
    const v1 = await models(new Schema('person', { name: { type: 'string' } }), new Schema('order', { n: { type: 'number' } }));
    writeSnapshot(dir, buildSnapshot('init', diffIndexStates(new Map(), v1), now));
    const v2 = await models(new Schema('person', { name: { type: 'string', sortable: true } }));
    const loaded = () => stateAfterSnapshots(loadSnapshots(dir).map((l) => l.snapshot));
    const changes = diffIndexStates(loaded(), v2);
    expect(changes.map((c) => [c.indexName, c.kind])).toEqual([
      ['order:index', 'removed'],
      ['person:index', 'changed'],
    ]);
    writeSnapshot(dir, buildSnapshot('sortable', changes, new Date(now.getTime() + 1000)));
    expect(diffIndexStates(loaded(), v2)).toEqual([]);
    expect(loadSnapshots(dir).map((l) => l.snapshot.name)).toEqual(['init', 'sortable']);
  });

  it('returns no snapshots when the folder does not exist', () => {
    expect(loadSnapshots(join(dir, 'nope'))).toEqual([]);
  });

  describe('a hand-edited snapshot is named in the error', () => {
    async function written() {
      const to = await models(new Schema('person', { name: { type: 'string' } }));
      return writeSnapshot(dir, buildSnapshot('add_person', diffIndexStates(new Map(), to), now)).file;
    }
    function edit(file: string, change: (data: Record<string, any>) => void) {
      const data = JSON.parse(readFileSync(file, 'utf8'));
      change(data);
      writeFileSync(file, JSON.stringify(data));
    }

    it('invalid JSON', async () => {
      const file = await written();
      writeFileSync(file, '{ "format": ');
      expect(() => loadSnapshots(dir)).toThrow(SnapshotError);
      expect(() => loadSnapshots(dir)).toThrow(file);
    });

    it('a field type that does not exist', async () => {
      const file = await written();
      edit(file, (d) => (d.changes[0].after.definition.fields[0].type = 'STRING'));
      expect(() => loadSnapshots(dir)).toThrow(new RegExp(`${basename(file)} is not valid at changes.0.after.definition.fields.0.type`));
    });

    it('a definition changed without its hash', async () => {
      const file = await written();
      edit(file, (d) => (d.changes[0].after.definition.fields[0].sortable = true));
      expect(() => loadSnapshots(dir)).toThrow(/does not match its hash/);
    });

    it('an id that does not match the file name', async () => {
      const file = await written();
      edit(file, (d) => (d.id = '20240101_000000_other'));
      expect(() => loadSnapshots(dir)).toThrow(/does not match its file name/);
    });

    it('a kind that contradicts before/after', () => {
      expect(() =>
        validateSnapshot(
          { format: 'om-schema-migration/1', id: '20240101_000000_x', name: 'x', createdAt: 'now', changes: [{ indexName: 'i', kind: 'added', hashOnly: false, before: null, after: null }] },
          'x.json',
        ),
      ).toThrow(/i is "added" but has the wrong before\/after/);
    });
  });

  it('ignores files that are not snapshots', () => {
    mkdirSync(join(dir, SCHEMA_MIGRATIONS_FOLDER));
    writeFileSync(join(dir, SCHEMA_MIGRATIONS_FOLDER, 'README.md'), 'notes');
    expect(loadSnapshots(dir)).toEqual([]);
  });
});
