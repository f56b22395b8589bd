/**
 * How a summarize keeps its aggregates per group. Usually one accumulator per aggregate; but
 * dcount(X) and make_set(X, k) of the same X are views of one thing, the distinct values of X in
 * first-seen order (catalog entries marked `distinct`), so they share one set: X is computed and
 * added once per row, and each aggregate reads its result from the shared set. This is what a
 * hand-written aggregation does, and it halves the sets per group in rules like seed 002's.
 */
import { aggregateEntry, distinctValues, type DistinctValues } from '../../catalog/catalog.js';
import type { Accumulator, CallSite } from '../../catalog/types.js';
import type { Aggregate, ScalarExpr, ScalarType } from '../../ir/types.js';
import { jsonWithoutSpans } from '../../ir/json.js';
import type { Value } from '../../semantics/values.js';

/** One accumulator per group, fed with `args` for every row. */
export interface AggregateState {
  readonly create: () => Accumulator;
  readonly args: readonly ScalarExpr[];
}

/** One aggregate of the summarize: which state it reads, and how. */
export interface AggregateOutput {
  readonly state: number;
  readonly read: (acc: Accumulator) => Value;
  /** Output columns (several for arg_max/arg_min/take_any, whose result is an array of them). */
  readonly outputs: number;
  readonly multi: boolean;
}

export interface AggregatePlan {
  readonly states: readonly AggregateState[];
  readonly outputs: readonly AggregateOutput[];
}

const result = (acc: Accumulator): Value => acc.result();
const firstResult = (acc: Accumulator): Value => (acc.result() as Value[])[0] ?? null;

/**
 * make_set of these types keeps its own set: a dynamic array adds its elements (dcount counts the
 * array as one value), and datetimes and timespans are listed as their text.
 */
const OWN_SET_TYPES = new Set<ScalarType>(['dynamic', 'datetime', 'timespan']);

export function planAggregates(aggregates: readonly Aggregate[], site: (a: Aggregate) => CallSite): AggregatePlan {
  const states: AggregateState[] = [];
  const outputs: AggregateOutput[] = [];
  // Shared sets (their state index) by the structure of their argument, spans left out.
  const shared = new Map<string, number>();
  // The options of each shared set: mutable here until every reader is planned.
  const options: { limit: number; withPredicate: false; countOnly: false }[] = [];
  for (const a of aggregates) {
    const entry = aggregateEntry(a.fn);
    const s = site(a);
    if (!entry.distinct || (entry.distinct.result === 'values' && OWN_SET_TYPES.has(a.args[0]!.type))) {
      states.push({ create: entry.js(s), args: a.args });
      // An aggregate of several outputs asked for one (percentile(x, 50), take_any(x)) is read as a plain one.
      const single = entry.multiOutput === true && a.outputs.length === 1;
      outputs.push({ state: states.length - 1, read: single ? firstResult : result, outputs: a.outputs.length, multi: entry.multiOutput === true && !single });
      continue;
    }
    const limit = entry.distinct.limit(s);
    const key = jsonWithoutSpans(a.args[0]!);
    let state = shared.get(key);
    if (state === undefined) {
      const index = (state = states.length);
      shared.set(key, index);
      // The set keeps as many values as its most demanding reader needs.
      const o = (options[index] = { limit, withPredicate: false, countOnly: false });
      states.push({ create: distinctValues(o), args: [a.args[0]!] });
    } else options[state]!.limit = Math.max(options[state]!.limit, limit);
    const read = entry.distinct.result === 'count' ? (acc: Accumulator) => (acc as DistinctValues).count() : (acc: Accumulator) => (acc as DistinctValues).first(limit);
    outputs.push({ state, read, outputs: 1, multi: false });
  }
  return { states, outputs };
}
