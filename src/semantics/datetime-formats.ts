/**
 * The non-ISO datetime text forms Kusto's documentation lists for datetime() literals and
 * todatetime() (https://learn.microsoft.com/kusto/query/scalar-data-types/datetime, "Supported
 * formats"): RFC 822 (`Sat, 8 Nov 14 15:05:02 GMT`), RFC 850 (`Saturday, 08-Nov-14 15:05:02 GMT`)
 * and Sortable (`2014-11-08 15:05:25 GMT`, `2014-11-08T15:05 GMT`), each with or without the
 * weekday, the seconds and the zone. Read here as UTC explicitly, never through Date.parse, which
 * reads a text without a zone in the machine's local time zone.
 *
 * Zones (%Z): the page's examples write GMT; its RFC 822 link defines UT, GMT, the US zones
 * (EST, EDT, CST, CDT, MST, MDT, PST, PDT) and +hhmm/-hhmm. No zone is UTC (Kusto's datetimes are UTC).
 * A two-digit year (%r, `14`) is 20yy below 50 and 19yy from 50 (detc's reading; the page's one
 * example is 14 -> 2014).
 */

import { EPOCH_DAYS, fractionTicks, ticksOf } from './ticks.js';

/** A datetime's parts as written (the fraction as its digits, for a caller that keeps ticks). */
export interface DatetimeParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Digits after the decimal point of the seconds ('' when none). */
  readonly fraction: string;
  /** The zone's offset east of UTC, in minutes. */
  readonly offsetMinutes: number;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAY = '(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*';
const TIME = '(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?';
const ZONE = '(?: ([a-z]{2,3}|[-+]\\d{4}))?';
const ZONES: Record<string, number> = { ut: 0, gmt: 0, est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420 };

/** RFC 822 (day month year separated by blanks) and RFC 850 (by dashes), weekday optional. */
const RFC = new RegExp(`^(?:${WEEKDAY}, *)?(\\d{1,2})( |-)(${MONTHS.join('|')})\\2(\\d{2}|\\d{4}) ${TIME}${ZONE}$`, 'i');
/** Sortable: %Y-%n-%e then a blank or T, then the time and an optional zone. */
const SORTABLE = new RegExp(`^(\\d{4})-(\\d{1,2})-(\\d{1,2})[T ]${TIME}${ZONE}$`, 'i');

function zoneOffset(zone: string | undefined): number | undefined {
  if (zone === undefined) return 0;
  const sign = zone[0] === '+' ? 1 : zone[0] === '-' ? -1 : 0;
  if (sign !== 0) return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  return ZONES[zone.toLowerCase()];
}

/**
 * The parts of a text in one of the listed forms; null when it has such a form but names no
 * instant (31 Feb, 25:00); undefined when it has none of these forms (or a zone not listed).
 */
export function documentedDatetimeParts(s: string): DatetimeParts | null | undefined {
  let year: number;
  let month: number;
  let day: number;
  let time: (string | undefined)[];
  const rfc = RFC.exec(s);
  if (rfc) {
    const y = rfc[4]!;
    year = y.length === 4 ? Number(y) : Number(y) < 50 ? 2000 + Number(y) : 1900 + Number(y);
    month = MONTHS.indexOf(rfc[3]!.toLowerCase()) + 1;
    day = Number(rfc[1]);
    time = rfc.slice(5);
  } else {
    const sortable = SORTABLE.exec(s);
    if (!sortable) return undefined;
    year = Number(sortable[1]);
    month = Number(sortable[2]);
    day = Number(sortable[3]);
    time = sortable.slice(4);
  }
  const [hour, minute, second = '0', fraction = '', zone] = time;
  const offsetMinutes = zoneOffset(zone);
  const parts = { year, month, day, hour: Number(hour), minute: Number(minute), second: Number(second), fraction, offsetMinutes: offsetMinutes ?? 0 };
  // A zone this list does not name is left to the caller's other readings.
  if (offsetMinutes === undefined) return undefined;
  if (parts.hour > 23 || parts.minute > 59 || parts.second > 59 || month < 1 || month > 12 || day < 1) return null;
  // A day the month does not have (31 Feb) is no date.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null;
  return parts;
}

/**
 * The evaluator's datetime (ticks since EPOCH, see ticks.ts) of a text in one of the listed forms,
 * every fraction digit kept to the tick (null, undefined: as documentedDatetimeParts).
 */
export function documentedDatetimeTicks(s: string): number | null | undefined {
  const p = documentedDatetimeParts(s);
  if (p === undefined || p === null) return p;
  const unixSeconds = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute - p.offsetMinutes, p.second) / 1000;
  return ticksOf(unixSeconds - EPOCH_DAYS * 86_400, fractionTicks(p.fraction));
}
