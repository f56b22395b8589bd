/**
 * Functions of dynamic values: arrays, property bags and sets
 * (https://learn.microsoft.com/kusto/query/scalar-functions#dynamicarray-functions).
 */
import type { ScalarType } from '../ir/types.js';
import { sortCompare } from './compare.js';
import { formatDatetimeIso, formatTimespan, jsonText, parseJson, type Value } from './values.js';

/**
 * A typed value as an element of a dynamic value. datetimes and timespans are numbers in detc, but
 * in Kusto a dynamic keeps them as datetimes and timespans, which print as their text
 * (https://learn.microsoft.com/kusto/query/pack-array-function: `pack_array(x, y, 2s)` gives
 * `[1,"2","00:00:02"]`).
 */
export function dynamicElement(v: Value, type: ScalarType | undefined): Value {
  if (v === undefined) return null;
  if (typeof v === 'number') {
    if (type === 'datetime') return formatDatetimeIso(v);
    if (type === 'timespan') return formatTimespan(v);
  }
  return v;
}

/** An argument that should be an array: JSON text is parsed; anything else is not an array. */
export function asArray(v: Value): Value[] | null {
  const d = typeof v === 'string' ? parseJson(v) : v;
  return Array.isArray(d) ? d : null;
}

/** An argument that should be a property bag, or null. */
export function asBag(v: Value): Record<string, Value> | null {
  const d = typeof v === 'string' ? parseJson(v) : v;
  return d !== null && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, Value>) : null;
}

/** Identity of a value in a set: its JSON text, so 1 and "1" differ and equal objects agree. */
const setKey = (v: Value): string => jsonText(v ?? null);

/** Distinct values in first-seen order. */
function distinct(values: Iterable<Value>): Value[] {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const v of values) {
    const k = setKey(v);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}

/** `set_union(a1, a2, ...)`: distinct values of all arrays; null when an argument is not an array. */
export function setUnion(arrays: readonly Value[]): Value[] | null {
  const parsed = arrays.map(asArray);
  return parsed.every((a) => a !== null) ? distinct((parsed as Value[][]).flat()) : null;
}

/** `set_intersect(a1, a2, ...)`: distinct values found in every array. */
export function setIntersect(arrays: readonly Value[]): Value[] | null {
  const parsed = arrays.map(asArray);
  if (!parsed.every((a) => a !== null)) return null;
  const [first, ...rest] = parsed as Value[][];
  const others = rest.map((a) => new Set(a.map(setKey)));
  return distinct(first!.filter((v) => others.every((s) => s.has(setKey(v)))));
}

/** `set_difference(a1, a2, ...)`: distinct values of a1 found in none of the others. */
export function setDifference(arrays: readonly Value[]): Value[] | null {
  const parsed = arrays.map(asArray);
  if (!parsed.every((a) => a !== null)) return null;
  const [first, ...rest] = parsed as Value[][];
  const others = new Set(rest.flat().map(setKey));
  return distinct(first!.filter((v) => !others.has(setKey(v))));
}

/** `array_concat(a1, a2, ...)`: null when an argument is not an array. */
export function arrayConcat(arrays: readonly Value[]): Value[] | null {
  const parsed = arrays.map(asArray);
  return parsed.every((a) => a !== null) ? (parsed as Value[][]).flat() : null;
}

/**
 * `array_index_of(array, value [, start [, length [, occurrence]]])`
 * (https://learn.microsoft.com/kusto/query/array-index-of-function): -1 when absent.
 */
export function arrayIndexOf(arr: Value, v: Value, start = 0, length = -1, occurrence = 1): number | null {
  const a = asArray(arr);
  if (a === null) return null;
  const from = start < 0 ? Math.max(0, a.length + start) : start;
  const end = length < 0 ? a.length : Math.min(a.length, from + length);
  const key = setKey(v);
  let seen = 0;
  for (let i = from; i < end; i++) if (setKey(a[i]) === key && ++seen === occurrence) return i;
  return -1;
}

/** `array_sort_asc` / `array_sort_desc`: nulls last unless `nullsLast` is false. */
export function arraySort(arr: Value, desc: boolean, nullsLast = true): Value[] | null {
  const a = asArray(arr);
  return a === null ? null : [...a].sort((x, y) => sortCompare(x, y, desc, !nullsLast));
}

/** `array_sum`: null when an element is not a number. */
export function arraySum(arr: Value): number | null {
  const a = asArray(arr);
  if (a === null || !a.every((x) => typeof x === 'number')) return null;
  return (a as number[]).reduce((s, x) => s + x, 0);
}

/** `bag_keys(bag)`: the keys in order; null when not a bag. */
export function bagKeys(v: Value): string[] | null {
  const b = asBag(v);
  return b === null ? null : Object.keys(b);
}

/** A property bag with own data properties only (a key "__proto__" is data). */
export function newBag(): Record<string, Value> {
  return {};
}
export function setKeyValue(bag: Record<string, Value>, key: string, value: Value): void {
  Object.defineProperty(bag, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * `bag_merge(b1, b2, ...)` (https://learn.microsoft.com/kusto/query/bag-merge-function): a key in
 * several bags takes the value of the first bag that has it.
 */
export function bagMerge(bags: readonly Value[]): Record<string, Value> {
  const out = newBag();
  for (const v of bags) {
    const b = asBag(v);
    if (b) for (const [k, x] of Object.entries(b)) if (!Object.prototype.hasOwnProperty.call(out, k)) setKeyValue(out, k, x);
  }
  return out;
}

/** `bag_remove_keys(bag, keys)`. */
export function bagRemoveKeys(v: Value, keys: Value): Record<string, Value> | null {
  const b = asBag(v);
  const k = asArray(keys);
  if (b === null) return null;
  const drop = new Set((k ?? []).map((x) => String(x)));
  const out = newBag();
  for (const [key, x] of Object.entries(b)) if (!drop.has(key)) setKeyValue(out, key, x);
  return out;
}
