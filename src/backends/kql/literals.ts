/** KQL spelling of literals and names, correct for any content (see the property tests). */
import { TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_MS, TICKS_PER_SECOND } from '../../semantics/ticks.js';
import { formatDatetimeIso } from '../../semantics/values.js';

/** A double-quoted KQL string literal that parses back to exactly `s`. */
export function kqlString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    const code = s.charCodeAt(i);
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0) || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff) {
      // Surrogates: a valid pair stays as the character; a lone one can only be written escaped.
      const next = s.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += c + s[i + 1]!;
        i++;
      } else out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += c;
  }
  return `${out}"`;
}

/** Words that would be read as keywords: such names are written `['name']`. */
const KEYWORDS = new Set([
  'and', 'or', 'not', 'by', 'on', 'with', 'let', 'set', 'alias', 'declare', 'pattern', 'restrict', 'access', 'to', 'of',
  'where', 'filter', 'extend', 'project', 'summarize', 'sort', 'order', 'top', 'take', 'limit', 'distinct', 'count', 'join',
  'union', 'parse', 'evaluate', 'render', 'as', 'asc', 'desc', 'nulls', 'first', 'last', 'true', 'false', 'dynamic',
  'matches', 'regex', 'between', 'in', 'has', 'contains', 'startswith', 'endswith', 'has_any', 'has_all', 'hasprefix',
  'hassuffix', 'has_cs', 'contains_cs', 'startswith_cs', 'endswith_cs', 'datetime', 'timespan', 'bool', 'int', 'long',
  'real', 'double', 'string', 'guid', 'decimal', 'typeof', 'range', 'print', 'find', 'search', 'invoke', 'view', 'null',
  'lookup', 'fork', 'facet', 'sample', 'serialize', 'materialize', 'toscalar', 'totable', 'kind', 'step', 'from', 'default',
]);

/** A column or let name: bare when it is a plain identifier, otherwise `['...']`. */
export function kqlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name) ? name : `[${kqlSingleQuoted(name)}]`;
}

function kqlSingleQuoted(s: string): string {
  return `'${kqlString(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** Timespan literal in the largest exact unit: 1d, 24h... falls back to ticks (100 ns). */
/** A timespan (ticks) in the largest unit that writes it exactly: `1d`, `90m`, `1500ms`, `7tick`. */
export function kqlTimespan(ticks: number): string {
  const units: [number, string][] = [[TICKS_PER_DAY, 'd'], [TICKS_PER_HOUR, 'h'], [TICKS_PER_MINUTE, 'm'], [TICKS_PER_SECOND, 's'], [TICKS_PER_MS, 'ms']];
  if (ticks === 0) return '0s';
  for (const [size, suffix] of units) if (ticks % size === 0) return `${ticks / size}${suffix}`;
  return `${Math.round(ticks)}tick`;
}

/** A datetime (ticks) as a literal, its fraction without trailing zeros. */
export function kqlDatetime(ticks: number | null): string {
  if (ticks === null) return 'datetime(null)';
  const iso = formatDatetimeIso(ticks).replace(/\.0000000Z$/, 'Z').replace(/(\.\d*?)0+Z$/, '$1Z');
  return `datetime(${iso})`;
}

export function kqlReal(n: number): string {
  if (Number.isNaN(n)) return 'real(nan)';
  if (!Number.isFinite(n)) return n > 0 ? 'real(+inf)' : 'real(-inf)';
  const s = String(n);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Inside dynamic(...): JSON-like, with KQL string literals. */
export function kqlDynamicValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return kqlString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(kqlDynamicValue).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${kqlString(k)}: ${kqlDynamicValue(x)}`).join(', ')}}`;
}
