/**
 * `om migrate create` with a removed field, as the built bin (no Redis needed): on a terminal it
 * asks "Did you rename…?", without one it refuses and names both ways on, and what it writes is
 * what was answered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordingMigration, runOm, runOmInTerminal, snapshotFiles, useScratchProjects } from '../support/cli';

const models = (fields: string) => `import { Schema } from 'redis-om';\nexport const user = new Schema('user', { ${fields} }, { dataStructure: 'HASH' });\n`;

// Each test starts the bin three times (one in a pseudo-terminal): seconds on a busy machine.
const TIMEOUT = 30_000;

describe('om migrate create: a removed field is asked about, never guessed', () => {
  const project = useScratchProjects();

  function renamedProject() {
    const p = project({ 'src/models.ts': models("name: { type: 'string' }, age: { type: 'number' }") });
    const files = () => snapshotFiles(p.dir);
    const snapshot = (i: number) => JSON.parse(readFileSync(join(p.dir, 'migrations/schema-migrations', files()[i]!), 'utf8'));
    return { p, files, snapshot };
  }

  it('on a terminal: "Did you rename it?", Enter picks the added field; the snapshot carries the rename', async () => {
    const { p, files, snapshot } = renamedProject();
    expect(await runOm(['migrate', 'create', 'initial', '--models', 'src/models.ts'], { cwd: p.dir })).toMatchObject({ code: 0 });
    p.write('src/models.ts', models("fullName: { type: 'string' }, age: { type: 'number' }"));
    await new Promise((r) => setTimeout(r, 1_000));
    const asked = await runOmInTerminal(['migrate', 'create', 'rename_name', '--models', 'src/models.ts'], '\r', { cwd: p.dir });
    expect(asked.stdout).toContain('user:index: field name was removed. Did you rename it?');
    expect(asked.stdout).toContain('yes: renamed to fullName (move the stored values)');
    expect(asked.code).toBe(0);
    expect(files()).toHaveLength(2);
    expect(snapshot(1).changes[0].renames).toEqual([{ from: 'name', to: 'fullName' }]);
  }, TIMEOUT);

  it('on a terminal, "no" drops it (no rename recorded); without a terminal it refuses and writes nothing', async () => {
    const { p, files, snapshot } = renamedProject();
    expect(await runOm(['migrate', 'create', 'initial', '--models', 'src/models.ts'], { cwd: p.dir })).toMatchObject({ code: 0 });
    p.write('src/models.ts', models("fullName: { type: 'string' }, age: { type: 'number' }"));
    const refused = await runOm(['migrate', 'create', 'rename_name', '--models', 'src/models.ts'], { cwd: p.dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('Did you rename name to fullName?');
    expect(files()).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1_000));
    // Arrow down to "no: remove name from search", then Enter.
    const dropped = await runOmInTerminal(['migrate', 'create', 'drop_name', '--models', 'src/models.ts'], '\u001b[B\r', { cwd: p.dir });
    expect(dropped.code).toBe(0);
    expect(files()).toHaveLength(2);
    expect(snapshot(1).changes[0].renames).toBeUndefined();
    expect(dropped.stdout).toMatch(/index-only +user:index: field name removed \(HASH field name\)/);
  }, TIMEOUT);

  it('a renamed schema, on a terminal: "Did you rename schema user to person?", Enter records renamedFrom', async () => {
    const { p, files, snapshot } = renamedProject();
    expect(await runOm(['migrate', 'create', 'initial', '--models', 'src/models.ts'], { cwd: p.dir })).toMatchObject({ code: 0 });
    p.write('src/models.ts', models("name: { type: 'string' }, age: { type: 'number' }").replace("new Schema('user'", "new Schema('person'"));
    await new Promise((r) => setTimeout(r, 1_000));
    const asked = await runOmInTerminal(['migrate', 'create', 'rename_user', '--models', 'src/models.ts'], '\r', { cwd: p.dir });
    expect(asked.stdout).toContain('Did you rename schema user to person?');
    expect(asked.stdout).toContain('yes: renamed to person (move every document to person:, index person:index)');
    expect(asked.code).toBe(0);
    expect(files()).toHaveLength(2);
    expect(snapshot(1).changes.find((c: { kind: string }) => c.kind === 'added').renamedFrom).toBe('user:index');
    expect(asked.stdout).toMatch(/document-dependent +person:index: schema user renamed to person/);
  }, TIMEOUT);
});

describe('om migrate create --after: only a data migration of the project', () => {
  const project = useScratchProjects();

  it('refuses an id that is no loaded data migration (listing the known ones, or naming the empty folder), exit 2, no snapshot', async () => {
    const p = project({ 'src/models.ts': models("name: { type: 'string' }") });
    const create = (...after: string[]) => runOm(['migrate', 'create', 'initial', '--models', 'src/models.ts', ...after.flatMap((id) => ['--after', id])], { cwd: p.dir });
    /** Refused: exit 2, each message on stderr, nothing on stdout, no snapshot written. */
    const expectRefused = async (after: string, ...messages: string[]) => {
      const refused = await create(after);
      expect(refused).toMatchObject({ code: 2, stdout: '' });
      for (const message of messages) expect(refused.stderr).toContain(message);
      expect(snapshotFiles(p.dir)).toEqual([]);
    };

    await expectRefused(
      '20250101_000000_backfill',
      'No schema migration was written: --after 20250101_000000_backfill is not a data migration of this project. There are no data migrations in migrations/data-migrations; built-in: 001_datetime_fields_to_timestamps.',
      'om migrate-data create <name>',
    );

    // A file whose id is not its name: the id counts, as `om migrate-data` loads it.
    p.write('migrations/data-migrations/20250101_000000_backfill.ts', recordingMigration('20250101_000000_backfill'));
    p.write('migrations/data-migrations/20250102_000000_other.ts', recordingMigration('custom_other_id'));
    await expectRefused(
      '20250101_000000_backfil',
      'No schema migration was written: --after 20250101_000000_backfil is not a data migration of this project. The data migrations in migrations/data-migrations are: 20250101_000000_backfill, custom_other_id; built-in: 001_datetime_fields_to_timestamps.',
    );

    const ok = await create('20250101_000000_backfill', 'custom_other_id', '001_datetime_fields_to_timestamps');
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    const [file] = snapshotFiles(p.dir);
    expect(JSON.parse(readFileSync(join(p.dir, 'migrations/schema-migrations', file!), 'utf8')).after).toEqual(['20250101_000000_backfill', 'custom_other_id', '001_datetime_fields_to_timestamps']);
  }, TIMEOUT);
});
