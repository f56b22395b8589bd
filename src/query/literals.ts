/** Decoding of KQL literal tokens into values. Facts: KQL string and timespan literal rules. */
import { documentedDatetimeTicks } from '../semantics/datetime-formats.js';
import { otherDatetimeTicks, toTimespan } from '../semantics/values.js';
import { EPOCH_DAYS, ticksOf, TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_MS, TICKS_PER_SECOND } from '../semantics/ticks.js';

const SIMPLE_ESCAPES: Record<string, string> = {
  "'": "'", '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** Value of one string token: '..', "..", @'..', @"..", h'..', ```..```. */
export function decodeStringToken(image: string): string {
  let s = image;
  if (s.startsWith('```') || s.startsWith('~~~')) return s.slice(3, -3);
  if (s[0] === 'h' || s[0] === 'H') s = s.slice(1); // obfuscated: same value
  if (s[0] === '@') {
    const q = s[1]!;
    return s.slice(2, -1).split(q + q).join(q);
  }
  return decodeEscapes(s.slice(1, -1));
}

function decodeEscapes(body: string): string {
  if (!body.includes('\\')) return body; // most literals have no escapes
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i] ?? '';
    if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (e === 'U' && /^[0-9a-fA-F]{8}$/.test(body.slice(i + 1, i + 9))) {
      out += String.fromCodePoint(parseInt(body.slice(i + 1, i + 9), 16));
      i += 8;
    } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (/[0-7]/.test(e) && /^[0-7]{3}$/.test(body.slice(i, i + 3))) {
      out += String.fromCharCode(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else out += e; // unknown escape: the character itself, as Kusto does
  }
  return out;
}

const TICKS_PER: [RegExp, number][] = [
  [/^(?:d|days?)$/, TICKS_PER_DAY],
  [/^(?:h|hr|hrs|hours?)$/, TICKS_PER_HOUR],
  [/^(?:m|min|minutes?)$/, TICKS_PER_MINUTE],
  [/^(?:s|sec|seconds?)$/, TICKS_PER_SECOND],
  [/^(?:ms|milli|millis|millisec|milliseconds?)$/, TICKS_PER_MS],
  [/^(?:micro|micros|microsec|microseconds?)$/, 10],
  [/^(?:nano|nanos|nanosec|nanoseconds?)$/, 0.01],
  [/^(?:tick|ticks)$/, 1],
];

/**
 * Ticks (100 ns, the evaluator's unit: semantics/ticks.ts) of a timespan literal such as `24h`,
 * `1.5d`, `100ms`, rounded to a whole tick (Kusto holds whole ticks; rounding, not truncating, so
 * that `0.0000003s`, 2.9999999999999996 ticks in binary, is 3).
 */
export function decodeTimespan(image: string): number {
  if (image.startsWith('t')) return decodeTimespanText(image.slice(image.indexOf('(') + 1, image.lastIndexOf(')')).trim());
  const m = /^(\d*\.?\d+)([a-z]+)$/.exec(image)!;
  const unit = TICKS_PER.find(([re]) => re.test(m[2]!));
  return unit ? Math.round(Number(m[1]) * unit[1]) : NaN;
}

/** The content of `time(...)` as text: `[-][d.]hh:mm[:ss[.fffffff]]` or `15 seconds`. */
function decodeTimespanText(inner: string): number {
  const words = /^(\d+(?:\.\d+)?)\s+([a-z]+)$/.exec(inner);
  if (words) return decodeTimespan(`${words[1]}${words[2]}`);
  // totimespan's reader takes [-][d.]hh:mm:ss[.fffffff]; a literal may leave out the seconds, and
  // digits past the seventh (below the tick) are dropped.
  const full = inner.replace(/^(-?(?:\d+\.)?\d{1,2}:\d{2})$/, '$1:00').replace(/(\.\d{7})\d+$/, '$1');
  return toTimespan(full)!;
}

/**
 * Ticks (semantics/ticks.ts) of the content of `datetime(...)`, all seven fraction digits kept;
 * null for datetime(null); undefined if the text is not a date detc understands. Values without a
 * zone are UTC, as in Kusto.
 */
export function decodeDatetime(image: string): number | null | undefined {
  let inner = image.slice(image.indexOf('(') + 1, image.lastIndexOf(')')).trim();
  if (/^['"].*['"]$/.test(inner)) inner = inner.slice(1, -1);
  if (inner === 'null') return null;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(inner);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = iso;
    // Date for the calendar (it rolls 2017-02-30 over, as detc accepted before), then ticks.
    // Not Date.UTC: it reads the years 0-99 as 1900-1999.
    const date = new Date(0);
    date.setUTCFullYear(+y!, +mo! - 1, +d!);
    let ms = date.setUTCHours(+h, +mi, +s);
    if (Number.isNaN(ms)) return undefined;
    if (zone && zone !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return ticksOf(ms / 1000 - EPOCH_DAYS * 86_400, Number(frac.padEnd(7, '0')));
  }
  // The page's RFC 822/850 and Sortable forms, then any other text Date.parse reads, without a zone
  // as UTC (otherDatetimeTicks): never in the machine's zone.
  const listed = documentedDatetimeTicks(inner);
  if (listed !== undefined) return listed ?? undefined;
  return otherDatetimeTicks(inner) ?? undefined;
}

/**
 * The value of `guid(...)`: its GUID in lower case, null for guid(null), undefined when the text
 * is not a GUID (https://learn.microsoft.com/kusto/query/scalar-data-types/guid: 32 hex digits in
 * groups of 8-4-4-4-12).
 */
export function decodeGuid(image: string): string | null | undefined {
  let inner = image.slice(image.indexOf('(') + 1, image.lastIndexOf(')')).trim();
  if (/^(['"]).*\1$/.test(inner)) inner = inner.slice(1, -1); // quoted, as detc accepted before
  if (inner === 'null') return null;
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(inner) ? inner.toLowerCase() : undefined;
}
