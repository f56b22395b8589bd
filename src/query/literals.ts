/** Decoding of KQL literal tokens into values. Facts: KQL string and timespan literal rules. */

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

const MS_PER: [RegExp, number][] = [
  [/^(?:d|days?)$/, 86_400_000],
  [/^(?:h|hr|hrs|hours?)$/, 3_600_000],
  [/^(?:m|min|minutes?)$/, 60_000],
  [/^(?:s|sec|seconds?)$/, 1000],
  [/^(?:ms|milli|millis|millisec|milliseconds?)$/, 1],
  [/^(?:micro|micros|microsec|microseconds?)$/, 0.001],
  [/^(?:nano|nanos|nanosec|nanoseconds?)$/, 0.000001],
  [/^(?:tick|ticks)$/, 0.0001],
];

/** Milliseconds of a timespan literal such as `24h`, `1.5d`, `100ms`. */
export function decodeTimespan(image: string): number {
  const m = /^(\d*\.?\d+)([a-z]+)$/.exec(image)!;
  const unit = MS_PER.find(([re]) => re.test(m[2]!));
  return Number(m[1]) * (unit ? unit[1] : NaN);
}

/**
 * Milliseconds since the epoch for the content of `datetime(...)`; null for datetime(null);
 * undefined if the text is not a date detc understands. Values without a zone are UTC, as in Kusto.
 */
export function decodeDatetime(image: string): number | null | undefined {
  let inner = image.slice(image.indexOf('(') + 1, image.lastIndexOf(')')).trim();
  if (/^['"].*['"]$/.test(inner)) inner = inner.slice(1, -1);
  if (inner === 'null') return null;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(inner);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = iso;
    let ms = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s, Number(`0.${frac}`) * 1000);
    if (zone && zone !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return Number.isNaN(ms) ? undefined : ms;
  }
  const parsed = Date.parse(inner);
  return Number.isNaN(parsed) ? undefined : parsed;
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
