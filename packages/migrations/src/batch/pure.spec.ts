import { scanFraction } from './scan-fraction';
import { parseJsonPathReply } from './read-values';
import { clip } from './checkpoint';

describe('parseJsonPathReply', () => {
  it('reads the single match of a JSONPath reply', () => {
    expect(parseJsonPathReply('["2024-01-02T03:04:05Z"]')).toEqual({ kind: 'value', value: '2024-01-02T03:04:05Z', expected: '["2024-01-02T03:04:05Z"]' });
    expect(parseJsonPathReply('[1704164645.5]')).toEqual({ kind: 'value', value: 1704164645.5, expected: '[1704164645.5]' });
  });

  it('treats no match, a missing key and null as missing', () => {
    expect(parseJsonPathReply('[]')).toEqual({ kind: 'missing' });
    expect(parseJsonPathReply(null)).toEqual({ kind: 'missing' });
    expect(parseJsonPathReply('[null]')).toEqual({ kind: 'missing' });
  });

  it('refuses several matches, non-arrays and non-JSON', () => {
    expect(parseJsonPathReply('["a","b"]')).toMatchObject({ kind: 'unreadable', reason: expect.stringMatching(/matches 2 values/) });
    expect(parseJsonPathReply('"a"')).toMatchObject({ kind: 'unreadable', reason: expect.stringMatching(/JSONPath/) });
    expect(parseJsonPathReply('{oops')).toMatchObject({ kind: 'unreadable' });
  });
});

describe('scanFraction', () => {
  it('is 0 at the start and 1 when done', () => {
    expect(scanFraction('0', 1000, false)).toBe(0);
    expect(scanFraction('12345', 1000, true)).toBe(1);
  });

  it('reads the reversed cursor bits as the share of buckets done', () => {
    // A 1024-bucket table: after the first half of the reversed counter, the top bit is set.
    expect(scanFraction(String(1), 1000, false)).toBeCloseTo(0.5);
    expect(scanFraction(String(2), 1000, false)).toBeCloseTo(0.25);
    expect(scanFraction(String(3), 1000, false)).toBeCloseTo(0.75);
  });

  it('rises as Redis increments the reversed cursor', () => {
    const bits = 10;
    const rev = (v: number) => parseInt(v.toString(2).padStart(bits, '0').split('').reverse().join(''), 2);
    let last = -1;
    for (let i = 0; i < 1024; i += 37) {
      const f = scanFraction(String(rev(i)), 1000, false);
      expect(f).toBeGreaterThan(last);
      last = f;
    }
  });
});

describe('clip', () => {
  it('keeps short text and cuts long text to a bounded size', () => {
    expect(clip('abc')).toBe('abc');
    expect(clip('x'.repeat(10_000)).length).toBeLessThan(230);
  });
});
