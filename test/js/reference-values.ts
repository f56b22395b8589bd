/**
 * The reference interpreter's own value semantics (reference.ts): the operators, functions and
 * aggregates the differential queries use, each written from its Microsoft documentation page
 * (https://learn.microsoft.com/kusto/query/<page>), independently of the catalog the evaluator
 * uses. Where a page is silent, the choice detc documents (docs/SEMANTICS.md) is written out here
 * again and marked so. Anything else throws: a differential query must stay within this list.
 */
import type { ScalarType } from '../../src/ir/types.js';

type V = unknown;
const isNull = (v: V): boolean => v === null || v === undefined;
/**
 * A term character: "each string value is broken into maximal sequences of alphanumeric
 * characters" (https://learn.microsoft.com/kusto/query/datatypes-string-operators, "What is a
 * term?"). The page does not limit them to ASCII: letters and digits of any script (Unicode L and
 * N), as docs/SEMANTICS.md states for detc.
 */
const isAlnum = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/** Order of two non-null values of one kind: numbers (datetimes are numbers here), strings ordinally, false < true. */
export function order(a: V, b: V): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const [x, y] = [String(a), String(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

/** tostring (tostring-function): null is "", a dynamic string loses its quotes, arrays and bags are JSON. */
function text(v: V, type?: ScalarType): string {
  if (type === 'datetime' || type === 'timespan') throw new Error('reference: tostring of a datetime or timespan is not written');
  if (isNull(v)) return '';
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * `has` (has-operator): the needle is a whole term of the text, case-insensitively; terms are runs
 * of letters and digits (isAlnum), so where the needle starts (ends) with one, the text must not
 * continue the term before (after) it: "curl/" is in "curl/8.4.0" but not in "libcurl/7".
 */
function has(hay: string, needle: string): boolean {
  const h = hay.toLowerCase();
  const n = needle.toLowerCase();
  if (n === '') return true;
  for (let i = h.indexOf(n); i >= 0; i = h.indexOf(n, i + 1)) {
    const startOk = !isAlnum(n[0]) || !isAlnum(h[i - 1]);
    const endOk = !isAlnum(n[n.length - 1]) || !isAlnum(h[i + n.length]);
    if (startOk && endOk) return true;
  }
  return false;
}

/**
 * `==` (equals operator): null compared with anything is null; strings are case-sensitive. A
 * string with a number compares the number's text (the page is silent: detc's documented choice).
 */
function equals(a: V, b: V): boolean | null {
  if (isNull(a) || isNull(b)) return null;
  if (typeof a !== typeof b && (typeof a === 'string' || typeof b === 'string')) return text(a) === text(b);
  return typeof a === 'object' ? JSON.stringify(a) === JSON.stringify(b) : a === b;
}

/** Comparison operators: null on either side gives null (numerical-operators). */
const compare = (a: V, b: V, test: (c: number) => boolean): boolean | null => (isNull(a) || isNull(b) ? null : test(order(a, b)));

/** Arithmetic: null in, null out; long with long stays whole (numerical-operators). */
const arithmetic = (a: V, b: V, f: (x: number, y: number) => number): number | null => (isNull(a) || isNull(b) ? null : f(Number(a), Number(b)));

/** `in`'s list: dynamic arrays among the items give their elements (in-operator). */
const listOf = (items: V[]): V[] => items.flatMap((x) => (Array.isArray(x) ? x : [x]));

/** parse_json (parse-json-function): JSON text to a value; text that is not JSON stays that text (detc's documented choice). */
function parseJson(v: V): V {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** toint (toint-function): a whole number, or null when the value is not one. */
function toInt(v: V): number | null {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v);
  return null;
}

/** A scalar operator or function: (argument types) -> (argument values) -> value. */
export function scalarFunction(fn: string, types: readonly ScalarType[], now: number): (...args: V[]) => V {
  switch (fn) {
    // Logic (logical-operators): three-valued.
    case 'and': return (a, b) => (a === false || b === false ? false : a === true && b === true ? true : null);
    case 'or': return (a, b) => (a === true || b === true ? true : a === false && b === false ? false : null);
    case '==': return equals;
    case '=~': return (a, b) => text(a).toLowerCase() === text(b).toLowerCase();
    case '>': return (a, b) => compare(a, b, (c) => c > 0);
    case '>=': return (a, b) => compare(a, b, (c) => c >= 0);
    case '<': return (a, b) => compare(a, b, (c) => c < 0);
    // between-operator: both ends included.
    case 'between': return (x, lo, hi) => (isNull(x) || isNull(lo) || isNull(hi) ? null : order(x, lo) >= 0 && order(x, hi) <= 0);
    case '+': return (a, b) => arithmetic(a, b, (x, y) => x + y);
    case '*': return (a, b) => arithmetic(a, b, (x, y) => x * y);
    case '-': return (a, b) => arithmetic(a, b, (x, y) => x - y);
    // A whole number divided by a whole number is whole, rounded toward zero.
    case '/': return (a, b) => arithmetic(a, b, (x, y) => (types.every((t) => t === 'long' || t === 'int') ? Math.trunc(x / y) : x / y));
    case 'has': return (h, n) => has(text(h), text(n));
    case 'has_any': return (h, ...ns) => listOf(ns).some((n) => has(text(h), text(n)));
    // in-operator: case-sensitive equality with any item; in~ ignores case; a null value is in no list.
    case 'in': return (x, ...items) => !isNull(x) && listOf(items).some((i) => equals(x, i) === true);
    case '!in': return (x, ...items) => isNull(x) || !listOf(items).some((i) => equals(x, i) === true);
    case 'in~': return (x, ...items) => !isNull(x) && listOf(items).some((i) => text(i).toLowerCase() === text(x).toLowerCase());
    case '!in~': return (x, ...items) => isNull(x) || !listOf(items).some((i) => text(i).toLowerCase() === text(x).toLowerCase());
    case 'iff': return (c, a, b) => (c === true ? a : b);
    case 'case': return (...args) => {
      for (let i = 0; i + 1 < args.length; i += 2) if (args[i] === true) return args[i + 1];
      return args[args.length - 1];
    };
    case 'isnotempty': return (v) => !isNull(v) && v !== '';
    case 'strlen': return (v) => [...text(v)].length;
    case 'tostring': return (v) => text(v, types[0]);
    case 'toint': return toInt;
    case 'parse_json': return parseJson;
    case 'strcat': return (...args) => args.map((a, i) => text(a, types[i])).join('');
    case 'split': return (s, d) => text(s).split(text(d));
    // extract-function: the capture group of the first match, "" when none.
    case 'extract': return (re, g, s) => new RegExp(text(re)).exec(text(s))?.[Number(g)] ?? '';
    // bin-function: rounded down to a multiple of the size.
    case 'bin': return (v, size) => (isNull(v) ? null : Math.floor(Number(v) / Number(size)) * Number(size));
    case 'ago': return (d) => now - Number(d);
    default: throw new Error(`reference: no semantics written for '${fn}'; add them from its documentation page, or keep it out of the differential queries`);
  }
}

/** An aggregate: (argument types, constant arguments) -> (the group's argument rows) -> value or values. */
export function aggregateFunction(fn: string, consts: readonly V[]): (rows: V[][]) => V {
  const present = (rows: V[][]) => rows.map((r) => r[0]).filter((v) => !isNull(v));
  switch (fn) {
    case 'count': return (rows) => rows.length;
    case 'countif': return (rows) => rows.filter((r) => r[0] === true).length;
    // dcount: distinct values, nulls not counted ("" is a value).
    case 'dcount': return (rows) => new Set(present(rows).map((v) => JSON.stringify([typeof v, v]))).size;
    case 'max':
    case 'min': return (rows) => present(rows).reduce<V>((best, v) => (best === null || order(v, best) * (fn === 'max' ? 1 : -1) > 0 ? v : best), null);
    // sum / avg: nulls ignored. A group without a value: sum 0, avg NaN (the pages are silent: detc's choices).
    case 'sum': return (rows) => present(rows).reduce<number>((s, v) => s + Number(v), 0);
    case 'avg': return (rows) => { const xs = present(rows).map(Number); return xs.reduce((s, x) => s + x, 0) / xs.length; };
    // make_set: distinct values in first-seen order, up to the limit; nulls ignored, and "" too (detc's documented choice).
    case 'make_set': return (rows) => {
      const limit = consts[1] === undefined ? Infinity : Number(consts[1]);
      const out: V[] = [];
      for (const v of present(rows)) if (v !== '' && out.length < limit && !out.some((x) => JSON.stringify(x) === JSON.stringify(v))) out.push(v);
      return out;
    };
    // arg_max: the row with the largest first argument (nulls lose, the first of equals wins).
    case 'arg_max': return (rows) => rows.reduce<V[] | undefined>((best, r) => (!isNull(r[0]) && (best === undefined || isNull(best[0]) || order(r[0], best[0]) > 0) ? r : best ?? r), undefined) ?? [];
    // take_any: an arbitrary row; detc documents the first with a non-empty value (the page leaves it open).
    case 'take_any': return (rows) => rows.find((r) => !isNull(r[0]) && r[0] !== '') ?? rows[0] ?? [];
    default: throw new Error(`reference: no semantics written for the aggregate '${fn}'`);
  }
}
