/**
 * Sources that are not a table's events nor a tabular let: their rows are made at the start of a
 * run, in the layout `computedLayout(source.schema)` (one slot per column).
 */
import type { Source, Tabular, UnionSource } from '../../ir/types.js';
import { unionColumnSources } from '../../ir/union.js';
import type { Value } from '../../semantics/values.js';
import type { Expressions } from './expressions.js';
import { externalDataRows } from './externaldata.js';
import type { RunBudget } from './limits.js';
import type { Accessor, Layout, Row } from './rows.js';

export type ComputedSource = Exclude<Source, { kind: 'table' } | { kind: 'letTable' }>;

export interface SourceScope {
  /** A tabular expression's rows in the current run, and their layout. */
  rowsOf(t: Tabular): { rows: Row[]; layout: Layout };
  readonly x: Expressions;
  readonly budget: RunBudget;
  /** URL -> local file, for externaldata (RunOptions.externalData). */
  readonly externalData?: Readonly<Record<string, string>>;
}


export function computedSourceRows(s: ComputedSource, scope: SourceScope): Row[] {
  switch (s.kind) {
    case 'union':
      return unionRows(s, scope);
    case 'datatable': {
      const width = s.schema.length;
      const rows: Row[] = [];
      for (let i = 0; i < s.values.length; i += width) rows.push({ e: null, v: s.values.slice(i, i + width).map((v) => (v.kind === 'literal' ? v.value : null)) });
      return rows;
    }
    case 'print':
      return [{ e: null, v: s.columns.map((c) => scope.x.rowless(c.expr)) }];
    case 'externaldata':
      return externalDataRows(s, scope.externalData);
    case 'mvApplyRows':
      // Its rows come from the mv-apply step (mv-apply.ts), never from a run of its own.
      throw new Error('an mv-apply subquery is run by its operator');
    case 'range':
      return rangeRows(scope.x.rowless(s.from), scope.x.rowless(s.to), scope.x.rowless(s.step), scope.budget);
  }
}

/**
 * range (https://learn.microsoft.com/kusto/query/range-operator): from, from + step, ... up to and
 * including `to`. Datetimes and timespans are ticks here, so they step as numbers. A null
 * bound or a zero step makes no rows; the rows count against the run's row limit.
 */
function rangeRows(from: Value, to: Value, step: Value, budget: RunBudget): Row[] {
  if (typeof from !== 'number' || typeof to !== 'number' || typeof step !== 'number' || step === 0) return [];
  const rows: Row[] = [];
  // from + i * step rather than a running sum, so real steps do not accumulate rounding.
  for (let i = 0; ; i++) {
    const v = from + i * step;
    if (step > 0 ? v > to : v < to) break;
    budget.addRows(1, 'range');
    rows.push({ e: null, v: [v] });
  }
  return rows;
}

/**
 * union: each leg's rows in turn, in the order the legs are written (Kusto gives no order across
 * legs; this one is deterministic). A column a leg does not have is null in its rows.
 */
function unionRows(u: UnionSource, scope: SourceScope): Row[] {
  const out: Row[] = [];
  const schemas = u.legs.map((leg) => leg.query.schema);
  for (const [index, leg] of u.legs.entries()) {
    const { rows, layout } = scope.rowsOf(leg.query);
    const label: Value = leg.label;
    const getters: Accessor[] = unionColumnSources(u.unionKind, schemas, index, u.withSource).map((name, i) => {
      if (i === 0 && u.withSource !== undefined) return () => label;
      const c = name === undefined ? undefined : layout.columns.find((x) => x.name === name);
      return c ? c.get : () => null;
    });
    for (const r of rows) out.push({ e: null, v: getters.map((g) => g(r)) });
  }
  return out;
}
