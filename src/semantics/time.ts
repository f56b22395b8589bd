/** KQL datetime/timespan functions over tick values (ticks.ts). */
import { floorMod, splitTicks, ticksFromUnixMs, ticksOfUnixDay, TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_MS, TICKS_PER_SECOND, unixDayOf, unixMsFromTicks } from './ticks.js';
import { toDatetime } from './values.js';

/** `bin(v, size)` of numbers: round down to a multiple of size; null for null or non-positive size. */
export function bin(v: number | null, size: number | null): number | null {
  if (v === null || size === null || !(size > 0)) return null;
  return Math.floor(v / size) * size;
}

/** x divided by a whole unit, rounded down, without the rounding of x / unit near a boundary. */
const floorDiv = (x: number, unit: number): number => (x - floorMod(x, unit)) / unit;

const PART_TICKS: Record<string, number> = {
  week: 7 * TICKS_PER_DAY, day: TICKS_PER_DAY, hour: TICKS_PER_HOUR, minute: TICKS_PER_MINUTE, second: TICKS_PER_SECOND, millisecond: TICKS_PER_MS, microsecond: 10,
};

/** `datetime_diff(part, a, b)`: number of `part` boundaries between b and a (a - b). */
export function datetimeDiff(part: string, a: number | null, b: number | null): number | null {
  if (a === null || b === null) return null;
  const p = part.toLowerCase();
  if (p === 'year' || p === 'quarter' || p === 'month') {
    const [ya, ma] = civil(a);
    const [yb, mb] = civil(b);
    if (p === 'year') return ya - yb;
    if (p === 'quarter') return (ya - yb) * 4 + Math.floor((ma - 1) / 3) - Math.floor((mb - 1) / 3);
    return (ya - yb) * 12 + ma - mb;
  }
  if (p === 'week') {
    // Weeks start on Sunday, as startofweek() does.
    const sow = (t: number) => Math.floor((unixDayOf(t)[0] + 4) / 7); // 1970-01-01 was a Thursday
    return sow(a) - sow(b);
  }
  // A nanosecond boundary lies every 1/100 tick: the difference is exact in nanoseconds.
  if (p === 'nanosecond') return (a - b) * 100;
  const unit = PART_TICKS[p];
  if (unit === undefined) return null;
  return floorDiv(a, unit) - floorDiv(b, unit);
}

/** A JavaScript Date at the millisecond of a datetime (for its calendar fields), and the ticks within its second. */
function dateOf(t: number): [Date, number] {
  const [day, inDay] = unixDayOf(t);
  return [new Date(day * 86_400_000 + Math.floor(inDay / TICKS_PER_MS)), inDay % TICKS_PER_SECOND];
}

/** `format_datetime(dt, format)` for the documented specifiers. */
export function formatDatetime(t: number | null, format: string): string {
  if (t === null) return '';
  const [d, ticks] = dateOf(t);
  const fraction = String(ticks + 10_000_000).slice(1); // 7 digits of the second
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const h12 = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
  return format.replace(/yyyy|yy|y|MM|M|dd|d|HH|H|hh|h|mm|m|ss|s|tt|f{1,7}|F{1,7}/g, (tok) => {
    switch (tok) {
      case 'yyyy': return pad(d.getUTCFullYear(), 4);
      case 'yy': return pad(d.getUTCFullYear() % 100);
      case 'y': return String(d.getUTCFullYear() % 100);
      case 'MM': return pad(d.getUTCMonth() + 1);
      case 'M': return String(d.getUTCMonth() + 1);
      case 'dd': return pad(d.getUTCDate());
      case 'd': return String(d.getUTCDate());
      case 'HH': return pad(d.getUTCHours());
      case 'H': return String(d.getUTCHours());
      case 'hh': return pad(h12);
      case 'h': return String(h12);
      case 'mm': return pad(d.getUTCMinutes());
      case 'm': return String(d.getUTCMinutes());
      case 'ss': return pad(d.getUTCSeconds());
      case 's': return String(d.getUTCSeconds());
      case 'tt': return d.getUTCHours() < 12 ? 'AM' : 'PM';
      default:
        if (tok[0] === 'f') return fraction.slice(0, tok.length);
        return fraction.slice(0, tok.length).replace(/0+$/, '');
    }
  });
}

/**
 * The one rule for timestamps read from outside a query: an event's TimeGenerated and a run's clock
 * (`--now`, a rule test's `now`). Kusto keeps every datetime in UTC and recommends ISO 8601 text
 * (https://learn.microsoft.com/azure/kusto/query/scalar-data-types/datetime), so:
 *   - ISO 8601 text: a date, optionally a time (T or a space, minutes, seconds, a fraction) and a
 *     zone (Z or +hh:mm / -hh:mm); text without a zone is UTC, as in Kusto, never machine time.
 *   - a JSON number: milliseconds since 1970 (as JavaScript and most JSON exports count). Only
 *     milliseconds: guessing seconds from the magnitude would misread some values without a word;
 *     the reason given for a dropped event prints the instant a number was read as instead.
 *   - anything else, digit strings ("1740828600000") included, is not a timestamp.
 */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:\d{2})?$/i;

export type Timestamp = { readonly ticks: number } | { readonly problem: string };

/** A value as a timestamp (the evaluator's ticks, ticks.ts) under the rule above, or why it is not one. */
export function readTimestamp(value: unknown): Timestamp {
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= MAX_MS ? { ticks: ticksFromUnixMs(value) } : { problem: 'a number out of the range of dates' };
  if (typeof value !== 'string') return { problem: value === null ? 'null' : `a JSON ${Array.isArray(value) ? 'array' : typeof value}, not ISO 8601 text or a number of milliseconds` };
  if (/^\d+$/.test(value)) return { problem: 'a string of digits (milliseconds since 1970 must be a JSON number)' };
  if (!ISO_8601.test(value)) return { problem: 'not ISO 8601 text such as 2025-03-01T12:00:00Z' };
  // The evaluator's own conversion, so that the window here and in the query agree to the tick.
  const ticks = toDatetime(value);
  return ticks === null ? { problem: 'not a valid date (a day or time out of range)' } : { ticks };
}

/** JavaScript dates reach ±8.64e15 ms; Kusto's years 1-9999 lie within. */
const MAX_MS = 8.64e15;

/**
 * A clock given as text (`--now`, a rule test's `now`) in milliseconds since 1970, as the run
 * options count it, or undefined when it is not ISO 8601. Digits below the millisecond are kept as
 * a fraction (exact to about 0.25 us for today's dates).
 */
export function parseClock(text: string): number | undefined {
  const t = readTimestamp(text.trim());
  return 'ticks' in t ? unixMsFromTicks(t.ticks) : undefined;
}

export const CLOCK_FORM = 'an ISO 8601 date such as 2025-03-01T12:00:00Z (read as UTC when it has no zone)';

/** [year, month (1-12), day] of a datetime in UTC. */
function civil(t: number): [number, number, number] {
  const d = new Date(unixDayOf(t)[0] * 86_400_000);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/** Days since 1970 of year/month/day; months outside 1-12 roll into other years (Date.UTC does). */
function unixDay(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // not Date.UTC: it reads years 0-99 as 1900-1999
  return Math.round(d.getTime() / 86_400_000);
}

/** ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeek(day: number): number {
  const weekday = (((day + 3) % 7) + 7) % 7; // Monday = 0; 1970-01-01 was a Thursday
  const thursday = day - weekday + 3;
  const year = new Date(thursday * 86_400_000).getUTCFullYear();
  return Math.floor((thursday - unixDay(year, 1, 1)) / 7) + 1;
}

/**
 * `datetime_part(part, dt)`
 * (https://learn.microsoft.com/kusto/query/datetime-part-function): microsecond and nanosecond
 * are the fraction of the second in those units (`.7654321`: 765432 and 765432100).
 */
export function datetimePart(part: string, t: number | null): number | null {
  if (t === null) return null;
  const [day, inDay] = unixDayOf(t);
  const fraction = inDay % TICKS_PER_SECOND;
  switch (part.toLowerCase()) {
    case 'year': return civil(t)[0];
    case 'quarter': return Math.floor((civil(t)[1] - 1) / 3) + 1;
    case 'month': return civil(t)[1];
    case 'week_of_year': return isoWeek(day);
    case 'day': return civil(t)[2];
    case 'dayofyear': return day - unixDay(civil(t)[0], 1, 1) + 1;
    case 'hour': return Math.floor(inDay / TICKS_PER_HOUR);
    case 'minute': return Math.floor(inDay / TICKS_PER_MINUTE) % 60;
    case 'second': return Math.floor(inDay / TICKS_PER_SECOND) % 60;
    case 'millisecond': return Math.floor(fraction / TICKS_PER_MS);
    case 'microsecond': return Math.floor(fraction / 10);
    case 'nanosecond': return fraction * 100;
    default: return null;
  }
}

/**
 * `datetime_add(part, amount, dt)` (https://learn.microsoft.com/kusto/query/datetime-add-function):
 * years, quarters and months move the calendar date, the day clamped to the month's last day
 * (as .NET's AddMonths, which Kusto uses: 2024-01-31 + 1 month = 2024-02-29). Nanoseconds count
 * in whole ticks (100 ns), the datetime's precision.
 */
export function datetimeAdd(part: string, amount: number | null, t: number | null): number | null {
  if (t === null || amount === null) return null;
  const p = part.toLowerCase();
  const n = Math.trunc(amount);
  const months = p === 'year' ? 12 : p === 'quarter' ? 3 : p === 'month' ? 1 : 0;
  if (months) {
    const [year, month, day] = civil(t);
    const total = year * 12 + (month - 1) + n * months;
    const y = Math.floor(total / 12);
    const m = total - y * 12 + 1;
    const lastDay = unixDay(y, m + 1, 1) - unixDay(y, m, 1);
    return ticksOfUnixDay(unixDay(y, m, Math.min(day, lastDay))) + unixDayOf(t)[1];
  }
  if (p === 'nanosecond') return t + Math.trunc(n / 100);
  const unit = PART_TICKS[p];
  return unit === undefined ? null : t + n * unit;
}

/** The start of a period, `offset` periods away (startofday/week/month/year with their offset argument). */
export function startOf(period: 'day' | 'week' | 'month' | 'year', t: number | null, offset: number | null = 0): number | null {
  if (t === null || offset === null) return null;
  const n = Math.trunc(offset);
  const day = unixDayOf(t)[0];
  switch (period) {
    case 'day':
      return ticksOfUnixDay(day + n);
    case 'week': {
      const sunday = day - ((((day + 4) % 7) + 7) % 7); // weeks start on Sunday; 1970-01-01 was a Thursday
      return ticksOfUnixDay(sunday + 7 * n);
    }
    case 'month': {
      const [year, month] = civil(t);
      return ticksOfUnixDay(unixDay(year, month + n, 1));
    }
    case 'year':
      return ticksOfUnixDay(unixDay(civil(t)[0] + n, 1, 1));
  }
}

/**
 * `format_timespan(ts, format)` (https://learn.microsoft.com/kusto/query/format-timespan-function):
 * d..dddddddd days, h/hh or H/HH hours of the day, m/mm minutes, s/ss seconds, f/F fractions (F
 * drops trailing zeros); other characters are copied.
 */
export function formatTimespanWith(t: number | null, format: string): string {
  if (t === null) return '';
  const [secs, ticks] = splitTicks(Math.abs(t));
  const days = Math.floor(secs / 86_400);
  const inDay = secs - days * 86_400;
  const hours = Math.floor(inDay / 3600);
  const minutes = Math.floor(inDay / 60) % 60;
  const seconds = inDay % 60;
  const fraction = String(ticks + 10_000_000).slice(1);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const text = format.replace(/d{1,8}|[hH]{1,2}|m{1,2}|s{1,2}|f{1,7}|F{1,7}/g, (tok) => {
    switch (tok[0]) {
      case 'd': return pad(days, tok.length);
      case 'h':
      case 'H': return pad(hours, tok.length);
      case 'm': return pad(minutes, tok.length);
      case 's': return pad(seconds, tok.length);
      case 'f': return fraction.slice(0, tok.length);
      default: return fraction.slice(0, tok.length).replace(/0+$/, '');
    }
  });
  return t < 0 ? `-${text}` : text;
}

/**
 * A formatter per time zone (null: not a zone), made once: datetime_utc_to_local and
 * datetime_local_to_utc run per row, and making an Intl.DateTimeFormat costs about 40 us.
 */
const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();
function zoneFormat(timeZone: string): Intl.DateTimeFormat | null {
  let format = zoneFormats.get(timeZone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch {
      format = null;
    }
    zoneFormats.set(timeZone, format);
  }
  return format;
}

/** Offset of a time zone from UTC at an instant, in ticks (whole seconds); undefined for an unknown zone. */
function zoneOffset(t: number, timeZone: string): number | undefined {
  const format = zoneFormat(timeZone);
  if (format === null) return undefined;
  const ms = unixMsFromTicks(t);
  const parts = format.formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = unixDay(get('year'), get('month'), get('day')) * 86_400 + get('hour') * 3600 + get('minute') * 60 + get('second');
  return (wall - Math.floor(ms / 1000)) * TICKS_PER_SECOND;
}

/**
 * `datetime_utc_to_local(dt, tz)` (https://learn.microsoft.com/kusto/query/datetime-utc-to-local-function):
 * the wall-clock time in an IANA time zone; null for an unknown zone.
 */
export function utcToLocal(t: number | null, timeZone: string): number | null {
  if (t === null) return null;
  const offset = zoneOffset(t, timeZone);
  return offset === undefined ? null : t + offset;
}

/** `datetime_local_to_utc(dt, tz)`: the inverse (a wall time in a daylight-saving gap or overlap takes the offset before it). */
export function localToUtc(t: number | null, timeZone: string): number | null {
  if (t === null) return null;
  const first = zoneOffset(t, timeZone);
  if (first === undefined) return null;
  const second = zoneOffset(t - first, timeZone)!;
  return t - second;
}
