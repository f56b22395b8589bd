/**
 * KQL values in JavaScript, and the conversions between them. Representation:
 *   string -> string (never null: a missing string is "")   long/int/real/decimal -> number | null
 *   bool -> boolean | null   datetime -> 100 ns ticks since 2020-01-01 | null (ticks.ts)
 *   timespan -> 100 ns ticks | null   guid -> string | null   dynamic -> any JSON value (null for missing)
 * Values from outside (events, clocks) count datetimes in milliseconds since 1970 when they are
 * numbers (readDatetime); a number inside the evaluator is ticks (toDatetime).
 */
import { documentedDatetimeTicks } from './datetime-formats.js';
import type { ScalarType } from '../ir/types.js';
import { EPOCH_DAYS, floorMod, fractionTicks, secondsFromEpoch, splitTicks, ticksFromUnixMs, ticksOf, TICKS_PER_MS, TICKS_PER_SECOND } from './ticks.js';

export type Value = unknown;

/** Dynamic values nested deeper than this are not accepted from events (Kusto limits depth too). */
export const MAX_DYNAMIC_DEPTH = 100;

/**
 * JSON text of a dynamic value. A value too deep for JSON.stringify (only possible through the
 * in-memory API; the event reader refuses such events) gives "" instead of a stack overflow.
 */
export function jsonText(v: Value): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

/** Depth of nested objects/arrays, counted without recursion; stops counting past `limit`. */
export function depthExceeds(v: Value, limit = MAX_DYNAMIC_DEPTH): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== 'object') continue;
    if (d >= limit) return true;
    for (const child of Array.isArray(x) ? x : Object.values(x)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return false;
}

/** `tostring()`: null -> "", dynamic strings unquoted, objects/arrays as JSON, datetimes ISO. */
export function toKqlString(v: Value, type?: ScalarType): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (type === 'datetime' && typeof v === 'number') return formatDatetimeIso(v);
  if (type === 'timespan' && typeof v === 'number') return formatTimespan(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return jsonText(v);
}

/** Whether a datetime lies within JavaScript's dates (±8.64e15 ms from 1970), which hold Kusto's years 1-9999. */
export const isDatetimeInRange = (ticks: number): boolean => ticks >= MIN_TICKS && ticks <= MAX_TICKS;
const MIN_TICKS = ticksFromUnixMs(-8.64e15);
const MAX_TICKS = ticksFromUnixMs(8.64e15);

/**
 * ISO 8601 with 7 fractional digits (100 ns ticks), as Kusto prints datetimes; with
 * `omitZeroFraction`, a whole second prints without them. Computed with integer arithmetic (civil
 * date from days since 1970): output rows format every datetime they hold, and going through a
 * Date object and its ISO text cost more than the rest of the row.
 */
export function formatDatetimeIso(value: number, omitZeroFraction = false): string {
  if (!(value >= MIN_TICKS && value <= MAX_TICKS)) return ''; // NaN too
  let epochSecs: number;
  let ticks: number;
  if (Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) {
    // splitTicks inlined for the common case (no array per datetime printed)
    ticks = floorMod(value, TICKS_PER_SECOND);
    epochSecs = (value - ticks) / TICKS_PER_SECOND;
  } else [epochSecs, ticks] = splitTicks(value);
  const daySecs = floorMod(epochSecs, 86_400);
  const days = (epochSecs - daySecs) / 86_400 + EPOCH_DAYS;
  const secs = days * 86_400 + daySecs;
  // Years 0000-9999 only; outside them ISO needs the expanded +/-YYYYYY form.
  if (days < -719_528 || days > 2_932_896) return expandedIso(secs, ticks);
  const inDay = daySecs;
  // Datetimes in a result mostly share a few days: the date text is remembered for the last one.
  if (days !== lastFormattedDay) {
    lastFormattedDay = days;
    const [year, month, day] = civilFromDays(days);
    lastFormattedDate = `${pad(year, 4)}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T`;
  }
  const time = `${TWO_DIGITS[Math.floor(inDay / 3600)]}:${TWO_DIGITS[Math.floor((inDay % 3600) / 60)]}:${TWO_DIGITS[inDay % 60]}`;
  if (ticks === 0 && omitZeroFraction) return `${lastFormattedDate}${time}Z`;
  return `${lastFormattedDate}${time}.${String(ticks + 10_000_000).slice(1)}Z`;
}

let lastFormattedDay = Number.NaN;
let lastFormattedDate = '';
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Days since 1970-01-01 to [year, month, day] in the proleptic Gregorian calendar, counting years
 * from March so the leap day comes last (the usual era-of-400-years method).
 */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, doy - Math.floor((153 * mp + 2) / 5) + 1];
}

/** The inverse of civilFromDays. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Years outside 0000-9999, through Date (rare: only the expanded-year form differs). */
function expandedIso(secs: number, ticks: number): string {
  const iso = new Date(secs * 1000).toISOString(); // +012345-01-31T12:00:00.000Z
  return `${iso.slice(0, iso.length - 5)}.${pad(ticks, 7)}Z`;
}

/** Kusto timespan text: [-][d.]hh:mm:ss[.fffffff]. */
export function formatTimespan(ticks: number): string {
  const sign = ticks < 0 ? '-' : '';
  const [secs, fraction] = splitTicks(Math.abs(ticks));
  const days = Math.floor(secs / 86_400);
  const inDay = secs - days * 86_400;
  const frac = fraction > 0 ? `.${String(fraction + 10_000_000).slice(1)}` : '';
  return `${sign}${days ? `${days}.` : ''}${TWO_DIGITS[Math.floor(inDay / 3600)]}:${TWO_DIGITS[Math.floor((inDay % 3600) / 60)]}:${TWO_DIGITS[inDay % 60]}${frac}`;
}

/** Digits of s at [i, i+n), or -1 if any is not a digit. */
function digits(s: string, i: number, n: number): number {
  let x = 0;
  for (let k = i; k < i + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    x = x * 10 + c;
  }
  return x;
}

/**
 * Fast path for the canonical UTC form `YYYY-MM-DDTHH:MM:SS[.fffffff]Z` that Sentinel exports:
 * most of an event's datetimes, parsed without Date.parse. Other forms return undefined.
 */
function parseIsoUtc(s: string): number | null | undefined {
  if (s.length < 20 || s.charCodeAt(s.length - 1) !== 90 /* Z */ || s[4] !== '-' || s[7] !== '-' || (s[10] !== 'T' && s[10] !== ' ') || s[13] !== ':' || s[16] !== ':') return undefined;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return undefined;
  let fraction = 0;
  if (s.length > 20) {
    if (s.charCodeAt(19) !== 46 /* . */) return undefined;
    // Ticks from the first seven fraction digits (Kusto's precision); the rest only has to be digits.
    for (let k = 20; k < s.length - 1; k++) {
      const c = s.charCodeAt(k) - 48;
      if (c < 0 || c > 9) return undefined;
      if (k < 27) fraction += c * FRACTION_DIGIT[k - 20]!;
    }
    if (s.length === 21) return undefined;
  }
  if (d > daysInMonth(y, mo)) return null; // 2025-02-30 is not a date (Date.parse would roll it over)
  // Not Date.UTC: it reads years 0-99 as 1900-1999.
  return ticksOf(secondsFromEpoch(daysFromCivil(y, mo, d), h, mi, sec), fraction);
}

/** `2024-01-10`: midnight UTC; null for a day the month does not have (Date.parse would roll 2024-02-30 over). */
function isoDate(s: string): number | null | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [+m[1]!, +m[2]!, +m[3]!];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return ticksOf(secondsFromEpoch(daysFromCivil(y, mo, d), 0, 0, 0), 0);
}

/** Ticks of each of the seven fraction digits of a second. */
const FRACTION_DIGIT = [1_000_000, 100_000, 10_000, 1000, 100, 10, 1];

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** A datetime value inside the evaluator (ticks; a number is already one), or ISO text, to ticks, or null. */
export function toDatetime(v: Value): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const fast = parseIsoUtc(v);
  if (fast !== undefined) return fast;
  const date = isoDate(v);
  if (date !== undefined) return date;
  // The documentation's RFC 822/850 and Sortable forms.
  const listed = documentedDatetimeTicks(v);
  if (listed !== undefined) return listed;
  return otherDatetimeTicks(v);
}

/** A zone the text names itself, which Date.parse then honours. */
const NAMED_ZONE = /(?<![a-z])(?:z|ut|utc|gmt|[ecmp][sd]t)(?![a-z])/i;
/** A signed offset right after the time (`15:05 +0900`, `15:05:02.5-05:00`, `3:05 pm GMT+9`). */
const OFFSET_AFTER_TIME = /\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?\s*)?(?:(?:gmt|utc|ut)\s*)?[+-]\d/i;

/**
 * Ticks of a datetime text in none of the forms read above (`2014/11/08 15:05`, `11/08/2014`,
 * `November 8, 2014`), read by Date.parse, or null. Date.parse reads a text without a zone in the
 * machine's local time zone; here such a text is UTC, as every Kusto datetime is
 * (https://learn.microsoft.com/kusto/query/scalar-data-types/datetime), so the value never depends
 * on where detc runs. A text that names its zone or offset keeps it. A text with a parenthesis is
 * no date (null): Date.parse skips a `(...)` comment, and an unclosed `(` would swallow the ` UTC`
 * appended below, leaving the machine's zone; none of the documented forms has one. Exported for
 * datetime() literals, which read the same texts (such a literal is refused).
 */
export function otherDatetimeTicks(v: string): number | null {
  if (/[()]/.test(v)) return null;
  const s = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(v) ? `${v.replace(' ', 'T')}Z` : v;
  // Date.parse keeps milliseconds: it reads the text without its fraction, which is added in ticks.
  const fraction = /:\d{2}\.(\d+)/.exec(s);
  const whole = fraction ? s.replace(/(:\d{2})\.\d+/, '$1') : s;
  const ms = hasOwnZone(whole) ? Date.parse(whole) : zoneFreeAsUtc(whole);
  if (Number.isNaN(ms)) return null;
  const unixSeconds = Math.floor(ms / 1000);
  return ticksOf(unixSeconds - EPOCH_DAYS * 86_400, fraction ? fractionTicks(fraction[1]!) : (ms - unixSeconds * 1000) * TICKS_PER_MS);
}

function hasOwnZone(s: string): boolean {
  return NAMED_ZONE.test(s) || OFFSET_AFTER_TIME.test(s);
}

/**
 * Date.parse of a text without a zone, as UTC: the free-form texts take a trailing ` UTC`; the
 * ECMAScript ISO forms do not, but a date-time takes `Z` and a date alone is UTC already.
 */
function zoneFreeAsUtc(s: string): number {
  const legacy = Date.parse(`${s} UTC`);
  if (!Number.isNaN(legacy)) return legacy;
  if (/^[+-]?\d{4,6}(?:-\d{2}){0,2}T/.test(s)) return Date.parse(`${s}Z`);
  return /^[+-]?\d{4,6}(?:-\d{2}){0,2}$/.test(s) ? Date.parse(s) : NaN;
}

/**
 * A datetime from outside the evaluator (an event's value, an argument of dynamic type): a number
 * is milliseconds since 1970 (time.ts gives the rule), text as toDatetime.
 */
export function readDatetime(v: Value): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? ticksFromUnixMs(v) : null;
  return toDatetime(v);
}

/** A timespan from outside the evaluator: a number is milliseconds, text as toTimespan. */
export function readTimespan(v: Value): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? Math.round(v * TICKS_PER_MS) : null; // whole ticks, as Kusto holds them
  return toTimespan(v);
}

/**
 * An event's datetime text as result rows show it: the same string as
 * formatDatetimeIso(toDatetime(s), true), read off the text itself when it is the canonical UTC
 * form with millisecond digits or more (`2025-02-28T20:41:02.614Z`, as Sentinel exports it). The
 * round trip through ticks (parse, then print) costs about twice the parse alone and allocates the
 * printed text in pieces, for every datetime of every output row.
 */
export function datetimeOutputText(s: string): string | null {
  if (s.length >= 24 && s.charCodeAt(10) === 84 /* T */) {
    const ticks = parseIsoUtc(s);
    if (ticks === null) return null;
    // Validated YYYY-MM-DDTHH:MM:SS.fff[f...]Z: seven fraction digits are kept and finer ones
    // dropped, as toDatetime does; no fraction when it is zero, as formatDatetimeIso(ticks, true).
    if (ticks !== undefined && Math.abs(ticks) <= Number.MAX_SAFE_INTEGER) {
      if (floorMod(ticks, TICKS_PER_SECOND) === 0) return `${s.slice(0, 19)}Z`;
      // The common forms as they are (7 digits) or with zeros (3 digits, as Sentinel exports).
      if (s.length === 28) return s;
      if (s.length === 24) return `${s.slice(0, 23)}0000Z`;
      return s.length > 28 ? `${s.slice(0, 27)}Z` : `${s.slice(0, s.length - 1)}${'0000000'.slice(s.length - 21)}Z`;
    }
  }
  const ticks = toDatetime(s);
  return ticks === null ? null : formatDatetimeIso(ticks, true);
}

/** A timespan value inside the evaluator (ticks), or `[-][d.]hh:mm:ss[.fffffff]` text, to ticks, or null. */
export function toTimespan(v: Value): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const m = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(v.trim());
  if (!m) return null;
  const [, neg, d = '0', h, mi, s, f = ''] = m;
  const ticks = (+d * 86400 + +h! * 3600 + +mi! * 60 + +s!) * TICKS_PER_SECOND + fractionTicks(f);
  return neg ? -ticks : ticks;
}

export function toNumber(v: Value): number | null {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const n = Number(v.trim());
    return v.trim() === '' || Number.isNaN(n) ? null : n;
  }
  return null;
}

export function toLong(v: Value): number | null {
  const n = toNumber(v);
  return n === null || !Number.isFinite(n) ? n : Math.trunc(n);
}

export function toBool(v: Value): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return true;
    if (s === 'false' || s === '0') return false;
  }
  return null;
}

/**
 * `parse_json`: dynamic stays as is; JSON text is parsed; invalid JSON yields the original string;
 * "" yields null (Kusto's documented behaviour).
 */
export function parseJson(v: Value): Value {
  if (typeof v !== 'string') return v ?? null;
  if (v === '') return null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** A dynamic column that arrives as JSON text is parsed; other values pass through. */
export function toDynamic(v: Value): Value {
  if (typeof v === 'string') {
    const t = v.trimStart();
    if (t.startsWith('{') || t.startsWith('[')) return parseJson(v);
  }
  return v ?? null;
}

/** Convert a raw event value (from outside the evaluator: JSON numbers of datetimes are ms since 1970) to the representation of a column type. */
export function coerce(v: Value, type: ScalarType, from?: ScalarType): Value {
  switch (type) {
    case 'string':
      return toKqlString(v, from); // a datetime or timespan (`from`) as its text, as tostring

    case 'guid':
      return v === null || v === undefined || v === '' ? null : String(v);
    case 'long':
    case 'int':
      return toLong(v);
    case 'real':
    case 'decimal':
      return toNumber(v);
    case 'bool':
      return toBool(v);
    case 'datetime':
      return readDatetime(v);
    case 'timespan':
      return readTimespan(v);
    case 'dynamic':
      return toDynamic(v);
  }
}

/** Member access on a dynamic value: `d.key`, `d[0]`, `d[-1]` (from the end); missing -> null. */
export function member(target: Value, key: string | number): Value {
  const t = typeof target === 'string' ? toDynamic(target) : target;
  if (t === null || typeof t !== 'object') return null;
  if (Array.isArray(t)) {
    if (typeof key !== 'number' || !Number.isInteger(key)) return null;
    const v = t[key < 0 ? t.length + key : key];
    return v === undefined ? null : v;
  }
  const k = String(key);
  return Object.prototype.hasOwnProperty.call(t, k) ? ((t as Record<string, unknown>)[k] ?? null) : null;
}

/**
 * The elements mv-expand makes of a dynamic value: an array's elements; a property bag's entries
 * as single-entry bags (kind bag) or [key, value] arrays (kind array); null gives one null; an
 * empty array or bag gives none; any other value is one element.
 */
export function expansionElements(v: Value, kind: 'bag' | 'array'): Value[] {
  const d = typeof v === 'string' ? toDynamic(v) : v;
  if (d === null || d === undefined) return [null];
  if (Array.isArray(d)) return d;
  if (typeof d === 'object') {
    return Object.entries(d as Record<string, unknown>).map(([k, x]) => (kind === 'array' ? [k, x] : Object.fromEntries([[k, x]])));
  }
  return [d];
}

/** `to typeof(T)` in mv-expand: a cast only; an element of another kind becomes null. */
export function castElement(v: Value, type: ScalarType): Value {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'dynamic':
      return v;
    case 'string':
    case 'guid':
      return typeof v === 'string' ? v : null;
    case 'long':
    case 'int':
      return typeof v === 'number' && Number.isInteger(v) ? v : null;
    case 'real':
    case 'decimal':
      return typeof v === 'number' ? v : null;
    case 'bool':
      return typeof v === 'boolean' ? v : null;
    case 'datetime':
      return typeof v === 'string' ? toDatetime(v) : null;
    case 'timespan':
      return typeof v === 'string' ? toTimespan(v) : null;
  }
}
