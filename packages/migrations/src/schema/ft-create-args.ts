import { IndexDefinitionError } from './errors';
import {
  DEFAULT_TEXT_WEIGHT,
  INDEX_FIELD_TYPES,
  defaultTagSeparator,
  normalizeDefinition,
  type IndexDataStructure,
  type IndexDefinition,
  type IndexField,
  type IndexFieldType,
} from './index-definition';

/**
 * Reads an `FT.CREATE` argv (as redis-om sends it) into a normalised {@link IndexDefinition}.
 * Only the options redis-om 0.4.7 can produce are understood; anything else is an error that
 * names the token, because silently dropping it would make two different indexes look equal.
 */
export function parseFtCreateArgs(argv: readonly string[]): IndexDefinition {
  const args = [...argv];
  if (args[0]?.toUpperCase() !== 'FT.CREATE' || args.length < 2) {
    throw new IndexDefinitionError(`Not an FT.CREATE command: ${JSON.stringify(argv.slice(0, 3))}`);
  }
  const indexName = args[1];
  const fail = (what: string): never => {
    throw new IndexDefinitionError(`Cannot read the FT.CREATE of index ${indexName}: ${what}`);
  };
  let on: IndexDataStructure = 'HASH';
  let prefixes: string[] = [];
  let stopwords: string[] | null = null;
  let i = 2;
  for (; i < args.length; i++) {
    const token = args[i].toUpperCase();
    if (token === 'SCHEMA') break;
    if (token === 'ON') {
      const value = args[++i]?.toUpperCase();
      if (value !== 'HASH' && value !== 'JSON') fail(`ON ${args[i]} is not HASH or JSON`);
      on = value as IndexDataStructure;
    } else if (token === 'PREFIX' || token === 'STOPWORDS') {
      const count = Number(args[++i]);
      if (!Number.isInteger(count) || count < 0) fail(`${token} count ${args[i]} is not a number`);
      const list = args.slice(i + 1, i + 1 + count);
      if (list.length !== count) fail(`${token} lists fewer than ${count} values`);
      i += count;
      if (token === 'PREFIX') prefixes = list;
      else stopwords = list;
    } else {
      fail(`index option ${args[i]} is not supported`);
    }
  }
  if (i >= args.length) fail('SCHEMA is missing');
  const fields: IndexField[] = [];
  i++;
  while (i < args.length) {
    const identifier = args[i++];
    let attribute = identifier;
    if (args[i]?.toUpperCase() === 'AS') {
      attribute = args[i + 1];
      i += 2;
    }
    const type = args[i++]?.toUpperCase() as IndexFieldType | undefined;
    if (type === undefined || !INDEX_FIELD_TYPES.includes(type)) {
      fail(`field ${identifier} has type ${String(args[i - 1])}, expected one of ${INDEX_FIELD_TYPES.join(', ')}`);
    }
    const field: IndexField = { identifier, attribute, type: type as IndexFieldType };
    // Options belong to the field until a token is not an option of its type.
    for (;;) {
      const option = args[i]?.toUpperCase();
      if (option === 'SORTABLE') {
        field.sortable = true;
        if (args[i + 1]?.toUpperCase() === 'UNF') {
          field.unf = true;
          i++;
        }
      } else if (option === 'NOINDEX') field.noindex = true;
      else if (type === 'TEXT' && option === 'NOSTEM') field.nostem = true;
      else if (type === 'TEXT' && option === 'WEIGHT') field.weight = Number(args[++i]);
      else if (type === 'TEXT' && option === 'PHONETIC') field.phonetic = args[++i];
      else if (type === 'TAG' && option === 'SEPARATOR') field.separator = args[++i];
      else if (type === 'TAG' && option === 'CASESENSITIVE') field.caseSensitive = true;
      else break;
      i++;
    }
    if (field.weight !== undefined && !(field.weight > 0)) fail(`field ${identifier} has an invalid WEIGHT`);
    fields.push(field);
  }
  if (fields.length === 0) fail('SCHEMA has no fields');
  return normalizeDefinition({ indexName, on, prefixes, stopwords, fields });
}

/**
 * Writes the `FT.CREATE` argv that creates `definition` under `name` (by default its own
 * `indexName`; the swap strategy passes a versioned name). Options equal to the server's
 * defaults are left out, so the argv of a redis-om model reads like the one redis-om sends.
 */
export function renderFtCreateArgs(definition: IndexDefinition, name: string = definition.indexName): string[] {
  const def = normalizeDefinition(definition);
  const args = ['FT.CREATE', name, 'ON', def.on];
  if (def.prefixes.length > 0) args.push('PREFIX', String(def.prefixes.length), ...def.prefixes);
  if (def.stopwords !== null) args.push('STOPWORDS', String(def.stopwords.length), ...def.stopwords);
  args.push('SCHEMA');
  for (const field of def.fields) args.push(...renderField(field, def.on));
  return args;
}

function renderField(field: IndexField, on: IndexDataStructure): string[] {
  const args = [field.identifier, 'AS', field.attribute, field.type];
  if (field.type === 'TEXT') {
    if (field.nostem) args.push('NOSTEM');
    if (field.weight !== undefined && field.weight !== DEFAULT_TEXT_WEIGHT) args.push('WEIGHT', String(field.weight));
    if (field.phonetic) args.push('PHONETIC', field.phonetic);
  }
  if (field.type === 'TAG') {
    // An empty separator cannot be written; it is the JSON default, which needs no argument.
    if (field.separator !== undefined && field.separator !== defaultTagSeparator(on) && field.separator !== '') {
      args.push('SEPARATOR', field.separator);
    }
    if (field.caseSensitive) args.push('CASESENSITIVE');
  }
  if (field.sortable) {
    args.push('SORTABLE');
    // On JSON the server applies UNF to every sortable TEXT/TAG by itself; saying it is harmless.
    if (field.unf) args.push('UNF');
  }
  if (field.noindex) args.push('NOINDEX');
  return args;
}
