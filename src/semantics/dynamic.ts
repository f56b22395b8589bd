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

/**
 * array_sort_asc/desc with several arrays: the first sorted, the others in the same new order; an
 * array whose length differs from the first's (or that is not an array) is null, as the page says.
 */
export function arraysSortedBy(arrays: readonly Value[], desc: boolean, nullsLast = true): (Value[] | null)[] {
  const first = asArray(arrays[0] ?? null);
  if (first === null) return arrays.map(() => null);
  const order = first.map((_, i) => i).sort((i, j) => sortCompare(first[i]!, first[j]!, desc, !nullsLast));
  return arrays.map((v) => {
    const a = asArray(v);
    return a === null || a.length !== first.length ? null : order.map((i) => a[i]!);
  });
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

/**
 * A key of bag_has_key / bag_remove_keys / bag_set_key: a top-level name, or a JSONPath of member
 * names (`$.a.b`, `$['a']`) for a nested one. Each page (bag-has-key-function, bag-remove-keys-function,
 * bag-set-key-function) says "Array indexing isn't supported": a path with an index, a bare `$` or a
 * text after `$` that is not a path gives undefined, and the three functions return null (detc's
 * reading of "not supported", the same for all three).
 */
function bagKeyPath(key: string): string[] | undefined {
  if (!key.startsWith('$')) return [key];
  const steps = parseJsonPath(key);
  return steps !== undefined && steps.length > 0 && steps.every((s) => typeof s === 'string') ? (steps as string[]) : undefined;
}

const hasOwn = (o: object, k: string | number): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** `bag_has_key(bag, key)`: the key (or JSONPath) names a value in the bag. */
export function bagHasKey(v: Value, key: string): boolean | null {
  const b = asBag(v);
  const path = bagKeyPath(key);
  if (b === null || path === undefined) return null;
  let at: Value = b;
  for (const step of path) {
    if (at === null || typeof at !== 'object' || Array.isArray(at) || !hasOwn(at, step)) return false;
    at = (at as Record<string, Value>)[step] ?? null;
  }
  return true;
}

/** A copy of `v` without the property at `path` (the containers on the way are copied, not changed). */
function withoutPath(v: Value, path: readonly string[]): Value {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || path.length === 0) return v;
  const [step, ...rest] = path as [string, ...string[]];
  if (!hasOwn(v, step)) return v;
  const out = newBag();
  for (const [key, x] of Object.entries(v as Record<string, Value>)) {
    if (key !== step) setKeyValue(out, key, x);
    else if (rest.length > 0) setKeyValue(out, key, withoutPath(x, rest));
  }
  return out;
}

/** `bag_remove_keys(bag, keys)`; null when a key is a path the page does not support (bagKeyPath). */
export function bagRemoveKeys(v: Value, keys: Value): Record<string, Value> | null {
  const b = asBag(v);
  const k = asArray(keys);
  if (b === null) return null;
  const paths = (k ?? []).map((key) => bagKeyPath(String(key)));
  if (paths.some((p) => p === undefined)) return null;
  let out: Value = b;
  for (const path of paths) out = withoutPath(out, path!);
  // Never hand back the input bag itself: callers may own the result.
  if (out !== b) return out as Record<string, Value>;
  const copy = newBag();
  for (const [key, x] of Object.entries(b)) setKeyValue(copy, key, x);
  return copy;
}

/** `$.a.b[0]['c d']` as member steps, or undefined if the path is not of that form. */
export function parseJsonPath(path: string): (string | number)[] | undefined {
  if (!path.startsWith('$')) return undefined;
  const steps: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]/y;
  re.lastIndex = 1;
  while (re.lastIndex < path.length) {
    const m = re.exec(path);
    if (!m) return undefined;
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (m[3] ?? m[4])!));
  }
  return steps;
}

/**
 * `array_iff(condition_array, when_true, when_false)` (https://learn.microsoft.com/kusto/query/array-iff-function):
 * element-wise; a number is true when not 0, any other non-bool condition gives null; a branch is an
 * array (a missing element is null) or one value for every element. Branch values come as dynamic elements.
 */
export function arrayIff(cond: Value, whenTrue: Value, whenFalse: Value): Value[] | null {
  const c = asArray(cond);
  if (c === null) return null;
  const pick = (branch: Value, i: number): Value => (Array.isArray(branch) ? (branch[i] ?? null) : branch);
  return c.map((x, i) => {
    const truth = typeof x === 'boolean' ? x : typeof x === 'number' ? x !== 0 : null;
    return truth === null ? null : pick(truth ? whenTrue : whenFalse, i);
  });
}

/**
 * `array_shift_left/right(array, shift_count [, default_value])`
 * (https://learn.microsoft.com/kusto/query/array-shift-left-function): the same length, elements moved
 * by shift_count (a negative count moves the other way); the places left empty get default_value, else
 * null, or "" when the array holds strings ("null or an empty string depending on the type of elements").
 */
export function arrayShift(arr: Value, count: number | null, fill: Value | undefined, left: boolean): Value[] | null {
  const a = asArray(arr);
  if (a === null || count === null) return null;
  const by = left ? count : -count;
  const strings = a.length > 0 && a.every((x) => typeof x === 'string');
  const empty = fill !== undefined ? fill : strings ? '' : null;
  return a.map((_, i) => (i + by >= 0 && i + by < a.length ? a[i + by]! : empty));
}

/** `array_rotate_left/right(array, rotate_count)` (https://learn.microsoft.com/kusto/query/array-rotate-left-function). */
export function arrayRotate(arr: Value, count: number | null, left: boolean): Value[] | null {
  const a = asArray(arr);
  if (a === null || count === null) return null;
  if (a.length === 0) return [];
  const by = (((left ? count : -count) % a.length) + a.length) % a.length;
  return [...a.slice(by), ...a.slice(0, by)];
}

/**
 * `array_split(array, index)` (https://learn.microsoft.com/kusto/query/array-split-function): N+1 arrays
 * [0..i1), [i1..i2), ... [iN..length); a negative index counts from the end.
 */
export function arraySplit(arr: Value, index: Value): Value[][] | null {
  const a = asArray(arr);
  if (a === null) return null;
  const raw = Array.isArray(index) ? index : [index];
  if (!raw.every((x) => typeof x === 'number' && Number.isInteger(x))) return null;
  const cuts = (raw as number[]).map((i) => Math.min(a.length, Math.max(0, i < 0 ? a.length + i : i)));
  const bounds = [0, ...cuts, a.length];
  return bounds.slice(1).map((end, k) => a.slice(bounds[k]!, Math.max(bounds[k]!, end)));
}

/**
 * `bag_set_key(bag, key, value)` (https://learn.microsoft.com/kusto/query/bag-set-key-function): a copy of
 * the bag with the key (a top-level name, or a JSONPath of names; missing levels are created) set to
 * the value. Null when the input is not a bag. detc's choices where the page is silent: a path with an
 * array index or a bare `$` (which the page says are not supported: bagKeyPath), or whose level holds a
 * value that is not a bag, gives null.
 */
export function bagSetKey(v: Value, key: string, value: Value): Record<string, Value> | null {
  const b = asBag(v);
  if (b === null) return null;
  const path = bagKeyPath(key);
  if (path === undefined) return null;
  const set = (bag: Record<string, Value>, steps: readonly string[]): Record<string, Value> | null => {
    const [step, ...rest] = steps as [string, ...string[]];
    let inner: Value = value;
    if (rest.length > 0) {
      const next: Value = hasOwn(bag, step) ? bag[step]! : newBag();
      if (next === null || typeof next !== 'object' || Array.isArray(next)) return null;
      inner = set(next as Record<string, Value>, rest);
      if (inner === null) return null;
    }
    const out = newBag();
    for (const [k, x] of Object.entries(bag)) setKeyValue(out, k, k === step ? inner : x);
    if (!hasOwn(bag, step)) setKeyValue(out, step, inner);
    return out;
  };
  return set(b, path as string[]);
}

/** `jaccard_index(s1, s2)`: |s1 ∩ s2| / |s1 ∪ s2| of the distinct values; null when an argument is not an array. */
export function jaccardIndex(a: Value, b: Value): number | null {
  const union = setUnion([a, b]);
  const both = setIntersect([a, b]);
  return union === null || both === null ? null : both.length / union.length;
}

/**
 * `bag_zip(keys, values)`: a bag of the string keys (others skipped) with the value at the same
 * position (null past the end, or when values is not an array); null when keys is not an array.
 */
export function bagZip(keys: Value, values: Value): Record<string, Value> | null {
  const k = asArray(keys);
  if (k === null) return null;
  const v = asArray(values);
  const bag = newBag();
  k.forEach((key, i) => { if (typeof key === 'string') setKeyValue(bag, key, v?.[i] ?? null); });
  return bag;
}

/** `dynamic_to_json(d)`: JSON with the keys of every bag sorted by name, at any depth. */
export function canonicalJson(v: Value): string {
  const sorted = (x: Value): Value => {
    if (Array.isArray(x)) return x.map(sorted);
    if (x === null || typeof x !== 'object') return x;
    const bag = newBag();
    for (const key of Object.keys(x).sort()) setKeyValue(bag, key, sorted((x as Record<string, Value>)[key]!));
    return bag;
  };
  return jsonText(sorted(v));
}
