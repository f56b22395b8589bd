/**
 * The catalog: every KQL operator, scalar function and aggregate detc understands.
 * Semantics references: KQL-SEMANTICS (cited) and docs/SEMANTICS.md.
 */
import { CsvProblem, csvRecords } from '../semantics/csv.js';
import { HASH_AS_TEXT, HASH_REMAINDER } from '../ir/exact-hash.js';
import { xxhash64, xxhash64Remainder, xxhash64Text } from '../semantics/hash.js';
import { createHash } from 'node:crypto';
import { isNumeric, type ScalarType } from '../ir/types.js';
import { kqlCompare, kqlEquals, kqlNotEquals } from '../semantics/compare.js';
import { compileKqlRegex } from '../semantics/regex.js';
import * as S from '../semantics/strings.js';
import * as D from '../semantics/dynamic.js';
import { dynamicElement, newBag, setKeyValue } from '../semantics/dynamic.js';
import * as IP from '../semantics/ip.js';
import { binTicks, lastTickBefore, TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_MS, TICKS_PER_SECOND, UNIX_EPOCH_TICKS } from '../semantics/ticks.js';
import { bin, datetimeAdd, datetimeDiff, datetimePart, formatDatetime, formatTimespanWith, localToUtc, startOf, utcToLocal } from '../semantics/time.js';
import * as URL from '../semantics/urls.js';
import {
  castElement, coerce, jsonText, member, parseJson, readDatetime, readTimespan, toBool, toDatetime, toKqlString, toLong, toNumber, toTimespan, type Value,
} from '../semantics/values.js';
import { SERIES_ENTRIES } from './series.js';
import type { Accumulator, AggregateEntry, CallSite, CatalogEntry, Impl, ScalarCall, ScalarEntry, TypeRule } from './types.js';

const INF = Number.POSITIVE_INFINITY;
const isStringish = (t: ScalarType) => t === 'string' || t === 'dynamic' || t === 'guid';
const isTemporalOrNumber = (t: ScalarType) => isNumeric(t) || t === 'datetime' || t === 'timespan' || t === 'dynamic';
const fail = (error: string) => ({ error });
const returns = (t: ScalarType): TypeRule => () => t;

/** Type rule for string operators: the left side must be a string (or dynamic). */
const stringOp = (op: string): TypeRule => (args) =>
  args.every((t, i) => isStringish(t) || (i > 0 && op.includes('in'))) ? 'bool' : fail(`'${op}' needs string operands, got ${args.join(' and ')}`);

function scalar(e: Omit<ScalarEntry, 'kind'>): ScalarEntry {
  return { kind: 'scalar', ...e };
}
function aggregate(e: Omit<AggregateEntry, 'kind'>): AggregateEntry {
  return { kind: 'aggregate', ...e };
}

/** Text of a value for string operators: dynamic values compare as their JSON text. */
const text = (v: Value): string => (typeof v === 'string' ? v : toKqlString(v));

function stringOperator(name: string, test: (h: string, n: string) => boolean, negated: boolean, doc: string): ScalarEntry {
  return scalar({
    name,
    arity: [2, 2],
    type: stringOp(name),
    kql: { infix: name },
    doc,
    js: (site) => {
      const needle = site.consts[1];
      const fixed = typeof needle === 'string' ? S.constantNeedleTest(name.replace(/^!/, '').replace(/^~$/, '=~'), needle) : undefined;
      if (fixed) return negated ? (h) => !fixed(text(h)) : (h) => fixed(text(h));
      return negated ? (h, n) => !test(text(h), text(n)) : (h, n) => test(text(h), text(n));
    },
  });
}

const STRING_OPS: [string, (h: string, n: string) => boolean, string][] = [
  ['has', (h, n) => S.hasTerm(h, n, false), 'whole term, case-insensitive'],
  ['has_cs', (h, n) => S.hasTerm(h, n, true), 'whole term, case-sensitive'],
  ['hasprefix', (h, n) => S.hasPrefix(h, n, false), 'a term starts with, case-insensitive'],
  ['hasprefix_cs', (h, n) => S.hasPrefix(h, n, true), 'a term starts with, case-sensitive'],
  ['hassuffix', (h, n) => S.hasSuffix(h, n, false), 'a term ends with, case-insensitive'],
  ['hassuffix_cs', (h, n) => S.hasSuffix(h, n, true), 'a term ends with, case-sensitive'],
  ['contains', (h, n) => S.contains(h, n, false), 'substring, case-insensitive'],
  ['contains_cs', (h, n) => S.contains(h, n, true), 'substring, case-sensitive'],
  ['startswith', (h, n) => S.startsWith(h, n, false), 'prefix, case-insensitive'],
  ['startswith_cs', (h, n) => S.startsWith(h, n, true), 'prefix, case-sensitive'],
  ['endswith', (h, n) => S.endsWith(h, n, false), 'suffix, case-insensitive'],
  ['endswith_cs', (h, n) => S.endsWith(h, n, true), 'suffix, case-sensitive'],
  ['=~', (h, n) => S.equalsCi(h, n), 'equal, case-insensitive'],
];

/** Flatten list operands: dynamic arrays expand into their elements (`x in (dynamic([1,[2]]))`). */
function flatten(items: readonly Value[]): Value[] {
  const out: Value[] = [];
  const walk = (v: Value) => (Array.isArray(v) ? v.forEach(walk) : out.push(v));
  items.forEach(walk);
  return out;
}

/** `in`-family: a Set when the list is constant, a scan otherwise. */
function inOperator(name: string, caseInsensitive: boolean, negated: boolean): ScalarEntry {
  const key = (v: Value) => (caseInsensitive ? text(v).toLowerCase() : typeof v === 'number' ? `n:${v}` : `s:${text(v)}`);
  return scalar({
    name,
    arity: [1, INF],
    type: caseInsensitive ? stringOp(name) : returns('bool'),
    kql: { list: name },
    doc: caseInsensitive ? 'equals any of a list, case-insensitive' : 'equals any of a list',
    js: (site: CallSite): Impl => {
      const listConst = site.consts.slice(1).every((c) => c !== undefined);
      const member = (x: Value, items: Value[]): boolean =>
        x !== null && x !== undefined && items.some((i) => (caseInsensitive ? text(i).toLowerCase() === text(x).toLowerCase() : kqlEquals(x, i) === true));
      if (listConst && caseInsensitive) {
        const items = flatten(site.consts.slice(1));
        const set = new Set(items.map(key));
        // Columns compared with a list usually have few distinct values: remember each answer.
        const isMember = S.memoized((x: string) => set.has(x.toLowerCase()));
        return (x) => (x === null || x === undefined ? negated : (typeof x === 'string' ? isMember(x) : set.has(key(x))) !== negated);
      }
      if (!caseInsensitive && (site.types[0] === 'datetime' || site.types[0] === 'timespan')) {
        // A dynamic list's elements are compared as values of the subject's type (a datetime in a
        // dynamic is its text), typed arguments as they are.
        const read = elementReader(site.types[0]);
        const deep = (v: Value): Value => (Array.isArray(v) ? v.map(deep) : read(v));
        const readers = site.types.slice(1).map((t) => (t === 'dynamic' ? deep : (v: Value) => v));
        return (x, ...items) => member(x, flatten(items.map((v, i) => (readers[i] ?? deep)(v)))) !== negated;
      }
      return (x, ...items) => member(x, flatten(items)) !== negated;
    },
  });
}

/**
 * How an element of a dynamic value compares with a value of `type`: as Kusto compares a datetime
 * or timespan with a dynamic one, the element's text read as that type (dynamicElement writes it).
 */
function elementReader(type: ScalarType | undefined): (v: Value) => Value {
  if (type === 'datetime') return (v) => (typeof v === 'string' ? toDatetime(v) : v);
  if (type === 'timespan') return (v) => (typeof v === 'string' ? toTimespan(v) : v);
  return (v) => v;
}

/** has_any / has_all over a list of needles. */
function hasListOperator(name: 'has_any' | 'has_all'): ScalarEntry {
  return scalar({
    name,
    arity: [1, INF],
    type: (args) => (isStringish(args[0]!) ? 'bool' : fail(`'${name}' needs a string on the left, got ${args[0]}`)),
    kql: { list: name },
    doc: name === 'has_any' ? 'has any of a list of terms' : 'has all of a list of terms',
    js: (site) => {
      const test = (hay: string, needles: string[], cs: boolean) =>
        name === 'has_any' ? needles.some((n) => S.hasTerm(hay, n, cs)) : needles.every((n) => S.hasTerm(hay, n, cs));
      if (site.consts.slice(1).every((c) => c !== undefined)) {
        const needles = flatten(site.consts.slice(1)).map((n) => text(n));
        if (name === 'has_any') {
          // One precompiled alternation of term-bounded needles.
          const any = S.termAlternation(needles);
          return (h) => any(text(h));
        }
        const lowered = needles.map((n) => n.toLowerCase());
        return (h) => test(text(h).toLowerCase(), lowered, true);
      }
      return (h, ...items) => test(text(h), flatten(items).map(text), false);
    },
  });
}

/**
 * The upper end of a `between` range: `datetime .. timespan` means from the datetime to the datetime
 * plus the timespan (https://learn.microsoft.com/kusto/query/between-operator).
 */
function rangeEnd(site: CallSite): (lo: Value, hi: Value) => Value {
  if (site.types[1] !== 'datetime' || site.types[2] !== 'timespan') return (_lo, hi) => hi;
  return (lo, hi) => (typeof lo === 'number' && typeof hi === 'number' ? lo + hi : null);
}

/**
 * The conversion of a datetime argument: a datetime is the evaluator's ticks already; any other
 * type (dynamic, a number, text) is a value from outside, whose numbers are milliseconds since 1970.
 */
function datetimeArg(type: ScalarType | undefined): (v: Value) => number | null {
  return type === 'datetime' ? toDatetime : readDatetime;
}

/** The same for a timespan argument: any other type's numbers are milliseconds. */
function timespanArg(type: ScalarType | undefined): (v: Value) => number | null {
  return type === 'timespan' ? toTimespan : readTimespan;
}

/** `bin`/`floor`: datetimes and timespans exactly on ticks, datetime bins counted from 1970-01-01. */
function binImpl(site: CallSite): (v: Value, size: Value) => Value {
  const origin = site.types[0] === 'datetime' ? UNIX_EPOCH_TICKS : site.types[0] === 'timespan' ? 0 : undefined;
  if (origin === undefined) return (v, size) => bin(toNumber(v), toNumber(size));
  return (v, size) => {
    const [x, d] = [toNumber(v), toNumber(size)];
    return x === null || d === null || !(d > 0) ? null : binTicks(x, d, origin);
  };
}

/**
 * A Unix time in a unit of `ticks` ticks (nanoseconds: 0.01) as a datetime, truncated to a whole
 * tick. Nanoseconds through BigInt, and counted from EPOCH (2020) at the end: dividing the double
 * count by 100 rounded 1546300800123456789 ns (about 2^60) to .1234568 instead of .1234567.
 */
function unixTicks(n: number, ticks: number): number {
  if (ticks < 1 && Number.isFinite(n)) return Number(BigInt(Math.trunc(n)) / 100n + BigInt(UNIX_EPOCH_TICKS));
  return UNIX_EPOCH_TICKS + Math.trunc(ticks < 1 ? n / 100 : n * ticks);
}

/**
 * `tolong(datetime)`: Kusto's long of a datetime is its 100 ns ticks since 0001-01-01
 * (621355968000000000 at 1970-01-01), beyond 2^53: the nearest double.
 */
function kustoTicks(t: number): number {
  return Number(BigInt(Math.round(t)) + KUSTO_EPOCH_TICKS);
}
const KUSTO_EPOCH_TICKS = 621_355_968_000_000_000n - BigInt(UNIX_EPOCH_TICKS);

function arithmeticType(op: string): TypeRule {
  return ([a, b]) => {
    if (a === 'dynamic' || b === 'dynamic') return 'dynamic';
    if (isNumeric(a!) && isNumeric(b!)) return a === 'real' || b === 'real' || a === 'decimal' || b === 'decimal' ? 'real' : 'long';
    if (op === '-' && a === 'datetime' && b === 'datetime') return 'timespan';
    if ((op === '+' || op === '-') && a === 'datetime' && b === 'timespan') return 'datetime';
    if (op === '+' && a === 'timespan' && b === 'datetime') return 'datetime';
    if ((op === '+' || op === '-') && a === 'timespan' && b === 'timespan') return 'timespan';
    if (op === '/' && a === 'timespan' && b === 'timespan') return 'real';
    if ((op === '*' || op === '/') && a === 'timespan' && isNumeric(b!)) return 'timespan';
    if (op === '*' && isNumeric(a!) && b === 'timespan') return 'timespan';
    return fail(`operator '${op}' is not defined for ${a} and ${b}`);
  };
}

function arithmetic(op: string, f: (a: number, b: number, integer: boolean) => number): ScalarEntry {
  return scalar({
    name: op,
    arity: [2, 2],
    type: arithmeticType(op),
    kql: { infix: op },
    doc: `arithmetic ${op}`,
    js: (site) => {
      const integer = site.types.every((t) => t === 'long' || t === 'int');
      // A timespan is a whole number of ticks: timespan * or / a number is rounded to one (1tick / 3 * 3 is 0, 1h / 7 * 7 is not 1h).
      const ticks = (op === '*' || op === '/') && site.types.includes('timespan') && !site.types.includes('dynamic') && !(op === '/' && site.types[1] === 'timespan');
      return ticks
        ? (a, b) => { const x = toNumber(a); const y = toNumber(b); if (x === null || y === null) return null; const r = f(x, y, integer); return Number.isFinite(r) ? Math.round(r) : r; }
        : (a, b) => {
          const x = toNumber(a);
          const y = toNumber(b);
          return x === null || y === null ? null : f(x, y, integer);
        };
    },
  });
}

function relational(op: string, test: (c: number) => boolean): ScalarEntry {
  return scalar({
    name: op,
    arity: [2, 2],
    type: ([a, b]) =>
      (isTemporalOrNumber(a!) && isTemporalOrNumber(b!) && (a === b || (isNumeric(a!) && isNumeric(b!)) || a === 'dynamic' || b === 'dynamic')) ? 'bool'
        : fail(`cannot compare ${a} with ${b} using '${op}'`),
    kql: { infix: op },
    doc: `comparison ${op}`,
    js: () => (a, b) => {
      const c = kqlCompare(a, b);
      return c === null ? null : test(c);
    },
  });
}

function conversion(name: string, to: ScalarType, f: (v: Value) => Value, doc: string, passesName = false): ScalarEntry {
  return scalar({ name, arity: [1, 1], type: returns(to), kql: { call: name }, doc, passesName, js: () => f });
}

/** A conversion to a number: of a datetime, Kusto's ticks since 0001-01-01 (kustoTicks), with its warning. */
function numberConversion(name: string, to: ScalarType, f: (v: Value) => Value, doc: string, passesName = false): ScalarEntry {
  return scalar({
    name, arity: [1, 1], type: returns(to), kql: { call: name }, doc, passesName,
    js: (site) => (site.types[0] === 'datetime' ? (v) => (v === null ? null : kustoTicks(v as number)) : f),
    approximation: ([t]) => (t === 'datetime' ? `${name}(datetime): Kusto's number is the datetime's 100 ns ticks since 0001-01-01, about 6.4e17, beyond the 2^53 up to which detc's evaluator (run, tests) holds a long exactly: it holds the nearest double (a multiple of 128 ticks), so comparisons and arithmetic on it may differ from Kusto's by up to 64 ticks; compare the datetimes themselves or use datetime_diff` : undefined),
  });
}

/**
 * parse_json / todynamic: text is parsed; a datetime or timespan becomes the dynamic value Kusto
 * makes of it (its text, as dynamicElement), not detc's ticks.
 */
function dynamicConversion(name: string, doc: string): ScalarEntry {
  return scalar({ name, arity: [1, 1], type: returns('dynamic'), kql: { call: name }, doc, passesName: true, js: (site) => (v) => parseJson(dynamicElement(v, site.types[0])) });
}

const dynamicArg = (v: Value): Value => (typeof v === 'string' ? parseJson(v) : v);

const parseJsonPath = D.parseJsonPath;

/**
 * array_sort_asc / array_sort_desc (https://learn.microsoft.com/kusto/query/array-sort-asc-function):
 * `(array1 [, ..., arrayN] [, nulls_last])`. One array: the sorted array. Several: one result per
 * array (columns `<arg>_sorted`, or `array<i>_sorted` for an unnamed argument, as Kusto.Language
 * names them), the first sorted and the others reordered the same way; as a value, their array.
 */
function arraySortEntry(name: string, desc: boolean): ScalarEntry {
  const arrays = (types: readonly ScalarType[]): number => (types.length > 1 && types[types.length - 1] === 'bool' ? types.length - 1 : types.length);
  return scalar({
    name, arity: [1, 64], kql: { call: name },
    doc: `arrays sorted ${desc ? 'descending' : 'ascending'} by the first (nulls last unless false is given)`,
    type: (args) => {
      const n = arrays(args);
      return args.slice(0, n).every((t) => t === 'dynamic' || t === 'string') ? 'dynamic' : fail(`${name} needs dynamic arrays and an optional bool nulls_last, got ${args.join(', ')}`);
    },
    // One array: Kusto.Language names the column as it names each of several (`d_sorted`, `array0_sorted`).
    nameOf: ([first], derive) => `${(first && derive(first)) ?? 'array0'}_sorted`,
    outputsFor: (args) => {
      const n = arrays(args.map((a) => a.type));
      return n < 2 ? undefined : args.slice(0, n).map((a, i) => ({ name: `${a.name ?? `array${i}`}_sorted`, type: 'dynamic' as const }));
    },
    js: (site) => {
      const n = arrays(site.types);
      return (...args) => {
        const nullsLast = n < args.length ? args[n] !== false : true;
        return n === 1 ? D.arraySort(args[0]!, desc, nullsLast) : D.arraysSortedBy(args.slice(0, n), desc, nullsLast);
      };
    },
  });
}

/** pack(): keys become own properties (a key "__proto__" is data, never a prototype). */
function bag(args: readonly Value[], types: readonly ScalarType[]): Record<string, Value> {
  const out = newBag();
  for (let i = 0; i + 1 < args.length; i += 2) setKeyValue(out, toKqlString(args[i]), dynamicElement(args[i + 1] ?? null, types[i + 1]));
  return out;
}

/**
 * An accumulator from a state, a step and a result. One small object per group and aggregate
 * (a summarize over many groups creates many), with a fixed-arity step.
 */
class StepAccumulator<S> implements Accumulator {
  constructor(
    private state: S,
    private readonly step: (s: S, a: Value, b: Value, c: Value) => S,
    private readonly finish: (s: S) => Value,
  ) {}
  add(a?: Value, b?: Value, c?: Value): void {
    this.state = this.step(this.state, a, b, c);
  }
  result(): Value {
    return this.finish(this.state);
  }
}

function accumulate<S>(init: () => S, add: (s: S, a: Value, b: Value, c: Value) => S, result: (s: S) => Value) {
  return (): Accumulator => new StepAccumulator(init(), add, result);
}

/** make_set / make_list (and their _if forms): values in first-seen order, up to a limit. */
class ListAccumulator implements Accumulator {
  private readonly out: Value[] = [];
  constructor(private readonly limit: number, private readonly withPredicate: boolean, private readonly elementType?: ScalarType) {}
  add(v?: Value, p?: Value): void {
    if (this.withPredicate && p !== true) return;
    if (!counted(v) || this.out.length >= this.limit) return;
    this.out.push(dynamicElement(v, this.elementType));
  }
  result(): Value {
    return this.out;
  }
}

/**
 * Distinct values in first-seen order (a Set's equality, SameValueZero: "1" and 1 stay apart, NaN
 * equals NaN): primitives as they are, objects as themselves after a check of their JSON against
 * the objects seen before. make_set keeps the first `limit`; dcount counts them.
 *
 * A summarize over many groups creates one of these per group and distinct column, and most hold a
 * value or two (a 220 MB sign-in log: 310,000 of them in 62,000 groups, about 1.4 events each), so
 * the layout is for memory, which is also garbage-collection time: the first value in a field, the
 * next FEW_DISTINCT in an array searched linearly, a Set once there are more.
 */
export class DistinctValues implements Accumulator {
  private firstValue: Value | undefined;
  private more: Value[] | Set<Value> | undefined;
  /** JSON of the objects added; created on the first object (most sets only see strings). */
  private objectKeys: Set<string> | undefined;
  private sawEmpty = false;
  constructor(private readonly options: DistinctOptions) {}
  add(v?: Value, p?: Value): void {
    if (this.options.withPredicate && p !== true) return;
    if (this.options.flatten && Array.isArray(v)) {
      for (const x of v) this.addValue(x);
      return;
    }
    this.addValue(v);
  }
  private addValue(v: Value): void {
    if (!present(v)) return;
    // dcount counts "" (Kusto skips only nulls); make_set lists it not (kept apart, see first()).
    if (v === '') return void (this.sawEmpty = true);
    if (this.stored() >= this.options.limit) return;
    if (typeof v === 'object' && v !== null) {
      const j = jsonText(v);
      this.objectKeys ??= new Set();
      if (this.objectKeys.has(j)) return;
      this.objectKeys.add(j);
    }
    // As a Set does: -0 is kept as 0.
    if (v === 0) v = 0;
    const first = this.firstValue;
    if (first === undefined) {
      this.firstValue = v;
      return;
    }
    if (sameValueZero(first, v)) return;
    const more = this.more;
    if (more === undefined) this.more = [v];
    else if (Array.isArray(more)) {
      for (let i = 0; i < more.length; i++) if (sameValueZero(more[i], v)) return;
      if (more.length < FEW_DISTINCT) more.push(v);
      else this.more = new Set([first, ...more, v]);
    } else more.add(v);
  }
  result(): Value {
    if (this.options.countOnly) return this.count();
    const values = this.first(Infinity);
    const type = this.options.elementType;
    return type === 'datetime' || type === 'timespan' ? values.map((x) => dynamicElement(x, type)) : values;
  }
  /** How many distinct values were seen (dcount: "" included, nulls not). */
  count(): number {
    return this.stored() + (this.sawEmpty ? 1 : 0);
  }
  /** How many distinct values other than "" were kept. */
  private stored(): number {
    const more = this.more;
    if (more === undefined) return this.firstValue === undefined ? 0 : 1;
    return Array.isArray(more) ? 1 + more.length : more.size;
  }
  /** The first `limit` distinct values other than "", in first-seen order (make_set's view). */
  first(limit: number): Value[] {
    const more = this.more;
    const out: Value[] = [];
    if (more === undefined || Array.isArray(more)) {
      if (this.firstValue !== undefined && limit > 0) out.push(this.firstValue);
      if (more !== undefined) for (let i = 0; i < more.length && out.length < limit; i++) out.push(more[i]);
      return out;
    }
    // The Set holds the first value too.
    for (const v of more) {
      if (out.length >= limit) break;
      out.push(v);
    }
    return out;
  }
}

/** How a DistinctValues counts: one object per aggregate, shared by its groups. */
export interface DistinctOptions {
  readonly limit: number;
  readonly withPredicate: boolean;
  readonly countOnly: boolean;
  /** make_set of a dynamic value: an array adds its elements (Kusto's make_set flattens one level). */
  readonly flatten?: boolean;
  /** The argument's type: datetimes and timespans are listed as their text, as Kusto's dynamic holds them. */
  readonly elementType?: ScalarType;
}

/** Values after the first kept in an array (searched linearly) before a Set replaces it. */
const FEW_DISTINCT = 8;

/** A Set's equality: === except that NaN equals NaN. */
const sameValueZero = (a: Value | undefined, b: Value | undefined): boolean => a === b || (a !== a && b !== b);

/** A factory of DistinctValues sharing one options object. */
export const distinctValues = (options: DistinctOptions) => (): DistinctValues => new DistinctValues(options);

/** count() */
class Counter implements Accumulator {
  private n = 0;
  add(): void {
    this.n++;
  }
  result(): Value {
    return this.n;
  }
}

const present = (v: Value) => v !== null && v !== undefined;
/** make_list / make_set ignore nulls; detc also leaves out "" (Kusto leaves it undocumented). */
const counted = (v: Value) => present(v) && v !== '';

/** make_list / make_bag's optional size limit (Kusto's default and maximum: 1,048,576). */
const sizeLimit = (site: CallSite, index: number): number => toNumber(site.consts[index]) ?? 1_048_576;

/**
 * make_set / make_list and their _if forms; makeset / makelist are their deprecated names, whose
 * default size limit is 128 (https://learn.microsoft.com/kusto/query/make-set-aggregation-function).
 */
function setAggregate(name: string, withPredicate: boolean, kind: 'set' | 'list' = name.startsWith('make_set') ? 'set' : 'list', defaultLimit = 1_048_576): AggregateEntry {
  const limitIndex = withPredicate ? 2 : 1;
  const limitOf = (site: CallSite) => toNumber(site.consts[limitIndex]) ?? defaultLimit;
  return aggregate({
    name,
    arity: withPredicate ? [2, 3] : [1, 2],
    type: returns('dynamic'),
    kql: { call: name },
    columnPrefix: kind,
    namedByArg: true,
    doc: kind === 'set' ? 'distinct values as an array (an array adds its elements; optional size limit)' : 'values as an array (optional size limit)',
    ...(name === 'make_set' ? { distinct: { result: 'values' as const, limit: limitOf } } : {}),
    js: (site) => {
      const limit = limitOf(site);
      const elementType = site.types[0];
      if (kind === 'set') return distinctValues({ limit, withPredicate, countOnly: false, flatten: elementType === 'dynamic', elementType });
      return () => new ListAccumulator(limit, withPredicate, elementType);
    },
  });
}

/** make_bag: keys of the rows' property bags; a key seen before keeps its first value. */
class BagAccumulator implements Accumulator {
  private readonly out = newBag();
  private size = 0;
  constructor(private readonly limit: number, private readonly withPredicate: boolean) {}
  add(v?: Value, p?: Value): void {
    if (this.withPredicate && p !== true) return;
    const bag = D.asBag(v);
    if (!bag) return;
    for (const [k, x] of Object.entries(bag)) {
      if (this.size >= this.limit || Object.prototype.hasOwnProperty.call(this.out, k)) continue;
      setKeyValue(this.out, k, x);
      this.size++;
    }
  }
  result(): Value {
    return this.out;
  }
}

/**
 * max_of / min_of (https://learn.microsoft.com/kusto/query/max-of-function): nulls are ignored;
 * null only when every argument is null.
 */
function extremeOf(name: string, sign: number): ScalarEntry {
  return scalar({
    name, arity: [2, 64], kql: { call: name }, doc: `the ${sign > 0 ? 'largest' : 'smallest'} argument (nulls ignored)`,
    type: (args) => {
      if (args.every((t) => t === args[0])) return args[0]!;
      if (args.every(isNumeric)) return args.some((t) => t === 'real' || t === 'decimal') ? 'real' : 'long';
      return fail(`${name} arguments have different types: ${[...new Set(args)].join(', ')}`);
    },
    js: () => (...args) => {
      let best: Value = null;
      for (const v of args) {
        if (!present(v)) continue;
        if (best === null) best = v;
        else if ((kqlCompare(v, best) ?? 0) * sign > 0) best = v;
      }
      return best;
    },
  });
}

/** replace_regex(text, regex, rewrite); the deprecated replace(regex, rewrite, text) with `textIndex` 0. */
function replaceRegex(site: CallSite, textIndex: 0 | 1): Impl {
  const reIndex = textIndex === 1 ? 1 : 0;
  const fixed = typeof site.consts[reIndex] === 'string' ? compileKqlRegex(site.consts[reIndex]) : undefined;
  return (...args) => {
    const [source, re, rewrite] = textIndex === 1 ? [args[0], args[1], args[2]] : [args[2], args[0], args[1]];
    const r = fixed ?? compileKqlRegex(text(re));
    const s = text(source);
    if (!r.ok) return s;
    const template = text(rewrite);
    let out = '';
    let last = 0;
    for (const m of r.regex.all(s)) {
      out += s.slice(last, m.start) + template.replace(/\\(\d)/g, (_, g: string) => m.groups[Number(g)] ?? '');
      last = m.end;
    }
    return out + s.slice(last);
  };
}

/**
 * indexof(source, lookup, start, length, occurrence)
 * (https://learn.microsoft.com/kusto/query/indexof-function): a negative start counts from the
 * end; each search looks at `length` characters from where it starts (-1: to the end); the
 * occurrences do not overlap.
 */
function nthIndexOf(hay: string, needle: string, start: number, length: number, nth: number, find: (window: string, at: number) => { start: number; end: number } | undefined): number {
  let at = start < 0 ? Math.max(0, hay.length + start) : start;
  if (at > hay.length) return -1;
  for (let k = 1; ; k++) {
    const window = length < 0 ? hay : hay.slice(0, at + length);
    const m = needle === '' ? { start: at, end: at + 1 } : find(window, at);
    if (m === undefined) return -1;
    if (k === nth) return m.start;
    at = m.end;
  }
}

/**
 * parse_csv (https://learn.microsoft.com/kusto/query/parse-csv-function): the fields of the first
 * record; a quoted field may hold commas, line breaks and "" for a quote.
 */
function csvFields(s: string): string[] {
  try {
    // The first record (quoted fields may span lines).
    return csvRecords(s)[0]?.cells ?? [''];
  } catch (e) {
    if (!(e instanceof CsvProblem)) throw e;
    // Not well-formed CSV: the first line's comma-separated pieces, as written.
    return s.split(/\r?\n/, 1)[0]!.split(',');
  }
}

/** base64 to UTF-8 text; null when the input is not base64 or the bytes are not UTF-8. */
function decodeBase64Text(s: string): string | null {
  const clean = s.trim();
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(clean, 'base64'));
  } catch {
    return null;
  }
}

function extremum(name: 'min' | 'max'): AggregateEntry {
  return aggregate({
    name,
    arity: [1, 1],
    type: ([t]) => t!,
    kql: { call: name },
    columnPrefix: name,
    namedByArg: true,
    doc: `${name}imum value`,
    js: () => accumulate<Value>(() => null, (best, v) => {
      if (!present(v)) return best;
      if (best === null) return v;
      const c = kqlCompare(v, best);
      return c !== null && (name === 'min' ? c < 0 : c > 0) ? v : best;
    }, (s) => s),
  });
}

/** minif / maxif: the extreme of the values whose predicate is true. */
function extremumIf(name: 'minif' | 'maxif', sign: number): AggregateEntry {
  return aggregate({
    name, arity: [2, 2], type: ([t]) => t!, kql: { call: name }, columnPrefix: name, namedByArg: true, doc: `${sign > 0 ? 'max' : 'min'}imum where a predicate is true`,
    js: () => accumulate<Value>(() => null, (best, v, p) => {
      if (p !== true || !present(v)) return best;
      return best === null || (kqlCompare(v, best) ?? 0) * sign > 0 ? v : best;
    }, (s) => s),
  });
}

/**
 * stdev / variance (sample: divided by n - 1) and stdevp / variancep (population: by n), with
 * their _if forms (https://learn.microsoft.com/kusto/query/stdev-aggregation-function). Welford's
 * method, for accuracy on large values.
 */
function spread(name: string, withPredicate: boolean): AggregateEntry {
  const population = name.replace(/if$/, '').endsWith('p');
  const root = name.startsWith('stdev');
  return aggregate({
    name, arity: withPredicate ? [2, 2] : [1, 1], type: returns('real'), kql: { call: name }, columnPrefix: name, namedByArg: true,
    doc: `${root ? 'standard deviation' : 'variance'} (${population ? 'population' : 'sample'})${withPredicate ? ' where a predicate is true' : ''}`,
    js: () => accumulate(() => ({ n: 0, mean: 0, m2: 0 }), (s, v, p) => {
      const x = withPredicate && p !== true ? null : toNumber(v);
      if (x === null) return s;
      const n = s.n + 1;
      const delta = x - s.mean;
      const mean = s.mean + delta / n;
      return { n, mean, m2: s.m2 + delta * (x - mean) };
    }, (s) => {
      const divisor = population ? s.n : s.n - 1;
      if (divisor <= 0) return s.n === 1 ? 0 : null;
      const variance = s.m2 / divisor;
      return root ? Math.sqrt(variance) : variance;
    }),
  });
}

const MATH_FUNCTIONS: readonly [string, (x: number) => number, string][] = [
  ['sqrt', Math.sqrt, 'square root'], ['exp', Math.exp, 'e to the power'], ['exp2', (x) => 2 ** x, '2 to the power'], ['exp10', (x) => 10 ** x, '10 to the power'],
  ['log', Math.log, 'natural logarithm'], ['log2', Math.log2, 'base-2 logarithm'], ['log10', Math.log10, 'base-10 logarithm'],
];
const realOf = (name: string): TypeRule => ([t]) => (isNumeric(t!) ? 'real' : fail(`${name} needs a number, got ${t}`));
const sameNumeric = (name: string): TypeRule => ([t]) => (isNumeric(t!) ? (t === 'int' ? 'long' : t!) : fail(`${name} needs a number, got ${t}`));

const sumType: TypeRule = ([t]) => (t === 'int' || t === 'long' ? 'long' : t === 'timespan' ? 'timespan' : isNumeric(t!) || t === 'dynamic' ? 'real' : fail(`sum needs a number, got ${t}`));

/**
 * gettype (https://learn.microsoft.com/kusto/query/gettype-function): a typed value's type; a
 * dynamic value's kind: "null", "bool", "int" (a whole number within 32 bits, as the page's
 * parse_json('1')), "long", "real", "string", "array" or "dictionary".
 */
function runtimeType(v: Value, type: ScalarType): string {
  if (type !== 'dynamic') return type;
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'dictionary';
  if (typeof v === 'number') return !Number.isInteger(v) ? 'real' : Math.abs(v) < 2 ** 31 ? 'int' : 'long';
  return typeof v === 'boolean' ? 'bool' : 'string';
}

/**
 * binary_and/or/xor/not/shift_left/shift_right (https://learn.microsoft.com/kusto/query/binary-and-function
 * and the pages beside it): bitwise on 64-bit two's complement longs; named as their first argument.
 */
const BINARY_FUNCTIONS: readonly ScalarEntry[] = ([
  ['binary_and', (a: bigint, b: bigint) => a & b], ['binary_or', (a: bigint, b: bigint) => a | b], ['binary_xor', (a: bigint, b: bigint) => a ^ b],
  ['binary_shift_left', (a: bigint, b: bigint) => (b < 0n || b > 63n ? undefined : a << b)], ['binary_shift_right', (a: bigint, b: bigint) => (b < 0n || b > 63n ? undefined : a >> b)],
  ['binary_not', (a: bigint) => ~a],
] as const).map(([name, f]) => scalar({
  name, arity: name === 'binary_not' ? [1, 1] : [2, 2], passesName: true, kql: { call: name }, doc: `bitwise ${name.slice(7).replace('_', ' ')} of 64-bit whole numbers`,
  type: (args) => (args.every((t) => t === 'int' || t === 'long') ? 'long' : fail(`${name} needs whole numbers (int or long), got ${args.join(', ')}`)),
  js: () => (...args) => {
    const xs = args.map((x) => toLong(x));
    if (xs.some((x) => x === null)) return null;
    const r = (f as (a: bigint, b: bigint) => bigint | undefined)(...(xs.map((x) => BigInt(x!)) as [bigint, bigint]));
    return r === undefined ? null : Number(BigInt.asIntN(64, r));
  },
}));

/** Numeric types from narrowest to widest: arguments of mixed numeric types give the widest. */
const NUMERIC_WIDTH: readonly ScalarType[] = ['int', 'long', 'real', 'decimal'];
const widestNumber = (types: readonly ScalarType[]): ScalarType => NUMERIC_WIDTH[Math.max(...types.map((t) => NUMERIC_WIDTH.indexOf(t)))]!;

/**
 * coalesce's type, as Kusto.Language gives it: the arguments' common type; numbers of different
 * types widen (int and long: long; with real: real; with decimal: decimal). Any other mix is an
 * error there (KS232, or KS141 when one argument is dynamic).
 */
const coalesceType: TypeRule = (args) => {
  if (args.every((t) => t === args[0])) return args[0]!;
  if (args.every(isNumeric)) return widestNumber(args);
  const types = [...new Set(args)].join(', ');
  if (args.includes('dynamic')) return fail(`coalesce arguments have different types: ${types}; Kusto needs them all dynamic here: convert the others with todynamic(...), or the dynamic ones with tostring(...) or another to* function`);
  return fail(`coalesce arguments have different types: ${types}; Kusto finds no common type: convert them to one (tostring(...), tolong(...), ...)`);
};

/**
 * The result type of iff/iif/case, as Kusto.Language gives it: dynamic branches take the other
 * branches' type (iff(b, s, d) is a string); the rest must share one type, numbers widen (int and
 * long: long; with real: real), and any other mix is dynamic (iff(b, 1, "a")). All dynamic: dynamic.
 */
function branchType(values: readonly ScalarType[]): ScalarType {
  const typed = values.filter((t) => t !== 'dynamic');
  if (typed.length === 0) return 'dynamic';
  if (typed.every((t) => t === typed[0])) return typed[0]!;
  if (typed.every(isNumeric)) return widestNumber(typed);
  return 'dynamic';
}

/**
 * Whether an iff/iif/case call converts a dynamic branch's value to its result type (its inline
 * if-then-else is exact only when it does not).
 */
function convertsBranches(fn: string, call: ScalarCall): boolean {
  return call.type !== 'dynamic' && branchIndexes(fn, call.args.length).some((i) => call.args[i]!.type === 'dynamic');
}

/** The arguments of iff/iif/case that are values it may return (the others are its predicates). */
function branchIndexes(fn: string, count: number): number[] {
  return Array.from({ length: count }, (_, i) => i).filter((i) => (fn === 'case' ? i % 2 === 1 || i === count - 1 : i > 0));
}

/** A branch's value as the result type says (a dynamic branch of a string iff is its text), else as it is. */
function branchValue(site: CallSite, fn: string): (v: Value, i: number) => Value {
  const result = branchType(branchIndexes(fn, site.types.length).map((i) => site.types[i]!));
  if (result === 'dynamic') return (v) => v;
  return (v, i) => (site.types[i] === 'dynamic' ? coerce(v, result) : v);
}

const ENTRIES: CatalogEntry[] = [
  // Logic (short-circuit, null rules of KQL)
  scalar({
    name: 'and', arity: [2, 2], type: returns('bool'), kql: { infix: 'and' }, doc: 'logical and (false and null = false)',
    js: () => (a, b) => (a === false || b === false ? false : a === true && b === true ? true : null),
    inline: (arg, temp) => {
      const [t, u] = [temp(), temp()];
      return `((${t} = ${arg(0)}) === false ? false : ((${u} = ${arg(1)}) === false ? false : (${t} === true && ${u} === true ? true : null)))`;
    },
  }),
  scalar({
    name: 'or', arity: [2, 2], type: returns('bool'), kql: { infix: 'or' }, doc: 'logical or (true or null = true)',
    js: () => (a, b) => (a === true || b === true ? true : a === false && b === false ? false : null),
    inline: (arg, temp) => {
      const [t, u] = [temp(), temp()];
      return `((${t} = ${arg(0)}) === true ? true : ((${u} = ${arg(1)}) === true ? true : (${t} === false && ${u} === false ? false : null)))`;
    },
  }),
  scalar({ name: 'not', arity: [1, 1], type: returns('bool'), kql: { call: 'not' }, doc: 'logical negation (not(null) = null)', js: () => (a) => { const b = toBool(a); return b === null ? null : !b; } }),

  // Equality and comparison
  scalar({
    name: '==', arity: [2, 2], type: returns('bool'), kql: { infix: '==' }, doc: 'equal (case-sensitive)',
    js: (site) => {
      // A constant right side (the common `Column == "value"` / `ResultType == 0`): compare directly.
      const c = site.consts[1];
      if (typeof c === 'string') return (a) => (typeof a === 'string' ? a === c : kqlEquals(a, c));
      if (typeof c === 'number') {
        const text = toKqlString(c);
        return (a) => (typeof a === 'string' ? a === text : typeof a === 'number' ? a === c : kqlEquals(a, c));
      }
      return kqlEquals;
    },
  }),
  scalar({ name: '!=', arity: [2, 2], type: returns('bool'), kql: { infix: '!=' }, doc: 'not equal', js: () => kqlNotEquals }),
  relational('<', (c) => c < 0),
  relational('<=', (c) => c <= 0),
  relational('>', (c) => c > 0),
  relational('>=', (c) => c >= 0),
  ...STRING_OPS.map(([n, f, d]) => stringOperator(n, f, false, d)),
  ...STRING_OPS.map(([n, f, d]) => stringOperator(n === '=~' ? '!~' : `!${n}`, f, true, `not: ${d}`)),
  inOperator('in', false, false),
  inOperator('!in', false, true),
  inOperator('in~', true, false),
  inOperator('!in~', true, true),
  hasListOperator('has_any'),
  hasListOperator('has_all'),
  scalar({
    name: 'between', arity: [3, 3], kql: { infix: 'between' }, doc: 'inclusive range test',
    type: (args) => (args.every(isTemporalOrNumber) ? 'bool' : fail(`between needs numbers, datetimes or timespans, got ${args.join(', ')}`)),
    js: (site) => { const upper = rangeEnd(site); return (x, lo, hi) => { const a = kqlCompare(x, lo); const b = kqlCompare(x, upper(lo, hi)); return a === null || b === null ? null : a >= 0 && b <= 0; }; },
  }),
  scalar({
    name: '!between', arity: [3, 3], kql: { infix: '!between' }, doc: 'outside an inclusive range',
    type: (args) => (args.every(isTemporalOrNumber) ? 'bool' : fail(`!between needs numbers, datetimes or timespans, got ${args.join(', ')}`)),
    js: (site) => { const upper = rangeEnd(site); return (x, lo, hi) => { const a = kqlCompare(x, lo); const b = kqlCompare(x, upper(lo, hi)); return a === null || b === null ? null : a < 0 || b > 0; }; },
  }),
  scalar({
    name: 'matches regex', arity: [2, 2], type: stringOp('matches regex'), kql: { infix: 'matches regex' }, doc: 'contains a match of a regular expression (RE2/Rust syntax)',
    js: (site) => {
      const fixed = typeof site.consts[1] === 'string' ? compileKqlRegex(site.consts[1]) : undefined;
      return (s, p) => {
        const r = fixed ?? compileKqlRegex(text(p));
        return r.ok ? r.regex.test(text(s)) : null;
      };
    },
  }),

  // Arithmetic
  arithmetic('+', (a, b) => a + b),
  arithmetic('-', (a, b) => a - b),
  arithmetic('*', (a, b) => a * b),
  arithmetic('/', (a, b, int) => (int ? (b === 0 ? NaN : Math.trunc(a / b)) : a / b)),
  // Kusto's modulo is never negative: 0 <= N % D < abs(D), whatever the signs
  // (https://learn.microsoft.com/kusto/query/numerical-operators, "Note on the modulo operator").
  arithmetic('%', (a, b) => { const d = Math.abs(b); return ((a % d) + d) % d; }),
  scalar({ name: 'negate', arity: [1, 1], type: ([t]) => (isNumeric(t!) || t === 'timespan' || t === 'dynamic' ? t! : fail(`cannot negate ${t}`)), kql: { prefix: '-' }, doc: 'unary minus', js: () => (a) => { const n = toNumber(a); return n === null ? null : -n; } }),

  // Math
  ...MATH_FUNCTIONS.map(([name, f, doc]) => scalar({ name, arity: [1, 1], type: realOf(name), kql: { call: name }, passesName: true, doc, js: () => (v) => { const n = toNumber(v); return n === null ? null : f(n); } })),
  // https://learn.microsoft.com/kusto/query/abs-function: of a number or a timespan.
  scalar({ name: 'abs', arity: [1, 1], type: (args) => (args[0] === 'timespan' ? 'timespan' : sameNumeric('abs')(args)), kql: { call: 'abs' }, passesName: true, doc: 'absolute value', js: () => (v) => { const n = toNumber(v); return n === null ? null : Math.abs(n); } }),
  scalar({ name: 'sign', arity: [1, 1], type: realOf('sign'), kql: { call: 'sign' }, doc: '-1, 0 or 1', js: () => (v) => { const n = toNumber(v); return n === null ? null : Math.sign(n); } }),
  scalar({ name: 'ceiling', arity: [1, 1], type: sameNumeric('ceiling'), kql: { call: 'ceiling' }, passesName: true, doc: 'smallest whole number not below', js: () => (v) => { const n = toNumber(v); return n === null ? null : Math.ceil(n); } }),
  scalar({ name: 'pow', arity: [2, 2], type: returns('real'), kql: { call: 'pow' }, passesName: true, doc: 'power', js: () => (a, b) => { const x = toNumber(a); const y = toNumber(b); return x === null || y === null ? null : x ** y; } }),
  scalar({
    name: 'round', arity: [1, 2], type: ([t]) => (isNumeric(t!) ? (t === 'int' || t === 'long' ? 'long' : 'real') : fail(`round needs a number, got ${t}`)), kql: { call: 'round' }, doc: 'rounded to a number of decimals, halves away from zero', passesName: true,
    js: () => (v, p) => {
      const n = toNumber(v);
      const digits = p === undefined ? 0 : toLong(p);
      if (n === null || digits === null) return null;
      const scale = 10 ** digits;
      // 15 significant digits first, so 2.15 * 10 (21.499999999999996) rounds as 21.5 does.
      return (Math.sign(n) * Math.round(Number((Math.abs(n) * scale).toPrecision(15)))) / scale;
    },
  }),
  ...(['isnan', 'isinf', 'isfinite'] as const).map((name) => scalar({
    name, arity: [1, 1], type: returns('bool'), kql: { call: name }, doc: name === 'isnan' ? 'not a number' : name === 'isinf' ? 'infinite' : 'neither infinite nor NaN',
    js: () => (v) => { const n = typeof v === 'number' ? v : toNumber(v); return n === null ? null : name === 'isnan' ? Number.isNaN(n) : name === 'isinf' ? Math.abs(n) === Infinity : Number.isFinite(n); },
  })),

  // Time
  scalar({ name: 'ago', arity: [1, 1], type: ([t]) => (t === 'timespan' ? 'datetime' : fail(`ago needs a timespan, got ${t}`)), kql: { call: 'ago' }, doc: 'now minus a timespan (query clock)', js: (site) => (d) => { const span = toTimespan(d); return span === null ? null : site.run.now - span; } }),
  scalar({ name: 'now', arity: [0, 1], type: returns('datetime'), kql: { call: 'now' }, doc: 'the query clock (plus an optional offset)', js: (site) => (d) => site.run.now + (toTimespan(d) ?? 0) }),
  scalar({
    name: 'bin', arity: [2, 2], passesName: true, kql: { call: 'bin' }, doc: 'round down to a multiple of a size',
    type: ([a, b]) => (a === 'datetime' && b === 'timespan' ? 'datetime' : a === 'timespan' && b === 'timespan' ? 'timespan' : isNumeric(a!) && isNumeric(b!) ? a! : fail(`bin is not defined for ${a} and ${b}`)),
    js: binImpl,
  }),
  scalar({
    name: 'floor', arity: [2, 2], passesName: true, kql: { call: 'floor' }, doc: 'same as bin',
    type: ([a, b]) => (a === 'datetime' && b === 'timespan' ? 'datetime' : a === 'timespan' && b === 'timespan' ? 'timespan' : isNumeric(a!) && isNumeric(b!) ? a! : fail(`floor is not defined for ${a} and ${b}`)),
    js: binImpl,
  }),
  ...(['day', 'week', 'month', 'year'] as const).map((period) => scalar({
    name: `startof${period}`, arity: [1, 2], passesName: true, kql: { call: `startof${period}` },
    doc: `start of the ${period} (UTC${period === 'week' ? ', weeks start on Sunday' : ''}), optionally offset by whole ${period}s`,
    type: ([t, o]) => (t === 'datetime' && (o === undefined || isNumeric(o)) ? 'datetime' : fail(`startof${period} needs a datetime and an optional whole number of ${period}s`)),
    js: (site) => { const dt = datetimeArg(site.types[0]); return (v, offset) => startOf(period, dt(v), offset === undefined ? 0 : toLong(offset)); },
  })),
  // endof*: the last moment of the period, the next period's start less one 100 ns tick, Kusto's
  // smallest step (https://learn.microsoft.com/kusto/query/endofday-function: ...23:59:59.9999999).
  ...(['day', 'week', 'month', 'year'] as const).map((period) => scalar({
    name: `endof${period}`, arity: [1, 2], kql: { call: `endof${period}` },
    doc: `end of the ${period} (UTC, its last tick${period === 'week' ? ', weeks end on Saturday' : ''}), optionally offset by whole ${period}s`,
    type: ([t, o]) => (t === 'datetime' && (o === undefined || isNumeric(o)) ? 'datetime' : fail(`endof${period} needs a datetime and an optional whole number of ${period}s`)),
    js: (site) => {
      const dt = datetimeArg(site.types[0]);
      return (v, offset) => {
        const next = startOf(period, dt(v), offset === undefined ? 1 : (toLong(offset) ?? Number.NaN) + 1);
        return next === null || Number.isNaN(next) ? null : lastTickBefore(next);
      };
    },
  })),
  scalar({
    // https://learn.microsoft.com/kusto/query/bin-at-function
    name: 'bin_at', arity: [3, 3], passesName: true, kql: { call: 'bin_at' }, doc: 'round down to a multiple of a size, bins aligned on a fixed point',
    type: ([a, b, c]) => ((a === 'datetime' && b === 'timespan' && c === 'datetime') || (a === 'timespan' && b === 'timespan' && c === 'timespan') || (isNumeric(a!) && isNumeric(b!) && isNumeric(c!))
      ? (a === 'int' ? 'long' : a!) : fail(`bin_at is not defined for ${a}, ${b} and ${c}: the value and the fixed point of one kind, and a size`)),
    js: (site) => {
      const temporal = site.types[0] === 'datetime' || site.types[0] === 'timespan';
      return (v, size, at) => {
        const [x, d, o] = [toNumber(v), toNumber(size), toNumber(at)];
        if (temporal) return x === null || o === null || d === null || !(d > 0) ? null : binTicks(x, d, o);
        const binned = x === null || o === null ? null : bin(x - o, d);
        return binned === null || o === null ? null : binned + o;
      };
    },
  }),
  // The binder passes the row's _TimeReceived (or a null datetime) as the argument.
  scalar({
    name: 'ingestion_time', arity: [0, 0], type: returns('datetime'), kql: { call: 'ingestion_time' }, columnName: '$IngestionTime',
    doc: "when the record was ingested: the event's _TimeReceived in the evaluator (null without one)", js: () => (received) => received ?? null,
  }),
  scalar({ name: 'datetime_part', arity: [2, 2], type: returns('int'), kql: { call: 'datetime_part' }, doc: 'a part of a datetime (year ... nanosecond, week_of_year as ISO 8601)', js: (site) => { const dt = datetimeArg(site.types[1]); return (p, v) => datetimePart(text(p), dt(v)); } }),
  scalar({ name: 'datetime_add', arity: [3, 3], type: returns('datetime'), kql: { call: 'datetime_add' }, doc: 'a datetime plus a number of calendar units', js: (site) => { const dt = datetimeArg(site.types[2]); return (p, n, v) => datetimeAdd(text(p), toLong(n), dt(v)); } }),
  scalar({
    name: 'make_datetime', arity: [3, 7], type: returns('datetime'), kql: { call: 'make_datetime' }, doc: 'a datetime from year, month, day [, hour, minute, second]',
    js: () => (...parts) => {
      const [y, mo, d, h = 0, mi = 0] = parts.slice(0, 5).map((x) => (x === undefined ? 0 : toLong(x)));
      const sec = parts[5] === undefined ? 0 : toNumber(parts[5]);
      if ([y, mo, d, h, mi, sec].some((x) => x === null)) return null;
      const base = datetimeAdd('month', mo! - 1, datetimeAdd('year', y! - 1970, UNIX_EPOCH_TICKS));
      if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || !(sec! >= 0 && sec! < 60)) return null;
      const t = base! + (d! - 1) * TICKS_PER_DAY + h! * TICKS_PER_HOUR + mi! * TICKS_PER_MINUTE + Math.round(sec! * TICKS_PER_SECOND);
      return datetimePart('month', t) === mo ? t : null; // 2017-02-30 is no date
    },
  }),
  ...([['dayofmonth', 'day'], ['dayofyear', 'dayofyear'], ['hourofday', 'hour'], ['monthofyear', 'month'], ['getmonth', 'month'], ['weekofyear', 'week_of_year'], ['week_of_year', 'week_of_year']] as const).map(([name, part]) =>
    scalar({ name, arity: [1, 1], type: returns('int'), kql: { call: name }, doc: `datetime_part("${part}", ...)`, js: (site) => { const dt = datetimeArg(site.types[0]); return (v) => datetimePart(part, dt(v)); } })),
  scalar({ name: 'getyear', arity: [1, 1], type: returns('int'), kql: { call: 'getyear' }, doc: 'the year', js: (site) => { const dt = datetimeArg(site.types[0]); return (v) => datetimePart('year', dt(v)); } }),
  scalar({
    name: 'dayofweek', arity: [1, 1], type: returns('timespan'), kql: { call: 'dayofweek' }, doc: 'days since the preceding Sunday, as a timespan',
    js: (site) => {
      const dt = datetimeArg(site.types[0]);
      return (v) => { const t = dt(v); return t === null ? null : startOf('day', t)! - startOf('week', t)!; };
    },
  }),
  scalar({
    // https://learn.microsoft.com/kusto/query/make-timespan-function: (hour, minute), (hour, minute, second) or
    // (day, hour, minute, second); an hour outside 0-23, a minute outside 0-59 or a second outside [0, 60) gives null.
    // Kusto.Language takes whole numbers only (KS134), the page's own 55.123 seconds included.
    name: 'make_timespan', arity: [2, 4], kql: { call: 'make_timespan' },
    type: (args) => (args.every((t) => t === 'int' || t === 'long') ? 'timespan' : fail(`make_timespan needs whole numbers (int or long), got ${args.join(', ')}`)),
    doc: 'a timespan from [day,] hour, minute [, second]',
    js: () => (...parts) => {
      const given = parts.filter((x) => x !== undefined).map((x) => toNumber(x));
      const [d, h, m, sec] = given.length === 4 ? given : [0, given[0], given[1], given[2] ?? 0];
      if ([d, h, m, sec].some((x) => x === null || x === undefined)) return null;
      if (!Number.isInteger(d) || !Number.isInteger(h) || !Number.isInteger(m) || h! < 0 || h! > 23 || m! < 0 || m! > 59 || !(sec! >= 0 && sec! < 60)) return null;
      return d! * TICKS_PER_DAY + h! * TICKS_PER_HOUR + m! * TICKS_PER_MINUTE + sec! * TICKS_PER_SECOND;
    },
  }),
  scalar({ name: 'format_timespan', arity: [2, 2], type: returns('string'), kql: { call: 'format_timespan' }, doc: 'timespan as text with a format', js: (site) => { const ts = timespanArg(site.types[0]); return (v, f) => formatTimespanWith(ts(v), text(f)); } }),
  scalar({ name: 'datetime_utc_to_local', arity: [2, 2], type: returns('datetime'), kql: { call: 'datetime_utc_to_local' }, doc: 'UTC to the wall-clock time of an IANA time zone', js: (site) => { const dt = datetimeArg(site.types[0]); return (v, tz) => utcToLocal(dt(v), text(tz)); } }),
  scalar({ name: 'datetime_local_to_utc', arity: [2, 2], type: returns('datetime'), kql: { call: 'datetime_local_to_utc' }, doc: 'wall-clock time of an IANA time zone to UTC', js: (site) => { const dt = datetimeArg(site.types[0]); return (v, tz) => localToUtc(dt(v), text(tz)); } }),
  // Whole ticks: a Unix time in nanoseconds is truncated to its 100 ns tick, as Kusto holds it.
  ...([['unixtime_seconds_todatetime', TICKS_PER_SECOND], ['unixtime_milliseconds_todatetime', TICKS_PER_MS], ['unixtime_microseconds_todatetime', 10], ['unixtime_nanoseconds_todatetime', 0.01]] as const).map(([name, ticks]) =>
    scalar({ name, arity: [1, 1], type: returns('datetime'), kql: { call: name }, doc: 'a datetime from a Unix time', js: () => (v) => { const n = toNumber(v); return n === null ? null : unixTicks(n, ticks); } })),
  scalar({ name: 'datetime_diff', arity: [3, 3], type: returns('long'), kql: { call: 'datetime_diff' }, doc: 'calendar difference in a unit', js: (site) => {
    const [da, db] = [datetimeArg(site.types[1]), datetimeArg(site.types[2])];
    return (p, a, b) => datetimeDiff(text(p), da(a), db(b));
  } }),
  scalar({ name: 'format_datetime', arity: [2, 2], type: returns('string'), kql: { call: 'format_datetime' }, passesName: true, doc: 'datetime as text with a format', js: (site) => { const dt = datetimeArg(site.types[0]); return (v, f) => formatDatetime(dt(v), text(f)); } }),

  // Conversions
  // A datetime or timespan prints as Kusto's text (https://learn.microsoft.com/kusto/query/tostring-function).
  scalar({ name: 'tostring', arity: [1, 1], type: returns('string'), kql: { call: 'tostring' }, doc: 'value as text (null -> "")', passesName: true, js: (site) => (v) => toKqlString(v, site.types[0]) }),
  // A datetime converted to a number is its ticks since 0001-01-01, as tolong (Kusto.Language types
  // toint, todouble, toreal and todecimal of a datetime too), never detc's internal ticks since 2020.
  numberConversion('toint', 'int', (v) => toLong(v), 'to int', true),
  numberConversion('tolong', 'long', (v) => toLong(v), 'to long (a timespan or datetime: its 100 ns ticks, a datetime\'s since 0001-01-01)', true),
  numberConversion('toreal', 'real', (v) => toNumber(v), 'to real', true),
  numberConversion('todouble', 'real', (v) => toNumber(v), 'to real', true),
  conversion('tobool', 'bool', (v) => toBool(v), 'to bool', true),
  conversion('toboolean', 'bool', (v) => toBool(v), 'to bool', true),
  scalar({ name: 'todatetime', arity: [1, 1], type: returns('datetime'), kql: { call: 'todatetime' }, passesName: true, doc: 'to datetime (a number: milliseconds since 1970, as events give them)', js: (site) => datetimeArg(site.types[0]) }),
  numberConversion('todecimal', 'decimal', (v) => toNumber(v), 'to decimal (held as a double in detc)', true),
  // https://learn.microsoft.com/kusto/query/toguid-function: a GUID's text, or null.
  conversion('toguid', 'guid', (v) => { const t = typeof v === 'string' ? v.trim() : ''; return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t) ? t.toLowerCase() : null; }, 'to guid (null when not a GUID)', true),
  scalar({ name: 'gettype', arity: [1, 1], type: returns('string'), kql: { call: 'gettype' }, namePrefix: 'type_', doc: 'the runtime type of a value (of a dynamic one: its JSON kind)', js: (site) => (v) => runtimeType(v, site.types[0]!) }),
  ...BINARY_FUNCTIONS,
  scalar({ name: 'totimespan', arity: [1, 1], type: returns('timespan'), kql: { call: 'totimespan' }, passesName: true, doc: 'to timespan (a number: milliseconds, as events give them)', js: (site) => timespanArg(site.types[0]) }),
  dynamicConversion('parse_json', 'JSON text to dynamic (invalid JSON stays a string)'),
  dynamicConversion('parsejson', 'deprecated name of parse_json'),
  dynamicConversion('todynamic', 'same as parse_json'),

  // Strings
  conversion('tolower', 'string', (v) => text(v).toLowerCase(), 'lower case'),
  conversion('toupper', 'string', (v) => text(v).toUpperCase(), 'upper case'),
  scalar({ name: 'strlen', arity: [1, 1], type: returns('long'), kql: { call: 'strlen' }, namePrefix: 'strlen_', doc: 'length in characters', js: () => (v) => [...text(v)].length }),
  scalar({ name: 'substring', arity: [2, 3], type: returns('string'), kql: { call: 'substring' }, doc: 'part of a string', js: () => (s, start, len) => {
    const chars = [...text(s)];
    // A negative start counts from the end (substring("123456", -2, 2) is "56").
    const first = toLong(start) ?? 0;
    const from = Math.max(0, first < 0 ? chars.length + first : first);
    const n = len === undefined ? chars.length : toLong(len);
    return n === null ? '' : chars.slice(from, from + Math.max(0, n)).join('');
  } }),
  scalar({ name: 'strcat', arity: [1, 64], type: returns('string'), kql: { call: 'strcat' }, doc: 'concatenate as text', js: (site) => (...args) => args.map((a, i) => toKqlString(a, site.types[i])).join('') }),
  scalar({ name: 'split', arity: [2, 3], passesName: true, type: (a) => (a.length === 3 ? 'dynamic' : 'dynamic'), kql: { call: 'split' }, doc: 'split into an array', js: () => (s, d, i) => {
    const parts = text(s).split(text(d));
    return i === undefined ? parts : member(parts, toLong(i) ?? 0) === null ? [] : [member(parts, toLong(i) ?? 0)];
  } }),
  scalar({ name: 'trim', arity: [2, 2], type: returns('string'), kql: { call: 'trim' }, doc: 'remove a regex match at both ends', js: () => (re, s) => {
    const r = compileKqlRegex(text(re));
    return r.ok ? r.regex.trim(text(s)) : text(s);
  } }),
  scalar({ name: 'replace_string', arity: [3, 3], type: returns('string'), kql: { call: 'replace_string' }, doc: 'replace every occurrence', js: () => (s, a, b) => (text(a) === '' ? text(s) : text(s).split(text(a)).join(text(b))) }),
  scalar({ name: 'extract', arity: [3, 4], type: (args) => args[3] ?? 'string', kql: { call: 'extract' }, doc: 'a capture group of a regex match ("" when none), converted to typeof(T) when given', js: (site) => {
    const fixed = typeof site.consts[0] === 'string' ? compileKqlRegex(site.consts[0]) : undefined;
    const type = site.types[3];
    return (re, g, s) => {
      const r = fixed ?? compileKqlRegex(text(re));
      const found = r.ok ? (r.regex.exec(text(s))?.[toLong(g) ?? 0] ?? '') : '';
      return type === undefined || type === 'string' ? found : coerce(found, type);
    };
  } }),
  // toscalar(T | ...): the binder passes the table as a subquery, whose value is its first column
  // (a scalar argument is bound as itself, without the call).
  scalar({
    name: 'toscalar', arity: [1, 1], type: ([t]) => t!, kql: { call: 'toscalar' }, doc: 'the first value of a one-row table expression',
    js: (site) => {
      const none = site.types[0] === 'string' ? '' : null; // strings are never null
      return (column) => (Array.isArray(column) && column.length ? (column[0] ?? none) : none);
    },
  }),
  // typeof(T) as an argument: the binder gives the call type T; it has no value.
  scalar({ name: 'typeof', arity: [1, 1], type: returns('dynamic'), kql: { call: 'typeof' }, doc: 'a type, as the last argument of extract, extract_json and mv-expand', js: () => () => null }),
  scalar({
    name: 'extract_all', arity: [2, 3], type: returns('dynamic'), kql: { call: 'extract_all' }, doc: 'every match of a regex: its capture groups (an array of arrays with several groups); null when none',
    js: (site) => {
      const fixed = typeof site.consts[0] === 'string' ? compileKqlRegex(site.consts[0]) : undefined;
      return (re, a, b) => {
        const r = fixed ?? compileKqlRegex(text(re));
        if (!r.ok) return null;
        const source = text(b === undefined ? a : b);
        const names = r.regex.groupNames();
        const all = Array.from({ length: names.length - 1 }, (_, i) => i + 1);
        const wanted = b === undefined ? all : (D.asArray(a) ?? []).map((g) => (typeof g === 'string' ? names.indexOf(g) : toLong(g) ?? -1));
        if (wanted.length === 0 || wanted.some((g) => g < 1 || g >= names.length)) return null;
        const matches = r.regex.all(source);
        if (matches.length === 0) return null;
        return matches.map((m) => (wanted.length === 1 ? (m.groups[wanted[0]!] ?? '') : wanted.map((g) => m.groups[g] ?? '')));
      };
    },
  }),
  scalar({
    name: 'replace_regex', arity: [3, 3], type: returns('string'), kql: { call: 'replace_regex' }, doc: 'replace every regex match; \\1 in the rewrite is a capture group',
    js: (site) => replaceRegex(site, 1),
  }),
  scalar({
    name: 'replace', arity: [3, 3], type: returns('string'), kql: { call: 'replace' }, doc: 'deprecated form of replace_regex(text, regex, rewrite) with the text last',
    js: (site) => replaceRegex(site, 0),
  }),
  scalar({ name: 'trim_start', arity: [2, 2], type: returns('string'), kql: { call: 'trim_start' }, doc: 'remove a regex match at the start', js: () => (re, s) => { const r = compileKqlRegex(text(re)); return r.ok ? r.regex.trimStart(text(s)) : text(s); } }),
  scalar({ name: 'trim_end', arity: [2, 2], type: returns('string'), kql: { call: 'trim_end' }, doc: 'remove a regex match at the end', js: () => (re, s) => { const r = compileKqlRegex(text(re)); return r.ok ? r.regex.trimEnd(text(s)) : text(s); } }),
  scalar({ name: 'strcat_delim', arity: [3, 64], type: returns('string'), kql: { call: 'strcat_delim' }, doc: 'arguments as text joined by a delimiter', js: (site) => (d, ...args) => args.map((a, i) => toKqlString(a, site.types[i + 1])).join(text(d)) }),
  scalar({ name: 'strcmp', arity: [2, 2], type: returns('long'), kql: { call: 'strcmp' }, doc: '-1, 0 or 1 by ordinal comparison', js: () => (a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0) }),
  scalar({ name: 'reverse', arity: [1, 1], type: returns('string'), kql: { call: 'reverse' }, doc: 'characters in reverse order', js: (site) => (v) => [...toKqlString(v, site.types[0])].reverse().join('') }),
  scalar({
    name: 'countof', arity: [2, 3], type: returns('long'), kql: { call: 'countof' }, doc: 'occurrences of a substring (or of a regex with "regex")',
    js: () => (s, lookup, kind) => {
      const hay = text(s);
      const needle = text(lookup);
      if (kind !== undefined && text(kind) === 'regex') { const r = compileKqlRegex(needle); return r.ok ? r.regex.all(hay).length : null; }
      if (needle === '') return 0;
      let n = 0;
      for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) n++; // overlapping, as documented ("aaa" has "aa" twice)
      return n;
    },
  }),
  scalar({
    name: 'tohex', arity: [1, 2], kql: { call: 'tohex' }, passesName: true, doc: 'a whole number in hexadecimal (negative: two\'s complement, 32-bit for int, 64-bit for long)',
    // Kusto.Language: "The expression value must be an integer" for a real, decimal, bool, string or dynamic argument.
    type: (args) => (args.every((t) => t === 'int' || t === 'long') ? 'string' : fail(`tohex needs whole numbers (int or long), got ${args.join(', ')}`)),
    js: (site) => (v, width) => {
      const n = toLong(v);
      if (n === null) return null;
      const bits = site.types[0] === 'int' ? 32 : 64;
      const hex = (n < 0 ? BigInt.asUintN(bits, BigInt(n)) : BigInt(n)).toString(16);
      // https://learn.microsoft.com/kusto/query/tohex-function: a minLength above 16 is taken as 16.
      return hex.padStart(width === undefined ? 0 : Math.min(16, toLong(width) ?? 0), '0');
    },
  }),
  scalar({ name: 'string_size', arity: [1, 1], type: returns('long'), kql: { call: 'string_size' }, namePrefix: 'string_size_', doc: 'size in bytes (UTF-8)', js: () => (v) => Buffer.byteLength(text(v), 'utf8') }),
  scalar({ name: 'isascii', arity: [1, 1], type: returns('bool'), kql: { call: 'isascii' }, doc: 'only ASCII characters', js: () => (v) => /^[\x00-\x7f]*$/.test(text(v)) }),
  scalar({
    name: 'strrep', arity: [2, 3], type: returns('string'), kql: { call: 'strrep' }, doc: 'a value repeated as text, optionally with a delimiter',
    js: (site) => (v, n, d) => { const k = toLong(n); return k === null || k < 0 ? null : Array<string>(k).fill(toKqlString(v, site.types[0])).join(d === undefined ? '' : text(d)); },
  }),
  scalar({ name: 'parse_csv', arity: [1, 1], type: returns('dynamic'), kql: { call: 'parse_csv' }, doc: 'the fields of the first CSV record (quotes and "" escapes)', js: () => (v) => csvFields(text(v)) }),
  scalar({ name: 'url_decode', arity: [1, 1], type: returns('string'), kql: { call: 'url_decode' }, doc: 'percent-decoding (null when invalid)', js: () => (v) => URL.urlDecode(text(v)) }),
  scalar({ name: 'url_encode', arity: [1, 1], type: returns('string'), kql: { call: 'url_encode' }, doc: 'percent-encoding (spaces as +, lower-case hex)', js: () => (v) => S.urlEncode(text(v), false) }),
  scalar({ name: 'url_encode_component', arity: [1, 1], type: returns('string'), kql: { call: 'url_encode_component' }, doc: 'percent-encoding (spaces as %20, lower-case hex)', js: () => (v) => S.urlEncode(text(v), true) }),
  scalar({ name: 'translate', arity: [3, 3], type: returns('string'), kql: { call: 'translate' }, doc: 'characters of a search list replaced by those of a replacement list', js: () => (f, t, s) => S.translate(text(f), text(t), text(s)) }),
  scalar({
    name: 'has_any_index', arity: [2, 2], type: returns('long'), kql: { call: 'has_any_index' }, doc: 'position of the first item of an array that the text has as a term (-1 if none)',
    js: () => (s, values) => { const hay = text(s); const items = D.asArray(values); return items === null ? null : items.findIndex((v) => S.hasTerm(hay, toKqlString(v), false)); },
  }),
  scalar({ name: 'base64_encode_tostring', arity: [1, 1], type: returns('string'), kql: { call: 'base64_encode_tostring' }, doc: 'UTF-8 text as base64', js: () => (v) => Buffer.from(text(v), 'utf8').toString('base64') }),
  scalar({ name: 'base64_decode_tostring', arity: [1, 1], type: returns('string'), kql: { call: 'base64_decode_tostring' }, doc: 'base64 to UTF-8 text (null when not base64 or not UTF-8)', js: () => (v) => decodeBase64Text(text(v)) }),
  // https://learn.microsoft.com/kusto/query/base64-decode-toarray-function, .../base64-encode-fromarray-function,
  // .../base64-encode-fromguid-function (the GUID's bytes in .NET's order).
  scalar({ name: 'base64_decode_toarray', arity: [1, 1], type: returns('dynamic'), kql: { call: 'base64_decode_toarray' }, doc: 'base64 to an array of its bytes (null when not base64, padding included)', js: () => (v) => (v === null || v === undefined ? null : S.base64Bytes(text(v))) }),
  scalar({ name: 'base64_encode_fromarray', arity: [1, 1], type: returns('string'), kql: { call: 'base64_encode_fromarray' }, doc: 'an array of bytes (0..255) as base64 (null when not one)', js: () => (v) => { const a = dynamicArg(v); return Array.isArray(a) ? S.base64FromBytes(a) : null; } }),
  scalar({
    name: 'base64_encode_fromguid', arity: [1, 1], kql: { call: 'base64_encode_fromguid' }, doc: 'a GUID\'s 16 bytes (.NET order) as base64',
    type: ([t]) => (t === 'guid' ? 'string' : fail(`base64_encode_fromguid() needs a guid, got ${t}: convert with toguid(...)`)),
    js: () => (v) => (typeof v === 'string' ? S.base64FromGuid(v) : null),
  }),
  // https://learn.microsoft.com/kusto/query/isutf8: JavaScript text is UTF-16, so only a lone surrogate is not UTF-8.
  scalar({ name: 'isutf8', arity: [1, 1], type: returns('bool'), kql: { call: 'isutf8' }, doc: 'text encodable as UTF-8 (no lone surrogate)', js: () => (v) => (v === null || v === undefined ? null : S.isWellFormedText(text(v))) }),
  // https://learn.microsoft.com/kusto/query/unicode-codepoints-from-string-function, .../unicode-codepoints-to-string-function,
  // .../format-bytes-function
  scalar({ name: 'unicode_codepoints_from_string', arity: [1, 1], type: returns('dynamic'), kql: { call: 'unicode_codepoints_from_string' }, doc: 'the Unicode code points of the text', js: () => (v) => (v === null || v === undefined ? null : S.codepointsOf(text(v))) }),
  scalar({
    name: 'unicode_codepoints_to_string', arity: [1, 64], kql: { call: 'unicode_codepoints_to_string' }, doc: 'text of code points (numbers or arrays of them; null when one is not a code point)',
    type: (args) => (args.every((t) => t === 'int' || t === 'long' || t === 'dynamic') ? 'string' : fail(`unicode_codepoints_to_string() needs int, long or dynamic arguments, got ${args.join(', ')}`)),
    js: () => (...a) => S.codepointsToString(a.map(dynamicArg)),
  }),
  scalar({
    name: 'format_bytes', arity: [1, 3], type: returns('string'), kql: { call: 'format_bytes' }, doc: 'a size in bytes as text in Bytes, KB (1024), MB ... EB',
    js: () => (v, p, u) => { const n = toNumber(v); return n === null ? null : S.formatBytes(n, p === undefined ? 0 : (toNumber(p) ?? 0), u === undefined || u === null ? '' : text(u)); },
  }),
  // https://learn.microsoft.com/kusto/query/replace-strings-function
  scalar({
    name: 'replace_strings', arity: [3, 3], type: returns('string'), kql: { call: 'replace_strings' }, doc: 'several lookups replaced at once, an earlier lookup first; matches never overlap',
    js: () => (s, lookups, rewrites) => S.replaceStrings(text(s), D.asArray(lookups) ?? [], D.asArray(rewrites) ?? []),
  }),
  scalar({ name: 'hash_sha256', arity: [1, 1], type: returns('string'), kql: { call: 'hash_sha256' }, doc: 'SHA-256 of the UTF-8 text, in hex', js: (site) => (v) => (v === null || v === undefined ? '' : createHash('sha256').update(toKqlString(v, site.types[0]), 'utf8').digest('hex')) }),
  scalar({ name: 'hash_md5', arity: [1, 1], type: returns('string'), kql: { call: 'hash_md5' }, doc: 'MD5 of the UTF-8 text, in hex', js: (site) => (v) => (v === null || v === undefined ? '' : createHash('md5').update(toKqlString(v, site.types[0]), 'utf8').digest('hex')) }),
  scalar({ name: 'hash_sha1', arity: [1, 1], type: returns('string'), kql: { call: 'hash_sha1' }, doc: 'SHA-1 of the UTF-8 text, in hex', js: (site) => (v) => (v === null || v === undefined ? '' : createHash('sha1').update(toKqlString(v, site.types[0]), 'utf8').digest('hex')) }),
  ...['hash', 'hash_xxhash64'].map((name) => scalar({
    name, arity: [1, 2], kql: { call: name }, doc: 'XXH64 of a string (UTF-8) or datetime (ticks), optionally modulo a number (exact with a modulo, as hash(x) % n and when printed; otherwise beyond 2^53 the nearest double, with a warning)',
    approximation: ([, m]) => hashApproximation(name, m),
    type: ([t, m]) => ((t === 'string' || t === 'datetime') && (m === undefined || m === 'int' || m === 'long') ? 'long'
      : fail(`${name}() of ${t}${m && m !== 'int' && m !== 'long' ? ` with a ${m} modulo` : ''}: detc knows the bytes Kusto hashes for strings and datetimes only (the documented examples); hash tostring(...) of the value, with a whole-number modulo`)),
    js: (site) => {
      const type = site.types[0] as 'string' | 'datetime';
      // Where the binder asks for the exact value's text or remainder (ir/exact-hash.ts).
      if (site.consts[1] === HASH_AS_TEXT) return (v) => (v === null || v === undefined ? null : xxhash64Text(v as string | number, type));
      if (site.consts[1] === HASH_REMAINDER) {
        return (v, _hidden, divisor) => {
          const d = toLong(divisor);
          return v === null || v === undefined || d === null || d === 0 ? null : xxhash64Remainder(v as string | number, type, d);
        };
      }
      return (v, m) => {
        const mod = m === undefined ? undefined : toLong(m);
        if (v === null || v === undefined || mod === null || (mod !== undefined && mod <= 0)) return null;
        return xxhash64(v as string | number, type, mod);
      };
    },
  })),
  scalar({ name: 'parse_url', arity: [1, 1], type: returns('dynamic'), kql: { call: 'parse_url' }, doc: 'the parts of an absolute URL', js: () => (v) => URL.parseUrl(text(v)) }),
  scalar({ name: 'parse_urlquery', arity: [1, 1], type: returns('dynamic'), kql: { call: 'parse_urlquery' }, doc: 'the parameters of a URL query', js: () => (v) => URL.parseUrlQuery(text(v)) }),
  scalar({ name: 'parse_path', arity: [1, 1], type: returns('dynamic'), kql: { call: 'parse_path' }, doc: 'the parts of a file path', js: () => (v) => URL.parsePath(text(v)) }),
  // The binder resolves the column (it knows the row's schema) and passes it, or the default, as the second argument.
  // After bag_unpack it passes the unpacked column third: undefined when no row has it (then the default).
  ...['column_ifexists', 'columnifexists'].map((name) => scalar({
    name, arity: [2, 2], type: ([, t]) => t!, kql: { call: name }, doc: 'a column if the table has it, else a default value',
    // Named after the column when the row has it (bound with the column in place of the default), as
    // Kusto.Language names it; otherwise ColumnN.
    nameOf: (args) => {
      const [column, read] = args;
      return args.length === 2 && column?.kind === 'literal' && read?.kind === 'column' && read.name === column.value ? read.name : undefined;
    },
    js: (site) => (_name, v, unpacked) => (unpacked === undefined ? v : castElement(unpacked, site.types[1]!)),
  })),
  scalar({ name: 'isempty', arity: [1, 1], type: returns('bool'), kql: { call: 'isempty' }, doc: 'null or ""', js: () => (v) => v === null || v === undefined || v === '' } ),
  scalar({ name: 'isnotempty', arity: [1, 1], type: returns('bool'), kql: { call: 'isnotempty' }, doc: 'not null and not ""', js: () => (v) => !(v === null || v === undefined || v === '') }),
  scalar({ name: 'isnull', arity: [1, 1], type: returns('bool'), kql: { call: 'isnull' }, doc: 'null (a string is never null)', js: () => (v) => v === null || v === undefined }),
  scalar({ name: 'isnotnull', arity: [1, 1], type: returns('bool'), kql: { call: 'isnotnull' }, doc: 'not null', js: () => (v) => !(v === null || v === undefined) }),

  // Conditionals
  ...(['iff', 'iif'] as const).map((name) => scalar({
    name, arity: [3, 3], kql: { call: name }, doc: name === 'iff' ? 'if-then-else (null condition -> else)' : 'same as iff',
    type: ([, a, b]) => branchType([a!, b!]),
    js: (site) => {
      const value = branchValue(site, 'iff');
      return (c, a, b) => (c === true ? value(a, 1) : value(b, 2));
    },
    inline: (arg, _temp, call) => (convertsBranches('iff', call) ? undefined : `(${arg(0)} === true ? ${arg(1)} : ${arg(2)})`),
  })),
  scalar({
    name: 'case', arity: [3, 255], kql: { call: 'case' }, doc: 'first branch whose predicate is true, else the last argument',
    type: (args) => {
      if (args.length % 2 === 0) return fail('case needs pairs of predicate, value and a final else value');
      return branchType(branchIndexes('case', args.length).map((i) => args[i]!));
    },
    js: (site) => {
      const value = branchValue(site, 'case');
      return (...args) => {
        for (let i = 0; i + 1 < args.length; i += 2) if (args[i] === true) return value(args[i + 1], i + 1);
        return value(args[args.length - 1], args.length - 1);
      };
    },
    inline: (arg, _temp, call) => {
      if (convertsBranches('case', call)) return undefined;
      const n = call.args.length;
      let code = arg(n - 1);
      for (let i = n - 3; i >= 0; i -= 2) code = `(${arg(i)} === true ? ${arg(i + 1)} : ${code})`;
      return code;
    },
  }),
  scalar({
    name: 'coalesce', arity: [1, 64], kql: { call: 'coalesce' }, doc: 'first non-null (non-empty for strings) argument',
    type: coalesceType,
    js: () => (...args) => args.find((a) => a !== null && a !== undefined && a !== '') ?? (typeof args[0] === 'string' ? '' : null),
  }),

  extremeOf('max_of', 1),
  extremeOf('min_of', -1),

  // Dynamic
  scalar({ name: 'array_length', arity: [1, 1], type: returns('long'), kql: { call: 'array_length' }, doc: 'array length (null for non-arrays)', js: () => (v) => { const d = dynamicArg(v); return Array.isArray(d) ? d.length : null; } }),
  scalar({
    name: 'set_has_element', arity: [2, 2], type: returns('bool'), kql: { call: 'set_has_element' }, doc: 'array contains a value',
    js: (site) => {
      const read = elementReader(site.types[1]);
      return (arr, v) => { const d = dynamicArg(arr); return Array.isArray(d) ? d.some((x) => kqlEquals(read(x), v) === true) : null; };
    },
  }),

  scalar({
    name: 'pack', arity: [2, 128], kql: { call: 'pack' }, doc: 'a property bag from key, value pairs',
    type: (args) => (args.length % 2 === 0 ? 'dynamic' : fail('pack needs key, value pairs')),
    js: (site) => (...args) => bag(args, site.types),
  }),
  scalar({
    name: 'bag_pack', arity: [2, 128], kql: { call: 'bag_pack' }, doc: 'same as pack',
    type: (args) => (args.length % 2 === 0 ? 'dynamic' : fail('bag_pack needs key, value pairs')),
    js: (site) => (...args) => bag(args, site.types),
  }),
  scalar({ name: 'set_union', arity: [2, 64], type: returns('dynamic'), kql: { call: 'set_union' }, doc: 'distinct values of all arrays', js: () => (...a) => D.setUnion(a) }),
  scalar({ name: 'set_intersect', arity: [2, 64], type: returns('dynamic'), kql: { call: 'set_intersect' }, doc: 'distinct values in every array', js: () => (...a) => D.setIntersect(a) }),
  // https://learn.microsoft.com/kusto/query/jaccard-index-function, .../bag-zip, .../dynamic-to-json-function
  // jaccard_index: typed dynamic, as Kusto.Language types it.
  scalar({ name: 'jaccard_index', arity: [2, 2], type: returns('dynamic'), kql: { call: 'jaccard_index' }, doc: '|s1 ∩ s2| / |s1 ∪ s2| of the distinct values', js: () => (a, b) => D.jaccardIndex(a, b) }),
  scalar({ name: 'bag_zip', arity: [2, 2], type: returns('dynamic'), kql: { call: 'bag_zip' }, doc: 'a bag of string keys and the values at the same positions', js: () => (k, v) => D.bagZip(k, v) }),
  scalar({
    name: 'dynamic_to_json', arity: [1, 1], type: returns('string'), kql: { call: 'dynamic_to_json' }, doc: 'JSON text with every bag\'s keys sorted (a non-dynamic value: tostring)',
    js: (site) => (v) => (site.types[0] === 'dynamic' && v !== null && typeof v === 'object' ? D.canonicalJson(v) : toKqlString(v, site.types[0])),
  }),
  scalar({ name: 'set_difference', arity: [2, 64], type: returns('dynamic'), kql: { call: 'set_difference' }, doc: 'distinct values of the first array in none of the others', js: () => (...a) => D.setDifference(a) }),
  scalar({ name: 'array_concat', arity: [1, 64], type: returns('dynamic'), kql: { call: 'array_concat' }, doc: 'arrays joined into one', js: () => (...a) => D.arrayConcat(a) }),
  scalar({
    name: 'array_index_of', arity: [2, 5], type: returns('long'), kql: { call: 'array_index_of' }, doc: 'position of a value in an array (-1 if absent)',
    js: (site) => (arr, v, start, length, occurrence) => D.arrayIndexOf(arr, dynamicElement(v, site.types[1]), toLong(start ?? 0) ?? 0, toLong(length ?? -1) ?? -1, toLong(occurrence ?? 1) ?? 1),
  }),
  scalar({
    name: 'array_iff', arity: [3, 3], type: returns('dynamic'), kql: { call: 'array_iff' }, doc: 'element-wise iff over a condition array (branches: arrays or one value)',
    js: (site) => (c, t, f) => D.arrayIff(c, dynamicElement(t, site.types[1]), dynamicElement(f, site.types[2])),
  }),
  scalar({
    name: 'array_iif', arity: [3, 3], type: returns('dynamic'), kql: { call: 'array_iif' }, doc: 'same as array_iff',
    js: (site) => (c, t, f) => D.arrayIff(c, dynamicElement(t, site.types[1]), dynamicElement(f, site.types[2])),
  }),
  ...(['left', 'right'] as const).map((side) => scalar({
    name: `array_shift_${side}`, arity: [2, 3], type: returns('dynamic'), kql: { call: `array_shift_${side}` }, doc: `elements moved ${side} by a count; the emptied places get a default (null, or "" for strings)`,
    js: (site) => (a, n, d) => D.arrayShift(a, toLong(n), d === undefined ? undefined : dynamicElement(d, site.types[2]), side === 'left'),
  })),
  ...(['left', 'right'] as const).map((side) => scalar({
    name: `array_rotate_${side}`, arity: [2, 2], type: returns('dynamic'), kql: { call: `array_rotate_${side}` }, doc: `elements rotated ${side} by a count`,
    js: () => (a, n) => D.arrayRotate(a, toLong(n), side === 'left'),
  })),
  scalar({
    name: 'array_split', arity: [2, 2], kql: { call: 'array_split' }, doc: 'an array cut at indices into N+1 arrays',
    type: (args) => (isNumeric(args[1]!) && args[1] !== 'real' && args[1] !== 'decimal') || args[1] === 'dynamic' ? 'dynamic' : fail(`array_split needs a whole-number index or an array of them, got ${args[1]}`),
    js: () => (a, i) => D.arraySplit(a, typeof i === 'string' ? parseJson(i) : i),
  }),
  scalar({
    name: 'bag_set_key', arity: [3, 3], type: returns('dynamic'), kql: { call: 'bag_set_key' }, doc: 'a property bag with a key (or JSONPath) set to a value',
    js: (site) => (b, k, v) => D.bagSetKey(b, text(k), dynamicElement(v, site.types[2])),
  }),
  scalar({
    name: 'range', arity: [2, 3], kql: { call: 'range' }, doc: 'an array of start, start+step, ... up to stop (at most 1,048,576 values)',
    type: (args) => {
      const [start, stop, step] = args as [ScalarType, ScalarType, ScalarType | undefined];
      const temporal = start === 'datetime' || start === 'timespan';
      const ok = temporal ? stop === start && (step === undefined || step === 'timespan') : isNumeric(start) && isNumeric(stop) && (step === undefined || isNumeric(step));
      return ok ? 'dynamic' : fail(`range needs numbers, or datetimes/timespans with a timespan step; got ${args.join(', ')}`);
    },
    js: (site) => {
      const type = site.types[0];
      const temporal = type === 'datetime' || type === 'timespan';
      // The page: the default step is 1 for numbers and 1h for datetimes and timespans.
      const defaultStep = temporal ? toTimespan('01:00:00') : 1;
      return (start, stop, step) => {
        const a = toNumber(start);
        const b = toNumber(stop);
        const d = step === undefined ? defaultStep : toNumber(step);
        if (a === null || b === null || d === null || d === 0) return null;
        const out: Value[] = [];
        for (let k = 0; out.length < 1_048_576; k++) {
          const v = a + k * d;
          if (d > 0 ? v > b : v < b) break;
          out.push(dynamicElement(v, type));
        }
        return out;
      };
    },
  }),
  arraySortEntry('array_sort_asc', false),
  arraySortEntry('array_sort_desc', true),
  scalar({ name: 'array_reverse', arity: [1, 1], type: returns('dynamic'), kql: { call: 'array_reverse' }, doc: 'an array in reverse order', js: () => (arr) => { const a = D.asArray(arr); return a === null ? null : [...a].reverse(); } }),
  scalar({ name: 'array_sum', arity: [1, 1], type: returns('real'), kql: { call: 'array_sum' }, doc: 'sum of an array of numbers', js: () => (arr) => D.arraySum(arr) }),
  scalar({ name: 'bag_keys', arity: [1, 1], type: returns('dynamic'), kql: { call: 'bag_keys' }, doc: 'the keys of a property bag', js: () => (v) => D.bagKeys(v) }),
  scalar({ name: 'bag_merge', arity: [2, 64], type: returns('dynamic'), kql: { call: 'bag_merge' }, doc: 'property bags merged (the first bag with a key wins)', js: () => (...bags) => D.bagMerge(bags) }),
  scalar({ name: 'bag_remove_keys', arity: [2, 2], type: returns('dynamic'), kql: { call: 'bag_remove_keys' }, doc: 'a property bag without some keys', js: () => (b, keys) => D.bagRemoveKeys(b, keys) }),
  scalar({
    name: 'repeat', arity: [2, 2], type: returns('dynamic'), kql: { call: 'repeat' }, doc: 'an array of a value repeated',
    js: (site) => (v, n) => { const k = toLong(n); return k === null ? null : Array<Value>(Math.max(0, k)).fill(dynamicElement(v, site.types[0])); },
  }),
  scalar({ name: 'bag_has_key', arity: [2, 2], type: returns('bool'), kql: { call: 'bag_has_key' }, doc: 'a property bag has a key', js: () => (b, k) => D.bagHasKey(b, text(k)) }),
  scalar({
    name: 'zip', arity: [2, 16], type: returns('dynamic'), kql: { call: 'zip' }, doc: 'arrays merged element-wise (shorter ones padded with null)',
    js: () => (...arrays) => {
      const parsed = arrays.map(D.asArray);
      if (parsed.some((a) => a === null)) return null;
      const length = Math.max(...parsed.map((a) => a!.length));
      return Array.from({ length }, (_, i) => parsed.map((a) => a![i] ?? null));
    },
  }),
  scalar({ name: 'pack_array', arity: [1, 128], type: returns('dynamic'), kql: { call: 'pack_array' }, doc: 'an array of the arguments', js: (site) => (...args) => args.map((a, i) => dynamicElement(a, site.types[i])) }),
  scalar({
    name: 'array_slice', arity: [3, 3], type: returns('dynamic'), kql: { call: 'array_slice' }, doc: 'elements start..end (inclusive; negative counts from the end)',
    js: () => (arr, start, end) => {
      const d = dynamicArg(arr);
      if (!Array.isArray(d)) return null;
      const at = (i: number | null) => (i === null ? null : i < 0 ? d.length + i : i);
      const a = at(toLong(start));
      const b = at(toLong(end));
      return a === null || b === null ? null : d.slice(Math.max(0, a), Math.max(0, b + 1));
    },
  }),
  scalar({
    name: 'indexof', arity: [2, 5], type: returns('long'), kql: { call: 'indexof' }, doc: 'position of the nth occurrence of a substring within a range (-1 if absent)',
    js: (site) => (s, lookup, start, length, occurrence) => {
      const [from, len, nth] = [toLong(start ?? 0), toLong(length ?? -1), toLong(occurrence ?? 1)];
      if (from === null || len === null || nth === null || nth < 1) return null;
      const needle = toKqlString(lookup, site.types[1]);
      return nthIndexOf(toKqlString(s, site.types[0]), needle, from, len, nth, (hay, at) => {
        const i = hay.indexOf(needle, at);
        return i < 0 ? undefined : { start: i, end: i + Math.max(1, needle.length) };
      });
    },
  }),
  scalar({
    name: 'extractjson', arity: [2, 3], type: (args) => args[2] ?? 'string', kql: { call: 'extractjson' }, doc: 'the value at a JSONPath ($.a.b[0]) in JSON text, as text or as typeof(T)',
    js: (site) => {
      const path = typeof site.consts[0] === 'string' ? parseJsonPath(site.consts[0]) : undefined;
      const type = site.types[2];
      return (p, json) => {
        const steps = path ?? parseJsonPath(text(p));
        let v: Value = steps ? parseJson(text(json)) : null;
        for (const step of steps ?? []) v = member(v, step);
        return type === undefined || type === 'string' ? toKqlString(v) : type === 'dynamic' ? v : coerce(v, type);
      };
    },
  }),
  scalar({
    name: 'extract_json', arity: [2, 3], type: (args) => args[2] ?? 'string', kql: { call: 'extract_json' }, doc: 'same as extractjson',
    js: (site) => scalarEntry('extractjson').js(site),
  }),
  scalar({
    name: 'indexof_regex', arity: [2, 5], type: returns('long'), kql: { call: 'indexof_regex' }, doc: 'position of the nth regex match within a range (-1 if none; null for a negative start)',
    js: (site) => {
      const fixed = typeof site.consts[1] === 'string' ? compileKqlRegex(site.consts[1]) : undefined;
      return (s, re, start, length, occurrence) => {
        const r = fixed ?? compileKqlRegex(text(re));
        const [from, len, nth] = [toLong(start ?? 0), toLong(length ?? -1), toLong(occurrence ?? 1)];
        if (!r.ok || from === null || from < 0 || len === null || nth === null || nth < 1) return null;
        const hay = text(s);
        const window = hay.slice(from, len < 0 ? undefined : from + len);
        const m = r.regex.all(window)[nth - 1];
        return m === undefined ? -1 : m.start + from;
      };
    },
  }),
  scalar({ name: 'strcat_array', arity: [2, 2], type: returns('string'), kql: { call: 'strcat_array' }, doc: 'array elements joined with a delimiter', js: () => (arr, d) => { const a = dynamicArg(arr); return Array.isArray(a) ? a.map((x) => toKqlString(x)).join(text(d)) : ''; } }),

  // Network
  scalar({ name: 'ipv4_is_private', arity: [1, 1], type: returns('bool'), kql: { call: 'ipv4_is_private' }, doc: 'RFC 1918 address (with a /prefix: the whole network)', js: () => (ip) => IP.ipv4IsPrivate(text(ip)) }),
  scalar({ name: 'ipv4_range_to_cidr_list', arity: [2, 2], type: returns('dynamic'), kql: { call: 'ipv4_range_to_cidr_list' }, doc: 'the CIDR blocks covering an IPv4 address range', js: () => (a, b) => IP.ipv4RangeToCidrList(text(a), text(b)) }),
  scalar({ name: 'ipv4_is_in_range', arity: [2, 2], type: returns('bool'), kql: { call: 'ipv4_is_in_range' }, doc: 'address in a CIDR range', js: () => (ip, r) => IP.ipv4InRange(text(ip), text(r)) }),
  scalar({ name: 'ipv4_is_in_any_range', arity: [2, 64], type: returns('bool'), kql: { call: 'ipv4_is_in_any_range' }, doc: 'address in any of several CIDR ranges (strings or arrays of them)', js: () => (ip, ...ranges) => IP.ipv4InAnyRange(text(ip), flatten(ranges.map(dynamicArg)).map(text)) }),
  scalar({ name: 'ipv4_is_match', arity: [2, 3], type: returns('bool'), kql: { call: 'ipv4_is_match' }, doc: 'two addresses equal under the smaller prefix', js: () => (a, b, p) => IP.ipv4IsMatch(text(a), text(b), p === undefined ? undefined : toLong(p)) }),
  scalar({ name: 'ipv4_compare', arity: [2, 3], type: returns('long'), kql: { call: 'ipv4_compare' }, doc: '-1, 0 or 1 under the smaller prefix', js: () => (a, b, p) => IP.ipv4Compare(text(a), text(b), p === undefined ? undefined : toLong(p)) }),
  scalar({ name: 'ipv6_is_match', arity: [2, 3], type: returns('bool'), kql: { call: 'ipv6_is_match' }, doc: 'two IPv6 (or IPv4) addresses equal under the smaller prefix', js: () => (a, b, p) => IP.ipv6IsMatch(text(a), text(b), p === undefined ? undefined : toLong(p)) }),
  scalar({ name: 'ipv6_compare', arity: [2, 3], type: returns('long'), kql: { call: 'ipv6_compare' }, doc: '-1, 0 or 1 for IPv6 (or IPv4) addresses under the smaller prefix', js: () => (a, b, p) => IP.ipv6Compare(text(a), text(b), p === undefined ? undefined : toLong(p)) }),
  scalar({ name: 'has_ipv4', arity: [2, 2], type: returns('bool'), kql: { call: 'has_ipv4' }, doc: 'text holds an IPv4 address (delimited)', js: () => (s, ip) => IP.hasIpv4(text(s), text(ip)) }),
  scalar({ name: 'has_ipv4_prefix', arity: [2, 2], type: returns('bool'), kql: { call: 'has_ipv4_prefix' }, doc: 'text holds an IPv4 address with a prefix', js: () => (s, p) => IP.hasIpv4Prefix(text(s), [text(p)]) }),
  scalar({ name: 'has_any_ipv4_prefix', arity: [2, 64], type: returns('bool'), kql: { call: 'has_any_ipv4_prefix' }, doc: 'text holds an IPv4 address with any of several prefixes', js: () => (s, ...ps) => IP.hasIpv4Prefix(text(s), flatten(ps.map(dynamicArg)).map(text)) }),
  scalar({ name: 'has_any_ipv4', arity: [2, 64], type: returns('bool'), kql: { call: 'has_any_ipv4' }, doc: 'text holds any of several IPv4 addresses', js: () => (s, ...ips) => flatten(ips.map(dynamicArg)).some((ip) => IP.hasIpv4(text(s), text(ip)) === true) }),
  scalar({ name: 'ipv6_is_in_range', arity: [2, 2], type: returns('bool'), kql: { call: 'ipv6_is_in_range' }, doc: 'IPv6 (or IPv4) address in a prefix range', js: () => (ip, r) => IP.ipv6InRange(text(ip), text(r)) }),
  scalar({ name: 'ipv6_is_in_any_range', arity: [2, 64], type: returns('bool'), kql: { call: 'ipv6_is_in_any_range' }, doc: 'IPv6 (or IPv4) address in any of several ranges', js: () => (ip, ...ranges) => IP.ipv6InAnyRange(text(ip), flatten(ranges.map(dynamicArg)).map(text)) }),
  scalar({ name: 'format_ipv4', arity: [1, 2], type: returns('string'), kql: { call: 'format_ipv4' }, doc: 'an address (text or number) masked to a prefix, as text', js: () => (ip, p) => IP.formatIpv4(typeof ip === 'number' ? ip : text(ip), p === undefined ? undefined : toLong(p)) }),
  scalar({ name: 'format_ipv4_mask', arity: [1, 2], type: returns('string'), kql: { call: 'format_ipv4_mask' }, doc: 'an address masked to a prefix, as a.b.c.d/n', js: () => (ip, p) => IP.formatIpv4Mask(typeof ip === 'number' ? ip : text(ip), p === undefined ? undefined : toLong(p)) }),
  scalar({ name: 'ipv4_netmask_suffix', arity: [1, 1], type: returns('long'), kql: { call: 'ipv4_netmask_suffix' }, doc: 'the prefix length of an address (32 without one)', js: () => (ip) => IP.ipv4NetmaskSuffix(text(ip)) }),
  scalar({ name: 'parse_ipv6', arity: [1, 1], type: returns('string'), kql: { call: 'parse_ipv6' }, doc: 'an IPv6 (or IPv4) address in canonical form', js: () => (v) => IP.parseIpv6Text(text(v)) }),
  scalar({ name: 'parse_ipv6_mask', arity: [2, 2], type: returns('string'), kql: { call: 'parse_ipv6_mask' }, doc: 'an IPv6 (or IPv4) address in canonical form, masked to a prefix ("" when invalid)', js: () => (v, p) => IP.parseIpv6Mask(text(v), toNumber(p)) }),
  scalar({ name: 'parse_ipv4', arity: [1, 1], type: returns('long'), kql: { call: 'parse_ipv4' }, doc: 'an IPv4 address (with an optional /prefix) as a number', js: () => (v) => IP.parseIpv4Number(text(v)) }),
  scalar({ name: 'parse_ipv4_mask', arity: [2, 2], type: returns('long'), kql: { call: 'parse_ipv4_mask' }, doc: 'an IPv4 address masked to a prefix (0..32), as a number', js: () => (v, p) => IP.parseIpv4Mask(text(v), toNumber(p)) }),

  // Aggregates
  aggregate({ name: 'count', arity: [0, 1], type: returns('long'), kql: { call: 'count' }, columnPrefix: 'count', namedByArg: true, doc: 'number of rows', js: () => () => new Counter() }),
  aggregate({ name: 'countif', arity: [1, 1], type: returns('long'), kql: { call: 'countif' }, columnPrefix: 'countif', namedByArg: false, doc: 'rows where a predicate is true', js: () => accumulate(() => 0, (n, p) => (p === true ? n + 1 : n), (n) => n) }),
  aggregate({
    name: 'dcount', arity: [1, 2], type: returns('long'), kql: { call: 'dcount' }, columnPrefix: 'dcount', namedByArg: true, doc: 'distinct values (exact; Kusto estimates)',
    js: () => distinctValues({ limit: Infinity, withPredicate: false, countOnly: true }),
    distinct: { result: 'count', limit: () => Infinity },
  }),
  aggregate({
    name: 'dcountif', arity: [2, 3], type: returns('long'), kql: { call: 'dcountif' }, columnPrefix: 'dcountif', namedByArg: true, doc: 'distinct values where a predicate is true',
    js: () => distinctValues({ limit: Infinity, withPredicate: true, countOnly: true }),
  }),
  aggregate({
    name: 'make_bag', arity: [1, 2], type: returns('dynamic'), kql: { call: 'make_bag' }, columnPrefix: 'bag', namedByArg: true, doc: 'property bags merged (the first value of a key wins)',
    js: (site) => () => new BagAccumulator(sizeLimit(site, 1), false),
  }),
  aggregate({
    name: 'make_bag_if', arity: [2, 3], type: returns('dynamic'), kql: { call: 'make_bag_if' }, columnPrefix: 'bag', namedByArg: true, doc: 'make_bag of the rows where a predicate is true',
    js: (site) => () => new BagAccumulator(sizeLimit(site, 2), true),
  }),
  aggregate({
    name: 'count_distinct', arity: [1, 1], type: returns('long'), kql: { call: 'count_distinct' }, columnPrefix: 'count_distinct', namedByArg: true, doc: 'exact number of distinct values',
    js: () => distinctValues({ limit: Infinity, withPredicate: false, countOnly: true }),
  }),
  aggregate({
    name: 'count_distinctif', arity: [2, 2], type: returns('long'), kql: { call: 'count_distinctif' }, columnPrefix: 'count_distinctif', namedByArg: true, doc: 'exact number of distinct values where a predicate is true',
    js: () => distinctValues({ limit: Infinity, withPredicate: true, countOnly: true }),
  }),
  aggregate({
    name: 'avgif', arity: [2, 2], type: ([t]) => (t === 'timespan' ? 'timespan' : 'real'), kql: { call: 'avgif' }, columnPrefix: 'avgif', namedByArg: true, doc: 'average where a predicate is true',
    js: () => accumulate(() => [0, 0] as [number, number], (s, v, p) => { const n = p === true ? toNumber(v) : null; return n === null ? s : ([s[0] + n, s[1] + 1] as [number, number]); }, (s) => (s[1] ? s[0] / s[1] : NaN)),
  }),
  extremumIf('minif', -1),
  extremumIf('maxif', 1),
  ...['stdev', 'stdevif', 'stdevp', 'variance', 'varianceif', 'variancep', 'variancepif'].map((name) => spread(name, name.endsWith('if'))),
  aggregate({
    name: 'make_list_with_nulls', arity: [1, 2], type: returns('dynamic'), kql: { call: 'make_list_with_nulls' }, columnPrefix: 'list', namedByArg: true, doc: 'values as an array, nulls included',
    js: (site) => { const limit = sizeLimit(site, 1); const type = site.types[0]; return accumulate<Value[]>(() => [], (l, v) => { if (l.length < limit) l.push(v === undefined ? null : dynamicElement(v, type)); return l; }, (l) => l); },
  }),
  setAggregate('make_set', false),
  setAggregate('make_set_if', true),
  setAggregate('make_list', false),
  setAggregate('make_list_if', true),
  setAggregate('makeset', false, 'set', 128),
  setAggregate('makelist', false, 'list', 128),
  extremum('min'),
  extremum('max'),
  aggregate({ name: 'sum', arity: [1, 1], type: sumType, kql: { call: 'sum' }, columnPrefix: 'sum', namedByArg: true, doc: 'sum (nulls ignored)', js: () => accumulate(() => 0, (s, v) => s + (toNumber(v) ?? 0), (s) => s) }),
  aggregate({ name: 'sumif', arity: [2, 2], type: sumType, kql: { call: 'sumif' }, columnPrefix: 'sumif', namedByArg: true, doc: 'sum where a predicate is true', js: () => accumulate(() => 0, (s, v, p) => s + (p === true ? (toNumber(v) ?? 0) : 0), (s) => s) }),
  aggregate({
    // The average of timespans is a timespan (https://learn.microsoft.com/kusto/query/avg-aggregation-function).
    // Of datetimes, a datetime (Kusto.Language's type); a datetime or timespan average is rounded to a whole tick.
    name: 'avg', arity: [1, 1], type: ([t]) => (t === 'timespan' || t === 'datetime' ? t : 'real'), kql: { call: 'avg' }, columnPrefix: 'avg', namedByArg: true, doc: 'average (nulls ignored)',
    js: (site) => {
      const ticks = site.types[0] === 'timespan' || site.types[0] === 'datetime';
      return accumulate(() => [0, 0] as [number, number], (s, v) => { const n = toNumber(v); return n === null ? s : ([s[0] + n, s[1] + 1] as [number, number]); }, (s) => (s[1] ? (ticks ? Math.round(s[0] / s[1]) : s[0] / s[1]) : ticks ? null : NaN));
    },
  }),
  // arg_max/arg_min/take_any produce several columns; the binder names them and the backend
  // keeps the winning row. Their js accumulator tracks the best key.
  aggregate({ name: 'arg_max', arity: [1, 64], type: ([t]) => t!, kql: { call: 'arg_max' }, columnPrefix: '', namedByArg: true, doc: 'columns of the row with the largest key', js: () => argBest(1), multiOutput: true }),
  aggregate({ name: 'arg_min', arity: [1, 64], type: ([t]) => t!, kql: { call: 'arg_min' }, columnPrefix: '', namedByArg: true, doc: 'columns of the row with the smallest key', js: () => argBest(-1), multiOutput: true }),
  aggregate({
    name: 'anyif', arity: [2, 2], type: ([t]) => t!, kql: { call: 'anyif' }, columnPrefix: 'anyif', namedByArg: true, doc: 'a value of a row where a predicate is true (deprecated form of take_anyif)',
    js: () => accumulate<Value>(() => undefined, (found, v, p) => (found === undefined && p === true && present(v) && v !== '' ? v : found), (found) => found ?? null),
  }),
  // The deprecated any(x) names its column any_x, unlike take_any (Kusto.Language); one argument here.
  aggregate({
    name: 'any', arity: [1, 1], type: ([t]) => t!, kql: { call: 'any' }, columnPrefix: 'any', namedByArg: true, doc: 'deprecated form of take_any (one argument)',
    js: () => () => { const best = argBest(0)(); return { add: best.add, result: () => (best.result() as Value[])[0] ?? null }; },
  }),
  percentileAggregate('percentile'),
  percentileAggregate('percentiles'),
  aggregate({
    name: 'percentiles_array', arity: [2, 64], kql: { call: 'percentiles_array' }, columnPrefix: 'percentiles', namedByArg: true, doc: 'nearest-rank percentiles as an array (exact; Kusto estimates)',
    approximation: (_types, consts) => percentileApproximation('percentiles_array', flatten(consts.slice(1).map((c) => (c === undefined ? null : dynamicArg(c))))),
    type: ([t, ...ps]) => (isRankable(t!) && ps.every((p) => isNumeric(p) || p === 'dynamic') ? 'dynamic' : fail(`percentiles_array needs numbers, datetimes or timespans and numeric percentiles, got ${t}`)),
    js: (site) => {
      const asked = flatten(site.consts.slice(1).map((c) => dynamicArg(c ?? null))).map((p) => toNumber(p));
      const type = site.types[0];
      return () => new RankAccumulator((sorted) => asked.map((p) => dynamicElement(nearestRank(sorted, p), type)));
    },
  }),
  aggregate({
    // https://learn.microsoft.com/kusto/query/take-anyif-aggregation-function: named as its argument, as take_any.
    name: 'take_anyif', arity: [2, 2], type: ([t]) => t!, kql: { call: 'take_anyif' }, columnPrefix: '', namedByArg: true, multiOutput: true, doc: 'a value of a row where a predicate is true',
    outputsOf: (of, type) => [{ name: of, type }],
    js: (site) => {
      const none = site.types[0] === 'string' ? '' : null; // strings are never null
      return accumulate<Value>(() => undefined, (found, v, p) => (found === undefined && p === true && present(v) && v !== '' ? v : found), (found) => [found ?? none]);
    },
  }),
  aggregate({ name: 'take_any', arity: [1, 64], type: ([t]) => t!, kql: { call: 'take_any' }, columnPrefix: '', namedByArg: true, doc: 'an arbitrary row\'s values (first non-empty)', js: () => argBest(0), multiOutput: true }),
];

/**
 * Kusto estimates percentiles with T-Digest: exact only at 0 and 100, elsewhere within 1% of rank
 * and "there are no reliable conditions to define when it will be [precise]"
 * (https://learn.microsoft.com/kusto/query/percentiles-aggregation-function, "Estimation error").
 * detc's evaluator computes the exact nearest-rank value, so the two may differ on any input.
 */
function percentileApproximation(name: string, asked: readonly (Value | undefined)[]): string | undefined {
  if (asked.length > 0 && asked.every((p) => p === 0 || p === 100)) return undefined;
  return `${name}(): detc's evaluator (run, tests) computes the exact nearest-rank percentile; Kusto estimates it with T-Digest (within 1% of rank, exact only for 0 and 100), so its value may differ, and may not be one of the values`;
}

/**
 * Where detc's hash() differs from Kusto's (semantics/hash.ts): the 64-bit result without a modulo
 * is held as a double (its low digits are lost beyond 2^53: comparisons see the rounded number;
 * `% n` and printing by tostring/strcat are exact, ir/exact-hash.ts). A datetime is hashed from
 * its ticks, exact as detc holds them (semantics/ticks.ts).
 */
function hashApproximation(name: string, mod: ScalarType | undefined): string | undefined {
  const notes: string[] = [];
  if (mod === undefined) notes.push(`without a modulo the 64-bit hash is held as a double in detc's evaluator (run, tests), so beyond 2^53 it is the nearest double: comparisons, arithmetic other than % and the column's value itself may differ from Kusto's (1846988464401551951 is held as 1846988464401551872); ${name}(x) % n, ${name}(x, n), tostring(${name}(x)) and strcat(..., ${name}(x)) are exact`);
  return notes.length === 0 ? undefined : `${name}(): ${notes.join('; ')}`;
}

const isRankable = (t: ScalarType) => isNumeric(t) || t === 'datetime' || t === 'timespan';

/**
 * The nearest-rank percentile p (0..100) of ascending values: the value at rank ceil(p/100 * n),
 * the smallest for p = 0 (https://learn.microsoft.com/kusto/query/percentiles-aggregation-function:
 * Kusto estimates this value with T-Digest; detc computes it exactly). Null when there are none.
 */
function nearestRank(sorted: readonly number[], p: number | null): number | null {
  if (sorted.length === 0 || p === null || !(p >= 0 && p <= 100)) return null;
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/** Keeps the non-null values; the result is `finish` of them in ascending order. */
class RankAccumulator implements Accumulator {
  private readonly values: number[] = [];
  constructor(private readonly finish: (sorted: number[]) => Value) {}
  add(v?: Value): void {
    const n = typeof v === 'number' ? v : toNumber(v);
    if (n !== null && !Number.isNaN(n)) this.values.push(n);
  }
  result(): Value {
    return this.finish(this.values.sort((a, b) => a - b));
  }
}

/**
 * percentile(x, p) and percentiles(x, p1, p2, ...): one column per percentile, named
 * percentile_<x>_<p> (a decimal point as `_`), of x's type (int as long), as Kusto.Language names
 * and types them. The percentiles must be constants.
 */
function percentileAggregate(name: 'percentile' | 'percentiles'): AggregateEntry {
  return aggregate({
    name, arity: name === 'percentile' ? [2, 2] : [2, 64], kql: { call: name }, columnPrefix: 'percentile', namedByArg: true, multiOutput: true,
    approximation: (_types, consts) => percentileApproximation(name, consts.slice(1)),
    doc: `nearest-rank percentile${name === 'percentiles' ? 's, one column each' : ''} (exact; Kusto estimates with T-Digest)`,
    type: ([t, ...ps]) => (isRankable(t!) && ps.every(isNumeric) ? (t === 'int' ? 'long' : t!) : fail(`${name} needs a number, datetime or timespan and numeric percentiles, got ${[t, ...ps].join(', ')}`)),
    outputsOf: (of, type, consts) => {
      const ps = consts.slice(1);
      if (ps.some((p) => typeof p !== 'number')) return `${name}'s percentiles must be constant numbers (50, 95, 99.5)`;
      return ps.map((p) => ({ name: `percentile_${of ?? ''}_${String(p).replace('.', '_')}`, type: type === 'int' ? 'long' : type }));
    },
    js: (site) => {
      const asked = site.consts.slice(1).map((p) => toNumber(p ?? null));
      return () => new RankAccumulator((sorted) => asked.map((p) => nearestRank(sorted, p)));
    },
  });
}

/**
 * Accumulator for arg_max (sign 1), arg_min (-1) and take_any (0): add(key, ...values); the
 * result is [key, ...values] of the winning row. Null keys lose to any non-null key.
 */
function argBest(sign: number) {
  return () => {
    let best: Value[] | undefined;
    return {
      add: (...args: Value[]) => {
        if (!best) return void (best = args);
        if (sign === 0) {
          if ((best[0] === null || best[0] === '') && present(args[0]) && args[0] !== '') best = args;
          return;
        }
        if (!present(args[0])) return;
        const c = present(best[0]) ? kqlCompare(args[0], best[0]) : 1;
        if (c !== null && c * sign > 0) best = args;
      },
      result: () => best ?? [],
    };
  };
}

ENTRIES.push(...SERIES_ENTRIES);

/**
 * Deprecated names Kusto.Language still knows: the entry of the current name (its type rule and
 * implementation, not a copy) under the old one, emitted as written. AQL translates functions by
 * name, so an alias is refused there until it is added on purpose.
 */
const ALIASES: readonly [string, string][] = [
  ['notempty', 'isnotempty'], ['notnull', 'isnotnull'], ['extractall', 'extract_all'], ['parseurl', 'parse_url'],
  ['parseurlquery', 'parse_urlquery'], ['totime', 'totimespan'], ['datepart', 'datetime_part'], ['arraylength', 'array_length'],
  ['base64_encodestring', 'base64_encode_tostring'], ['base64_decodestring', 'base64_decode_tostring'],
  ['array_strcat', 'strcat_array'], ['to_utf8', 'unicode_codepoints_from_string'], ['make_string', 'unicode_codepoints_to_string'],
];
for (const [name, of] of ALIASES) {
  const e = ENTRIES.find((x) => x.name === of);
  if (!e || e.kind !== 'scalar' || !('call' in e.kql)) throw new Error(`internal: alias ${name} of a missing function ${of}`);
  ENTRIES.push({ ...e, name, kql: { call: name }, doc: `deprecated name of ${of}` });
}

/**
 * The predicate argument of the *if aggregates must be a bool, as Kusto.Language requires (KS107):
 * `countif(Name)` of a string would otherwise count nothing, silently.
 */
const PREDICATE_ARGUMENT: Readonly<Record<string, number>> = {
  countif: 0, dcountif: 1, sumif: 1, avgif: 1, minif: 1, maxif: 1, make_set_if: 1, make_list_if: 1, make_bag_if: 1,
  count_distinctif: 1, anyif: 1, stdevif: 1, varianceif: 1, variancepif: 1,
};
for (const [i, e] of ENTRIES.entries()) {
  const at = PREDICATE_ARGUMENT[e.name];
  if (at === undefined || e.kind !== 'aggregate') continue;
  const rule = e.type;
  ENTRIES[i] = { ...e, type: (args) => (args[at] === 'bool' ? rule(args) : fail(`${e.name}'s predicate must be a bool (a comparison such as n > 5, or isnotempty(x)), got ${args[at]}`)) };
}

const BY_NAME = new Map(ENTRIES.map((e) => [e.name, e] as const));

export function lookup(name: string): CatalogEntry | undefined {
  return BY_NAME.get(name);
}
export function scalarEntry(name: string): ScalarEntry {
  const e = BY_NAME.get(name);
  if (!e || e.kind !== 'scalar') throw new Error(`internal: no scalar catalog entry '${name}'`);
  return e;
}
export function aggregateEntry(name: string): AggregateEntry {
  const e = BY_NAME.get(name);
  if (!e || e.kind !== 'aggregate') throw new Error(`internal: no aggregate catalog entry '${name}'`);
  return e;
}
export const allEntries: readonly CatalogEntry[] = ENTRIES;
/** Names users may call as functions (not operators). */
export const functionNames = (): string[] => ENTRIES.filter((e) => e.kind === 'aggregate' || 'call' in e.kql).map((e) => e.name);

/**
 * Typed literal constructors `long(5)`, `datetime(null)`, ... are conversions of a constant. Looked
 * up with names from the rule, so without a prototype: `constructor(1)` or `typeof(__proto__)` must
 * find nothing rather than Object's members.
 */
export const TYPE_NAMES: Readonly<Record<string, ScalarType>> = Object.assign(Object.create(null) as Record<string, ScalarType>, {
  bool: 'bool', boolean: 'bool', int: 'int', long: 'long', real: 'real', double: 'real', decimal: 'decimal',
  string: 'string', timespan: 'timespan', time: 'timespan', guid: 'guid', datetime: 'datetime', date: 'datetime',
} satisfies Record<string, ScalarType>);

/** The type a declaration names (`x:long`, `(a:boolean)`, `typeof(dynamic)`...): TYPE_NAMES, plus dynamic. */
export const typeNamed = (name: string): ScalarType | undefined => (name === 'dynamic' ? 'dynamic' : TYPE_NAMES[name]);
export { coerce };
