import { Schema, type SchemaDefinition, type SchemaOptions } from 'redis-om';
import { compileSchema } from '../../src/schema/compile';
import { parseFtCreateArgs, renderFtCreateArgs } from '../../src/schema/ft-create-args';
import { eachFixtureSet, indexFixtures } from './fixtures';

describe.each(eachFixtureSet())('%s recordings', (_set, set) => {
  // Each fixture recorded, with MONITOR, the FT.CREATE that redis-om 0.4.7 sent to a real server
  // for a schema; compiling the same schema must give exactly that argv.
  describe.each(indexFixtures(set).map((f) => [f.case, f] as const))('compileSchema against fixture %s', (_name, fixture) => {
    const schema = () =>
      new Schema(fixture.schemaName, fixture.definition as SchemaDefinition, fixture.options as SchemaOptions);

    it('captures the FT.CREATE argv redis-om sent', async () => {
      const compiled = await compileSchema(schema());
      expect(compiled.ftCreate).toEqual(fixture.ftCreate);
    });

    it('reports the same indexName, indexHashName and indexHash', async () => {
      const compiled = await compileSchema(schema());
      expect(compiled.definition.indexName).toBe(fixture.redisOm.indexName);
      expect(compiled.indexHashName).toBe(fixture.redisOm.indexHashName);
      expect(compiled.indexHash).toBe(fixture.redisOm.indexHash);
    });

    it('keeps the console warnings redis-om printed while creating the index', async () => {
      const compiled = await compileSchema(schema());
      expect(compiled.warnings).toEqual(fixture.redisOm.consoleWarnings.createIndex);
    });

    it('renders an argv that reads back as the same definition', async () => {
      const compiled = await compileSchema(schema());
      expect(parseFtCreateArgs(renderFtCreateArgs(compiled.definition))).toEqual(compiled.definition);
    });
  });
});
