import {
  MAX_EPOCH_SECONDS,
  MIN_EPOCH_SECONDS,
  epochSecondsToIso,
  isEpochSecondsInRange,
  isNumericText,
  isValidTimeZone,
  parseDatetime,
  type ParsedDatetime,
} from './parse';

function converted(value: string, timeZone?: string): { seconds: number; text: string } {
  const result = parseDatetime(value, { timeZone });
  if (result.kind !== 'converted') throw new Error(`${value}: expected converted, got ${JSON.stringify(result)}`);
  return result;
}

const secondsOf = (iso: string) => Date.parse(iso) / 1000;

describe('parseDatetime', () => {
  describe('with Z or an offset', () => {
    it.each([
      ['2024-01-02T03:04:05Z', 1704164645, '1704164645'],
      ['2024-01-02T03:04:05.678Z', 1704164645.678, '1704164645.678'],
      ['2024-01-02T03:04:05.678901Z', 1704164645.678901, '1704164645.678901'],
      ['2024-01-02T03:04:05.123456789Z', 1704164645.123456789, '1704164645.123456789'],
      ['2024-01-02T03:04:05.500000Z', 1704164645.5, '1704164645.5'],
      ['2024-01-02T03:04:05.000Z', 1704164645, '1704164645'],
      ['2024-01-02T03:04:05,25Z', 1704164645.25, '1704164645.25'],
      ['2024-01-02t03:04:05z', 1704164645, '1704164645'],
      ['2024-01-02 03:04:05Z', 1704164645, '1704164645'],
      ['2024-01-02T03:04Z', 1704164640, '1704164640'],
      ['2024-01-02T05:04:05+02:00', 1704164645, '1704164645'],
      ['2024-01-02T05:04:05+0200', 1704164645, '1704164645'],
      ['2024-01-02T05:04:05+02', 1704164645, '1704164645'],
      ['2024-01-01T22:04:05-05:00', 1704164645, '1704164645'],
      ['2024-01-02T08:34:05+05:30', 1704164645, '1704164645'],
      ['2024-01-02T03:04:05-00:00', 1704164645, '1704164645'],
      ['2024-01-02T03:04:05+00:00', 1704164645, '1704164645'],
      ['1970-01-01T00:00:00Z', 0, '0'],
      ['1969-12-31T23:59:59.5Z', -0.5, '-0.5'],
      ['1969-12-31T23:59:58.25Z', -1.75, '-1.75'],
      ['0001-01-01T00:00:00Z', MIN_EPOCH_SECONDS, String(MIN_EPOCH_SECONDS)],
      ['0050-06-15T12:00:00Z', secondsOf('0050-06-15T12:00:00Z'), String(secondsOf('0050-06-15T12:00:00Z'))],
      ['9999-12-31T23:59:59Z', 253402300799, '253402300799'],
      ['2024-02-29T00:00:00Z', secondsOf('2024-02-29T00:00:00Z'), String(secondsOf('2024-02-29T00:00:00Z'))],
      ['2000-02-29T12:00:00Z', secondsOf('2000-02-29T12:00:00Z'), String(secondsOf('2000-02-29T12:00:00Z'))],
    ])('%s → %s', (input, seconds, text) => {
      expect(converted(input)).toEqual({ kind: 'converted', seconds, text });
    });

    it('agrees with Date.parse on what Date#toISOString writes', () => {
      for (let ms = -2e12; ms < 4e12; ms += 7_777_777_777) {
        const iso = new Date(ms).toISOString();
        expect(converted(iso).seconds).toBe(ms / 1000);
      }
    });

    it('ignores the time zone option when the string has an offset or Z', () => {
      expect(converted('2024-07-01T12:00:00Z', 'America/New_York').seconds).toBe(secondsOf('2024-07-01T12:00:00Z'));
      expect(converted('2024-07-01T12:00:00+01:00', 'Asia/Tokyo').seconds).toBe(secondsOf('2024-07-01T11:00:00Z'));
    });

    it('tolerates surrounding whitespace', () => {
      expect(converted('  2024-01-02T03:04:05Z\n').seconds).toBe(1704164645);
    });
  });

  describe('dates without a time', () => {
    it('reads YYYY-MM-DD as UTC midnight', () => {
      expect(converted('2024-01-02')).toEqual({ kind: 'converted', seconds: 1704153600, text: '1704153600' });
    });

    it('reads YYYY-MM-DD as UTC midnight even with a time zone, as JavaScript Date does', () => {
      expect(converted('2024-01-02', 'Asia/Tokyo').seconds).toBe(1704153600);
      expect(converted('2024-01-02', 'America/Los_Angeles').seconds).toBe(1704153600);
    });
  });

  describe('naive date-times', () => {
    it('reads them as UTC by default, whatever the host zone', () => {
      expect(converted('2024-01-02T03:04:05').seconds).toBe(1704164645);
      expect(converted('2024-01-02T03:04:05.678901').text).toBe('1704164645.678901');
      expect(converted('2024-01-02 03:04').seconds).toBe(1704164640);
    });

    it.each([
      ['Europe/Paris', '2024-01-15T12:00:00', '2024-01-15T11:00:00Z'],
      ['Europe/Paris', '2024-07-15T12:00:00', '2024-07-15T10:00:00Z'],
      ['America/New_York', '2024-01-15T12:00:00', '2024-01-15T17:00:00Z'],
      ['America/New_York', '2024-07-15T12:00:00', '2024-07-15T16:00:00Z'],
      ['Asia/Kolkata', '2024-01-15T12:00:00', '2024-01-15T06:30:00Z'],
      ['Asia/Kathmandu', '2024-01-15T12:00:00', '2024-01-15T06:15:00Z'],
      ['Australia/Lord_Howe', '2024-01-15T12:00:00', '2024-01-15T01:00:00Z'],
      ['Pacific/Kiritimati', '2024-01-15T12:00:00', '2024-01-14T22:00:00Z'],
      ['UTC', '2024-01-15T12:00:00', '2024-01-15T12:00:00Z'],
      ['Etc/GMT+5', '2024-01-15T12:00:00', '2024-01-15T17:00:00Z'],
      // Southern hemisphere: daylight time in January.
      ['Australia/Sydney', '2024-01-15T12:00:00', '2024-01-15T01:00:00Z'],
      ['Australia/Sydney', '2024-07-15T12:00:00', '2024-07-15T02:00:00Z'],
    ])('reads them in %s: %s → %s', (zone, input, utc) => {
      expect(converted(input, zone).seconds).toBe(secondsOf(utc));
    });

    it('keeps the fraction in a time zone', () => {
      expect(converted('2024-01-15T12:00:00.123456', 'Europe/Paris').text).toBe(`${secondsOf('2024-01-15T11:00:00Z')}.123456`);
    });

    describe('DST gaps: moved forward by the gap (offset before the jump)', () => {
      it.each([
        // New York, 2024-03-10: 02:00 EST → 03:00 EDT
        ['America/New_York', '2024-03-10T02:30:00', '2024-03-10T07:30:00Z'],
        ['America/New_York', '2024-03-10T02:00:00', '2024-03-10T07:00:00Z'],
        ['America/New_York', '2024-03-10T01:59:59', '2024-03-10T06:59:59Z'],
        ['America/New_York', '2024-03-10T03:00:00', '2024-03-10T07:00:00Z'],
        // Paris, 2024-03-31: 02:00 CET → 03:00 CEST
        ['Europe/Paris', '2024-03-31T02:15:00', '2024-03-31T01:15:00Z'],
        // Lord Howe: a 30-minute DST jump, 2024-10-06 02:00 → 02:30
        ['Australia/Lord_Howe', '2024-10-06T02:15:00', '2024-10-05T15:45:00Z'],
      ])('%s %s → %s', (zone, input, utc) => {
        expect(converted(input, zone).seconds).toBe(secondsOf(utc));
      });
    });

    describe('DST overlaps: the earlier instant', () => {
      it.each([
        // New York, 2024-11-03: 02:00 EDT → 01:00 EST; 01:30 happens at 05:30Z and 06:30Z
        ['America/New_York', '2024-11-03T01:30:00', '2024-11-03T05:30:00Z'],
        ['America/New_York', '2024-11-03T01:00:00', '2024-11-03T05:00:00Z'],
        ['America/New_York', '2024-11-03T00:59:59', '2024-11-03T04:59:59Z'],
        ['America/New_York', '2024-11-03T02:00:00', '2024-11-03T07:00:00Z'],
        // Paris, 2024-10-27: 03:00 CEST → 02:00 CET
        ['Europe/Paris', '2024-10-27T02:30:00', '2024-10-27T00:30:00Z'],
      ])('%s %s → %s', (zone, input, utc) => {
        expect(converted(input, zone).seconds).toBe(secondsOf(utc));
      });
    });

    it('gives the same answer on every host (no host time zone involved)', () => {
      const saved = process.env.TZ;
      try {
        process.env.TZ = 'Asia/Tokyo';
        expect(converted('2024-01-02T03:04:05').seconds).toBe(1704164645);
      } finally {
        process.env.TZ = saved;
      }
    });
  });

  describe('numeric values', () => {
    it.each(['1704164645', '1704164645.678', '0', '-12.5', '1.7e9', '+5', '.5', '5.', ' 1704164645 ', '20240102'])(
      'leaves %j alone',
      (value) => {
        const result = parseDatetime(value);
        expect(result).toEqual({ kind: 'numeric', seconds: Number(value) });
      },
    );
  });

  describe('garbage', () => {
    it.each<[string, RegExp]>([
      ['', /empty/],
      ['   ', /empty/],
      ['not a date', /not an ISO 8601/],
      ['yesterday', /not an ISO 8601/],
      ['NaN', /not an ISO 8601/],
      ['Infinity', /not an ISO 8601/],
      ['1e999', /not an ISO 8601/],
      ['0x10', /not an ISO 8601/],
      ['2024-13-01', /month 13/],
      ['2024-00-10', /month 00/],
      ['2024-02-30', /day 30/],
      ['2023-02-29', /day 29/],
      ['1900-02-29', /day 29/],
      ['2024-04-31T00:00:00Z', /day 31/],
      ['2024-01-00', /day 00/],
      ['0000-01-01', /year 0000/],
      ['2024-01-02T24:00:00Z', /hour 24/],
      ['2024-01-02T23:60:00Z', /minute 60/],
      ['2024-12-31T23:59:60Z', /second 60/],
      ['2024-01-02T03:04:05+24:00', /offset/],
      ['2024-01-02T03:04:05+05:60', /offset/],
      ['2024-1-2', /not an ISO 8601/],
      ['24-01-02', /not an ISO 8601/],
      ['20240102T030405Z', /not an ISO 8601/],
      ['2024-W01-1', /not an ISO 8601/],
      ['2024-01-02T03', /not an ISO 8601/],
      ['2024-01-02T03:04:05.Z', /not an ISO 8601/],
      ['2024-01-02T03:04:05.1234567890Z', /not an ISO 8601/],
      ['2024-01-02T03:04:05 Z', /not an ISO 8601/],
      ['2024-01-02T03:04:05ZZ', /not an ISO 8601/],
      ['2024-01-02T03:04:05+5', /not an ISO 8601/],
      ['Tue Jan 02 2024 03:04:05 GMT+0000', /not an ISO 8601/],
      ['+002024-01-02T03:04:05Z', /not an ISO 8601/],
      ['2024-01-02T03:04:05Z trailing', /not an ISO 8601/],
    ])('rejects %j', (value, reason) => {
      const result: ParsedDatetime = parseDatetime(value);
      expect(result.kind).toBe('invalid');
      expect(result.kind === 'invalid' && result.reason).toMatch(reason);
    });
  });
});

describe('epochSecondsToIso', () => {
  it.each<[number | string, string]>([
    [1704164645, '2024-01-02T03:04:05Z'],
    ['1704164645', '2024-01-02T03:04:05Z'],
    [1704164645.678, '2024-01-02T03:04:05.678Z'],
    ['1704164645.678901', '2024-01-02T03:04:05.678901Z'],
    ['1704164645.500', '2024-01-02T03:04:05.5Z'],
    [1704153600, '2024-01-02T00:00:00Z'],
    [0, '1970-01-01T00:00:00Z'],
    [-0.5, '1969-12-31T23:59:59.500Z'],
    ['-86400', '1969-12-31T00:00:00Z'],
    ['1.7e9', '2023-11-14T22:13:20Z'],
    [MIN_EPOCH_SECONDS, '0001-01-01T00:00:00Z'],
    [253402300799, '9999-12-31T23:59:59Z'],
  ])('%j → %s', (input, iso) => {
    expect(epochSecondsToIso(input)).toBe(iso);
  });

  it.each<number | string>(['abc', '', '2024-01-02', 1704164645678, NaN, Infinity, MIN_EPOCH_SECONDS - 1])('refuses %j', (input) => {
    expect(epochSecondsToIso(input)).toBeUndefined();
  });

  it('round-trips with parseDatetime', () => {
    for (const iso of ['2024-01-02T03:04:05.678901Z', '1999-12-31T23:59:59Z', '2038-01-19T03:14:08.5Z']) {
      expect(epochSecondsToIso(converted(iso).text)).toBe(iso);
    }
  });
});

describe('helpers', () => {
  it('isNumericText', () => {
    expect(isNumericText('12.5')).toBe(true);
    expect(isNumericText('')).toBe(false);
    expect(isNumericText('1e999')).toBe(false);
    expect(isNumericText('2024-01-02')).toBe(false);
  });

  it('isEpochSecondsInRange accepts years 0001-9999 and rejects milliseconds', () => {
    expect(isEpochSecondsInRange(1704164645)).toBe(true);
    expect(isEpochSecondsInRange(MIN_EPOCH_SECONDS)).toBe(true);
    expect(isEpochSecondsInRange(MAX_EPOCH_SECONDS)).toBe(true);
    expect(isEpochSecondsInRange(1704164645678)).toBe(false);
    expect(isEpochSecondsInRange(MIN_EPOCH_SECONDS - 1)).toBe(false);
    expect(isEpochSecondsInRange(NaN)).toBe(false);
  });

  it('isValidTimeZone', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});
