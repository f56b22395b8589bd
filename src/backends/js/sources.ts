/**
 * Sources that are not a table's events nor a tabular let: their rows are made at the start of a
 * run, in the layout `computedLayout(source.schema)` (one slot per column).
 */
import type { Source, Tabular, UnionSource } from '../../ir/types.js';
import { unionColumnSources } from '../../ir/union.js';
import type { Value } from '../../semantics/values.js';
import type { Accessor, Layout, Row } from './rows.js';

export type ComputedSource = Exclude<Source, { kind: 'table' } | { kind: 'letTable' }>;

export interface SourceScope {
  /** A tabular expression's rows in the current run, and their layout. */
  rowsOf(t: Tabular): { rows: Row[]; layout: Layout };
}

export function computedSourceRows(s: ComputedSource, scope: SourceScope): Row[] {
  switch (s.kind) {
    case 'union':
      return unionRows(s, scope);
  }
}

/**
 * union: each leg's rows in turn, in the order the legs are written (Kusto gives no order across
 * legs; this one is deterministic). A column a leg does not have is null in its rows.
 */
function unionRows(u: UnionSource, scope: SourceScope): Row[] {
  const out: Row[] = [];
  for (const leg of u.legs) {
    const { rows, layout } = scope.rowsOf(leg.query);
    const label: Value = leg.label;
    const getters: Accessor[] = unionColumnSources(u.schema, leg.query.schema, u.withSource).map((name, i) => {
      if (i === 0 && u.withSource !== undefined) return () => label;
      const c = name === undefined ? undefined : layout.columns.find((x) => x.name === name);
      return c ? c.get : () => null;
    });
    for (const r of rows) out.push({ e: null, v: getters.map((g) => g(r)) });
  }
  return out;
}
