/**
 * A table pipeline's leading streaming operators (where, extend, project and its variants) fused
 * into one generated function per event: each source column is read from the event at most once,
 * into a local; a failed `where` returns at once; computed columns are locals; only events that
 * get through become a Row for the operators after the prefix. Same injection rule as codegen.ts:
 * the code holds structure only, and column names appear only through JSON.stringify.
 */
import type { Column, ScalarExpr, ScalarType, Schema, TabularOp } from '../../ir/types.js';
import { coerce, type Value } from '../../semantics/values.js';
import { ExpressionCode, rawRead, type CodegenContext } from './codegen.js';
import type { Impl } from '../../catalog/types.js';
import type { GroupTable } from './groups.js';
import type { Accessor, LayoutColumn, Row, Sink } from './rows.js';
import { sourceColumn } from './source.js';
import type { AggregatePlan } from './aggregates.js';

/**
 * What changes from run to run, set before each run: the schedule window (undefined: none), the
 * query clock, where surviving rows go, and the groups a fused summarize fills.
 */
export class FusedRunState {
  constructor(
    readonly windowStart: number | undefined,
    readonly now: number,
    readonly next: Sink,
    readonly groups: GroupTable | undefined,
  ) {}
}

export interface FusedPrefix {
  /** How many of the pipeline's operators the function covers. */
  readonly count: number;
  /** Columns after the prefix, and where each lives in the rows it pushes. */
  readonly columns: readonly LayoutColumn[];
  readonly width: number;
  /** Set when the prefix ends with the pipeline's first summarize (its groups fill a GroupTable). */
  readonly summarize?: { readonly plan: AggregatePlan; readonly keyCount: number };
  /**
   * The per-event function, pushing surviving rows into `run.next` (or adding them to
   * `run.groups`). Generated once per query and reused by every run, which keeps V8's optimised
   * code for it; what differs between runs comes in `run`.
   */
  readonly feed: (event: unknown, run: FusedRunState) => void;
  /** The loop over an in-memory input (each query has its own, so its call of feed stays monomorphic). */
  readonly drive: (events: Iterable<unknown>, halt: { readonly stopped: boolean }, run: FusedRunState) => void;
  /** With a summarize: `feed` cut in two, for threads that read events for another (see SummarizeInputs). */
  readonly split?: SummarizeInputs;
}

/**
 * A fused summarize in two halves: `inputs` does everything `feed` does up to the summarize and
 * appends the event's group keys and aggregate arguments to `out` (a flat list, the same number
 * per event); `replay` adds such a list to the groups, as `feed` would have. The two halves run
 * the same generated expressions as `feed`, so their results are the same values.
 */
interface SummarizeInputs {
  readonly inputs: (event: unknown, run: FusedRunState, out: Value[]) => void;
  readonly replay: (values: readonly Value[], run: FusedRunState) => void;
}

type Binding = { readonly kind: 'source'; readonly column: Column } | { readonly kind: 'local'; readonly name: string; readonly type: ScalarType };

const FUSABLE = new Set(['where', 'extend', 'project', 'project-away', 'project-keep', 'project-reorder', 'project-rename']);

/**
 * The fused prefix of `ops` over a table with `schema`, or undefined when the first operator is
 * not a streaming one. `planAggregates` plans a summarize's aggregates with the query's call sites.
 */
export function fusePrefix(
  schema: Schema,
  ops: readonly TabularOp[],
  ctx: Omit<CodegenContext, 'column'>,
  planAggregates: (o: Extract<TabularOp, { op: 'summarize' }>) => AggregatePlan,
): FusedPrefix | undefined {
  let count = 0;
  while (count < ops.length && FUSABLE.has(ops[count]!.op)) count++;

  const sourceLocal = new Map<string, string>();
  const lines: string[] = [];
  let pending: string[] = [];
  const timeGenerated = schema.find((c) => c.name === 'TimeGenerated' && c.type === 'datetime');
  const read = (c: Column): string =>
    c.name in Object.prototype ? `R(e, ${JSON.stringify(c.name)}, ${JSON.stringify(c.type)})` : rawRead('e', c.name, c.type, 'v');
  const loaded = new Set<string>();
  const localOf = (c: Column): string => {
    let name = sourceLocal.get(c.name);
    if (!name) {
      name = `c${sourceLocal.size}`;
      sourceLocal.set(c.name, name);
    }
    if (!loaded.has(c.name)) {
      loaded.add(c.name);
      // TimeGenerated may have been read by the window check already.
      pending.push(c === timeGenerated ? `if (${name} === undefined) ${name} = ${read(c)};` : `const ${name} = ${read(c)};`);
    }
    return name;
  };
  let env = new Map<string, Binding>(schema.map((c) => [c.name, { kind: 'source', column: c }]));
  const code = new ExpressionCode(
    ctx,
    (name) => {
      const b = env.get(name);
      if (!b) throw new Error(`internal: column ${name} not in scope`);
      return b.kind === 'local' ? b.name : localOf(b.column);
    },
    'null',
  );
  let locals = 0;
  /** A statement, preceded by the reads of the source columns it is the first to use. */
  const statement = (make: () => string) => {
    pending = [];
    const text = make();
    lines.push(...pending, text);
  };

  let windowCheck = '';
  if (timeGenerated) {
    const tg = 'c0';
    sourceLocal.set(timeGenerated.name, tg);
    windowCheck = `let ${tg};\nif (W.windowStart !== undefined) {\n${tg} = ${read(timeGenerated)};\nif (${tg} === null || ${tg} < W.windowStart || ${tg} > W.now) return;\n}\n`;
  }

  for (const o of ops.slice(0, count)) {
    switch (o.op) {
      case 'where':
        // `A and B` is true only when both are: one early return per conjunct, so B's columns
        // are read only for events that passed A (the functions are pure; skipping B is exact).
        for (const p of conjuncts(o.predicate)) statement(() => `if (${code.gen(p)} !== true) return;`);
        break;
      case 'extend':
        // Later items of one extend see the earlier ones.
        for (const c of o.columns) {
          const name = `x${locals++}`;
          statement(() => `const ${name} = ${code.gen(c.expr)};`);
          env = new Map(env).set(c.name, { kind: 'local', name, type: c.expr.type });
        }
        env = ordered(env, o.schema);
        break;
      case 'project': {
        // Every item reads the columns before the project; a plain column keeps its binding.
        const next = new Map<string, Binding>();
        for (const c of o.columns) {
          if (c.expr.kind === 'column' && env.has(c.expr.name)) {
            next.set(c.name, env.get(c.expr.name)!);
            continue;
          }
          const name = `x${locals++}`;
          statement(() => `const ${name} = ${code.gen(c.expr)};`);
          next.set(c.name, { kind: 'local', name, type: c.expr.type });
        }
        env = ordered(next, o.schema);
        break;
      }
      case 'project-rename': {
        const renamed = new Map<string, Binding>();
        for (const c of o.schema) renamed.set(c.name, env.get(o.renames.find((x) => x.to === c.name)?.from ?? c.name)!);
        env = renamed;
        break;
      }
      default:
        env = ordered(env, o.schema);
    }
  }

  // A summarize right after the prefix: keys and aggregate arguments are computed here too, and
  // each event goes straight to its group's accumulators (no row object at all).
  const tail = ops[count];
  let finish: string;
  let columns: LayoutColumn[];
  let width: number;
  let summarize: FusedPrefix['summarize'];
  let split: { lines: string[]; replay: string } | undefined;
  if (tail?.op === 'summarize') {
    const plan = planAggregates(tail);
    summarize = { plan, keyCount: tail.by.length };
    // Keys and arguments as expressions, and the statement that adds them to the groups.
    const addToGroups = (keys: string[], args: string[][]) => {
      const group = keys.length === 0 ? 'W.groups.get0()' : keys.length <= 2 ? `W.groups.get${keys.length}(${keys.join(', ')})` : `W.groups.getN([${keys.join(', ')}])`;
      return `const g = ${group};\n${args.map((a, i) => `g.accs[${i}].add(${a.join(', ')});`).join('\n')}`;
    };
    let inputs: string[] = [];
    statement(() => {
      const keys = tail.by.map((b) => code.gen(b.expr));
      const args = plan.states.map((s) => s.args.map((x) => code.gen(x)));
      inputs = [...keys, ...args.flat()];
      return addToGroups(keys, args);
    });
    // The halves: the same lines ending in `out.push(inputs)`, and the loop that adds them. An
    // event with no keys or arguments (`summarize count()`) still counts: it pushes a null.
    const pushed = inputs.length > 0 ? inputs : ['null'];
    let at = 0;
    const slot = () => `values[i + ${at++}]`;
    const replayKeys = tail.by.map(slot);
    const replayArgs = plan.states.map((s) => s.args.map(slot));
    split = {
      lines: [...lines.slice(0, -1), `out.push(${pushed.join(', ')});`],
      replay: `for (let i = 0; i < values.length; i += ${pushed.length}) {\n${addToGroups(replayKeys, replayArgs)}\n}`,
    };
    count++;
    finish = '';
    columns = tail.schema.map((c, slot) => ({ ...c, get: (r: Row) => r.v[slot], source: { slot } }));
    width = tail.schema.length;
  } else {
    // The row pushed on: the event (for source columns) and the visible computed columns by slot.
    const slots: string[] = [];
    columns = [...env].map(([name, b]) => {
      if (b.kind === 'source') return { ...sourceColumn(b.column), name };
      const slot = slots.push(b.name) - 1;
      return { name, type: b.type, get: (r: Row) => r.v[slot], source: { slot } };
    });
    finish = `W.next.push({ e, v: [${slots.join(', ')}] });`;
    width = slots.length;
  }
  const declarations = code.declarations();
  const perEvent = (name: string, params: string, body: string) =>
    `function ${name}(e, W${params}) {\nif (e === null || typeof e !== 'object' || Array.isArray(e)) return;\nlet v;\n${declarations}${windowCheck}${body}\n}\n`;
  const halves = split
    ? `${perEvent('inputs', ', out', split.lines.join('\n'))}function replay(values, W) {\n${split.replay}\n}\n`
    : 'const inputs = undefined, replay = undefined;\n';
  // An array of events is walked by index: with for-of, the iterator's result object was allocated
  // for every event (40 bytes), even with the loop optimised (it is entered once per run, through
  // on-stack replacement); measured: 50 -> 10 MB allocated per run of a pure filter over 1,000,000.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- structure only (see above)
  const factory = new Function(
    'K', 'F', 'G', 'C', 'R',
    `"use strict";\n${perEvent('fused', '', `${lines.join('\n')}\n${finish}`)}${halves}` +
      'function drive(events, halt, W) {\nif (Array.isArray(events)) {\nfor (let i = 0; i < events.length; i++) {\nif (halt.stopped) return;\nfused(events[i], W);\n}\nreturn;\n}\n' +
      'for (const e of events) {\nif (halt.stopped) return;\nfused(e, W);\n}\n}\nreturn { fused, drive, inputs, replay };',
  ) as (
    k: Value[],
    f: Impl[],
    g: Accessor[],
    c: typeof coerce,
    r: typeof readColumn,
  ) => { fused: FusedPrefix['feed']; drive: FusedPrefix['drive']; inputs?: SummarizeInputs['inputs']; replay?: SummarizeInputs['replay'] };
  const { fused, drive, inputs, replay } = factory(code.K, code.F, code.G, coerce, readColumn);
  return {
    count,
    columns,
    width,
    ...(summarize ? { summarize } : {}),
    feed: fused,
    drive,
    ...(split && inputs && replay ? { split: { inputs, replay } } : {}),
  };
}

/** A source column named like an Object.prototype member: own properties only (others are read inline, see rawRead). */
function readColumn(e: Readonly<Record<string, unknown>>, name: string, type: ScalarType): Value {
  return coerce(Object.prototype.hasOwnProperty.call(e, name) ? e[name] : undefined, type);
}

/** The operands of a chain of `and`, left to right. */
function conjuncts(e: ScalarExpr): ScalarExpr[] {
  return e.kind === 'call' && e.fn === 'and' ? e.args.flatMap(conjuncts) : [e];
}

/** The bindings in the order of an operator's output schema. */
function ordered(env: ReadonlyMap<string, Binding>, schema: Schema): Map<string, Binding> {
  return new Map(schema.map((c) => [c.name, env.get(c.name)!]));
}

