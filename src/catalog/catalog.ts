/**
 * The catalog: every KQL operator, scalar function and aggregate detc understands.
 * Semantics references: KQL-SEMANTICS (cited) and docs/SEMANTICS.md.
 */
import { isNumeric, type ScalarType } from '../ir/types.js';
import { kqlCompare, kqlEquals, kqlNotEquals } from '../semantics/compare.js';
import { ipv4InRange, ipv4IsPrivate } from '../semantics/ip.js';
import { compileKqlRegex } from '../semantics/regex.js';
import * as S from '../semantics/strings.js';
import { bin, datetimeDiff, formatDatetime, startOfDay } from '../semantics/time.js';
import {
  coerce, jsonText, member, parseJson, toBool, toDatetime, toKqlString, toLong, toNumber, toTimespan, type Value,
} from '../semantics/values.js';
import type { Accumulator, AggregateEntry, CallSite, CatalogEntry, Impl, ScalarEntry, TypeRule } from './types.js';

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
      return (x, ...items) => member(x, flatten(items)) !== negated;
    },
  });
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
      return (a, b) => {
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

const dynamicArg = (v: Value): Value => (typeof v === 'string' ? parseJson(v) : v);

/** `$.a.b[0]['c d']` as member steps, or undefined if the path is not of that form. */
function parseJsonPath(path: string): (string | number)[] | undefined {
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

/** pack(): keys become own properties (a key "__proto__" is data, never a prototype). */
function bag(args: readonly Value[]): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (let i = 0; i + 1 < args.length; i += 2) {
    Object.defineProperty(out, toKqlString(args[i]), { value: args[i + 1] ?? null, enumerable: true, writable: true, configurable: true });
  }
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
  constructor(private readonly limit: number, private readonly withPredicate: boolean) {}
  add(v?: Value, p?: Value): void {
    if (this.withPredicate && p !== true) return;
    if (!counted(v) || this.out.length >= this.limit) return;
    this.out.push(v);
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
  constructor(private readonly options: DistinctOptions) {}
  add(v?: Value, p?: Value): void {
    if (this.options.withPredicate && p !== true) return;
    if (!counted(v) || this.count() >= this.options.limit) return;
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
    return this.options.countOnly ? this.count() : this.first(Infinity);
  }
  /** How many distinct values were kept. */
  count(): number {
    const more = this.more;
    if (more === undefined) return this.firstValue === undefined ? 0 : 1;
    return Array.isArray(more) ? 1 + more.length : more.size;
  }
  /** The first `limit` distinct values, in first-seen order. */
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
/** make_set / dcount ignore nulls; detc also ignores "" (Kusto leaves it undocumented). */
const counted = (v: Value) => present(v) && v !== '';

/** make_set / make_list's optional size limit (Kusto's default and maximum: 1,048,576). */
const sizeLimit = (site: CallSite, index: number): number => toNumber(site.consts[index]) ?? 1_048_576;

function setAggregate(name: string, withPredicate: boolean): AggregateEntry {
  const limitIndex = withPredicate ? 2 : 1;
  return aggregate({
    name,
    arity: withPredicate ? [2, 3] : [1, 2],
    type: returns('dynamic'),
    kql: { call: name },
    columnPrefix: name.startsWith('make_set') ? 'set' : 'list',
    namedByArg: true,
    doc: name.startsWith('make_set') ? 'distinct values as an array (optional size limit)' : 'values as an array (optional size limit)',
    ...(name === 'make_set' ? { distinct: { result: 'values' as const, limit: (site: CallSite) => sizeLimit(site, limitIndex) } } : {}),
    js: (site) => {
      const limit = sizeLimit(site, limitIndex);
      if (name.startsWith('make_set')) return distinctValues({ limit, withPredicate, countOnly: false });
      return () => new ListAccumulator(limit, withPredicate);
    },
  });
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

const sumType: TypeRule = ([t]) => (t === 'int' || t === 'long' ? 'long' : t === 'timespan' ? 'timespan' : isNumeric(t!) || t === 'dynamic' ? 'real' : fail(`sum needs a number, got ${t}`));

const ENTRIES: CatalogEntry[] = [
  // Logic (short-circuit, null rules of KQL)
  scalar({ name: 'and', arity: [2, 2], type: returns('bool'), kql: { infix: 'and' }, lazy: true, doc: 'logical and (false and null = false)', js: () => (a, b) => (a === false || b === false ? false : a === true && b === true ? true : null) }),
  scalar({ name: 'or', arity: [2, 2], type: returns('bool'), kql: { infix: 'or' }, lazy: true, doc: 'logical or (true or null = true)', js: () => (a, b) => (a === true || b === true ? true : a === false && b === false ? false : null) }),
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
    js: () => (x, lo, hi) => { const a = kqlCompare(x, lo); const b = kqlCompare(x, hi); return a === null || b === null ? null : a >= 0 && b <= 0; },
  }),
  scalar({
    name: '!between', arity: [3, 3], kql: { infix: '!between' }, doc: 'outside an inclusive range',
    type: (args) => (args.every(isTemporalOrNumber) ? 'bool' : fail(`!between needs numbers, datetimes or timespans, got ${args.join(', ')}`)),
    js: () => (x, lo, hi) => { const a = kqlCompare(x, lo); const b = kqlCompare(x, hi); return a === null || b === null ? null : a < 0 || b > 0; },
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
  arithmetic('%', (a, b) => ((a % b) + b) % b),
  scalar({ name: 'negate', arity: [1, 1], type: ([t]) => (isNumeric(t!) || t === 'timespan' || t === 'dynamic' ? t! : fail(`cannot negate ${t}`)), kql: { prefix: '-' }, doc: 'unary minus', js: () => (a) => { const n = toNumber(a); return n === null ? null : -n; } }),

  // Time
  scalar({ name: 'ago', arity: [1, 1], type: ([t]) => (t === 'timespan' ? 'datetime' : fail(`ago needs a timespan, got ${t}`)), kql: { call: 'ago' }, doc: 'now minus a timespan (query clock)', js: (site) => (d) => { const ms = toTimespan(d); return ms === null ? null : site.run.now - ms; } }),
  scalar({ name: 'now', arity: [0, 1], type: returns('datetime'), kql: { call: 'now' }, doc: 'the query clock (plus an optional offset)', js: (site) => (d) => site.run.now + (toTimespan(d) ?? 0) }),
  scalar({
    name: 'bin', arity: [2, 2], passesName: true, kql: { call: 'bin' }, doc: 'round down to a multiple of a size',
    type: ([a, b]) => (a === 'datetime' && b === 'timespan' ? 'datetime' : a === 'timespan' && b === 'timespan' ? 'timespan' : isNumeric(a!) && isNumeric(b!) ? a! : fail(`bin is not defined for ${a} and ${b}`)),
    js: () => (v, size) => bin(toNumber(v), toNumber(size)),
  }),
  scalar({
    name: 'floor', arity: [2, 2], passesName: true, kql: { call: 'floor' }, doc: 'same as bin',
    type: ([a, b]) => (a === 'datetime' && b === 'timespan' ? 'datetime' : a === 'timespan' && b === 'timespan' ? 'timespan' : isNumeric(a!) && isNumeric(b!) ? a! : fail(`floor is not defined for ${a} and ${b}`)),
    js: () => (v, size) => bin(toNumber(v), toNumber(size)),
  }),
  scalar({ name: 'startofday', arity: [1, 1], passesName: true, type: returns('datetime'), kql: { call: 'startofday' }, doc: 'midnight UTC of a datetime', js: () => (v) => startOfDay(toDatetime(v)) }),
  scalar({ name: 'datetime_diff', arity: [3, 3], type: returns('long'), kql: { call: 'datetime_diff' }, doc: 'calendar difference in a unit', js: () => (p, a, b) => datetimeDiff(text(p), toDatetime(a), toDatetime(b)) }),
  scalar({ name: 'format_datetime', arity: [2, 2], type: returns('string'), kql: { call: 'format_datetime' }, doc: 'datetime as text with a format', js: () => (v, f) => formatDatetime(toDatetime(v), text(f)) }),

  // Conversions
  conversion('tostring', 'string', (v) => toKqlString(v), 'value as text (null -> "")', true),
  conversion('toint', 'int', (v) => toLong(v), 'to int'),
  conversion('tolong', 'long', (v) => toLong(v), 'to long'),
  conversion('toreal', 'real', (v) => toNumber(v), 'to real'),
  conversion('todouble', 'real', (v) => toNumber(v), 'to real'),
  conversion('tobool', 'bool', (v) => toBool(v), 'to bool'),
  conversion('toboolean', 'bool', (v) => toBool(v), 'to bool'),
  conversion('todatetime', 'datetime', (v) => toDatetime(v), 'to datetime'),
  conversion('totimespan', 'timespan', (v) => toTimespan(v), 'to timespan'),
  conversion('parse_json', 'dynamic', parseJson, 'JSON text to dynamic (invalid JSON stays a string)', true),
  conversion('todynamic', 'dynamic', parseJson, 'same as parse_json', true),

  // Strings
  conversion('tolower', 'string', (v) => text(v).toLowerCase(), 'lower case'),
  conversion('toupper', 'string', (v) => text(v).toUpperCase(), 'upper case'),
  conversion('strlen', 'long', (v) => [...text(v)].length, 'length in characters'),
  scalar({ name: 'substring', arity: [2, 3], type: returns('string'), kql: { call: 'substring' }, doc: 'part of a string', js: () => (s, start, len) => {
    const chars = [...text(s)];
    const from = Math.max(0, toLong(start) ?? 0);
    const n = len === undefined ? chars.length : toLong(len);
    return n === null ? '' : chars.slice(from, from + Math.max(0, n)).join('');
  } }),
  scalar({ name: 'strcat', arity: [1, 64], type: returns('string'), kql: { call: 'strcat' }, doc: 'concatenate as text', js: (site) => (...args) => args.map((a, i) => toKqlString(a, site.types[i])).join('') }),
  scalar({ name: 'split', arity: [2, 3], type: (a) => (a.length === 3 ? 'dynamic' : 'dynamic'), kql: { call: 'split' }, doc: 'split into an array', js: () => (s, d, i) => {
    const parts = text(s).split(text(d));
    return i === undefined ? parts : member(parts, toLong(i) ?? 0) === null ? [] : [member(parts, toLong(i) ?? 0)];
  } }),
  scalar({ name: 'trim', arity: [2, 2], type: returns('string'), kql: { call: 'trim' }, doc: 'remove a regex match at both ends', js: () => (re, s) => {
    const r = compileKqlRegex(text(re));
    return r.ok ? r.regex.trim(text(s)) : text(s);
  } }),
  scalar({ name: 'replace_string', arity: [3, 3], type: returns('string'), kql: { call: 'replace_string' }, doc: 'replace every occurrence', js: () => (s, a, b) => (text(a) === '' ? text(s) : text(s).split(text(a)).join(text(b))) }),
  scalar({ name: 'extract', arity: [3, 4], type: returns('string'), kql: { call: 'extract' }, doc: 'a capture group of a regex match ("" when none)', js: (site) => {
    const fixed = typeof site.consts[0] === 'string' ? compileKqlRegex(site.consts[0]) : undefined;
    return (re, g, s) => {
      const r = fixed ?? compileKqlRegex(text(re));
      if (!r.ok) return '';
      const m = r.regex.exec(text(s));
      return m?.[toLong(g) ?? 0] ?? '';
    };
  } }),
  scalar({ name: 'isempty', arity: [1, 1], type: returns('bool'), kql: { call: 'isempty' }, doc: 'null or ""', js: () => (v) => v === null || v === undefined || v === '' } ),
  scalar({ name: 'isnotempty', arity: [1, 1], type: returns('bool'), kql: { call: 'isnotempty' }, doc: 'not null and not ""', js: () => (v) => !(v === null || v === undefined || v === '') }),
  scalar({ name: 'isnull', arity: [1, 1], type: returns('bool'), kql: { call: 'isnull' }, doc: 'null (a string is never null)', js: () => (v) => v === null || v === undefined }),
  scalar({ name: 'isnotnull', arity: [1, 1], type: returns('bool'), kql: { call: 'isnotnull' }, doc: 'not null', js: () => (v) => !(v === null || v === undefined) }),

  // Conditionals
  scalar({
    name: 'iff', arity: [3, 3], lazy: true, kql: { call: 'iff' }, doc: 'if-then-else (null condition -> else)',
    type: ([, a, b]) => (a === b || b === 'dynamic' || a === 'dynamic' ? a! : isNumeric(a!) && isNumeric(b!) ? 'real' : fail(`iff branches have different types: ${a} and ${b}`)),
    js: () => (c, a, b) => (c === true ? a : b),
  }),
  scalar({
    name: 'iif', arity: [3, 3], lazy: true, kql: { call: 'iif' }, doc: 'same as iff',
    type: ([, a, b]) => (a === b || b === 'dynamic' ? a! : isNumeric(a!) && isNumeric(b!) ? 'real' : fail(`iif branches have different types: ${a} and ${b}`)),
    js: () => (c, a, b) => (c === true ? a : b),
  }),
  scalar({
    name: 'case', arity: [3, 255], lazy: true, kql: { call: 'case' }, doc: 'first branch whose predicate is true, else the last argument',
    type: (args) => {
      if (args.length % 2 === 0) return fail('case needs pairs of predicate, value and a final else value');
      const values = args.filter((_, i) => i % 2 === 1 || i === args.length - 1);
      return values.every((t) => t === values[0]) ? values[0]! : values.every(isNumeric) ? 'real' : fail(`case branches have different types: ${[...new Set(values)].join(', ')}`);
    },
    js: () => (...args) => {
      for (let i = 0; i + 1 < args.length; i += 2) if (args[i] === true) return args[i + 1];
      return args[args.length - 1];
    },
  }),
  scalar({
    name: 'coalesce', arity: [1, 64], kql: { call: 'coalesce' }, doc: 'first non-null (non-empty for strings) argument',
    type: (args) => (args.every((t) => t === args[0]) ? args[0]! : fail(`coalesce arguments have different types: ${[...new Set(args)].join(', ')}`)),
    js: () => (...args) => args.find((a) => a !== null && a !== undefined && a !== '') ?? (typeof args[0] === 'string' ? '' : null),
  }),

  // Dynamic
  scalar({ name: 'array_length', arity: [1, 1], type: returns('long'), kql: { call: 'array_length' }, doc: 'array length (null for non-arrays)', js: () => (v) => { const d = dynamicArg(v); return Array.isArray(d) ? d.length : null; } }),
  scalar({ name: 'set_has_element', arity: [2, 2], type: returns('bool'), kql: { call: 'set_has_element' }, doc: 'array contains a value', js: () => (arr, v) => { const d = dynamicArg(arr); return Array.isArray(d) ? d.some((x) => kqlEquals(x, v) === true) : null; } }),

  scalar({
    name: 'pack', arity: [2, 128], kql: { call: 'pack' }, doc: 'a property bag from key, value pairs',
    type: (args) => (args.length % 2 === 0 ? 'dynamic' : fail('pack needs key, value pairs')),
    js: () => (...args) => bag(args),
  }),
  scalar({
    name: 'bag_pack', arity: [2, 128], kql: { call: 'bag_pack' }, doc: 'same as pack',
    type: (args) => (args.length % 2 === 0 ? 'dynamic' : fail('bag_pack needs key, value pairs')),
    js: () => (...args) => bag(args),
  }),
  scalar({ name: 'pack_array', arity: [1, 128], type: returns('dynamic'), kql: { call: 'pack_array' }, doc: 'an array of the arguments', js: () => (...args) => args.map((a) => (a === undefined ? null : a)) }),
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
    name: 'indexof', arity: [2, 3], type: returns('long'), kql: { call: 'indexof' }, doc: 'position of a substring (-1 if absent)',
    js: () => (s, lookup, start) => {
      const from = start === undefined ? 0 : toLong(start);
      return from === null ? null : text(s).indexOf(text(lookup), from < 0 ? Math.max(0, text(s).length + from) : from);
    },
  }),
  scalar({
    name: 'extractjson', arity: [2, 3], type: (args) => (args.length === 3 ? 'dynamic' : 'string'), kql: { call: 'extractjson' }, doc: 'the value at a JSONPath ($.a.b[0]) in JSON text, as text',
    js: (site) => {
      const path = typeof site.consts[0] === 'string' ? parseJsonPath(site.consts[0]) : undefined;
      return (p, json) => {
        const steps = path ?? parseJsonPath(text(p));
        if (!steps) return '';
        let v: Value = parseJson(text(json));
        for (const step of steps) v = member(v, step);
        return toKqlString(v);
      };
    },
  }),
  scalar({
    name: 'indexof_regex', arity: [2, 3], type: returns('long'), kql: { call: 'indexof_regex' }, doc: 'position of the first regex match (-1 if none)',
    js: (site) => {
      const fixed = typeof site.consts[1] === 'string' ? compileKqlRegex(site.consts[1]) : undefined;
      return (s, re, start) => {
        const r = fixed ?? compileKqlRegex(text(re));
        if (!r.ok) return null;
        const from = start === undefined ? 0 : (toLong(start) ?? 0);
        const i = r.regex.indexOf(text(s).slice(Math.max(0, from)));
        return i < 0 ? -1 : i + Math.max(0, from);
      };
    },
  }),
  scalar({ name: 'strcat_array', arity: [2, 2], type: returns('string'), kql: { call: 'strcat_array' }, doc: 'array elements joined with a delimiter', js: () => (arr, d) => { const a = dynamicArg(arr); return Array.isArray(a) ? a.map((x) => toKqlString(x)).join(text(d)) : ''; } }),

  // Network
  scalar({ name: 'ipv4_is_private', arity: [1, 1], type: returns('bool'), kql: { call: 'ipv4_is_private' }, doc: 'RFC 1918 address', js: () => (ip) => ipv4IsPrivate(text(ip)) }),
  scalar({ name: 'ipv4_is_in_range', arity: [2, 2], type: returns('bool'), kql: { call: 'ipv4_is_in_range' }, doc: 'address in a CIDR range', js: () => (ip, r) => ipv4InRange(text(ip), text(r)) }),

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
  setAggregate('make_set', false),
  setAggregate('make_set_if', true),
  setAggregate('make_list', false),
  setAggregate('make_list_if', true),
  extremum('min'),
  extremum('max'),
  aggregate({ name: 'sum', arity: [1, 1], type: sumType, kql: { call: 'sum' }, columnPrefix: 'sum', namedByArg: true, doc: 'sum (nulls ignored)', js: () => accumulate(() => 0, (s, v) => s + (toNumber(v) ?? 0), (s) => s) }),
  aggregate({ name: 'sumif', arity: [2, 2], type: sumType, kql: { call: 'sumif' }, columnPrefix: 'sumif', namedByArg: true, doc: 'sum where a predicate is true', js: () => accumulate(() => 0, (s, v, p) => s + (p === true ? (toNumber(v) ?? 0) : 0), (s) => s) }),
  aggregate({
    name: 'avg', arity: [1, 1], type: returns('real'), kql: { call: 'avg' }, columnPrefix: 'avg', namedByArg: true, doc: 'average (nulls ignored)',
    js: () => accumulate(() => [0, 0] as [number, number], (s, v) => { const n = toNumber(v); return n === null ? s : ([s[0] + n, s[1] + 1] as [number, number]); }, (s) => (s[1] ? s[0] / s[1] : NaN)),
  }),
  // arg_max/arg_min/take_any produce several columns; the binder names them and the backend
  // keeps the winning row. Their js accumulator tracks the best key.
  aggregate({ name: 'arg_max', arity: [1, 64], type: ([t]) => t!, kql: { call: 'arg_max' }, columnPrefix: '', namedByArg: true, doc: 'columns of the row with the largest key', js: () => argBest(1), multiOutput: true }),
  aggregate({ name: 'arg_min', arity: [1, 64], type: ([t]) => t!, kql: { call: 'arg_min' }, columnPrefix: '', namedByArg: true, doc: 'columns of the row with the smallest key', js: () => argBest(-1), multiOutput: true }),
  aggregate({ name: 'take_any', arity: [1, 64], type: ([t]) => t!, kql: { call: 'take_any' }, columnPrefix: '', namedByArg: true, doc: 'an arbitrary row\'s values (first non-empty)', js: () => argBest(0), multiOutput: true }),
];

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
export { coerce };
