/**
 * evaluate pivot in the evaluator (issue 27), per https://learn.microsoft.com/kusto/query/pivot-plugin:
 * one row per group of the `by` columns (in first-seen order); one column per distinct value of the
 * pivot column (its text), holding the aggregate (default count()) over the group's rows with that
 * value. A cell whose group has no such rows holds the aggregate of no rows (count: 0, as the page
 * shows). detc's schema has the value columns the query names; the others travel in the hidden
 * column of data-columns.ts, after them, in first-seen order (the page's second example has
 * ARKANSAS before ARIZONA: not name order). A named one no row has does not exist in Kusto: through
 * column_ifexists it is absent (undefined here), read otherwise it fails the run, as after bag_unpack.
 * With an output schema the columns are the declared ones: group columns by name, the others value columns.
 */
import type { Accumulator } from '../../catalog/types.js';
import type { Aggregate, Pivot, Schema } from '../../ir/types.js';
import { castElement, toKqlString, type Value } from '../../semantics/values.js';
import { planAggregates } from './aggregates.js';
import type { Expressions } from './expressions.js';
import { groupKey } from './groups.js';
import { EvaluationLimitError, type RunBudget } from './limits.js';
import { computedLayout, type Layout, type Step } from './rows.js';
import { dataColumnsAt, mayBeAbsent, requireDataColumns, type DataColumn } from './data-columns.js';

interface Group {
  readonly values: Value[];
  readonly cells: Map<string, Accumulator>;
}

export function pivotStep(o: Pivot & { schema: Schema; span: Aggregate['span'] }, layout: Layout, x: Expressions, budget: () => RunBudget): { step: Step<any>; layout: Layout } {
  const aggregate: Aggregate = o.aggregate ?? { fn: 'count', args: [], outputs: [{ name: 'count_', type: 'long' }], explicitName: false, span: o.span };
  const plan = planAggregates([aggregate], x.aggregateSite);
  const state = plan.states[0]!;
  const read = plan.outputs[0]!.read;
  const args = state.args.map((a) => x.expr(a, layout));
  const by = o.by.map((n) => layout.columns.find((c) => c.name === n)!.get);
  const pivot = layout.columns.find((c) => c.name === o.column)!;
  // With a declared schema: its group columns by name, the others value columns (existing, of their declared type).
  const columns = o.declared ? o.declared.map((c) => ({ ...c, group: o.by.indexOf(c.name) })) : [...o.by.map((name, i) => ({ name, type: 'dynamic' as const, group: i })), ...o.pivoted.map((c) => ({ ...c, group: -1 }))];
  const probed = new Set(o.probed ?? []);
  const required = o.declared ? [] : o.pivoted.map((c) => c.name).filter((n) => !probed.has(n));
  const named = new Set(columns.map((c) => c.name));
  const valueType = aggregate.outputs[0]!.type;
  const step: Step<{ groups: Map<string, Group>; present: Set<string> }> = {
    init: () => ({ groups: new Map(), present: new Set() }),
    push: (r, _next, s) => {
      const values = by.map((g) => g(r));
      const key = groupKey(values);
      let group = s.groups.get(key);
      if (!group) {
        const { maxGroups } = budget().limits;
        if (s.groups.size >= maxGroups) throw new EvaluationLimitError('maxGroups', maxGroups, 'the number of groups of a pivot');
        s.groups.set(key, (group = { values, cells: new Map() }));
      }
      const name = toKqlString(pivot.get(r), pivot.type);
      s.present.add(name);
      let acc = group.cells.get(name);
      if (!acc) group.cells.set(name, (acc = state.create()));
      acc.add(...args.map((a) => a(r)));
    },
    end: (next, s) => {
      // Also over no rows: they make no column, and Kusto fails a query naming one that does not exist.
      requireDataColumns('pivot', o.span, required, (n) => s.present.has(n), `is no value of ${o.column} in any row`);
      const others = o.declared ? [] : [...s.present].filter((n) => !named.has(n));
      for (const g of s.groups.values()) {
        const v = columns.map((c) => {
          if (c.group >= 0) return g.values[c.group]!;
          if (!o.declared && !s.present.has(c.name)) return undefined;
          const value = read(g.cells.get(c.name) ?? state.create());
          return o.declared ? castElement(value, c.type) : value;
        });
        if (!o.declared) v.push(others.map((name): DataColumn => ({ name, type: valueType, value: read(g.cells.get(name) ?? state.create()) })) as unknown as Value);
        next.push({ e: null, v });
      }
      next.end();
    },
  };
  if (o.declared) return { step, layout: computedLayout(o.schema) };
  const valueLayout = computedLayout(o.schema);
  mayBeAbsent(valueLayout.columns, o.probed);
  return { step, layout: { columns: [...valueLayout.columns, dataColumnsAt(o.schema.length)], width: o.schema.length + 1 } };
}
