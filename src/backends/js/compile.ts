/**
 * IR -> an in-process evaluator (no generated source from rule text, so nothing in a rule can
 * inject code). Rows flow push-style through the operators (rows.ts); this module builds each
 * pipeline from its fused leading operators (fuse.ts) and its steps (operators.ts), and runs the
 * query: all events at once, as a stream, or split for parallel readers.
 */
import { ticksFromUnixMs, TICKS_PER_MS } from '../../semantics/ticks.js';
import type { Column, Let, QueryIR, Schema, Tabular, TabularOp } from '../../ir/types.js';
import type { RunContext } from '../../catalog/types.js';
import type { Value } from '../../semantics/values.js';
import { objectsIn } from '../../ir/walk.js';
import { functionOutputs, readFunctionsFromEvents, tableSources } from '../../ir/functions.js';
import { planAggregates } from './aggregates.js';
import { RunBudget, type EvaluationLimits } from './limits.js';
import { generateRowBuilder } from './codegen.js';
import { compileExpressions } from './expressions.js';
import { fusePrefix, FusedRunState } from './fuse.js';
import { GroupTable } from './groups.js';
import { compileOperator } from './operators.js';
import { closureRowBuilder } from './output.js';
import { isDataColumns, openRowBuilder } from './data-columns.js';
import { constantLets, rawTextFilter } from './prefilter.js';
import { Collect, computedLayout, IDLE_SINK, Link, NO_VALUES, type Layout, type Row, type Sink, type Step } from './rows.js';
import { eventsFor, isEventStream, sourceColumn, type EventInput } from './source.js';
import { computedSourceRows } from './sources.js';
import { earlyWhere, groupsStep } from './summarize.js';

export type { EventInput } from './source.js';

export interface RunOptions {
  /** The query clock (ms since epoch): ago() and now() are relative to it. */
  readonly now: number;
  /** Only events whose TimeGenerated lies in [now - window, now] are seen (Sentinel's queryPeriod). */
  readonly windowMs?: number;
  /** Bounds on groups and produced rows (limits.ts); defaults when absent. */
  readonly limits?: Partial<EvaluationLimits>;
  /** externaldata URL -> local file path: detc never downloads (externaldata.ts). */
  readonly externalData?: Readonly<Record<string, string>>;
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
interface Session {
  push(event: unknown): void;
  replay?(values: readonly Value[]): void;
  end(): ResultTable;
}

/**
 * One idle instance of each class a run creates on the hot path, kept for the life of the module.
 * V8 reaches the map (hidden class) of such an instance from its class only through map
 * transitions, which do not keep it alive: once a full GC collected the last run's instances, the
 * next run's got a new map, and the query's optimised code, which checked the old one, was thrown
 * away (`node --trace-deopt`: "weak objects"), so every run after a collection started again in the
 * interpreter. Measured without them (a gc() before each run, as `npm run bench` does): the pure
 * filter fell from 1.2-1.5x hand-written JS to 0.5-0.8x, with 136 such deoptimisations instead of 7.
 */
export const KEPT_INSTANCES: readonly object[] = [
  new Collect<Row>([], (r) => r),
  // Fields as a run sets them: the clock a non-integer number, the window and groups not yet set.
  new FusedRunState(undefined, 0.5, IDLE_SINK, undefined),
  new Link<undefined>({ init: () => undefined, push: () => {}, end: () => {} }, IDLE_SINK, undefined),
  ...keptGroupTables(),
];

/** Group tables with a group made by each kind of lookup (their group objects are kept too). */
function keptGroupTables(): GroupTable[] {
  const tables = Array.from({ length: 4 }, () => new GroupTable(() => []));
  tables[0]!.get0();
  tables[1]!.get1('');
  tables[2]!.get2('', 0);
  tables[3]!.getN(['', 0, '']);
  return tables;
}

/** Operators that map each row to at most one row and look at no other row. */
const ROW_WISE = new Set<TabularOp['op']>(['where', 'extend', 'project', 'project-away', 'project-keep', 'project-reorder', 'project-rename']);

/** One run: its input and options, the scalar lets' values, and the tabular lets' rows. */
interface RunState {
  input: EventInput;
  options: RunOptions;
  letValues: Map<string, Value>;
  tabularCache: Map<Tabular, Row[]>;
  budget: RunBudget;
}

export interface CompileOptions {
  /** 'codegen' (default): one generated function per expression; 'closures': a closure tree. */
  readonly mode?: 'codegen' | 'closures';
}

/**
 * The evaluator of a query. A query that calls workspace functions takes a function's output from
 * the input when the input has it: events keyed by the function's name, or, in a single stream of
 * events, those whose `Type` (the table column Log Analytics gives every row) is the function's
 * name; otherwise the function's body runs over the underlying tables' events. A watchlist's
 * items come with the query.
 */
export function compileQuery(ir: QueryIR, options: CompileOptions = {}): CompiledQuery {
  const outputs = functionOutputs(ir);
  const sources = tableSources(ir);
  const watchlists = [...sources].filter(([, rows]) => rows !== undefined) as [string, readonly unknown[]][];
  if (outputs.length === 0 && watchlists.length === 0) return compileQueryOnce(ir, options);
  const plain = compileQueryOnce(ir, options);
  const variants = new Map<string, CompiledQuery>();
  const variant = (names: readonly string[]): CompiledQuery => {
    if (names.length === 0) return plain;
    const key = [...names].sort().join('\0');
    let q = variants.get(key);
    if (!q) variants.set(key, (q = compileQueryOnce(readFunctionsFromEvents(ir, new Set(names)), options)));
    return q;
  };
  const tableNames = [...sources.keys()];
  /** The query to run and its input: function outputs and watchlist items placed under their names. */
  const prepare = (input: EventInput): [CompiledQuery, EventInput] => {
    const keyed: Record<string, Iterable<unknown>> = Object.create(null);
    let given: string[];
    if (isEventStream(input)) {
      const events = [...input];
      const typeOf = (e: unknown) => (e !== null && typeof e === 'object' ? (e as { Type?: unknown }).Type : undefined);
      given = outputs.filter((n) => events.some((e) => typeOf(e) === n));
      const own = new Set(given);
      const rest = given.length ? events.filter((e) => !own.has(typeOf(e) as string)) : events;
      for (const name of tableNames) keyed[name] = rest;
      for (const name of given) keyed[name] = events.filter((e) => typeOf(e) === name);
    } else {
      given = outputs.filter((n) => Object.prototype.hasOwnProperty.call(input, n));
      Object.assign(keyed, input);
    }
    for (const [name, rows] of watchlists) keyed[name] = rows;
    return [variant(given), keyed];
  };
  return {
    schema: plain.schema,
    run: (input, o) => {
      const [query, events] = prepare(input);
      return query.run(events, o);
    },
    open(o) {
      const events: unknown[] = [];
      return { push: (e) => void events.push(e), end: () => this.run(events, o) };
    },
  };
}

function compileQueryOnce(ir: QueryIR, options: CompileOptions): CompiledQuery {
  const run: RunContext = { now: 0 };
  let state: RunState | undefined;
  const current = () => state!;
  const budget = () => current().budget;

  // Scalar lets with a literal value are compile-time constants (lists precompile into sets).
  const constants = constantLets(ir);
  const tabularLets = new Map<string, Tabular>();
  for (const l of ir.lets) if (l.kind === 'tabular') tabularLets.set(l.name, l.value);

  const x = compileExpressions({
    constants,
    run,
    mode: options.mode ?? 'codegen',
    letValue: (name) => current().letValues.get(name),
    firstColumn: (t) => {
      const { rows, layout } = rowsOf(t);
      return rows.map(layout.columns[0]!.get);
    },
  });
  /** A tabular expression's rows in the current run (cached: a tabular let is evaluated once), and their layout. */
  const rowsOf = (t: Tabular) => ({ rows: evaluate(t), layout: compiledPipeline(t).layout });
  // An idle object of each shape this query's runs create per group or row (accumulators, output
  // rows), kept with the query for the reason given at KEPT_INSTANCES.
  const keptInstances: object[] = [];
  const aggregatesOf = (o: Extract<TabularOp, { op: 'summarize' }>) => {
    const plan = planAggregates(o.aggregates, x.aggregateSite);
    for (const s of plan.states) keptInstances.push(s.create());
    return plan;
  };

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
        : t.source.kind === 'letTable'
          ? compiledPipeline(tabularLets.get(t.source.name)!).layout
          : computedLayout(t.source.schema);
    const halt = { stopped: false };
    const stop = () => {
      halt.stopped = true;
    };
    // Generated code runs a table's leading where/extend/project operators as one function.
    const fused =
      options.mode !== 'closures' && t.source.kind === 'table'
        ? fusePrefix(t.source.schema, t.ops, x.codegenContext(sourceLayout), aggregatesOf)
        : undefined;
    let layout: Layout = fused ? { columns: fused.columns, width: fused.width } : sourceLayout;
    const steps: Step<any>[] = [];
    for (let k = fused?.count ?? 0; k < t.ops.length; k++) {
      const compiled = compileOperator(t.ops[k]!, layout, stop, t.ops[k + 1], { x, rowsOf, aggregatesOf, budget });
      if (compiled.step) steps.push(compiled.step);
      layout = compiled.layout;
    }
    // A fused summarize's groups reach the rest of the chain at the end of input.
    const fusedSummarize = fused?.summarize && (t.ops[fused.count - 1] as Extract<TabularOp, { op: 'summarize' }>);
    const flush = fused?.summarize && groupsStep(fused.summarize.plan, fused.summarize.keyCount, () => budget().limits.maxGroups, () => {}, earlyWhere(fusedSummarize!, fused.summarize.plan, t.ops[fused.count], x));
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
        // The options count in ms since 1970 (the public clock), the evaluator in ticks.
        const now = ticksFromUnixMs(run.now);
        const windowStart = run.windowMs !== undefined ? now - Math.round(run.windowMs * TICKS_PER_MS) : undefined;
        const next = head;
        if (fused) {
          let groups: GroupTable | undefined;
          if (flush) {
            groups = flush.init();
            head = new Link(flush, next, groups);
          }
          const state = new FusedRunState(windowStart, now, next, groups);
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
          const row: Row = { e: e as Record<string, unknown>, v: NO_VALUES };
          if (windowStart !== undefined && timeGenerated) {
            // Sentinel's schedule: the rule sees [now - queryPeriod, now] of TimeGenerated.
            const t0 = timeGenerated(row) as number | null;
            if (t0 === null || t0 < windowStart || t0 > now) return;
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
    } else if (p.source.kind !== 'table') {
      for (const r of computedSourceRows(p.source, { rowsOf, x, budget: budget(), externalData: current().options.externalData })) {
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
    const rows: Row[] = [];
    runInto(compiledPipeline(t), new Collect(rows, (r) => r));
    s.tabularCache.set(t, rows);
    return rows;
  }

  // Compile everything up front so errors surface at compile time, not on first run.
  for (const l of ir.lets) if (l.kind === 'tabular') compiledPipeline(l.value);
  const main = compiledPipeline(ir.body);
  const letOrder: Let[] = ir.lets.filter((l) => l.kind === 'scalar' && !constants.has(l.name));
  const letGetters = letOrder.map((l) => ({ name: l.name, get: x.expr((l as Extract<Let, { kind: 'scalar' }>).value, { columns: [], width: 0 }) }));
  // Rows with columns named by the data (after bag_unpack or pivot) have keys known only at run time.
  const open = main.layout.columns.some(isDataColumns) ? openRowBuilder(main.layout) : undefined;
  const buildRow = open ? open.build : options.mode === 'closures' ? closureRowBuilder(main.layout) : generateRowBuilder(main.layout.columns);
  const resultColumns = (rows: readonly Record<string, unknown>[]): readonly Column[] => (open ? open.columns(ir.body.schema, rows) : ir.body.schema);
  keptInstances.push(buildRow({ e: {}, v: [] }));
  /** Collects output rows as plain objects. */
  const collector = (rows: Record<string, unknown>[]): Sink => new Collect(rows, buildRow);

  const begin = (input: EventInput, options: RunOptions) => {
    run.now = ticksFromUnixMs(options.now);
    state = { input, options, letValues: new Map(), tabularCache: new Map(), budget: new RunBudget(options.limits) };
    for (const l of letGetters) state.letValues.set(l.name, l.get({ e: null, v: NO_VALUES }));
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
        return { columns: resultColumns(rows), rows };
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
          return { columns: resultColumns(rows), rows };
        },
      };
    },
  };
}

/** Whether the query reads its input more than once (`x in (T | ...)` subqueries, join, ipv4_lookup). */
function readsInputAgain(ir: QueryIR): boolean {
  for (const node of objectsIn(ir)) {
    const n = node as { kind?: unknown; op?: unknown; plugin?: unknown };
    if (n.kind === 'subquery' || n.op === 'join' || n.plugin === 'ipv4_lookup') return true;
  }
  return false;
}
