import type { JsonValue } from '../../batch/types';
import { epochSecondsToIso, isEpochSecondsInRange, isNumericText, parseDatetime } from './parse';

/**
 * The value transforms of the datetime migration, pure: each returns the value to write,
 * `undefined` to leave the value alone, or throws with the reason it cannot convert.
 */

/** HASH up: ISO string → decimal seconds text; numeric text stays. */
export function hashToSeconds(timeZone?: string): (value: string) => string | undefined {
  return (value) => {
    const parsed = parseDatetime(value, { timeZone });
    if (parsed.kind === 'numeric') return undefined;
    if (parsed.kind === 'invalid') throw new Error(parsed.reason);
    return parsed.text;
  };
}

/**
 * JSON up: ISO string → number of seconds; numbers stay; a numeric string becomes that
 * number (redis-om reads only numbers in JSON); booleans, arrays and objects fail.
 */
export function jsonToSeconds(timeZone?: string): (value: JsonValue) => JsonValue | undefined {
  return (value) => {
    if (typeof value === 'number') return undefined;
    if (typeof value !== 'string') throw new Error(`a ${Array.isArray(value) ? 'array' : typeof value} is not a date`);
    const parsed = parseDatetime(value, { timeZone });
    if (parsed.kind === 'invalid') throw new Error(parsed.reason);
    return parsed.seconds;
  };
}

/** HASH down: decimal seconds → ISO 8601 UTC string; non-numeric values (never converted) stay. */
export function hashToIso(value: string): string | undefined {
  if (!isNumericText(value)) return undefined;
  const iso = epochSecondsToIso(value);
  if (iso === undefined) throw new Error('a number outside years 0001-9999 has no ISO 8601 form');
  return iso;
}

/** JSON down: number of seconds → ISO 8601 UTC string; strings stay. */
export function jsonToIso(value: JsonValue): JsonValue | undefined {
  if (typeof value === 'string') return undefined;
  if (typeof value !== 'number') throw new Error(`a ${Array.isArray(value) ? 'array' : typeof value} is not a date`);
  const iso = epochSecondsToIso(value);
  if (iso === undefined) throw new Error('a number outside years 0001-9999 has no ISO 8601 form');
  return iso;
}

/** Why a stored value is not a date redis-om 0.4.7 reads correctly, or undefined when it is. */
export function hashValueProblem(value: string): string | undefined {
  if (!isNumericText(value)) return 'not epoch seconds';
  if (!isEpochSecondsInRange(Number(value))) return 'a number outside years 0001-9999 (milliseconds?)';
  return undefined;
}

/** The same for a JSON value: it must be a number, in range. */
export function jsonValueProblem(value: JsonValue): string | undefined {
  if (typeof value !== 'number') return `a ${typeof value === 'string' ? 'string' : Array.isArray(value) ? 'array' : typeof value}, not a number of seconds`;
  if (!isEpochSecondsInRange(value)) return 'a number outside years 0001-9999 (milliseconds?)';
  return undefined;
}
