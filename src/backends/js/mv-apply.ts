/**
 * mv-apply (https://learn.microsoft.com/kusto/query/mv-apply-operator): for each input row, the
 * row is expanded as mv-expand does, the subquery runs on those rows alone, and each row it
 * outputs is completed with the input row's columns the subquery does not output. The union of
 * these is the result, in input order.
 */
import type { TabularOp } from '../../ir/types.js';
import { Collect, computedLayout, Link, type Layout, type Row, type Sink, type Step } from './rows.js';

/** Compiles one operator of the subquery (operators.ts's compileOperator, passed in to keep imports one-way). */
export type CompileSubOperator = (o: TabularOp, layout: Layout, after: TabularOp | undefined) => { step: Step<any> | undefined; layout: Layout };

export function mvApplyStep(o: Extract<TabularOp, { op: 'mv-apply' }>, layout: Layout, compile: CompileSubOperator): { step: Step<undefined>; layout: Layout } {
  const steps: Step<any>[] = [];
  let sub = layout;
  const all = [o.expand, ...o.subquery.ops];
  all.forEach((op, k) => {
    const c = compile(op, sub, all[k + 1]);
    if (c.step) steps.push(c.step);
    sub = c.layout;
  });
  // Each output column: from the subquery's row when it outputs that name, else from the input row.
  const getters = o.schema.map((c) => {
    const fromSub = sub.columns.find((x) => x.name === c.name);
    if (fromSub) return { sub: true, get: fromSub.get };
    return { sub: false, get: layout.columns.find((x) => x.name === c.name)!.get };
  });
  return {
    layout: computedLayout(o.schema),
    step: {
      init: () => undefined,
      push: (r: Row, next: Sink) => {
        const out: Row[] = [];
        let head: Sink = new Collect(out, (x: Row) => x);
        for (let i = steps.length - 1; i >= 0; i--) head = new Link(steps[i]!, head, steps[i]!.init());
        head.push(r);
        head.end();
        for (const s of out) next.push({ e: null, v: getters.map((g) => g.get(g.sub ? s : r)) });
      },
      end: (next: Sink) => next.end(),
    },
  };
}
