/**
 * Scalar expressions compiled to accessors (row -> value): generated code by default (codegen.ts),
 * a tree of closures when asked (the reference form; both are tested) and for what generated code
 * leaves to closures (let values, subqueries).
 */
import { scalarEntry } from '../../catalog/catalog.js';
import type { CallSite, RunContext } from '../../catalog/types.js';
import { outputImpl } from './outputs.js';
import type { Aggregate, ScalarExpr, Tabular } from '../../ir/types.js';
import { everyNode } from '../../ir/walk.js';
import { member, type Value } from '../../semantics/values.js';
import { memoized } from '../../semantics/strings.js';
import { generateAccessor, type CodegenContext, type PerValue } from './codegen.js';
import { constantValue } from './prefilter.js';
import { computedLayout, NO_VALUES, type Accessor, type Layout } from './rows.js';

/** What expressions of one query refer to beyond their row. */
export interface ExpressionScope {
  /** Scalar lets with a literal value: compile-time constants. */
  readonly constants: ReadonlyMap<string, Value>;
  /** The query clock, set for each run. */
  readonly run: RunContext;
  readonly mode: 'codegen' | 'closures';
  /** A scalar let's value in the current run (one that is not a constant). */
  letValue(name: string): Value;
  /** Values of a tabular expression's first column in the current run (for `x in (T)`). */
  firstColumn(t: Tabular): Value[];
}

export interface Expressions {
  expr(e: ScalarExpr, layout: Layout): Accessor;
  /** An expression's value when it is a constant (literal, constant let). */
  constantOf(e: ScalarExpr): Value | undefined;
  /** The value in the current run of an expression that reads no row (print, range's bounds, make-series' step). */
  rowless(e: ScalarExpr): Value;
  /** Constants, catalog implementations and closure fallbacks for generated code over `layout`. */
  codegenContext(layout: Layout): Omit<CodegenContext, 'column'>;
  /** The call site of an aggregate, for its catalog implementation. */
  aggregateSite(a: Aggregate): CallSite;
}

/** Functions that parse a string: worth remembering per value (see rememberedPerValue). */
const PARSING = new Set(['parse_json', 'todynamic', 'extract', 'split']);

export function compileExpressions(scope: ExpressionScope): Expressions {
  const { constants, run } = scope;
  const constantOf = (e: ScalarExpr): Value | undefined => constantValue(e, constants);
  const site = (args: readonly ScalarExpr[]): CallSite => ({ types: args.map((a) => a.type), consts: args.map(constantOf), run });

  function expr(e: ScalarExpr, layout: Layout): Accessor {
    if (scope.mode === 'closures' || e.kind === 'literal' || e.kind === 'column') return closureExpr(e, layout);
    return generateAccessor(e, {
      ...codegenContext(layout),
      column: (name) => {
        const c = layout.columns.find((x) => x.name === name);
        if (!c) throw new Error(`internal: column ${name} not in layout`);
        return c.source ?? { get: c.get };
      },
    });
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
    const { constant, impl, closure } = codegenContext(computedLayout([column]));
    const compute = generateAccessor(e, { constant, impl, closure, column: () => ({ slot: 0 }) });
    const remembered = memoized((s: string) => compute({ e: null, v: [s] }));
    return { column: column.name, of: (s) => (typeof s === 'string' ? remembered(s) : compute({ e: null, v: [s] })) };
  }

  function codegenContext(layout: Layout): Omit<CodegenContext, 'column'> {
    return {
      constant: (x: ScalarExpr) => {
        const v = constantOf(x);
        return v === undefined ? undefined : { value: v };
      },
      impl: (x: Extract<ScalarExpr, { kind: 'call' }>) => outputImpl(scalarEntry(x.fn).js(site(x.args)), x),
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
        return () => scope.letValue(name);
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
        return () => scope.firstColumn(query);
      }
      case 'call':
        return call(e, layout);
    }
  }

  function call(e: Extract<ScalarExpr, { kind: 'call' }>, layout: Layout): Accessor {
    // Every argument is evaluated, also and/or's second and iff's other branch: the reference form
    // uses the catalog's plain implementation (the generated code's short-circuits are tested against it).
    const args = e.args.map((a) => expr(a, layout));
    const impl = outputImpl(scalarEntry(e.fn).js(site(e.args)), e);
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

  const rowless = (e: ScalarExpr): Value => expr(e, computedLayout([]))({ e: null, v: NO_VALUES });
  return { expr, constantOf, rowless, codegenContext, aggregateSite: (a) => site(a.args) };
}
