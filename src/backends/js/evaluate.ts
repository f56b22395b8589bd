/**
 * evaluate plugins in the evaluator (issue 27). narrow
 * (https://learn.microsoft.com/kusto/query/narrow-plugin): one row per input row and column,
 * Row numbered from 0 as on the page, Column the column's name, Value its value as a string.
 */
import type { Schema } from '../../ir/types.js';
import { toKqlString } from '../../semantics/values.js';
import { computedLayout, type Layout, type Step } from './rows.js';

export function narrowStep(layout: Layout, schema: Schema): { step: Step<{ n: number }>; layout: Layout } {
  const columns = layout.columns;
  const step: Step<{ n: number }> = {
    init: () => ({ n: 0 }),
    push: (r, next, s) => {
      const row = s.n++;
      for (const c of columns) next.push({ e: null, v: [row, c.name, toKqlString(c.get(r), c.type)] });
    },
    end: (next) => next.end(),
  };
  return { step, layout: computedLayout(schema) };
}
