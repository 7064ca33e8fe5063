import { formatEta, formatProgressLine } from './batch-progress';
import { emptyCounters } from '../batch/types';

describe('progress output', () => {
  it.each([
    [undefined, '?'],
    [0, '~0s'],
    [44_600, '~45s'],
    [185_000, '~3m 05s'],
    [3_720_000, '~1h 02m'],
  ])('time left %p reads %s', (ms, text) => {
    expect(formatEta(ms)).toBe(text);
  });

  it('a plain line shows the rate and the time left at that rate', () => {
    const counters = { ...emptyCounters(), keys: 5000, converted: 4000, failed: 10 };
    expect(formatProgressLine({ name: '001_datetime_fields_to_timestamps:up:Event', counters, fraction: 0.25, keysPerSecond: 2500.4, elapsedMs: 2000, etaMs: 6000 })).toBe(
      '  up:Event: ~25% scanned, 5000 keys, 4000 converted, 10 failed, 2500 keys/s, ~6s left',
    );
  });
});
