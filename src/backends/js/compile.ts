/**
 * IR -> an in-process evaluator built from closures (no generated source, so nothing in a rule can
 * inject code). Rows flow push-style through the operators. A row is `{ e, v }`: `e` is the raw
 * event (its columns are read and converted to the column's type on access), `v` holds computed
 * columns by slot. Each pipeline position has a layout that says where every column lives.
 */
import { scalarEntry } from '../../catalog/catalog.js';
import type { RunContext } from '../../catalog/types.js';
import type { Column, Let, QueryIR, ScalarExpr, Schema, SortKey, Tabular, TabularOp } from '../../ir/types.js';
import { sortCompare } from '../../semantics/compare.js';
import { castElement, coerce, expansionElements, jsonText, member, type Value } from '../../semantics/values.js';
import { memoized } from '../../semantics/strings.js';
import { outputValue } from './output.js';
import { constantLets, constantValue, rawTextFilter } from './prefilter.js';
import { fusePrefix, FusedRunState } from './fuse.js';
import { planAggregates, type AggregateOutput, type AggregatePlan } from './aggregates.js';
import { jsonWithoutSpans } from '../../ir/json.js';
import { everyNode } from '../../ir/walk.js';
import { GroupTable, type Group } from './groups.js';
import { generateAccessor, generateRowBuilder, type ColumnSource, type PerValue } from './codegen.js';

export interface Row {
  readonly e: Readonly<Record<string, unknown>> | null;
  readonly v: readonly Value[];
}
type Accessor = (r: Row) => Value;
interface Layout {
  /** Each column, its accessor, and where it lives (for generated code). */
  readonly columns: readonly (Column & { readonly get: Accessor; readonly source?: ColumnSource })[];
  /** Number of computed slots (`v.length`) every row has at this point. */
  readonly width: number;
}
export interface Sink {
  push(r: Row): void;
  end(): void;
}

/**
 * An operator's code, compiled once per query; what it remembers during a run (a counter, a
 * buffer, groups) is a state object from `init()`, passed back to every call.
 */
interface Step<S = unknown> {
  init(): S;
  push(r: Row, next: Sink, state: S): void;
  end(next: Sink, state: S): void;
}

/**
 * One run's link of a pipeline. A class, not a closure per run: the hot per-event code that V8
 * inlines then embeds only long-lived functions, where a run's own closures would get the
 * optimised code thrown away (deoptimised) once the run is over and they are collected, and every
 * later run would start again from the interpreter.
 */
class Link<S> implements Sink {
  constructor(
    private readonly step: Step<S>,
    private readonly next: Sink,
    private readonly state: S,
  ) {}
  push(r: Row): void {
    this.step.push(r, this.next, this.state);
  }
  end(): void {
    this.step.end(this.next, this.state);
  }
}

/** A join's run: the right side (computed on first use) and what the left side has met. */
interface JoinState {
  right: JoinRight | undefined;
  readonly matched: Set<number>;
  readonly seenLeft: Set<string>;
}
interface JoinRight {
  readonly rows: Row[];
  readonly get: Accessor[];
  readonly index: Map<string, number[]>;
}

/** A stateless step from its push (the end of input passes straight on). */
function mapStep(push: (r: Row, next: Sink) => void): Step<undefined> {
  return { init: () => undefined, push, end: (next) => next.end() };
}

/** Rows of a run collected into an array (a let's rows, or output rows through `build`). */
class Collect<T> implements Sink {
  constructor(
    readonly rows: T[],
    private readonly build: (r: Row) => T,
  ) {}
  push(r: Row): void {
    this.rows.push(this.build(r));
  }
  end(): void {}
}

/** A sink that drops what it gets: the end of the idle instances below, and of a run used only for its per-event inputs. */
const IDLE_SINK: Sink = { push: () => {}, end: () => {} };

/**
 * One idle instance of each class a run creates on the hot path, kept for the life of the module.
 * V8 reaches the map (hidden class) of such an instance from its class through map transitions,
 * which do not keep it alive: once a GC collected the last run's instances, the next run's got a
 * new map, and the optimised code of the query, which checked the old one, was thrown away
 * (`--trace-deopt`: "weak objects"), so every run after a collection started again in the
 * interpreter. These instances keep the maps.
 */
export const KEPT_SHAPES: readonly object[] = [
  new Collect<Row>([], (r) => r),
  // Fields as a run sets them: the clock a non-integer number, the window and groups not yet set.
  new FusedRunState(undefined, 0.5, IDLE_SINK, undefined),
  new Link<undefined>({ init: () => undefined, push: () => {}, end: () => {} }, IDLE_SINK, undefined),
  ...keptGroups(),
];

/** Group tables with a group made by each kind of lookup (their group objects are kept too). */
function keptGroups(): GroupTable[] {
  const tables = Array.from({ length: 4 }, () => new GroupTable(() => []));
  tables[0]!.get0();
  tables[1]!.get1('');
  tables[2]!.get2('', 0);
  tables[3]!.getN(['', 0, '']);
  return tables;
}

/** Events per table, or one stream used for every table the query reads. */
export type EventInput = Iterable<unknown> | { readonly [table: string]: Iterable<unknown> };

export interface RunOptions {
  /** The query clock (ms since epoch): ago() and now() are relative to it. */
  readonly now: number;
  /** Only events whose TimeGenerated lies in [now - window, now] are seen (Sentinel's queryPeriod). */
  readonly windowMs?: number;
}

export interface ResultTable {
  readonly columns: readonly Column[];
  /** Rows as plain objects: datetimes as ISO 8601 text, timespans as [d.]hh:mm:ss. */
  readonly rows: Record<string, unknown>[];
}

export interface CompiledQuery {
  readonly schema: Schema;
  /** Run over all events at once. */
  run(input: EventInput, options: RunOptions): ResultTable;
  /** Push events one at a time (bounded memory when the query allows streaming). */
  open(options: RunOptions): Session;
  /**
   * For NDJSON readers: false for an event's JSON text means the event cannot reach the output
   * (see prefilter.ts). Absent when the query gives no such condition or reads its input twice.
   */
  readonly rawTextFilter?: (json: string) => boolean;
  /**
   * For parallel NDJSON readers: a test that an event gets through the query's leading row-wise
   * operators (where, extend, project...) and the time window. An event that fails it cannot
   * change the result, so a reader may drop it. Absent when the query cannot stream or has no
   * such operators.
   */
  readonly eventFilter?: (options: RunOptions) => (event: unknown) => boolean;
  /**
   * For parallel NDJSON readers, when the query's events stream into a summarize: the per-event
   * half of the work (filters, then the event's group keys and aggregate arguments appended to
   * `out`); a session's `replay` adds such values to its groups. Absent otherwise.
   */
  readonly summarizeInputs?: (options: RunOptions) => (event: unknown, out: Value[]) => void;
}

/** A streaming run: events pushed one at a time, or values from summarizeInputs replayed. */
export interface Session {
  push(event: unknown): void;
  replay?(values: readonly Value[]): void;
  end(): ResultTable;
}

/** Operators that map each row to at most one row and look at no other row. */
const ROW_WISE = new Set<TabularOp['op']>(['where', 'extend', 'project', 'project-away', 'project-keep', 'project-reorder', 'project-rename']);

interface RunState {
  input: EventInput;
  options: RunOptions;
  letValues: Map<string, Value>;
  tabularCache: Map<Tabular, Row[]>;
  layouts: Map<Tabular, Layout>;
}

const EMPTY: readonly Value[] = [];

/** A source column: its getter, and how generated code reads it (inline, but for risky names). */
function sourceColumn(c: Column): Column & { get: Accessor; source: ColumnSource } {
  const get = rawGetter(c.name, c.type);
  return { ...c, get, source: c.name in Object.prototype ? { get } : { raw: c.name, type: c.type } };
}

/**
 * Reads a source column from the raw event, converted to the column's type. Own properties only:
 * `constructor` or `__proto__` in a rule never reaches Object.prototype. The last event's value is
 * remembered, because an operator chain often reads one column several times per event.
 */
function rawGetter(name: string, type: Column['type']): Accessor {
  const risky = name in Object.prototype;
  const read = risky
    ? (e: Readonly<Record<string, unknown>>) => (Object.prototype.hasOwnProperty.call(e, name) ? e[name] : undefined)
    : (e: Readonly<Record<string, unknown>>) => e[name];
  if (type === 'string') {
    return (r) => {
      if (!r.e) return '';
      const v = read(r.e);
      return typeof v === 'string' ? v : coerce(v, type);
    };
  }
  let lastEvent: unknown;
  let lastValue: Value;
  return (r) => {
    if (r.e === lastEvent) return lastValue;
    lastEvent = r.e;
    lastValue = coerce(r.e ? read(r.e) : undefined, type);
    return lastValue;
  };
}

export interface CompileOptions {
  /** 'codegen' (default): one generated function per expression; 'closures': a closure tree. */
  readonly mode?: 'codegen' | 'closures';
}

export function compileQuery(ir: QueryIR, options: CompileOptions = {}): CompiledQuery {
  const run: RunContext = { now: 0 };
  let state: RunState | undefined;
  const current = () => state!;

  // Scalar lets with a literal value are compile-time constants (lists precompile into sets).
  const constants = constantLets(ir);
  const tabularLets = new Map<string, Tabular>();
  for (const l of ir.lets) if (l.kind === 'tabular') tabularLets.set(l.name, l.value);

  const constantOf = (e: ScalarExpr): Value | undefined => constantValue(e, constants);
  // One idle object of each shape this query's runs create per group or row (accumulators, output
  // rows), kept with the query for the reason given at KEPT_SHAPES.
  const keptShapes: object[] = [];

  /** An expression's accessor: generated code by default, closures when asked (both are tested). */
  function expr(e: ScalarExpr, layout: Layout): Accessor {
    if (options.mode === 'closures' || e.kind === 'literal' || e.kind === 'column') return closureExpr(e, layout);
    return generateAccessor(
      e,
      {
        ...codegenContext(layout),
        column: (name) => {
          const c = layout.columns.find((x) => x.name === name);
          if (!c) throw new Error(`internal: column ${name} not in layout`);
          return c.source ?? { get: c.get };
        },
      },
    );
  }

  /**
   * An expression that parses one string column (parse_json, extract, split) into a scalar, such
   * as `tostring(parse_json(LocationDetails).countryOrRegion)`, as a function of that column's
   * value computed once per distinct value (see memoized): the columns rules parse (locations,
   * device details) repeat a few values. Only pure expressions: none that read the query clock
   * (now, ago) or a let whose value is not a constant, and only scalar results (a dynamic value
   * would be shared between rows).
   */
  function rememberedPerValue(e: ScalarExpr): PerValue | undefined {
    if (e.kind !== 'call' || e.type === 'dynamic') return undefined;
    let column: Extract<ScalarExpr, { kind: 'column' }> | undefined;
    let parses = false;
    const pure = everyNode(e, (x) => {
      if (x.kind === 'column') {
        if (column && column.name !== x.name) return false;
        column = x;
      } else if (x.kind === 'letRef') return constants.has(x.name);
      else if (x.kind === 'call') {
        if (x.fn === 'now' || x.fn === 'ago') return false;
        if (PARSING.has(x.fn)) parses = true;
      }
      return true;
    });
    if (!pure || !parses || column?.type !== 'string') return undefined;
    // The expression over a row of that one column (and without this hook, which would find it again).
    const { constant, impl, closure } = codegenContext(computed([column]));
    const compute = generateAccessor(e, { constant, impl, closure, column: () => ({ slot: 0 }) });
    const remembered = memoized((s: string) => compute({ e: null, v: [s] }));
    return { column: column.name, of: (s) => (typeof s === 'string' ? remembered(s) : compute({ e: null, v: [s] })) };
  }

  /** Constants, catalog implementations and closure fallbacks for generated code. */
  function codegenContext(layout: Layout) {
    return {
      constant: (x: ScalarExpr) => {
        const v = constantOf(x);
        return v === undefined ? undefined : { value: v };
      },
      impl: (x: Extract<ScalarExpr, { kind: 'call' }>) => scalarEntry(x.fn).js({ types: x.args.map((a) => a.type), consts: x.args.map(constantOf), run }),
      closure: (x: ScalarExpr) => closureExpr(x, layout),
      perValue: rememberedPerValue,
    };
  }

  function closureExpr(e: ScalarExpr, layout: Layout): Accessor {
    switch (e.kind) {
      case 'literal': {
        const v = e.value;
        return () => v;
      }
      case 'column': {
        const c = layout.columns.find((x) => x.name === e.name);
        if (!c) throw new Error(`internal: column ${e.name} not in layout`);
        return c.get;
      }
      case 'letRef': {
        if (constants.has(e.name)) {
          const v = constants.get(e.name);
          return () => v;
        }
        const name = e.name;
        return () => current().letValues.get(name);
      }
      case 'member': {
        const target = expr(e.target, layout);
        if (typeof e.key === 'object') {
          const key = expr(e.key, layout);
          return (r) => {
            const k = key(r);
            return typeof k === 'string' || typeof k === 'number' ? member(target(r), k) : null;
          };
        }
        const key = e.key;
        return (r) => member(target(r), key);
      }
      case 'subquery': {
        const query = e.query;
        return () => firstColumn(query);
      }
      case 'call':
        return call(e, layout);
    }
  }

  function call(e: Extract<ScalarExpr, { kind: 'call' }>, layout: Layout): Accessor {
    const args = e.args.map((a) => expr(a, layout));
    switch (e.fn) {
      case 'and': {
        const [a, b] = args as [Accessor, Accessor];
        return (r) => {
          const x = a(r);
          if (x === false) return false;
          const y = b(r);
          return y === false ? false : x === true && y === true ? true : null;
        };
      }
      case 'or': {
        const [a, b] = args as [Accessor, Accessor];
        return (r) => {
          const x = a(r);
          if (x === true) return true;
          const y = b(r);
          return y === true ? true : x === false && y === false ? false : null;
        };
      }
      case 'iff':
      case 'iif': {
        const [c, a, b] = args as [Accessor, Accessor, Accessor];
        return (r) => (c(r) === true ? a(r) : b(r));
      }
      case 'case':
        return (r) => {
          for (let i = 0; i + 1 < args.length; i += 2) if (args[i]!(r) === true) return args[i + 1]!(r);
          return args[args.length - 1]!(r);
        };
    }
    const impl = scalarEntry(e.fn).js({ types: e.args.map((a) => a.type), consts: e.args.map(constantOf), run });
    switch (args.length) {
      case 0:
        return () => impl();
      case 1: {
        const [a] = args as [Accessor];
        return (r) => impl(a(r));
      }
      case 2: {
        const [a, b] = args as [Accessor, Accessor];
        return (r) => impl(a(r), b(r));
      }
      case 3: {
        const [a, b, c] = args as [Accessor, Accessor, Accessor];
        return (r) => impl(a(r), b(r), c(r));
      }
      default:
        return (r) => impl(...args.map((a) => a(r)));
    }
  }

  /** Values of a tabular expression's first column (for `x in (T)`), once per run. */
  function firstColumn(t: Tabular): Value[] {
    const rows = evaluate(t);
    const get = current().layouts.get(t)!.columns[0]!.get;
    return rows.map(get);
  }

  const computed = (columns: readonly Column[]): Layout => ({
    columns: columns.map((c, i) => ({ ...c, get: (r: Row) => r.v[i], source: { slot: i } })),
    width: columns.length,
  });

  function sortComparator(keys: readonly SortKey[], layout: Layout): (a: Row, b: Row) => number {
    const parts = keys.map((k) => ({ get: expr(k.expr, layout), desc: k.direction === 'desc', nullsFirst: k.nulls === 'first' }));
    return (a, b) => {
      for (const p of parts) {
        const c = sortCompare(p.get(a), p.get(b), p.desc, p.nullsFirst);
        if (c !== 0) return c;
      }
      return 0;
    };
  }

  /** Compile one operator: its step (none for a pure renaming) and the new layout. */
  function op(o: TabularOp, layout: Layout, stop: () => void, after: TabularOp | undefined): { step: Step<any> | undefined; layout: Layout } {
    switch (o.op) {
      case 'where': {
        const pred = expr(o.predicate, layout);
        return { layout, step: mapStep((r, next) => (pred(r) === true ? next.push(r) : undefined)) };
      }
      case 'extend': {
        // New values go to fresh slots after the row's existing ones; a column extended again is
        // re-pointed at its new slot. Later items of one extend see the earlier ones.
        const width = layout.width;
        let columns = [...layout.columns];
        const getters: Accessor[] = [];
        o.columns.forEach((c, k) => {
          getters.push(expr(c.expr, { columns, width: width + k }));
          const slot = width + k;
          const entry = { name: c.name, type: c.expr.type, get: (r: Row) => r.v[slot], source: { slot } };
          const i = columns.findIndex((x) => x.name === c.name);
          if (i >= 0) columns[i] = entry;
          else columns = [...columns, entry];
        });
        return {
          layout: { columns, width: width + getters.length },
          step: mapStep((r, next) => {
            const v = r.v.slice();
            const row = { e: r.e, v };
            for (const g of getters) v.push(g(row));
            next.push(row);
          }),
        };
      }
      case 'project': {
        const getters = o.columns.map((c) => expr(c.expr, layout));
        return {
          layout: computed(o.schema),
          step: mapStep((r, next) => next.push({ e: null, v: getters.map((g) => g(r)) })),
        };
      }
      case 'project-away':
      case 'project-keep':
      case 'project-reorder':
      case 'project-rename': {
        // Pure re-mapping of names to the same accessors: rows are untouched.
        const columns = o.schema.map((c) => {
          const from = o.op === 'project-rename' ? (o.renames.find((x) => x.to === c.name)?.from ?? c.name) : c.name;
          const src = layout.columns.find((x) => x.name === from)!;
          return { name: c.name, type: c.type, get: src.get, source: src.source };
        });
        return { layout: { columns, width: layout.width }, step: undefined };
      }
      case 'summarize':
        return { layout: computed(o.schema), step: summarize(o, layout, after) };
      case 'sort': {
        const cmp = sortComparator(o.keys, layout);
        return { layout, step: buffered((rows) => rows.sort(cmp)) };
      }
      case 'top': {
        const cmp = sortComparator([o.key], layout);
        const count = expr(o.count, layout);
        return { layout, step: buffered((rows) => rows.sort(cmp).slice(0, Number(count({ e: null, v: EMPTY })) || 0)) };
      }
      case 'take': {
        const count = expr(o.count, layout);
        const step: Step<{ n: number; limit: number }> = {
          init: () => ({ n: 0, limit: -1 }),
          push: (r, next, s) => {
            if (s.limit < 0) s.limit = Math.max(0, Number(count(r)) || 0);
            if (s.n < s.limit) {
              s.n++;
              next.push(r);
            }
            if (s.n >= s.limit) stop();
          },
          end: (next) => next.end(),
        };
        return { layout, step };
      }
      case 'distinct': {
        const getters = o.columns.map((c) => expr(c.expr, layout));
        const step: Step<Set<string>> = {
          init: () => new Set(),
          push: (r, next, seen) => {
            const v = getters.map((g) => g(r));
            const key = groupKey(v);
            if (!seen.has(key)) {
              seen.add(key);
              next.push({ e: null, v });
            }
          },
          end: (next) => next.end(),
        };
        return { layout: computed(o.schema), step };
      }
      case 'join':
        return { layout: computed(o.schema), step: join(o, layout) };
      case 'mv-expand': {
        // Expanded values (and the item index) go to fresh slots, as extend does; each input row
        // becomes as many rows as its longest expansion, shorter ones padded with null.
        const width = layout.width;
        let columns = [...layout.columns];
        const getters = o.columns.map((c) => expr(c.expr, layout));
        const types = o.columns.map((c) => c.type);
        const names = [...o.columns.map((c) => c.name), ...(o.itemIndex !== undefined ? [o.itemIndex] : [])];
        const outTypes = [...types, ...(o.itemIndex !== undefined ? (['long'] as const) : [])];
        names.forEach((name, k) => {
          const slot = width + k;
          const entry = { name, type: outTypes[k]!, get: (r: Row) => r.v[slot], source: { slot } };
          const i = columns.findIndex((x) => x.name === name);
          if (i >= 0) columns[i] = entry;
          else columns = [...columns, entry];
        });
        const limit = o.limit ?? Number.MAX_SAFE_INTEGER;
        const kind = o.kind;
        const withIndex = o.itemIndex !== undefined;
        return {
          layout: { columns, width: width + names.length },
          step: mapStep((r, next) => {
            const lists = getters.map((g) => expansionElements(g(r), kind));
            const n = Math.min(limit, Math.max(...lists.map((l) => l.length)));
            for (let i = 0; i < n; i++) {
              const v = r.v.slice();
              lists.forEach((l, k) => v.push(castElement(i < l.length ? l[i] : null, types[k]!)));
              if (withIndex) v.push(i);
              next.push({ e: r.e, v });
            }
          }),
        };
      }
      case 'count': {
        const step: Step<{ n: number }> = {
          init: () => ({ n: 0 }),
          push: (_r, _next, s) => void s.n++,
          end: (next, s) => {
            next.push({ e: null, v: [s.n] });
            next.end();
          },
        };
        return { layout: computed(o.schema), step };
      }
    }
  }

  /**
   * join: the right side runs to rows first (once per run) and is indexed by its key; left rows
   * stream through. Rows whose key has a null part match nothing. Right-side rows that the kind
   * keeps unmatched (rightouter, fullouter, rightsemi, rightanti) are emitted at the end.
   */
  function join(o: Extract<TabularOp, { op: 'join' }>, layout: Layout): Step<JoinState> {
    const leftGet = layout.columns.map((c) => c.get);
    const leftKey = o.keys.map((k) => layout.columns.find((c) => c.name === k.left)!.get);
    const keyOf = (values: Value[]): string | undefined => (values.some((v) => v === null || v === undefined) ? undefined : groupKey(values));
    const leftNulls = leftGet.map(() => null);
    /** The right side's rows, getters and key index, computed on the run's first left row. */
    const prepare = (s: JoinState): JoinRight => {
      if (s.right) return s.right;
      const rows = evaluate(o.right);
      const rl = current().layouts.get(o.right)!;
      const get = rl.columns.map((c) => c.get);
      const rightKey = o.keys.map((k) => rl.columns.find((c) => c.name === k.right)!.get);
      const index = new Map<string, number[]>();
      rows.forEach((r, i) => {
        const k = keyOf(rightKey.map((g) => g(r)));
        if (k === undefined) return;
        const list = index.get(k);
        if (list) list.push(i);
        else index.set(k, [i]);
      });
      s.right = { rows, get, index };
      return s.right;
    };
    const rightValues = (right: JoinRight, i: number) => right.get.map((g) => g(right.rows[i]!));
    return {
      init: () => ({ right: undefined, matched: new Set(), seenLeft: new Set() }),
      push: (r, next, s) => {
        const right = prepare(s);
        const k = keyOf(leftKey.map((g) => g(r)));
        const hits = k === undefined ? undefined : right.index.get(k);
        switch (o.kind) {
          case 'leftsemi':
            if (hits) next.push({ e: null, v: leftGet.map((g) => g(r)) });
            return;
          case 'leftanti':
            if (!hits) next.push({ e: null, v: leftGet.map((g) => g(r)) });
            return;
          case 'rightsemi':
          case 'rightanti':
            hits?.forEach((i) => s.matched.add(i));
            return;
          case 'innerunique':
            if (k === undefined || s.seenLeft.has(k)) return;
            s.seenLeft.add(k);
            break;
        }
        const left = leftGet.map((g) => g(r));
        if (hits) {
          for (const i of hits) {
            s.matched.add(i);
            next.push({ e: null, v: [...left, ...rightValues(right, i)] });
          }
        } else if (o.kind === 'leftouter' || o.kind === 'fullouter') next.push({ e: null, v: [...left, ...right.get.map(() => null)] });
      },
      end: (next, s) => {
        const right = prepare(s);
        right.rows.forEach((_, i) => {
          const hit = s.matched.has(i);
          if (o.kind === 'rightsemi' && hit) next.push({ e: null, v: rightValues(right, i) });
          else if (o.kind === 'rightanti' && !hit) next.push({ e: null, v: rightValues(right, i) });
          else if ((o.kind === 'rightouter' || o.kind === 'fullouter') && !hit) next.push({ e: null, v: [...leftNulls, ...rightValues(right, i)] });
        });
        next.end();
      },
    };
  }

  /** A summarize's aggregates: the accumulators each group keeps, and how results are read. */
  function aggregatesOf(o: Extract<TabularOp, { op: 'summarize' }>): AggregatePlan {
    const plan = planAggregates(o.aggregates, (a) => ({ types: a.args.map((x) => x.type), consts: a.args.map(constantOf), run }));
    for (const s of plan.states) keptShapes.push(s.create());
    return plan;
  }

  /** The where right after a summarize, when trying it on partial rows saves reading outputs (see EarlyWhere). */
  function earlyWhere(o: Extract<TabularOp, { op: 'summarize' }>, plan: AggregatePlan, after: TabularOp | undefined): EarlyWhere | undefined {
    if (after?.op !== 'where') return undefined;
    const read = new Set<string>();
    if (!columnsRead(after.predicate, read)) return undefined;
    const reads: boolean[] = [];
    let slot = o.by.length;
    for (const out of plan.outputs) {
      reads.push(o.schema.slice(slot, slot + out.outputs).some((c) => read.has(c.name)));
      slot += out.outputs;
    }
    return reads.every(Boolean) ? undefined : { reads, test: expr(after.predicate, computed(o.schema)) };
  }

  function summarize(o: Extract<TabularOp, { op: 'summarize' }>, layout: Layout, after: TabularOp | undefined): Step<GroupTable> {
    const keys = o.by.map((b) => expr(b.expr, layout));
    const plan = aggregatesOf(o);
    const args = plan.states.map((s) => s.args.map((x) => expr(x, layout)));
    return groupsStep(plan, o.by.length, (r, _next, table) => {
      const g = keys.length === 1 ? table.get1(keys[0]!(r)) : keys.length === 2 ? table.get2(keys[0]!(r), keys[1]!(r)) : table.getN(keys.map((k) => k(r)));
      for (let i = 0; i < args.length; i++) {
        const a = args[i]!;
        const acc = g.accs[i]!;
        switch (a.length) {
          case 0: acc.add(); break;
          case 1: acc.add(a[0]!(r)); break;
          case 2: acc.add(a[0]!(r), a[1]!(r)); break;
          default: acc.add(...a.map((x) => x(r)));
        }
      }
    }, earlyWhere(o, plan, after));
  }

  /** A pipeline's chain into a sink, for one run. */
  interface Connection {
    head: Sink;
    /** Takes one raw event of the source table. */
    feed: (e: unknown) => void;
    stopped: () => boolean;
    drive?: (events: Iterable<unknown>) => void;
    /** The two halves of `feed` when it ends in a summarize (see SummarizeInputs). */
    inputs?: (e: unknown, out: Value[]) => void;
    replay?: (values: readonly Value[]) => void;
  }

  /** A compiled pipeline: its output layout, and `connect` to build a fresh chain into a sink. */
  interface Pipeline {
    readonly layout: Layout;
    readonly source: Tabular['source'];
    /** Whether its connections have `inputs` and `replay`. */
    readonly splitsSummarize: boolean;
    /** The stage chain into `sink`; `feed` takes one raw event of the source table. */
    connect(sink: Sink): Connection;
  }

  function pipeline(t: Tabular): Pipeline {
    // A let's rows arrive as that let's pipeline left them, so they are read with its layout.
    const sourceLayout: Layout =
      t.source.kind === 'table'
        ? { columns: t.source.schema.map((c) => sourceColumn(c)), width: 0 }
        : compiledPipeline(tabularLets.get(t.source.name)!).layout;
    const halt = { stopped: false };
    const stop = () => {
      halt.stopped = true;
    };
    // Generated code runs a table's leading where/extend/project operators as one function.
    const fused =
      options.mode !== 'closures' && t.source.kind === 'table'
        ? fusePrefix(t.source.schema, t.ops, codegenContext(sourceLayout), sourceColumn, aggregatesOf)
        : undefined;
    let layout: Layout = fused ? { columns: fused.columns, width: fused.width } : sourceLayout;
    const steps: Step<any>[] = [];
    for (let k = fused?.count ?? 0; k < t.ops.length; k++) {
      const compiled = op(t.ops[k]!, layout, stop, t.ops[k + 1]);
      if (compiled.step) steps.push(compiled.step);
      layout = compiled.layout;
    }
    // A fused summarize's groups reach the rest of the chain at the end of input.
    const fusedSummarize = fused?.summarize && (t.ops[fused.count - 1] as Extract<TabularOp, { op: 'summarize' }>);
    const flush = fused?.summarize && groupsStep(fused.summarize.plan, fused.summarize.keyCount, () => {}, earlyWhere(fusedSummarize!, fused.summarize.plan, t.ops[fused.count]));
    const timeGenerated = t.source.kind === 'table' ? sourceLayout.columns.find((c) => c.name === 'TimeGenerated' && c.type === 'datetime')?.get : undefined;
    return {
      layout,
      source: t.source,
      splitsSummarize: fused?.split !== undefined,
      connect(sink) {
        halt.stopped = false;
        const stopped = () => halt.stopped;
        let head = sink;
        for (let i = steps.length - 1; i >= 0; i--) head = new Link(steps[i]!, head, steps[i]!.init());
        const { options: run } = current();
        const windowStart = run.windowMs !== undefined ? run.now - run.windowMs : undefined;
        const next = head;
        if (fused) {
          let groups: GroupTable | undefined;
          if (flush) {
            groups = flush.init();
            head = new Link(flush, next, groups);
          }
          const state = new FusedRunState(windowStart, run.now, next, groups);
          const split = fused.split;
          return {
            head,
            feed: (e) => fused.feed(e, state),
            stopped,
            drive: (events) => fused.drive(events, halt, state),
            ...(split ? { inputs: (e: unknown, out: Value[]) => split.inputs(e, state, out), replay: (values: readonly Value[]) => split.replay(values, state) } : {}),
          };
        }
        const feed = (e: unknown): void => {
          if (e === null || typeof e !== 'object' || Array.isArray(e)) return;
          const row: Row = { e: e as Record<string, unknown>, v: EMPTY };
          if (windowStart !== undefined && timeGenerated) {
            // Sentinel's schedule: the rule sees [now - queryPeriod, now] of TimeGenerated.
            const t0 = timeGenerated(row) as number | null;
            if (t0 === null || t0 < windowStart || t0 > run.now) return;
          }
          next.push(row);
        };
        return { head, feed, stopped };
      },
    };
  }

  /** Run a pipeline over its source (events from the input, or a tabular let's rows). */
  function runInto(p: Pipeline, sink: Sink): void {
    const { head, feed, stopped, drive } = p.connect(sink);
    if (p.source.kind === 'letTable') {
      for (const r of evaluate(tabularLets.get(p.source.name)!)) {
        if (stopped()) break;
        head.push(r);
      }
    } else if (drive) {
      drive(eventsFor(current().input, p.source.table));
    } else {
      for (const e of eventsFor(current().input, p.source.table)) {
        if (stopped()) break;
        feed(e);
      }
    }
    head.end();
  }

  const pipelines = new Map<Tabular, Pipeline>();
  const compiledPipeline = (t: Tabular) => {
    let p = pipelines.get(t);
    if (!p) {
      p = pipeline(t);
      pipelines.set(t, p);
    }
    return p;
  };

  /** Run a pipeline to rows (cached per run: a tabular let is evaluated once). */
  function evaluate(t: Tabular): Row[] {
    const s = current();
    const cached = s.tabularCache.get(t);
    if (cached) return cached;
    const p = compiledPipeline(t);
    s.layouts.set(t, p.layout);
    const rows: Row[] = [];
    runInto(p, new Collect(rows, (r) => r));
    s.tabularCache.set(t, rows);
    return rows;
  }

  // Compile everything up front so errors surface at compile time, not on first run.
  for (const l of ir.lets) if (l.kind === 'tabular') compiledPipeline(l.value);
  const main = compiledPipeline(ir.body);
  const letOrder: Let[] = ir.lets.filter((l) => l.kind === 'scalar' && !constants.has(l.name));
  const letGetters = letOrder.map((l) => ({ name: l.name, get: expr((l as Extract<Let, { kind: 'scalar' }>).value, { columns: [], width: 0 }) }));
  const buildRow = options.mode === 'closures' ? closureRowBuilder(main.layout) : generateRowBuilder(main.layout.columns);
  keptShapes.push(buildRow({ e: {}, v: [] }));
  /** Collects output rows as plain objects. */
  const collector = (rows: Record<string, unknown>[]): Sink => new Collect(rows, buildRow);

  const begin = (input: EventInput, options: RunOptions) => {
    run.now = options.now;
    state = { input, options, letValues: new Map(), tabularCache: new Map(), layouts: new Map() };
    for (const l of letGetters) state.letValues.set(l.name, l.get({ e: null, v: EMPTY }));
  };

  // Streaming is possible when only the main pipeline reads events, straight from its table.
  const streamable = main.source.kind === 'table' && ir.lets.every((l) => l.kind === 'scalar') && !readsInputAgain(ir);

  /**
   * A pipeline connected for a run of its own, for the parallel reader's per-event functions: the
   * returned functions make that run current first (runs of one compiled query may interleave).
   */
  const connectRun = (p: Pipeline, options: RunOptions, sink: Sink): Connection => {
    begin([], options);
    const mine = state;
    const c = p.connect(sink);
    const { feed, inputs } = c;
    return {
      ...c,
      feed: (e) => {
        state = mine;
        feed(e);
      },
      ...(inputs
        ? {
            inputs: (e: unknown, out: Value[]) => {
              state = mine;
              inputs(e, out);
            },
          }
        : {}),
    };
  };

  // The leading row-wise operators as a pipeline of their own, for eventFilter; compiled on first
  // use (only reader threads ask), so a plain run has a single fused function of its source.
  const rowWise = ir.body.ops.findIndex((o) => !ROW_WISE.has(o.op));
  const leading = rowWise < 0 ? ir.body.ops : ir.body.ops.slice(0, rowWise);
  let filterPipeline: Pipeline | undefined;

  return {
    schema: ir.body.schema,
    rawTextFilter: streamable ? rawTextFilter(ir) : undefined,
    eventFilter: streamable && leading.length > 0
      ? (options) => {
          let passed = false;
          filterPipeline ??= pipeline({ ...ir.body, ops: leading });
          const { feed } = connectRun(filterPipeline, options, { push: () => void (passed = true), end: () => {} });
          return (e) => {
            passed = false;
            feed(e);
            return passed;
          };
        }
      : undefined,
    summarizeInputs: streamable && main.splitsSummarize ? (options) => connectRun(main, options, IDLE_SINK).inputs! : undefined,
    run(input, options) {
      begin(input, options);
      try {
        const rows: Record<string, unknown>[] = [];
        runInto(main, collector(rows));
        return { columns: ir.body.schema, rows };
      } finally {
        state = undefined;
      }
    },
    open(options) {
      if (!streamable) {
        const events: unknown[] = [];
        return { push: (e) => void events.push(e), end: () => this.run(events, options) };
      }
      begin([], options);
      const rows: Record<string, unknown>[] = [];
      const { head, feed, stopped, replay } = main.connect(collector(rows));
      const mine = state;
      return {
        push: (e) => {
          if (stopped()) return;
          state = mine;
          feed(e);
        },
        ...(replay
          ? {
              replay: (values: readonly Value[]) => {
                state = mine;
                replay(values);
              },
            }
          : {}),
        end: () => {
          state = mine;
          head.end();
          state = undefined;
          return { columns: ir.body.schema, rows };
        },
      };
    },
  };
}

/**
 * The `where` right after a summarize, tried on each group before its row is complete: `reads`
 * marks the aggregate outputs its predicate reads. A threshold rule's where drops most groups
 * (the seed rule's, 46,000 of 62,000), whose other results (make_set lists) are then never read.
 * The where step still runs on the rows that pass; predicates are pure (the catalog has no random
 * function, and its clock functions, now and ago, are fixed per run), so it gives the same answer.
 */
interface EarlyWhere {
  readonly reads: readonly boolean[];
  readonly test: Accessor;
}

/** A summarize's groups as a step: filled by `push`, flushed down the chain at the end. */
function groupsStep(plan: AggregatePlan, keyCount: number, push: Step<GroupTable>['push'], early?: EarlyWhere): Step<GroupTable> {
  // One function for every run's table: the group lookups inline it (see Link).
  const accumulators = () => plan.states.map((s) => s.create());
  return { init: () => new GroupTable(accumulators), push, end: (next, table) => flushGroups(table, keyCount, plan, next, early) };
}

/** A summarize's rows, then the end of its input. */
function flushGroups(table: GroupTable, keyCount: number, plan: AggregatePlan, next: Sink, early: EarlyWhere | undefined): void {
  // With no `by`, an empty input still yields one row of default values, as in Kusto.
  if (keyCount === 0) table.get0();
  const outputs = plan.outputs;
  for (const g of table.groups) {
    const v: Value[] = [...g.keys];
    // With an early where: the outputs it reads first (null holds the others' slots), then the rest.
    for (let i = 0; i < outputs.length; i++) pushOutput(v, g, outputs[i]!, early === undefined || early.reads[i] === true);
    if (early !== undefined) {
      const row = { e: null, v };
      if (early.test(row) !== true) continue;
      for (let i = 0, slot = keyCount; i < outputs.length; slot += outputs[i]!.outputs, i++) {
        if (early.reads[i] !== true) setOutput(v, slot, g, outputs[i]!);
      }
    }
    next.push({ e: null, v });
  }
  next.end();
}

function pushOutput(v: Value[], g: Group, out: AggregateOutput, read: boolean): void {
  if (!read) {
    for (let j = 0; j < out.outputs; j++) v.push(null);
    return;
  }
  const result = out.read(g.accs[out.state]!);
  if (out.multi) {
    const values = result as Value[];
    for (let j = 0; j < out.outputs; j++) v.push(values[j] ?? null);
  } else v.push(result);
}

function setOutput(v: Value[], slot: number, g: Group, out: AggregateOutput): void {
  const result = out.read(g.accs[out.state]!);
  if (out.multi) {
    const values = result as Value[];
    for (let j = 0; j < out.outputs; j++) v[slot + j] = values[j] ?? null;
  } else v[slot] = result;
}

/** Functions that parse a string: worth remembering per value (see rememberedPerValue). */
const PARSING = new Set(['parse_json', 'todynamic', 'extract', 'split']);

/** Adds the columns `e` reads to `into`; false if it reads more than the row (a subquery). */
function columnsRead(e: ScalarExpr, into: Set<string>): boolean {
  return everyNode(e, (x) => {
    if (x.kind === 'column') into.add(x.name);
    return true;
  });
}

/** Output rows through closures (the reference form of generateRowBuilder). */
function closureRowBuilder(layout: Layout): (r: Row) => Record<string, unknown> {
  const output = layout.columns.map((c) => ({ name: c.name, type: c.type, get: c.get, risky: c.name === '__proto__' }));
  return (r) => {
    const o: Record<string, unknown> = {};
    for (const c of output) {
      const v = outputValue(c.get(r), c.type);
      if (c.risky) Object.defineProperty(o, c.name, { value: v, enumerable: true, writable: true, configurable: true });
      else o[c.name] = v;
    }
    return o;
  };
}

/** Whether the query reads its input more than once (`x in (T | ...)` subqueries, join). */
function readsInputAgain(ir: QueryIR): boolean {
  const text = jsonWithoutSpans(ir);
  return text.includes('"kind":"subquery"') || text.includes('"op":"join"');
}

/**
 * Group/distinct key of a list of values: kinds kept apart ("1" vs 1), strings length-prefixed so
 * no two different lists share a key, objects by their JSON.
 */
function groupKey(values: readonly Value[]): string {
  let key = '';
  for (const v of values) key += groupKey1(v);
  return key;
}

function groupKey1(v: Value): string {
  if (typeof v === 'string') return `s${v.length}:${v}`;
  if (typeof v === 'number') return `n${v};`;
  if (v === null || v === undefined) return 'z;';
  if (typeof v === 'boolean') return v ? 't;' : 'f;';
  const j = jsonText(v);
  return `j${j.length}:${j}`;
}

/** A step that holds all rows until the end of input (sort, top). */
function buffered(finish: (rows: Row[]) => Row[]): Step<Row[]> {
  return {
    init: () => [],
    push: (r, _next, rows) => void rows.push(r),
    end: (next, rows) => {
      for (const r of finish(rows)) next.push(r);
      next.end();
    },
  };
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return x !== null && typeof x === 'object' && typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function';
}

function eventsFor(input: EventInput, table: string): Iterable<unknown> {
  if (isIterable(input)) return input;
  return Object.prototype.hasOwnProperty.call(input, table) ? (input as Record<string, Iterable<unknown>>)[table]! : [];
}
