/**
 * Shape of the one function/operator catalog that the binder and every backend read. Each entry
 * declares its signature and type rule, how it is named in summarize/extend output, how it is
 * written in KQL, and its JavaScript semantics. Adding a function is adding one entry.
 */
import type { ScalarExpr, ScalarType } from '../ir/types.js';
import type { Value } from '../semantics/values.js';

export interface TypeError {
  readonly error: string;
}
export type TypeRule = (args: readonly ScalarType[]) => ScalarType | TypeError;

/** Runtime facts a JS implementation may need (the query clock). Read when the rule runs. */
export interface RunContext {
  /** The query clock in ticks (semantics/ticks.ts). */
  now: number;
}

/** What the JS backend knows at compile time about a call site. */
export interface CallSite {
  readonly types: readonly ScalarType[];
  /** Values of arguments that are constants (literals, constant lets); undefined otherwise. */
  readonly consts: readonly (Value | undefined)[];
  readonly run: RunContext;
}

export type Impl = (...args: Value[]) => Value;

/** A call's result type and its arguments' types. */
export interface ScalarCall {
  readonly type: ScalarType;
  readonly args: readonly { readonly type: ScalarType }[];
}

export interface Accumulator {
  add(...args: Value[]): void;
  result(): Value;
}

interface EntryBase {
  readonly name: string;
  /** Inclusive argument count range. */
  readonly arity: readonly [number, number];
  readonly type: TypeRule;
  /** One line for the generated support table. */
  readonly doc: string;
  /**
   * Where detc's JS evaluator knowingly differs from Kusto for these arguments (types, and values
   * of constant arguments): the difference in words, reported as a warning at the call so no run
   * result surprises. Undefined when the evaluator is exact.
   */
  readonly approximation?: (types: readonly ScalarType[], consts: readonly (Value | undefined)[]) => string | undefined;
}

export interface ScalarEntry extends EntryBase {
  readonly kind: 'scalar';
  /** How KQL writes it: a function call, an infix operator, or a prefix operator. */
  readonly kql: { readonly call: string } | { readonly infix: string } | { readonly prefix: string } | { readonly list: string };
  /** The output column takes its first argument's name (bin, tostring, ...). */
  readonly passesName?: boolean;
  /** The output column's name when the query gives none (ingestion_time(): `$IngestionTime`, as Kusto names it). */
  readonly columnName?: string;
  /** Or a prefix to the first argument's name (gettype(x): `type_x`). */
  readonly namePrefix?: string;
  /**
   * Or a name made from the call's arguments (`derive` names an argument as the binder does;
   * undefined: ColumnN): array_sort_asc(d) is `d_sorted`, column_ifexists("n", 0) of a column n is `n`.
   */
  readonly nameOf?: (args: readonly ScalarExpr[], derive: (arg: ScalarExpr) => string | undefined) => string | undefined;
  /** JS semantics, specialised for a call site. */
  readonly js: (site: CallSite) => Impl;
  /**
   * The call as inline JavaScript for the generated evaluator, for functions that must not
   * evaluate every argument (and/or stop at a deciding side; iff/case evaluate one branch): `arg(i)`
   * is argument i's code, placed where it is to be evaluated, and `temp()` names a fresh variable.
   * Undefined where `js` does more than choose (a dynamic branch converted to the result type).
   * It must agree with `js`, which receives every argument's value.
   */
  readonly inline?: (arg: (i: number) => string, temp: () => string, call: ScalarCall) => string | undefined;
  /**
   * Functions with several results (series_stats, series_fit_line, ...): `js` returns their array,
   * `type` the first one's type. Unnamed outputs are `<fn>_<arg>_<suffix>`, as Kusto names them.
   */
  readonly outputs?: readonly { readonly suffix: string; readonly type: ScalarType }[];
  /**
   * Results that depend on the arguments (array_sort_asc(a1, a2, ...): one per array): their names
   * from the arguments' names and types, or undefined for one result. `js` returns their array.
   */
  readonly outputsFor?: (args: readonly { readonly name: string | undefined; readonly type: ScalarType }[]) => readonly { readonly name: string; readonly type: ScalarType }[] | undefined;
}

export interface AggregateEntry extends EntryBase {
  readonly kind: 'aggregate';
  readonly kql: { readonly call: string };
  /** Default output column: prefix + '_' + first argument's name (count -> count_). */
  readonly columnPrefix: string;
  /** Whether the default name uses the first argument's name (countif does not). */
  readonly namedByArg: boolean;
  readonly js: (site: CallSite) => () => Accumulator;
  /** arg_max, arg_min, take_any: `*` or several arguments, one output column each (the accumulator's result is their array). */
  readonly multiOutput?: true;
  /**
   * Output columns that are not one per argument (percentiles: one per percentile asked), from the
   * first argument's name and type and the constant values of the arguments; an error text when
   * the arguments do not allow them. The accumulator's result is their array.
   */
  readonly outputsOf?: (name: string | undefined, type: ScalarType, consts: readonly (Value | undefined)[]) => readonly { name: string | undefined; type: ScalarType }[] | string;
  /**
   * Set when the aggregate (without predicate) is a view of the distinct non-empty values of its
   * first argument, in first-seen order: their number (dcount) or the first `limit` of them
   * (make_set). Aggregates of the same argument may then share one set of values.
   */
  readonly distinct?: { readonly result: 'count' | 'values'; readonly limit: (site: CallSite) => number };
}

export type CatalogEntry = ScalarEntry | AggregateEntry;
