import { Schema } from 'redis-om';
import { compileSchema } from '../../src/schema/compile';
import { stateOfCompiled, type IndexState } from '../../src/schema/diff';
import { parseFtInfo } from '../../src/schema/ft-info';
import { liveLayoutOf, planIndex, versionedIndexName, type IndexPlan } from '../../src/schema/plan';
import { eachFixtureSet, errorFixtures, indexFixtures, readFixture } from './fixtures';
import { SearchSimulator } from './search-simulator';

describe.each(eachFixtureSet())('SearchSimulator reproduces the recorded alias replies of %s (errors.json)', (_set, set) => {
  const entries = errorFixtures(set).filter((e) => e.server === set.moduleServer);
  const modelled = /^(FT\.(ALIASADD|ALIASUPDATE|ALIASDEL|DROPINDEX|INFO|SEARCH|_LIST|CREATE)|FLUSHALL)$/;
  const ftInfoMissing = entries.find((e) => e.command[0] === 'FT.INFO' && e.command[1] === 'fx:missing')!.reply as string;

  it('gives the same reply or error for every modelled command, in recorded order', () => {
    const sim = new SearchSimulator({ ftInfoMissing });
    // State before the first entry: fx:idx (2000 docs) and fx:idx2 (5 docs), per their FT.SEARCH counts.
    sim.indexes.set('fx:idx', 2000);
    sim.indexes.set('fx:idx2', 5);
    let compared = 0;
    for (const entry of entries) {
      if (entry.description.startsWith('setup: FT.ALIASADD fx:alias3')) {
        // Not recorded: between entries 41 and 42 fx:aliasname was dropped and fx:idx3 created.
        sim.indexes.delete('fx:aliasname');
        sim.indexes.set('fx:idx3', 1);
      }
      // Skipped: commands the simulator does not model, connections on database 1, invalid
      // FT.CREATE arguments (argument parsing is the server's business, not name resolution).
      if (!modelled.test(entry.command[0]) || entry.precedingCommands) continue;
      if (entry.command[0] === 'FT.CREATE' && entry.command[1] === 'fx:bad') continue;
      let reply: unknown;
      let error: string | undefined;
      try {
        reply = sim.send(entry.command);
      } catch (e) {
        error = (e as Error).message;
      }
      const where = `${entry.description}`;
      if (entry.isError) {
        expect({ where, error }).toEqual({ where, error: entry.reply });
      } else {
        expect({ where, error }).toEqual({ where, error: undefined });
        if (entry.command[0] === 'FT._LIST') expect({ where, list: [...(reply as string[])].sort() }).toEqual({ where, list: [...(entry.reply as string[])].sort() });
        if (entry.command[0] === 'FT.INFO') {
          const recorded = Array.isArray(entry.reply) ? parseFtInfo(entry.reply).indexName : (entry.reply as { index_name: string }).index_name;
          expect({ where, name: (reply as { index_name: string }).index_name }).toEqual({ where, name: recorded });
        }
        if (entry.command[0] === 'FT.SEARCH' && Array.isArray(entry.reply)) expect({ where, reply }).toEqual({ where, reply: entry.reply });
      }
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(40);
  });
});

describe('planned swaps keep the index name answering at every step', () => {
  let v1: IndexState;
  let v2: IndexState;
  beforeAll(async () => {
    v1 = stateOfCompiled(await compileSchema(new Schema('person', { name: { type: 'string' } }, { dataStructure: 'HASH' })));
    v2 = stateOfCompiled(await compileSchema(new Schema('person', { name: { type: 'string', sortable: true } }, { dataStructure: 'HASH' })));
  });

  /** Runs a plan in the simulator and returns, after each step, which index answers `person:index`. */
  function run(sim: SearchSimulator, plan: IndexPlan): (string | undefined)[] {
    return plan.steps.map((step) => {
      if (step.kind === 'command') sim.send(step.argv, step.argv[0] === 'FT.CREATE' ? 100 : 0);
      return sim.resolve('person:index');
    });
  }

  it('plain index made by redis-om → alias scheme: the name answers throughout, then from the new index', () => {
    const sim = new SearchSimulator();
    sim.indexes.set('person:index', 100);
    const plan = planIndex({ indexName: 'person:index', target: v2, live: { kind: 'plain', physicalName: 'person:index', reportedHash: 'old', storedIndexHash: v1.indexHash } });
    const answers = run(sim, plan);
    const v = versionedIndexName('person:index', v2.hash);
    expect(answers.every((a) => a !== undefined)).toBe(true);
    expect(answers.at(-1)).toBe(v);
    expect([...sim.indexes.keys()]).toEqual([v]);
    expect(sim.strings.get('person:index:hash')).toBe(v2.indexHash);
  });

  it('alias → new versioned index, and rollback to the previous definition, without a gap', () => {
    const sim = new SearchSimulator();
    const v1Name = versionedIndexName('person:index', v1.hash);
    sim.indexes.set(v1Name, 100);
    sim.aliases.set('person:index', v1Name);
    const forward = run(sim, planIndex({ indexName: 'person:index', target: v2, live: { kind: 'alias', physicalName: v1Name, reportedHash: 'old', storedIndexHash: v1.indexHash } }));
    expect(forward.every((a) => a !== undefined)).toBe(true);
    const v2Name = versionedIndexName('person:index', v2.hash);
    expect(sim.resolve('person:index')).toBe(v2Name);
    const back = run(sim, planIndex({ indexName: 'person:index', target: v1, live: { kind: 'alias', physicalName: v2Name, reportedHash: 'new', storedIndexHash: v2.indexHash } }));
    expect(back.every((a) => a !== undefined)).toBe(true);
    expect(sim.resolve('person:index')).toBe(v1Name);
    expect([...sim.indexes.keys()]).toEqual([v1Name]);
  });

  it('recreate has a window in which the name answers nothing: from FT.DROPINDEX until FT.CREATE', () => {
    const sim = new SearchSimulator();
    sim.indexes.set('person:index', 100);
    const plan = planIndex({ indexName: 'person:index', target: v2, strategy: 'recreate', live: { kind: 'plain', physicalName: 'person:index', reportedHash: 'old', storedIndexHash: v1.indexHash } });
    expect(run(sim, plan)).toEqual([undefined, 'person:index', 'person:index', 'person:index']);
  });
});

describe('liveLayoutOf on recorded FT.INFO replies', () => {
  it.each(indexFixtures().map((f) => [f.case, f] as const))('%s: the index name is plain, the alias resolves to it', (_c, f) => {
    expect(liveLayoutOf(f.redisOm.indexName, parseFtInfo(f.ftInfo), f.redisOm.indexHash)).toMatchObject({ kind: 'plain', physicalName: f.redisOm.indexName });
    expect(liveLayoutOf(f.alias.name, parseFtInfo(f.ftInfoViaAlias), null)).toMatchObject({ kind: 'alias', physicalName: f.redisOm.indexName });
  });

  it('a live plain index created by redis-om has the reported hash of its compiled model', async () => {
    for (const f of indexFixtures()) {
      const compiled = await compileSchema(new Schema(f.schemaName, f.definition as never, f.options as never));
      const layout = liveLayoutOf(f.redisOm.indexName, parseFtInfo(f.ftInfo), f.redisOm.indexHash);
      const plan = planIndex({ indexName: f.redisOm.indexName, target: stateOfCompiled(compiled), live: layout });
      expect({ case: f.case, steps: plan.steps }).toEqual({ case: f.case, steps: [] });
    }
  });
});

describe('the hash written before the alias goes live is the one redis-om checks', () => {
  interface Call { call: string; indexHashName?: string; incomingIndexHash?: string; monitor?: string[][]; definition?: Record<string, unknown>; options?: Record<string, unknown>; schemaName?: string }
  const calls = readFixture<{ calls: Call[] }>('redis-om', 'create_index_calls.json').calls;

  it('with the matching hash stored, redis-om sends only GET and leaves the alias alone (call 6)', async () => {
    const match = calls.find((c) => c.call === '6_index_name_is_alias_hash_match')!;
    expect(match.monitor).toEqual([['GET', match.indexHashName]]);
    const compiled = await compileSchema(new Schema(match.schemaName!, match.definition as never, match.options as never));
    const plan = planIndex({ indexName: 'ciPerson:index', target: stateOfCompiled(compiled), live: { kind: 'plain', physicalName: 'ciPerson:index', reportedHash: 'old', storedIndexHash: null } });
    const set = plan.steps.find((s) => s.kind === 'command' && s.argv[0] === 'SET');
    expect(set).toMatchObject({ argv: ['SET', match.indexHashName, match.incomingIndexHash] });
  });

  it('with a stale hash, redis-om drops through the alias and creates a plain index (call 5)', () => {
    const mismatch = calls.find((c) => c.call === '5_index_name_is_alias_hash_mismatch')!;
    expect(mismatch.monitor!.map((argv) => argv[0])).toEqual(['GET', 'UNLINK', 'FT.DROPINDEX', 'FT.CREATE', 'SET']);
  });
});
