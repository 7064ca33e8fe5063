import type { IndexDefinition } from '../../src';
import { describeDefinitionDifferences } from '../../src/schema/diff';

const definition = (name: IndexDefinition['fields'][number]): IndexDefinition => ({
  indexName: 'person:index',
  on: 'HASH',
  prefixes: ['person:'],
  stopwords: null,
  fields: [name],
});

describe('describeDefinitionDifferences', () => {
  it('lists only options that differ when a field changes type (an option one side lacks reads as null)', () => {
    const tag = definition({ identifier: 'name', attribute: 'name', type: 'TAG', sortable: false, unf: false, noindex: false, separator: '|', caseSensitive: false });
    const text = definition({ identifier: 'name', attribute: 'name', type: 'TEXT', sortable: false, unf: false, noindex: false, weight: 1, nostem: false, phonetic: null });
    const differences = describeDefinitionDifferences(tag, text);
    expect(differences.map((d) => d.path)).toEqual([
      'field name.caseSensitive',
      'field name.nostem',
      'field name.separator',
      'field name.type',
      'field name.weight',
    ]);
    for (const d of differences) expect(JSON.stringify(d.expected)).not.toBe(JSON.stringify(d.actual));
  });
});
