import { ValueDecisions, type KeyWrites } from './decide';
import { BatchStoppedError } from './errors';
import type { ReadValue } from './read-values';
import { emptyCounters, type FailureRecord, type HashScanTransform, type JsonScanTransform } from './types';

/** A logger that keeps its lines by level. */
function logs() {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') } };
}

const value = (v: string): ReadValue<string> => ({ kind: 'value', value: v, expected: v });
const MISSING: ReadValue<string> = { kind: 'missing' };

/** Upper-cases letters; refuses digits. */
const hash = (over: Partial<HashScanTransform> = {}): HashScanTransform => ({
  name: 'up',
  match: 'k:*',
  type: 'hash',
  fields: ['a', 'b'],
  transform: (v) => {
    if (/\d/.test(v)) throw new Error('digits');
    return v === v.toUpperCase() ? undefined : v.toUpperCase();
  },
  ...over,
});

describe('ValueDecisions', () => {
  it('writes transformed values, leaves unchanged and missing ones, and counts each', () => {
    const { logger } = logs();
    const delta = emptyCounters();
    const writes = new ValueDecisions(hash(), logger, 0).decideBatch(
      ['k:1', 'k:2', 'k:3'],
      [
        [value('x'), value('Y')],
        [MISSING, value('Z')],
        [value('q'), value('r')],
      ],
      delta,
    );
    expect(writes).toEqual([
      { key: 'k:1', values: [{ field: 'a', expected: 'x', next: 'X', defaulted: false }] },
      {
        key: 'k:3',
        values: [
          { field: 'a', expected: 'q', next: 'Q', defaulted: false },
          { field: 'b', expected: 'r', next: 'R', defaulted: false },
        ],
      },
    ]);
    expect(delta).toMatchObject({ unchanged: 2, missing: 1, failed: 0 });
  });

  it('fail (the default): stops at the first failure with the key, field and value', () => {
    const { logger, lines } = logs();
    const failures: FailureRecord[] = [];
    const decide = () => new ValueDecisions(hash({ onFailure: (f) => failures.push(f) }), logger, 0).decideBatch(['k:1'], [[value('a1'), value('b')]], emptyCounters());
    expect(decide).toThrow(BatchStoppedError);
    expect(decide).toThrow('up: cannot convert k:1 field a = "a1": digits. Stopped (failure mode fail).');
    // Named once, by the error: no log line as well.
    expect(lines).toEqual([]);
    expect(failures[0]).toMatchObject({ key: 'k:1', field: 'a', value: 'a1', reason: 'digits', model: 'k', scan: 'up', action: 'stopped' });
  });

  it('skip logs at debug level, log_and_skip warns; both leave the value', () => {
    for (const [failureMode, level] of [['skip', 'debug'], ['log_and_skip', 'warn']] as const) {
      const { logger, lines } = logs();
      const delta = emptyCounters();
      expect(new ValueDecisions(hash({ failureMode }), logger, 0).decideBatch(['k:1'], [[value('a1'), MISSING]], delta)).toEqual([]);
      expect(delta).toMatchObject({ failed: 1, missing: 1 });
      expect(lines).toEqual([`${level}: up: k:1 field a: cannot convert "a1": digits; ${failureMode === 'skip' ? 'skipped' : 'left as it is'}`]);
    }
  });

  it('default writes the default value in place of a failure, but never over a value it could not read', () => {
    const { logger, lines } = logs();
    const decisions = new ValueDecisions(hash({ failureMode: 'default', defaultValue: '0' }), logger, 0);
    const unreadable: ReadValue<string> = { kind: 'unreadable', raw: '', reason: 'WRONGTYPE' };
    expect(decisions.decideBatch(['k:1'], [[value('a1'), unreadable]], emptyCounters())).toEqual([
      { key: 'k:1', values: [{ field: 'a', expected: 'a1', next: '0', defaulted: true }] },
    ]);
    expect(lines).toEqual(['warn: up: k:1 field a: cannot convert "a1": digits; wrote the default 0', 'warn: up: k:1 field b: cannot convert "": WRONGTYPE; left as it is']);
  });

  it('maxErrors counts the failures of earlier batches and runs, and stops at the next one', () => {
    const { logger } = logs();
    const decisions = new ValueDecisions(hash({ failureMode: 'skip', maxErrors: 2 }), logger, 1);
    expect(decisions.decideBatch(['k:1'], [[value('a1'), value('b')]], emptyCounters())).toHaveLength(1);
    expect(() => decisions.decideBatch(['k:2'], [[value('a2'), value('b')]], emptyCounters())).toThrow(/more than 2 failures \(max errors\)/);
  });

  it('JSON values are written as JSON text and failures are named by path', () => {
    const { logger, lines } = logs();
    const spec: JsonScanTransform = {
      name: 'j',
      match: 'd:*',
      type: 'json',
      paths: ['$.n'],
      transform: (v) => {
        if (typeof v !== 'number') throw new Error('not a number');
        return v * 2;
      },
      failureMode: 'log_and_skip',
    };
    const read = (v: number | string): ReadValue<number | string> => ({ kind: 'value', value: v, expected: JSON.stringify([v]) });
    expect(new ValueDecisions(spec, logger, 0).decideBatch(['d:1', 'd:2'], [[read(2)], [read('x')]], emptyCounters())).toEqual([
      { key: 'd:1', values: [{ field: '$.n', expected: '[2]', next: '4', defaulted: false }] },
    ]);
    expect(lines).toEqual(['warn: j: d:2 path $.n: cannot convert "x": not a number; left as it is']);
  });

  it('tallies written values, defaults and conflicts; a dry run counts every write as landed', () => {
    const { logger, lines } = logs();
    const decisions = new ValueDecisions(hash(), logger, 0);
    const write: KeyWrites = {
      key: 'k:1',
      values: [
        { field: 'a', expected: 'x', next: 'X', defaulted: false },
        { field: 'b', expected: 'y1', next: '0', defaulted: true },
      ],
    };
    const counters = emptyCounters();
    decisions.tallyWritten(write, new Set(['a']), counters);
    expect(counters).toMatchObject({ keysChanged: 1, converted: 0, defaulted: 1, conflicts: 1 });
    expect(lines).toEqual(['debug: up: k:1 a changed since it was read; left as the app wrote it']);
    const none = emptyCounters();
    decisions.tallyWritten({ key: 'k:2', values: [write.values[0]!] }, new Set(['a']), none);
    expect(none).toMatchObject({ keysChanged: 0, conflicts: 1 });
    const dry = emptyCounters();
    decisions.tallyDryRun([write], dry);
    expect(dry).toMatchObject({ keysChanged: 1, converted: 1, defaulted: 0 });
  });
});
