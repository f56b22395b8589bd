/**
 * top-nested (https://learn.microsoft.com/kusto/query/top-nested-operator) in the evaluator: level 1
 * groups all rows by its `of` value and keeps the `count` groups with the highest aggregate (lowest
 * for asc; nulls last); each further level does the same within each kept group. One output row per
 * path through the levels. `with others` is not evaluated: the run stops with an explicit error.
 */
import { aggregateEntry } from '../../catalog/catalog.js';
import type { TabularOp } from '../../ir/types.js';
import { sortCompare } from '../../semantics/compare.js';
import type { Value } from '../../semantics/values.js';
import { NotEvaluatedError } from '../../catalog/series.js';
import type { Expressions } from './expressions.js';
import { groupKey } from './groups.js';
import { buffered, computedLayout, NO_VALUES, type Layout, type Row, type Step } from './rows.js';

type TopNested = Extract<TabularOp, { op: 'top-nested' }>;

export function topNestedStep(o: TopNested, layout: Layout, x: Expressions): { step: Step<Row[]>; layout: Layout } {
  const levels = o.levels.map((l) => {
    const a = l.aggregate;
    const entry = aggregateEntry(a.fn);
    const create = entry.js(x.aggregateSite(a));
    // An aggregate of several outputs (percentile, take_any) gives its one output as an array.
    const read = entry.multiOutput ? (acc: ReturnType<typeof create>) => (acc.result() as Value[])[0] ?? null : (acc: ReturnType<typeof create>) => acc.result();
    const count = l.count ? Number(x.expr(l.count, layout)({ e: null, v: NO_VALUES })) : Infinity;
    return { of: x.expr(l.of.expr, layout), args: a.args.map((e) => x.expr(e, layout)), create, read, count, desc: l.direction === 'desc' };
  });

  /** The output rows under one kept path (`prefix`: its values and aggregates so far). */
  const expand = (rows: readonly Row[], depth: number, prefix: readonly Value[], out: Row[]): void => {
    const level = levels[depth];
    if (!level) {
      out.push({ e: null, v: [...prefix] });
      return;
    }
    const groups = new Map<string, { value: Value; rows: Row[]; acc: ReturnType<typeof level.create> }>();
    for (const r of rows) {
      const value = level.of(r);
      const key = groupKey([value]);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { value, rows: [], acc: level.create() }));
      g.rows.push(r);
      g.acc.add(...level.args.map((arg) => arg(r)));
    }
    const ranked = [...groups.values()].map((g) => ({ ...g, result: level.read(g.acc) }));
    ranked.sort((a, b) => sortCompare(a.result, b.result, level.desc, false));
    for (const g of ranked.slice(0, level.count)) expand(g.rows, depth + 1, [...prefix, g.value, g.result], out);
  };

  return {
    layout: computedLayout(o.schema),
    step: buffered((rows) => {
      // At run time, so that compiling the rule (detc check, build) is not stopped by it.
      if (o.levels.some((l) => l.others)) {
        throw new NotEvaluatedError('top-nested ... with others is not evaluated by detc\'s JS evaluator; the rule compiles to KQL, but detc run/test cannot give its rows');
      }
      const out: Row[] = [];
      expand(rows, 0, [], out);
      return out;
    }),
  };
}
