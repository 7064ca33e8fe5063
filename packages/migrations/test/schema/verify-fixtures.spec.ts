import { Schema, type SchemaDefinition, type SchemaOptions } from 'redis-om';
import { compileSchema } from '../../src/schema/compile';
import { stateOfCompiled } from '../../src/schema/diff';
import { parseFtInfo } from '../../src/schema/ft-info';
import { verifyIndex } from '../../src/schema/verify';
import { eachFixtureSet, indexFixtures } from './fixtures';

// verify on the real FT.INFO replies: each index redis-om created matches its own model (PHONETIC,
// WEIGHT, default separators and JSON's implicit UNF included), directly and through an alias.
describe.each(eachFixtureSet())('%s replies', (_set, set) => {
  describe.each(indexFixtures(set).map((f) => [f.case, f] as const))('verifyIndex on fixture %s', (_c, f) => {
    const expected = async () =>
      stateOfCompiled(await compileSchema(new Schema(f.schemaName, f.definition as SchemaDefinition, f.options as SchemaOptions)));

    it('is ok for the index redis-om created, with its stored hash', async () => {
      expect(verifyIndex(await expected(), parseFtInfo(f.ftInfo), f.redisOm.indexHash)).toEqual({
        indexName: f.redisOm.indexName,
        status: 'ok',
        physicalName: f.redisOm.indexName,
        differences: [],
      });
    });

    it('is ok through an alias, naming the real index', async () => {
      const state = await expected();
      const viaAlias = { ...state, indexName: f.alias.name, definition: { ...state.definition, indexName: f.alias.name } };
      expect(verifyIndex(viaAlias, parseFtInfo(f.ftInfoViaAlias), f.redisOm.indexHash)).toMatchObject({ status: 'ok', physicalName: f.redisOm.indexName });
    });

    it('reports a stale redis-om hash, and a missing index', async () => {
      const state = await expected();
      expect(verifyIndex(state, parseFtInfo(f.ftInfo), 'stale')).toMatchObject({
        status: 'hash-mismatch',
        differences: [{ path: f.redisOm.indexHashName, expected: f.redisOm.indexHash, actual: 'stale' }],
      });
      expect(verifyIndex(state, null, null)).toMatchObject({ status: 'missing' });
    });
  });

  describe('verifyIndex drift on recorded replies', () => {
    it('names the differing options when the live index is another model', async () => {
      const [hashAll, hashOptions] = ['hash_all_types', 'hash_options'].map((c) => indexFixtures(set).find((f) => f.case === c)!);
      const expected = stateOfCompiled(
        await compileSchema(new Schema(hashAll.schemaName, hashAll.definition as SchemaDefinition, hashAll.options as SchemaOptions)),
      );
      // Pretend hashAllTypes:index answered with hash_options' definition.
      const live = parseFtInfo(hashOptions.ftInfo);
      const result = verifyIndex(expected, { ...live, indexName: expected.indexName }, expected.indexHash);
      expect(result.status).toBe('drift');
      expect(result.differences.map((d) => d.path)).toEqual(expect.arrayContaining(['prefixes', 'field name', 'field category']));
    });
  });
});
