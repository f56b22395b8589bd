/**
 * KQL string operator semantics (see docs/SEMANTICS.md). Case-insensitive operators fold with
 * toLowerCase(); Kusto documents folding for ASCII and is silent on the rest.
 */

/** Term characters: letters and digits (ASCII fast path, Unicode letters/digits beyond). */
export function isTermChar(code: number): boolean {
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return /[\p{L}\p{N}]/u.test(String.fromCharCode(code));
}

/**
 * `has`: the needle occurs as whole terms. Model (consistent with Microsoft's examples, not fully
 * documented): a substring match where, if the needle starts (ends) with a term character, the
 * match is not preceded (followed) by a term character. Punctuation in the needle matches itself,
 * so `has "curl/"` matches "curl/8.4.0" and not "libcurl/8".
 */
export function hasTerm(haystack: string, needle: string, caseSensitive: boolean): boolean {
  if (needle.length === 0) return true;
  const h = caseSensitive ? haystack : haystack.toLowerCase();
  const n = caseSensitive ? needle : needle.toLowerCase();
  const boundedStart = isTermChar(n.charCodeAt(0));
  const boundedEnd = isTermChar(n.charCodeAt(n.length - 1));
  let from = 0;
  for (;;) {
    const i = h.indexOf(n, from);
    if (i < 0) return false;
    const okStart = !boundedStart || i === 0 || !isTermChar(h.charCodeAt(i - 1));
    const end = i + n.length;
    const okEnd = !boundedEnd || end === h.length || !isTermChar(h.charCodeAt(end));
    if (okStart && okEnd) return true;
    from = i + 1;
  }
}

/** `hasprefix`: some term starts with the needle. */
export function hasPrefix(haystack: string, needle: string, caseSensitive: boolean): boolean {
  const h = caseSensitive ? haystack : haystack.toLowerCase();
  const n = caseSensitive ? needle : needle.toLowerCase();
  let from = 0;
  for (;;) {
    const i = h.indexOf(n, from);
    if (i < 0) return false;
    if (i === 0 || !isTermChar(h.charCodeAt(i - 1))) return true;
    from = i + 1;
  }
}

/** `hassuffix`: some term ends with the needle. */
export function hasSuffix(haystack: string, needle: string, caseSensitive: boolean): boolean {
  const h = caseSensitive ? haystack : haystack.toLowerCase();
  const n = caseSensitive ? needle : needle.toLowerCase();
  let from = 0;
  for (;;) {
    const i = h.indexOf(n, from);
    if (i < 0) return false;
    const end = i + n.length;
    if (end === h.length || !isTermChar(h.charCodeAt(end))) return true;
    from = i + 1;
  }
}

export const contains = (h: string, n: string, cs: boolean): boolean => (cs ? h.includes(n) : h.toLowerCase().includes(n.toLowerCase()));
export const startsWith = (h: string, n: string, cs: boolean): boolean => (cs ? h.startsWith(n) : h.toLowerCase().startsWith(n.toLowerCase()));
export const endsWith = (h: string, n: string, cs: boolean): boolean => (cs ? h.endsWith(n) : h.toLowerCase().endsWith(n.toLowerCase()));
export const equalsCi = (a: string, b: string): boolean => a === b || a.toLowerCase() === b.toLowerCase();

/** Escape a literal for a JS RegExp in `u` mode. */
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A KQL name pattern (`Security*`, `Src*Addr`) as an anchored regular expression: `*` is any text. */
export const wildcardRegExp = (pattern: string): RegExp => new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);

/** The needle as a term-bounded regex source (same model as hasTerm). */
function termSource(needle: string): string {
  const before = needle.length && isTermChar(needle.charCodeAt(0)) ? '(?<![\\p{L}\\p{N}])' : '';
  const after = needle.length && isTermChar(needle.charCodeAt(needle.length - 1)) ? '(?![\\p{L}\\p{N}])' : '';
  return `${before}${escapeRegExp(needle)}${after}`;
}

/**
 * A test for a string operator whose needle is a constant, built once per call site. The patterns
 * are escaped literals with fixed lookarounds, so V8's engine runs them in linear time.
 * Case-insensitive forms use the `i` flag (Unicode case folding; see docs/SEMANTICS.md).
 */
export function constantNeedleTest(op: string, needle: string): ((h: string) => boolean) | undefined {
  const cs = op.endsWith('_cs');
  const base = cs ? op.slice(0, -3) : op;
  const flags = cs ? 'u' : 'iu';
  switch (base) {
    case 'has': {
      if (needle === '') return () => true;
      const re = new RegExp(termSource(needle), flags);
      return memoized((h) => re.test(h));
    }
    case 'contains': {
      if (cs) return (h) => h.includes(needle);
      const re = new RegExp(escapeRegExp(needle), flags);
      return (h) => re.test(h);
    }
    case 'startswith': {
      if (cs) return (h) => h.startsWith(needle);
      const lower = needle.toLowerCase();
      return (h) => h.length >= needle.length && h.slice(0, needle.length).toLowerCase() === lower;
    }
    case 'endswith': {
      if (cs) return (h) => h.endsWith(needle);
      const lower = needle.toLowerCase();
      return (h) => h.length >= needle.length && h.slice(h.length - needle.length).toLowerCase() === lower;
    }
    case '=~': {
      const lower = needle.toLowerCase();
      return (h) => h === needle || (h.length === needle.length && h.toLowerCase() === lower);
    }
    default:
      return undefined;
  }
}

/** `has_any` with constant needles: one regex alternation of term-bounded needles. */
export function termAlternation(needles: readonly string[]): (h: string) => boolean {
  if (needles.length === 0) return () => false;
  if (needles.some((n) => n === '')) return () => true;
  const re = new RegExp(needles.map(termSource).join('|'), 'iu');
  return memoized((h) => re.test(h));
}

/**
 * A function of a string that remembers its answers, bounded (the memory is dropped past 4,096
 * strings): the columns rules test or parse (user agents, resource names, locations) repeat a few
 * values. A column with more distinct values than that (user names, addresses) would only churn
 * the memory: after it has been dropped twice, the function runs directly. `keyToKeep` gives the
 * string the memory keeps (a copy, where the argument is a slice that would keep a larger text
 * alive). Only for pure functions whose answers are immutable (booleans, strings, numbers, null).
 */
export function memoized<T>(test: (s: string) => T, keyToKeep: (s: string) => string = (s) => s): (s: string) => T {
  let cache = new Map<string, T>();
  let drops = 0;
  return (s) => {
    if (drops >= 2) return test(s);
    let r = cache.get(s);
    if (r === undefined) {
      r = test(s);
      if (cache.size >= 4096) {
        cache = new Map();
        drops++;
      }
      cache.set(keyToKeep(s), r);
    }
    return r;
  };
}

/**
 * `translate(searchList, replacementList, source)` (https://learn.microsoft.com/kusto/query/translate-function):
 * each character of source found in searchList becomes the replacement character at its position;
 * searchList characters past the end of replacementList take its last character
 * (translate("abc", "x", "abc") is "xxx"), and an empty replacementList removes them.
 */
export function translate(search: string, replacement: string, source: string): string {
  const from = [...search];
  const to = [...replacement];
  let out = '';
  for (const c of source) {
    const i = from.indexOf(c);
    if (i < 0) out += c;
    else if (to.length > 0) out += to[Math.min(i, to.length - 1)];
  }
  return out;
}

/**
 * url_encode (spaces as '+') and url_encode_component (spaces as %20): percent-encoding with lower-case
 * hex digits, as the pages' outputs print them (https%3a%2f%2fwww.bing.com%2fhello+world,
 * https://learn.microsoft.com/kusto/query/url-encode-function). Null for text that is not valid UTF-16.
 */
export function urlEncode(s: string, component: boolean): string | null {
  let encoded: string;
  try {
    encoded = encodeURIComponent(s);
  } catch {
    return null;
  }
  const lower = encoded.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase());
  return component ? lower : lower.replace(/%20/g, '+');
}

/**
 * `replace_strings(text, lookups, rewrites)`: the lookups claim their matches in order, each
 * skipping the text an earlier lookup claimed (so `['is', 'This']` turns "This" into "Thwas"); a
 * match whose rewrite is not a string keeps its text but stays claimed. Non-string lookups are ignored.
 */
export function replaceStrings(text: string, lookups: readonly unknown[], rewrites: readonly unknown[]): string {
  const claimed: { start: number; end: number; rewrite: string | undefined }[] = [];
  lookups.forEach((lookup, i) => {
    if (typeof lookup !== 'string' || lookup === '') return;
    const rewrite = typeof rewrites[i] === 'string' ? (rewrites[i] as string) : undefined;
    for (let at = text.indexOf(lookup); at >= 0;) {
      const end = at + lookup.length;
      if (claimed.some((c) => at < c.end && c.start < end)) {
        at = text.indexOf(lookup, at + 1);
        continue;
      }
      claimed.push({ start: at, end, rewrite });
      at = text.indexOf(lookup, end);
    }
  });
  claimed.sort((a, b) => a.start - b.start);
  let out = '';
  let from = 0;
  for (const c of claimed) {
    out += text.slice(from, c.start) + (c.rewrite ?? text.slice(c.start, c.end));
    from = c.end;
  }
  return out + text.slice(from);
}

/** Whether JavaScript text is well-formed Unicode (no lone surrogate), so encodable as UTF-8. */
export const isWellFormedText = (s: string): boolean => !/\p{Surrogate}/u.test(s);

/** `base64_encode_fromarray`: the bytes of an array of whole numbers 0..255, as base64; null otherwise. */
export function base64FromBytes(bytes: readonly unknown[]): string | null {
  if (!bytes.every((b) => typeof b === 'number' && Number.isInteger(b) && b >= 0 && b <= 255)) return null;
  return Buffer.from(bytes as number[]).toString('base64');
}

/** Strict base64 (padding required, as .NET's decoder): its bytes, or null. */
export function base64Bytes(s: string): number[] | null {
  const clean = s.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) return null;
  return [...Buffer.from(clean, 'base64')];
}

/**
 * `base64_encode_fromguid`: the GUID's 16 bytes in .NET's order (the first three groups
 * little-endian, the rest as written), as base64.
 */
export function base64FromGuid(guid: string): string | null {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return null;
  const b = Buffer.from(hex, 'hex');
  const swapped = Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)]);
  return swapped.toString('base64');
}

/** `unicode_codepoints_from_string`: the code points of the text (a surrogate pair is one). */
export const codepointsOf = (s: string): number[] => Array.from(s, (c) => c.codePointAt(0)!);

/**
 * `unicode_codepoints_to_string(...)`: numbers and arrays of numbers, flattened one level, as text;
 * null when any is not a Unicode scalar value (0..0x10FFFF outside the surrogates).
 */
export function codepointsToString(args: readonly unknown[]): string | null {
  const points = args.flatMap((a) => (Array.isArray(a) ? a : [a]));
  if (!points.every((p) => typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 0x10ffff && !(p >= 0xd800 && p <= 0xdfff))) return null;
  return String.fromCodePoint(...(points as number[]));
}

const BYTE_UNITS = ['Bytes', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/**
 * `format_bytes(size, precision, units)` (https://learn.microsoft.com/kusto/query/format-bytes-function):
 * size in units of 1024, the largest unit the size reaches when none is given, rounded to
 * `precision` decimals (trailing zeros dropped); null for a unit not on the page's list.
 */
export function formatBytes(size: number, precision: number, units: string): string | null {
  let k = BYTE_UNITS.indexOf(units);
  if (units === '') {
    k = 0;
    while (k < BYTE_UNITS.length - 1 && Math.abs(size) >= 1024 ** (k + 1)) k++;
  }
  if (k < 0 || !Number.isInteger(precision) || precision < 0 || precision > 100) return null;
  return `${Number((size / 1024 ** k).toFixed(precision))} ${BYTE_UNITS[k]}`;
}
