import { Schema } from 'redis-om';
import { compileSchema } from './compile';
import { stateOfCompiled, type IndexState } from './diff';
import { SchemaPlanError } from './errors';
import { renderFtCreateArgs } from './ft-create-args';
import { ABSENT, formatPlan, planIndex, quoteArg, reportedHash, splitBuild, versionedIndexName, type LiveLayout, type PlanStep } from './plan';

async function state(definition: ConstructorParameters<typeof Schema>[1]): Promise<IndexState> {
  return stateOfCompiled(await compileSchema(new Schema('person', definition, { dataStructure: 'HASH' })));
}

const argvs = (steps: readonly PlanStep[]) => steps.map((s) => (s.kind === 'command' ? s.argv.join(' ') : `wait ${s.indexName}`));

describe('planIndex', () => {
  let v1: IndexState;
  let v2: IndexState;
  beforeAll(async () => {
    v1 = await state({ name: { type: 'string' } });
    v2 = await state({ name: { type: 'string', sortable: true } });
  });
  const plain = (s: IndexState, storedIndexHash: string | null = s.indexHash): LiveLayout => ({
    kind: 'plain',
    physicalName: 'person:index',
    reportedHash: reportedHash(s.definition, s.indexName),
    storedIndexHash,
  });
  const alias = (s: IndexState): LiveLayout => ({
    kind: 'alias',
    physicalName: versionedIndexName('person:index', s.hash),
    reportedHash: reportedHash(s.definition, s.indexName),
    storedIndexHash: s.indexHash,
  });

  it('swap, first migration of a plain index made by redis-om: build, wait, hash, alias, drop the plain one', () => {
    const plan = planIndex({ indexName: 'person:index', target: v2, live: plain(v1) });
    const v = versionedIndexName('person:index', v2.hash);
    expect(v).toMatch(/^person:index:v:[0-9a-f]{12}$/);
    expect(argvs(plan.steps)).toEqual([
      renderFtCreateArgs(v2.definition, v).join(' '),
      `wait ${v}`,
      `SET person:index:hash ${v2.indexHash}`,
      `FT.ALIASADD person:index ${v}`,
      'FT.DROPINDEX person:index',
    ]);
    expect(plan.steps[0]).toMatchObject({ argv: expect.arrayContaining(['FT.CREATE', v, 'SORTABLE']) });
  });

  it('swap, index already behind an alias: ALIASUPDATE then drop the old versioned index by its real name', () => {
    const live = alias(v1);
    const plan = planIndex({ indexName: 'person:index', target: v2, live });
    const v = versionedIndexName('person:index', v2.hash);
    expect(argvs(plan.steps).slice(2)).toEqual([
      `SET person:index:hash ${v2.indexHash}`,
      `FT.ALIASUPDATE person:index ${v}`,
      `FT.DROPINDEX ${live.physicalName}`,
    ]);
  });

  it('swap, nothing live: create the versioned index and add the alias', () => {
    const plan = planIndex({ indexName: 'person:index', target: v1, live: ABSENT });
    expect(argvs(plan.steps).slice(1)).toEqual([
      `wait ${versionedIndexName('person:index', v1.hash)}`,
      `SET person:index:hash ${v1.indexHash}`,
      `FT.ALIASADD person:index ${versionedIndexName('person:index', v1.hash)}`,
    ]);
  });

  it('writes the hash before the alias goes live, and never plans DD', () => {
    for (const live of [plain(v1), alias(v1), ABSENT]) {
      for (const strategy of ['swap', 'recreate'] as const) {
        const lines = argvs(planIndex({ indexName: 'person:index', target: v2, live, strategy }).steps);
        const set = lines.findIndex((l) => l.startsWith('SET '));
        const live1 = lines.findIndex((l) => /^FT\.ALIAS(ADD|UPDATE)/.test(l));
        if (live1 >= 0) expect(set).toBeLessThan(live1);
        expect(lines.every((l) => !/^FT\.DROPINDEX .* DD$/.test(l))).toBe(true);
      }
    }
  });

  it('reuses the versioned index left by a run that stopped before switching', () => {
    const v = versionedIndexName('person:index', v2.hash);
    const plan = planIndex({ indexName: 'person:index', target: v2, live: plain(v1), existingIndexes: ['person:index', v] });
    expect(argvs(plan.steps)[0]).toBe(`wait ${v}`);
    expect(argvs(plan.steps).some((l) => l.startsWith('FT.CREATE'))).toBe(false);
  });

  it('recreate: drop without DD, create, hash, wait', () => {
    const plan = planIndex({ indexName: 'person:index', target: v2, live: plain(v1), strategy: 'recreate' });
    expect(argvs(plan.steps)).toEqual([
      'FT.DROPINDEX person:index',
      renderFtCreateArgs(v2.definition).join(' '),
      `SET person:index:hash ${v2.indexHash}`,
      'wait person:index',
    ]);
  });

  it('recreate through an alias drops the versioned index behind it and creates a plain one', () => {
    const plan = planIndex({ indexName: 'person:index', target: v2, live: alias(v1), strategy: 'recreate' });
    expect(argvs(plan.steps)[0]).toBe('FT.DROPINDEX person:index');
    expect(plan.steps[0]).toMatchObject({ why: expect.stringContaining('through its alias') });
  });

  it('does nothing when the live index already has the target definition and hash', () => {
    expect(planIndex({ indexName: 'person:index', target: v1, live: plain(v1) }).steps).toEqual([]);
    expect(planIndex({ indexName: 'person:index', target: v1, live: alias(v1) }).steps).toEqual([]);
  });

  it('only writes the hash when the definition is live but the stored hash is not', () => {
    const plan = planIndex({ indexName: 'person:index', target: v1, live: plain(v1, 'stale') });
    expect(argvs(plan.steps)).toEqual([`SET person:index:hash ${v1.indexHash}`]);
  });

  it('removal drops the real index (no DD) and the stored hash', () => {
    const live = alias(v1);
    const plan = planIndex({ indexName: 'person:index', target: null, live, indexHashName: 'person:index:hash' });
    expect(argvs(plan.steps)).toEqual([`FT.DROPINDEX ${live.physicalName}`, 'DEL person:index:hash']);
    expect(planIndex({ indexName: 'person:index', target: null, live: ABSENT }).steps).toEqual([]);
  });

  it('refuses a target for another index, and a live versioned index that differs from its own name', () => {
    expect(() => planIndex({ indexName: 'other', target: v1, live: ABSENT })).toThrow(SchemaPlanError);
    const broken: LiveLayout = { ...alias(v2), reportedHash: 'sha256:different' };
    expect(() => planIndex({ indexName: 'person:index', target: v2, live: broken })).toThrow(/already points at/);
  });

  it('compares through what FT.INFO can show: a PHONETIC target matches its live index', async () => {
    const phonetic = await state({ bio: { type: 'text', matcher: 'dm:en' } });
    const live: LiveLayout = {
      kind: 'plain',
      physicalName: 'person:index',
      reportedHash: reportedHash({ ...phonetic.definition, fields: phonetic.definition.fields.map((f) => ({ ...f, phonetic: null })) }, 'person:index'),
      storedIndexHash: phonetic.indexHash,
    };
    expect(planIndex({ indexName: 'person:index', target: phonetic, live }).steps).toEqual([]);
  });
});

describe('formatPlan', () => {
  it('prints every command with its reason, and quotes what needs quoting', async () => {
    const target = await state({ name: { type: 'string' } });
    const lines = formatPlan([planIndex({ indexName: 'person:index', target, live: ABSENT })]);
    expect(lines[0]).toMatch(/^# person:index: create as person:index:v:[0-9a-f]{12} behind alias person:index \[swap\]$/);
    expect(lines[1]).toMatch(/^ {2}FT\.CREATE person:index:v:\w+ ON HASH PREFIX 1 person: SCHEMA name AS name TAG SEPARATOR \| {4}# /);
    expect(lines[2]).toMatch(/^ {2}\(wait\) FT\.INFO person:index:v:\w+ until indexing is 0/);
    expect(quoteArg('$["name"]')).toBe('"$[\\"name\\"]"');
    expect(quoteArg('a b')).toBe('"a b"');
  });

  it('prints what a run sends, in its order: every new index built before any index switches', async () => {
    const person = await state({ name: { type: 'string' } });
    const order = stateOfCompiled(await compileSchema(new Schema('order', { total: { type: 'number' } }, { dataStructure: 'HASH' })));
    const plans = [
      planIndex({ indexName: 'order:index', target: order, live: ABSENT }),
      planIndex({ indexName: 'gone:index', target: null, live: { kind: 'plain', physicalName: 'gone:index', reportedHash: 'x', storedIndexHash: null } }),
      planIndex({ indexName: 'person:index', target: person, live: ABSENT }),
    ];
    const shown = formatPlan(plans).map((line) => line.replace(/ {4}# .*$/, '').replace(/(FT\.CREATE \S+) .*/, '$1').replace(/:v:[0-9a-f]{12}/g, ':v:H'));
    expect(shown).toEqual([
      '# order:index: create as order:index:v:H behind alias order:index [swap]',
      '  FT.CREATE order:index:v:H',
      '  (wait) FT.INFO order:index:v:H until indexing is 0',
      '# person:index: create as person:index:v:H behind alias person:index [swap]',
      '  FT.CREATE person:index:v:H',
      '  (wait) FT.INFO person:index:v:H until indexing is 0',
      '# order:index: switch to order:index:v:H, now that every new index is built [swap]',
      '  SET order:index:hash ' + order.indexHash,
      '  FT.ALIASADD order:index order:index:v:H',
      '# gone:index: remove (documents are kept) [swap]',
      '  FT.DROPINDEX gone:index',
      '# person:index: switch to person:index:v:H, now that every new index is built [swap]',
      '  SET person:index:hash ' + person.indexHash,
      '  FT.ALIASADD person:index person:index:v:H',
    ]);
    // Regrouped, none lost: every step is in one part or the other.
    expect(plans.flatMap((p) => splitBuild(p).build).length + plans.flatMap((p) => splitBuild(p).rest).length).toBe(plans.flatMap((p) => p.steps).length);
  });
});
