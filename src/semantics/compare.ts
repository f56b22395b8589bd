/** KQL equality, ordering and null rules (see docs/SEMANTICS.md). */
import { jsonText, toKqlString, type Value } from './values.js';

const isNull = (v: Value): boolean => v === null || v === undefined;

/**
 * `==`. null vs non-null is false; null vs null is null. A string compared with a number compares
 * the number's text (so a string ResultType "0" equals 0, and "00" does not): Kusto's behaviour here
 * is undocumented; this is detc's documented choice.
 */
export function kqlEquals(a: Value, b: Value): boolean | null {
  if (isNull(a) || isNull(b)) return isNull(a) && isNull(b) ? null : false;
  if (typeof a === typeof b && typeof a !== 'object') return a === b;
  if (typeof a === 'string' && typeof b !== 'string') return a === toKqlString(b);
  if (typeof b === 'string' && typeof a !== 'string') return b === toKqlString(a);
  if (typeof a === 'object' || typeof b === 'object') return jsonText(a) === jsonText(b);
  return a === b;
}

export function kqlNotEquals(a: Value, b: Value): boolean | null {
  const e = kqlEquals(a, b);
  return e === null ? null : !e;
}

/** Relational operators: null propagates. Strings and numbers order only within their own kind. */
export function kqlCompare(a: Value, b: Value): number | null {
  if (isNull(a) || isNull(b)) return null;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : null;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  const sa = toKqlString(a);
  const sb = toKqlString(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * Sort order: nulls (and NaN) placed per `nulls`, others ascending by kind. Ordinal string
 * comparison (Kusto leaves collation undocumented).
 */
export function sortCompare(a: Value, b: Value, desc: boolean, nullsFirst: boolean): number {
  const an = isNull(a) || (typeof a === 'number' && Number.isNaN(a));
  const bn = isNull(b) || (typeof b === 'number' && Number.isNaN(b));
  if (an || bn) {
    if (an && bn) return 0;
    return an === nullsFirst ? -1 : 1;
  }
  const c = kqlCompare(a, b) ?? 0;
  return desc ? -c : c;
}
