/**
 * make-series (https://learn.microsoft.com/kusto/query/make-series-operator). Rows are grouped by
 * the `by` columns (groups in order of first appearance) and, within a group, by the bin of the
 * axis: start + k * step. start is `from`, else the first step-aligned bin with data; the bins end
 * before `to`, else at the last bin with data. A bin without rows gets the aggregate's default
 * (0 unless given). Datetimes in the arrays are ISO 8601 text, as in any dynamic value detc outputs.
 */
import type { TabularOp } from '../../ir/types.js';
import { dynamicElement } from '../../semantics/dynamic.js';
import { bin } from '../../semantics/time.js';
import type { Value } from '../../semantics/values.js';
import type { Accumulator } from '../../catalog/types.js';
import { planAggregates } from './aggregates.js';
import type { Expressions } from './expressions.js';
import { groupKey } from './groups.js';
import { computedLayout, type Layout, type Row, type Step } from './rows.js';
import { EvaluationLimitError, type RunBudget } from './limits.js';

type MakeSeries = Extract<TabularOp, { op: 'make-series' }>;

export function makeSeriesStep(o: MakeSeries, layout: Layout, x: Expressions, budget: () => RunBudget): { step: Step<Row[]>; layout: Layout } {
  const plan = planAggregates(o.aggregates, x.aggregateSite);
  const byGetters = o.by.map((b) => x.expr(b.expr, layout));
  const axis = x.expr(o.axis.expr, layout);
  const argGetters = plan.states.map((s) => s.args.map((a) => x.expr(a, layout)));
  const constant = (e: MakeSeries['step'] | undefined): Value => (e ? x.rowless(e) : null);
  const defaults = o.defaults.map((d) => (d ? constant(d) : 0));
  const timeAxis = o.axis.expr.type === 'datetime';
  return {
    layout: computedLayout(o.schema),
    step: {
      init: () => [],
      push: (r, _next, rows) => void rows.push(r),
      end: (next, rows) => {
        const step = Number(constant(o.step));
        const from = constant(o.from);
        const to = constant(o.to);
        const axisValues = rows.map((r) => axis(r));
        const present = axisValues.filter((v): v is number => typeof v === 'number');
        if (!(step > 0) || (present.length === 0 && (typeof from !== 'number' || typeof to !== 'number'))) return next.end();
        // A loop, not Math.min(...present): spreading one argument per row overflows the stack on large inputs.
        let low = Infinity;
        let high = -Infinity;
        for (const v of present) {
          if (v < low) low = v;
          if (v > high) high = v;
        }
        // `in range(from, to, step)`: bins from bin(from, step) through bin(to, step), to included (bin, not bin_at).
        const start = typeof from === 'number' ? (o.inRange ? bin(from, step)! : from) : Math.floor(low / step) * step;
        const end = typeof to === 'number' ? (o.inRange ? bin(to, step)! + step : to) : Math.floor(high / step) * step + step;
        const bins = Math.max(0, Math.ceil((end - start) / step));
        const { maxGroups, maxRows } = budget().limits;
        if (bins > maxRows) throw new EvaluationLimitError('maxRows', maxRows, 'the number of bins of a make-series');
        const groups = new Map<string, { keys: Value[]; cells: Map<number, Accumulator[]> }>();
        rows.forEach((r, i) => {
          const v = axisValues[i];
          if (typeof v !== 'number' || v < start || v >= end) return;
          const keys = byGetters.map((g) => g(r));
          const key = groupKey(keys);
          let g = groups.get(key);
          if (!g) {
            if (groups.size >= maxGroups) throw new EvaluationLimitError('maxGroups', maxGroups, 'the number of series of a make-series');
            groups.set(key, (g = { keys, cells: new Map() }));
          }
          const bin = Math.floor((v - start) / step);
          let accs = g.cells.get(bin);
          if (!accs) g.cells.set(bin, (accs = plan.states.map((s) => s.create())));
          accs.forEach((acc, k) => acc.add(...argGetters[k]!.map((get) => get(r))));
        });
        const axisArray = Array.from({ length: bins }, (_, k) => dynamicElement(start + k * step, timeAxis ? 'datetime' : undefined));
        for (const g of groups.values()) {
          const series = plan.outputs.map((out, k) =>
            Array.from({ length: bins }, (_, bin) => {
              const accs = g.cells.get(bin);
              return accs ? dynamicElement(out.read(accs[out.state]!), o.aggregates[k]!.outputs[0]!.type) : defaults[k];
            }),
          );
          next.push({ e: null, v: [...g.keys, ...series, axisArray] });
        }
        next.end();
      },
    },
  };
}
