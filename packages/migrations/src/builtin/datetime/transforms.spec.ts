import { Schema } from 'redis-om';
import { dateTargets, escapeGlob } from './targets';
import { hashToIso, hashToSeconds, hashValueProblem, jsonToIso, jsonToSeconds, jsonValueProblem } from './transforms';
import { isModelSchema } from '../../loading/models';
import { scanSpecFor } from './migration';

describe('HASH transforms', () => {
  const up = hashToSeconds();
  it('converts ISO strings to decimal seconds text, as redis-om writes them', () => {
    expect(up('2024-01-02T03:04:05.678Z')).toBe('1704164645.678');
    expect(up('2024-01-02')).toBe('1704153600');
    expect(hashToSeconds('Europe/Paris')('2024-01-02T04:04:05')).toBe('1704164645');
  });
  it('leaves numeric text alone and throws the reason for garbage', () => {
    expect(up('1704164645.678')).toBeUndefined();
    expect(() => up('soon')).toThrow(/not an ISO 8601/);
  });
  it('down: seconds back to ISO UTC; strings stay; out of range throws', () => {
    expect(hashToIso('1704164645.678')).toBe('2024-01-02T03:04:05.678Z');
    expect(hashToIso('2024-01-02T03:04:05Z')).toBeUndefined();
    expect(() => hashToIso('1704164645678')).toThrow(/outside years/);
  });
  it('verify: flags text, milliseconds; accepts seconds', () => {
    expect(hashValueProblem('1704164645.678')).toBeUndefined();
    expect(hashValueProblem('2024-01-02')).toMatch(/not epoch seconds/);
    expect(hashValueProblem('1704164645678')).toMatch(/milliseconds/);
  });
});

describe('JSON transforms', () => {
  const up = jsonToSeconds();
  it('converts ISO strings to numbers of seconds', () => {
    expect(up('2024-01-02T03:04:05.678Z')).toBe(1704164645.678);
    expect(up('2024-01-02T05:04:05+02:00')).toBe(1704164645);
    expect(jsonToSeconds('America/New_York')('2024-07-15T12:00:00')).toBe(Date.parse('2024-07-15T16:00:00Z') / 1000);
  });
  it('turns numeric strings into numbers (redis-om reads only numbers in JSON) and leaves numbers alone', () => {
    expect(up('1704164645.5')).toBe(1704164645.5);
    expect(up(1704164645.5)).toBeUndefined();
  });
  it('refuses booleans, arrays, objects and garbage', () => {
    expect(() => up(true)).toThrow(/boolean is not a date/);
    expect(() => up([1])).toThrow(/array is not a date/);
    expect(() => up({ a: 1 })).toThrow(/object is not a date/);
    expect(() => up('2024-02-30')).toThrow(/day 30/);
  });
  it('down: numbers back to ISO UTC strings; strings stay', () => {
    expect(jsonToIso(1704164645.678)).toBe('2024-01-02T03:04:05.678Z');
    expect(jsonToIso('2024-01-02T03:04:05Z')).toBeUndefined();
    expect(() => jsonToIso(true)).toThrow(/not a date/);
    expect(() => jsonToIso(1704164645678)).toThrow(/outside years/);
  });
  it('verify: only numbers in range pass', () => {
    expect(jsonValueProblem(1704164645)).toBeUndefined();
    expect(jsonValueProblem('1704164645')).toMatch(/a string/);
    expect(jsonValueProblem(1704164645678)).toMatch(/milliseconds/);
  });
});

describe('dateTargets', () => {
  const person = new Schema(
    'Person',
    { name: { type: 'string' }, born: { type: 'date' }, seen: { type: 'date', field: 'last_seen' }, age: { type: 'number' } },
    { dataStructure: 'HASH' },
  );
  const order = new Schema('Order', {
    placed: { type: 'date' },
    shipped: { type: 'date', path: '$.shipping.at' },
    aliased: { type: 'date', alias: 'deliveredAt' } as never,
    total: { type: 'number' },
  });
  const plain = new Schema('Plain', { name: { type: 'string' } });

  it('recognizes redis-om Schemas', () => {
    expect(isModelSchema(person)).toBe(true);
    expect(isModelSchema({ schemaName: 'x' })).toBe(false);
  });

  it('finds date fields where redis-om stores them: HASH field names, JSONPaths', () => {
    expect(dateTargets([person, order, plain])).toEqual([
      { schemaName: 'Person', structure: 'HASH', match: 'Person:*', fields: ['born', 'last_seen'], names: ['born', 'seen'] },
      { schemaName: 'Order', structure: 'JSON', match: 'Order:*', fields: ['$["placed"]', '$.shipping.at', '$["deliveredAt"]'], names: ['placed', 'shipped', 'aliased'] },
    ]);
  });

  it('escapes glob characters in schema names', () => {
    expect(escapeGlob('a*b?[c]\\')).toBe('a\\*b\\?\\[c\\]\\\\');
  });

  it('builds resumable scans with the default value 0 and per-direction checkpoint names', () => {
    const [hash, json] = dateTargets([person, order]);
    expect(scanSpecFor(hash!, 'up')).toMatchObject({ name: '001_datetime_fields_to_timestamps:up:Person', type: 'hash', defaultValue: '0', keepCheckpoint: true });
    expect(scanSpecFor(json!, 'down')).toMatchObject({ name: '001_datetime_fields_to_timestamps:down:Order', type: 'json', defaultValue: 0 });
  });
});
