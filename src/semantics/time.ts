/** KQL datetime/timespan functions over ms values. */
import { toDatetime } from './values.js';

/** `bin(v, size)`: round down to a multiple of size; null for null or non-positive size. */
export function bin(v: number | null, size: number | null): number | null {
  if (v === null || size === null || !(size > 0)) return null;
  return Math.floor(v / size) * size;
}

const PART_MS: Record<string, number> = {
  week: 7 * 86_400_000, day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000, millisecond: 1,
};

/** `datetime_diff(part, a, b)`: number of `part` boundaries between b and a (a - b). */
export function datetimeDiff(part: string, a: number | null, b: number | null): number | null {
  if (a === null || b === null) return null;
  const p = part.toLowerCase();
  const da = new Date(a);
  const db = new Date(b);
  if (p === 'year') return da.getUTCFullYear() - db.getUTCFullYear();
  if (p === 'quarter') return (da.getUTCFullYear() - db.getUTCFullYear()) * 4 + Math.floor(da.getUTCMonth() / 3) - Math.floor(db.getUTCMonth() / 3);
  if (p === 'month') return (da.getUTCFullYear() - db.getUTCFullYear()) * 12 + da.getUTCMonth() - db.getUTCMonth();
  if (p === 'week') {
    // Weeks start on Sunday, as startofweek() does.
    const sow = (ms: number) => Math.floor((ms / 86_400_000 + 4) / 7); // 1970-01-01 was a Thursday
    return sow(a) - sow(b);
  }
  const subMs = SUB_MS_PER_MS[p];
  if (subMs !== undefined) return Math.round((a - b) * subMs);
  const unit = PART_MS[p];
  if (unit === undefined) return null;
  return Math.floor(a / unit) - Math.floor(b / unit);
}

/** `format_datetime(dt, format)` for the documented specifiers. */
export function formatDatetime(ms: number | null, format: string): string {
  if (ms === null) return '';
  const d = new Date(ms);
  const ticks = Math.round((ms - Math.floor(ms / 1000) * 1000) * 10000); // 7 digits of the second
  const fraction = ticks.toString().padStart(7, '0');
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

export type Timestamp = { readonly ms: number } | { readonly problem: string };

/** A value as a timestamp under the rule above, or why it is not one. */
export function readTimestamp(value: unknown): Timestamp {
  if (typeof value === 'number') return Number.isFinite(value) && Math.abs(value) <= MAX_MS ? { ms: value } : { problem: 'a number out of the range of dates' };
  if (typeof value !== 'string') return { problem: value === null ? 'null' : `a JSON ${Array.isArray(value) ? 'array' : typeof value}, not ISO 8601 text or a number of milliseconds` };
  if (/^\d+$/.test(value)) return { problem: 'a string of digits (milliseconds since 1970 must be a JSON number)' };
  if (!ISO_8601.test(value)) return { problem: 'not ISO 8601 text such as 2025-03-01T12:00:00Z' };
  // The evaluator's own conversion, so that the window here and in the query agree to the ms.
  const ms = toDatetime(value);
  return ms === null ? { problem: 'not a valid date (a day or time out of range)' } : { ms };
}

/** JavaScript dates reach ±8.64e15 ms; Kusto's years 1-9999 lie within. */
const MAX_MS = 8.64e15;

/** A clock given as text (`--now`, a rule test's `now`) in ms, or undefined when it is not ISO 8601. */
export function parseClock(text: string): number | undefined {
  const t = readTimestamp(text.trim());
  return 'ms' in t ? t.ms : undefined;
}

export const CLOCK_FORM = 'an ISO 8601 date such as 2025-03-01T12:00:00Z (read as UTC when it has no zone)';

/**
 * Sub-millisecond units. detc holds datetimes in whole milliseconds (see docs/SEMANTICS.md,
 * "Datetime precision"), so a difference in these units is the millisecond difference scaled:
 * exact for every value detc holds.
 */
const SUB_MS_PER_MS: Record<string, number> = { microsecond: 1000, nanosecond: 1_000_000 };


const DAY_MS = 86_400_000;

/** [year, month (1-12), day] of a datetime in UTC. */
function civil(ms: number): [number, number, number] {
  const d = new Date(ms);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

/** Midnight UTC of year/month/day; months outside 1-12 roll into other years (Date.UTC does). */
function utcDate(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // not Date.UTC: it reads years 0-99 as 1900-1999
  return d.getTime();
}

/** ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeek(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  const weekday = (((day + 3) % 7) + 7) % 7; // Monday = 0; 1970-01-01 was a Thursday
  const thursday = day - weekday + 3;
  const [year] = civil(thursday * DAY_MS);
  const jan1 = Math.floor(utcDate(year, 1, 1) / DAY_MS);
  return Math.floor((thursday - jan1) / 7) + 1;
}

/**
 * `datetime_part(part, dt)`
 * (https://learn.microsoft.com/kusto/query/datetime-part-function). Sub-millisecond parts come
 * from the milliseconds detc holds.
 */
export function datetimePart(part: string, ms: number | null): number | null {
  if (ms === null) return null;
  const [year, month, day] = civil(ms);
  const inDay = ms - Math.floor(ms / DAY_MS) * DAY_MS;
  const fraction = ms - Math.floor(ms / 1000) * 1000;
  switch (part.toLowerCase()) {
    case 'year': return year;
    case 'quarter': return Math.floor((month - 1) / 3) + 1;
    case 'month': return month;
    case 'week_of_year': return isoWeek(ms);
    case 'day': return day;
    case 'dayofyear': return Math.floor((ms - utcDate(year, 1, 1)) / DAY_MS) + 1;
    case 'hour': return Math.floor(inDay / 3_600_000);
    case 'minute': return Math.floor(inDay / 60_000) % 60;
    case 'second': return Math.floor(inDay / 1000) % 60;
    case 'millisecond': return Math.floor(fraction);
    case 'microsecond': return Math.round(fraction * 1000);
    case 'nanosecond': return Math.round(fraction * 1_000_000);
    default: return null;
  }
}

const FIXED_PART_MS: Record<string, number> = { ...PART_MS, microsecond: 0.001, nanosecond: 0.000001 };

/**
 * `datetime_add(part, amount, dt)` (https://learn.microsoft.com/kusto/query/datetime-add-function):
 * years, quarters and months move the calendar date, the day clamped to the month's last day
 * (as .NET's AddMonths, which Kusto uses: 2024-01-31 + 1 month = 2024-02-29).
 */
export function datetimeAdd(part: string, amount: number | null, ms: number | null): number | null {
  if (ms === null || amount === null) return null;
  const p = part.toLowerCase();
  const months = p === 'year' ? 12 : p === 'quarter' ? 3 : p === 'month' ? 1 : 0;
  if (months) {
    const [year, month, day] = civil(ms);
    const total = year * 12 + (month - 1) + Math.trunc(amount) * months;
    const y = Math.floor(total / 12);
    const m = total - y * 12 + 1;
    const lastDay = new Date(utcDate(y, m + 1, 1) - DAY_MS).getUTCDate();
    return utcDate(y, m, Math.min(day, lastDay)) + (ms - Math.floor(ms / DAY_MS) * DAY_MS);
  }
  const unit = FIXED_PART_MS[p];
  return unit === undefined ? null : ms + Math.trunc(amount) * unit;
}

/** The start of a period, `offset` periods away (startofday/week/month/year with their offset argument). */
export function startOf(period: 'day' | 'week' | 'month' | 'year', ms: number | null, offset: number | null = 0): number | null {
  if (ms === null || offset === null) return null;
  const n = Math.trunc(offset);
  const day = Math.floor(ms / DAY_MS);
  switch (period) {
    case 'day':
      return (day + n) * DAY_MS;
    case 'week': {
      const sunday = day - ((((day + 4) % 7) + 7) % 7); // weeks start on Sunday; 1970-01-01 was a Thursday
      return (sunday + 7 * n) * DAY_MS;
    }
    case 'month': {
      const [year, month] = civil(ms);
      return utcDate(year, month + n, 1);
    }
    case 'year':
      return utcDate(civil(ms)[0] + n, 1, 1);
  }
}

/**
 * `format_timespan(ts, format)` (https://learn.microsoft.com/kusto/query/format-timespan-function):
 * d..dddddddd days, h/hh or H/HH hours of the day, m/mm minutes, s/ss seconds, f/F fractions (F
 * drops trailing zeros); other characters are copied.
 */
export function formatTimespanWith(ms: number | null, format: string): string {
  if (ms === null) return '';
  const abs = Math.abs(ms);
  const days = Math.floor(abs / DAY_MS);
  const inDay = abs - days * DAY_MS;
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor(inDay / 60_000) % 60;
  const seconds = Math.floor(inDay / 1000) % 60;
  const fraction = String(Math.round((inDay - Math.floor(inDay / 1000) * 1000) * 10_000)).padStart(7, '0');
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
  return ms < 0 ? `-${text}` : text;
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

/** Offset of a time zone from UTC at an instant, in ms; undefined for an unknown zone. */
function zoneOffset(ms: number, timeZone: string): number | undefined {
  const format = zoneFormat(timeZone);
  if (format === null) return undefined;
  const parts = format.formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = utcDate(get('year'), get('month'), get('day')) + get('hour') * 3_600_000 + get('minute') * 60_000 + get('second') * 1000;
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * `datetime_utc_to_local(dt, tz)` (https://learn.microsoft.com/kusto/query/datetime-utc-to-local-function):
 * the wall-clock time in an IANA time zone; null for an unknown zone.
 */
export function utcToLocal(ms: number | null, timeZone: string): number | null {
  if (ms === null) return null;
  const offset = zoneOffset(ms, timeZone);
  return offset === undefined ? null : ms + offset;
}

/** `datetime_local_to_utc(dt, tz)`: the inverse (a wall time in a daylight-saving gap or overlap takes the offset before it). */
export function localToUtc(ms: number | null, timeZone: string): number | null {
  if (ms === null) return null;
  const first = zoneOffset(ms, timeZone);
  if (first === undefined) return null;
  const second = zoneOffset(ms - first, timeZone)!;
  return ms - second;
}
