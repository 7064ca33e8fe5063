/**
 * Pure conversions between the ISO 8601 strings that old apps stored in `date` fields and the
 * epoch seconds that redis-om 0.4.7 reads: a decimal string in a HASH (`"1704164645.678"`), a
 * number in a JSON document. No I/O, no dependency beyond `Intl`.
 *
 * Accepted (ISO 8601 extended format, what `Date#toISOString`, Python's `isoformat()` and
 * most serializers write):
 * - `YYYY-MM-DD`: UTC midnight, always (as JavaScript's own `new Date('2024-01-02')` reads it).
 * - `YYYY-MM-DDTHH:MM[:SS[.fraction]]` with `Z` or an offset `±HH`, `±HHMM`, `±HH:MM`:
 *   that instant. `T` may be a space or lower case; the fraction takes 1 to 9 digits, `.` or `,`.
 * - The same without `Z` or offset (naive): UTC, or wall-clock time in the IANA time zone given.
 *
 * Naive times in a time zone follow the rule of `Temporal`'s `disambiguation: 'compatible'`
 * (also java.time's and Python's `fold=0`), so a result never depends on the host:
 * - in a DST gap (a wall time that never happened, e.g. 02:30 when clocks jump 02:00→03:00),
 *   the time is read with the offset in force before the jump, i.e. moved forward by the gap
 *   (02:30 becomes 03:30 daylight time);
 * - in a DST overlap (a wall time that happened twice, e.g. 01:30 when clocks fall back
 *   02:00→01:00), the earlier of the two instants is taken (the daylight-time one).
 *
 * Rejected, with a reason: anything else (other ISO forms such as week dates or the basic format
 * `20240102T030405Z`, impossible dates like February 30, hour 24, leap second 60, years outside
 * 0001-9999, empty strings, free text).
 */

/** What {@link parseDatetime} made of one stored value. */
export type ParsedDatetime =
  /** Already epoch seconds (a decimal number): leave it alone. */
  | { readonly kind: 'numeric'; readonly seconds: number }
  /** An ISO 8601 string; `text` is the exact decimal of `seconds`, for a HASH. */
  | { readonly kind: 'converted'; readonly seconds: number; readonly text: string }
  /** Neither; `reason` says why, for the failure log. */
  | { readonly kind: 'invalid'; readonly reason: string };

/** Options of {@link parseDatetime}. */
export interface ParseOptions {
  /** IANA name (`Europe/Paris`) in which naive date-times are read. Default: UTC. */
  readonly timeZone?: string;
}

/** 0001-01-01T00:00:00Z: the first instant a verified date field may hold. */
export const MIN_EPOCH_SECONDS = -62135596800;
/** 9999-12-31T23:59:59.999…Z: the last. A millisecond epoch (13 digits today) is beyond it. */
export const MAX_EPOCH_SECONDS = 253402300800 - 1e-9;

// Plain decimal or exponent notation, as JavaScript's Number#toString and Python's str(float)
// write numbers. Stricter than redis-om's own `!isNaN(Number(v))`, which also takes '' and
// ' ' (as 1970) and 'Infinity': those are reported as invalid instead of silently kept.
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

/** True when `value` is a decimal number: what the migration leaves alone. */
export function isNumericText(value: string): boolean {
  return NUMERIC.test(value.trim()) && Number.isFinite(Number(value));
}

/** True when `seconds` is a number a date field may hold (year 0001 to 9999). */
export function isEpochSecondsInRange(seconds: number): boolean {
  return Number.isFinite(seconds) && seconds >= MIN_EPOCH_SECONDS && seconds <= MAX_EPOCH_SECONDS;
}

/**
 * Reads one stored date value. Numeric text is reported as `numeric` (left alone, so a rerun
 * changes nothing); an ISO 8601 string becomes epoch seconds; anything else is `invalid`.
 */
export function parseDatetime(value: string, options: ParseOptions = {}): ParsedDatetime {
  const text = value.trim();
  if (text === '') return { kind: 'invalid', reason: 'empty string' };
  if (isNumericText(text)) return { kind: 'numeric', seconds: Number(text) };
  const m = ISO.exec(text);
  if (!m) return { kind: 'invalid', reason: 'not an ISO 8601 date or date-time (YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM])' };
  const [, y, mo, d, h, mi, s, frac, z, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1) return { kind: 'invalid', reason: 'year 0000 is out of range (0001-9999)' };
  if (month < 1 || month > 12) return { kind: 'invalid', reason: `month ${mo} does not exist` };
  if (day < 1 || day > daysInMonth(year, month)) return { kind: 'invalid', reason: `day ${d} does not exist in ${y}-${mo}` };
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23) return { kind: 'invalid', reason: `hour ${h} is out of range (00-23)` };
  if (minute > 59) return { kind: 'invalid', reason: `minute ${mi} is out of range (00-59)` };
  if (second > 59) return { kind: 'invalid', reason: `second ${s} is out of range (00-59; leap seconds are not representable)` };

  const wallSeconds = utcSeconds(year, month, day, hour, minute, second);
  let offsetSeconds: number;
  if (h === undefined || z !== undefined) {
    offsetSeconds = 0; // date only: UTC midnight; Z: UTC
  } else if (sign !== undefined) {
    const offH = Number(oh);
    const offM = om === undefined ? 0 : Number(om);
    if (offH > 23 || offM > 59) return { kind: 'invalid', reason: `offset ${sign}${oh}${om === undefined ? '' : `:${om}`} is out of range` };
    offsetSeconds = (sign === '-' ? -1 : 1) * (offH * 3600 + offM * 60);
  } else {
    offsetSeconds = options.timeZone === undefined ? 0 : zoneOffsetForWallTime(wallSeconds, options.timeZone);
  }
  const whole = wallSeconds - offsetSeconds;
  const decimal = formatDecimal(whole, frac ?? '');
  return { kind: 'converted', seconds: Number(decimal), text: decimal };
}

/**
 * The decimal text of epoch seconds as redis-om writes it in a HASH (`Number#toString`), for
 * values that are numbers already (JSON).
 */
export function formatEpochSeconds(seconds: number): string {
  return String(seconds);
}

/**
 * Epoch seconds (number or decimal text) back to an ISO 8601 UTC string, for `down()`:
 * `1704164645.678` → `2024-01-02T03:04:05.678Z`, `1704153600` → `2024-01-02T00:00:00Z`.
 * Fraction digits of decimal text are kept as they are (microseconds survive); returns
 * undefined for values that are not numbers in range.
 */
export function epochSecondsToIso(value: number | string): string | undefined {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!isNumericText(text) || !isEpochSecondsInRange(Number(text))) return undefined;
  const plain = /^\+?(\d+)(?:\.(\d*))?$/.exec(text);
  if (plain) {
    const wholeIso = isoOfWholeSeconds(Number(plain[1]));
    const frac = (plain[2] ?? '').replace(/0+$/, '');
    return `${wholeIso}${frac === '' ? '' : `.${frac}`}Z`;
  }
  // Negative or exponent notation: millisecond precision is what Date gives, and enough.
  const ms = Math.round(Number(text) * 1000);
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

/** True when `timeZone` is an IANA name that `Intl` knows (`UTC` included). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Epoch seconds of a wall-clock time read as UTC. (Date.UTC maps years 0-99 to 19xx: avoided.) */
function utcSeconds(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime() / 1000;
}

/** `whole` seconds plus fraction digits as exact decimal text, negative values included. */
function formatDecimal(whole: number, fractionDigits: string): string {
  const digits = fractionDigits.replace(/0+$/, '');
  if (digits === '') return String(whole);
  // The common case, without BigInt (the migration formats millions of these).
  if (whole >= 0) return `${whole}.${digits}`;
  const scale = 10n ** BigInt(digits.length);
  const scaled = BigInt(whole) * scale + BigInt(digits);
  const negative = scaled < 0n;
  const abs = negative ? -scaled : scaled;
  const intPart = abs / scale;
  const fracPart = (abs % scale).toString().padStart(digits.length, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${intPart}${fracPart === '' ? '' : `.${fracPart}`}`;
}

function isoOfWholeSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, '');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's UTC offset (seconds, east positive) at an instant. */
function offsetAt(instantSeconds: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(instantSeconds * 1000));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = utcSeconds(get('year'), get('month'), get('day'), get('hour'), get('minute'), get('second'));
  return wall - instantSeconds;
}

/**
 * The offset that turns a wall-clock time in `timeZone` into an instant, by the rule in the
 * module comment. The candidates are the offsets a day before and a day after: no zone has
 * had two transitions within two days.
 */
function zoneOffsetForWallTime(wallSeconds: number, timeZone: string): number {
  const before = offsetAt(wallSeconds - 86400, timeZone);
  const after = offsetAt(wallSeconds + 86400, timeZone);
  const valid = [...new Set([before, after])].filter((offset) => offsetAt(wallSeconds - offset, timeZone) === offset);
  // Two valid offsets: an overlap; the larger offset gives the earlier instant.
  if (valid.length > 0) return Math.max(...valid);
  // None: a gap; the offset before the jump moves the time forward by the gap's length.
  return before;
}
