/**
 * One tabular operator compiled to a step and the layout of the rows it passes on. Row-wise
 * operators map each row; sort and top hold rows until the end of input; summarize and join have
 * modules of their own.
 */
import type { ScalarType, SortKey, Tabular, TabularOp } from '../../ir/types.js';
import { sortCompare } from '../../semantics/compare.js';
import { castElement, expansionElements } from '../../semantics/values.js';
import type { AggregatePlan } from './aggregates.js';
import type { Expressions } from './expressions.js';
import { groupKey } from './groups.js';
import { joinStep } from './join.js';
import { buffered, computedLayout, mapStep, NO_VALUES, type Accessor, type Layout, type Row, type Step } from './rows.js';
import { makeSeriesStep } from './make-series.js';
import { mvApplyStep } from './mv-apply.js';
import { parseStep } from './parse.js';
import { narrowStep } from './evaluate.js';
import { bagUnpackStep } from './bag-unpack.js';
import { pivotStep } from './pivot.js';
import { isDataColumns, keepDataColumns } from './data-columns.js';
import { ipv4LookupStep } from './ipv4-lookup.js';
import { parseKvStep } from './parse-kv.js';
import { topNestedStep } from './top-nested.js';
import { windowExtendStep } from './window.js';
import { containsWindowCall } from '../../ir/window.js';
import { summarizeStep } from './summarize.js';
import { EvaluationLimitError, type RunBudget } from './limits.js';

export interface OperatorScope {
  readonly x: Expressions;
  /** A tabular expression's rows in the current run, and their layout (a join's right side). */
  rowsOf(t: Tabular): { rows: Row[]; layout: Layout };
  /** A summarize's aggregates, planned with the query's call sites. */
  aggregatesOf(o: Extract<TabularOp, { op: 'summarize' }>): AggregatePlan;
  /** The current run's row budget and limits (limits.ts). */
  budget(): RunBudget;
}

/** An operator's step (none for a pure renaming) and the new layout; `stop` ends the input early (take). */
export function compileOperator(o: TabularOp, layout: Layout, stop: () => void, after: TabularOp | undefined, scope: OperatorScope): { step: Step<any> | undefined; layout: Layout } {
  const { x } = scope;
  switch (o.op) {
    case 'where': {
      const pred = x.expr(o.predicate, layout);
      return { layout, step: mapStep((r, next) => (pred(r) === true ? next.push(r) : undefined)) };
    }
    case 'serialize':
      // Rows already flow in order: serialize alone changes nothing here.
      if (o.columns.length === 0) return { layout, step: undefined };
      return windowExtendStep(o, layout, x);
    case 'extend': {
      if (o.columns.some((c) => containsWindowCall(c.expr))) return windowExtendStep(o, layout, x);
      // New values go to fresh slots after the row's existing ones; a column extended again is
      // re-pointed at its new slot. Later items of one extend see the earlier ones.
      const width = layout.width;
      let columns = [...layout.columns];
      const getters: Accessor[] = [];
      o.columns.forEach((c, k) => {
        getters.push(x.expr(c.expr, { columns, width: width + k }));
        const slot = width + k;
        const entry = { name: c.name, type: c.expr.type, get: (r: Row) => r.v[slot], source: { slot } };
        const i = columns.findIndex((col) => col.name === c.name);
        if (i >= 0) columns[i] = entry;
        else columns = [...columns, entry];
      });
      return {
        layout: { columns, width: width + getters.length },
        step: mapStep((r, next) => {
          const v = r.v.slice();
          const row = { e: r.e, v };
          for (const g of getters) v.push(g(row));
          next.push(row);
        }),
      };
    }
    case 'project': {
      const getters = o.columns.map((c) => x.expr(c.expr, layout));
      return {
        layout: computedLayout(o.schema),
        step: mapStep((r, next) => next.push({ e: null, v: getters.map((g) => g(r)) })),
      };
    }
    case 'project-away':
    case 'project-keep':
    case 'project-reorder':
    case 'project-rename': {
      // Pure re-mapping of names to the same accessors: rows are untouched.
      const columns = o.schema.map((c) => {
        const from = o.op === 'project-rename' ? (o.renames.find((r) => r.to === c.name)?.from ?? c.name) : c.name;
        const src = layout.columns.find((col) => col.name === from)!;
        return { name: c.name, type: c.type, get: src.get, source: src.source };
      });
      // Columns named by the data (after bag_unpack or pivot) stay: these operators keep every column they do not name.
      return { layout: { columns: o.op === 'project-keep' ? columns : keepDataColumns(layout, columns, o.op === 'project-reorder'), width: layout.width }, step: undefined };
    }
    case 'summarize': {
      return { layout: computedLayout(o.schema), step: summarizeStep(o, layout, after, scope.aggregatesOf(o), x, () => scope.budget().limits.maxGroups) };
    }
    case 'sort': {
      const cmp = sortComparator(o.keys, layout, x);
      return { layout, step: buffered((rows) => rows.sort(cmp)) };
    }
    case 'top': {
      const cmp = sortComparator([o.key], layout, x);
      const count = x.expr(o.count, layout);
      return { layout, step: buffered((rows) => rows.sort(cmp).slice(0, Number(count({ e: null, v: NO_VALUES })) || 0)) };
    }
    case 'take': {
      const count = x.expr(o.count, layout);
      const step: Step<{ n: number; limit: number }> = {
        init: () => ({ n: 0, limit: -1 }),
        push: (r, next, s) => {
          if (s.limit < 0) s.limit = Math.max(0, Number(count(r)) || 0);
          if (s.n < s.limit) {
            s.n++;
            next.push(r);
          }
          if (s.n >= s.limit) stop();
        },
        end: (next) => next.end(),
      };
      return { layout, step };
    }
    case 'distinct': {
      const getters = o.columns.map((c) => x.expr(c.expr, layout));
      const step: Step<Set<string>> = {
        init: () => new Set(),
        push: (r, next, seen) => {
          const v = getters.map((g) => g(r));
          const key = groupKey(v);
          if (!seen.has(key)) {
            const { maxGroups } = scope.budget().limits;
            if (seen.size >= maxGroups) throw new EvaluationLimitError('maxGroups', maxGroups, 'the number of rows of a distinct');
            seen.add(key);
            next.push({ e: null, v });
          }
        },
        end: (next) => next.end(),
      };
      return { layout: computedLayout(o.schema), step };
    }
    case 'join':
      return { layout: computedLayout(o.schema), step: joinStep(o, layout, scope.rowsOf, scope.budget) };
    case 'mv-expand': {
      // Expanded values (and the item index) go to fresh slots, as extend does; each input row
      // becomes as many rows as its longest expansion, shorter ones padded with null.
      const width = layout.width;
      let columns = [...layout.columns];
      const getters = o.columns.map((c) => x.expr(c.expr, layout));
      const types = o.columns.map((c) => c.type);
      const names = [...o.columns.map((c) => c.name), ...(o.itemIndex !== undefined ? [o.itemIndex] : [])];
      const outTypes = [...types, ...(o.itemIndex !== undefined ? (['long'] as const) : [])];
      names.forEach((name, k) => {
        const slot = width + k;
        const entry = { name, type: outTypes[k]!, get: (r: Row) => r.v[slot], source: { slot } };
        const i = columns.findIndex((col) => col.name === name);
        if (i >= 0) columns[i] = entry;
        else columns = [...columns, entry];
      });
      const limit = o.limit ?? Number.MAX_SAFE_INTEGER;
      const kind = o.kind;
      const withIndex = o.itemIndex !== undefined;
      return {
        layout: { columns, width: width + names.length },
        step: mapStep((r, next) => {
          const lists = getters.map((g) => expansionElements(g(r), kind));
          const n = Math.min(limit, Math.max(...lists.map((l) => l.length)));
          scope.budget().addRows(n, 'mv-expand');
          for (let i = 0; i < n; i++) {
            const v = r.v.slice();
            lists.forEach((l, k) => v.push(castElement(i < l.length ? l[i] : null, types[k]!)));
            if (withIndex) v.push(i);
            next.push({ e: r.e, v });
          }
        }),
      };
    }
    case 'parse':
    case 'parse-where':
      return parseStep(o, layout, x);
    case 'mv-apply':
      // The subquery's take must not end the outer input: it gets a stop of its own that does nothing.
      return mvApplyStep(o, layout, (op, l, next) => compileOperator(op, l, () => {}, next, scope));
    case 'make-series':
      return makeSeriesStep(o, layout, x, scope.budget);
    case 'evaluate':
      if (o.plugin === 'pivot') return pivotStep(o, layout, x, scope.budget);
      if (o.plugin === 'ipv4_lookup') return ipv4LookupStep(o, layout, scope.rowsOf, scope.budget);
      return o.plugin === 'bag_unpack' ? bagUnpackStep(o, layout) : narrowStep(layout, o.schema);
    case 'parse-kv':
      return parseKvStep(o, layout, x);
    case 'top-nested':
      return topNestedStep(o, layout, x);
    case 'getschema': {
      // One row per input column, whatever the rows (https://learn.microsoft.com/kusto/query/getschema-operator).
      const rows = layout.columns.filter((c) => !isDataColumns(c)).map((c, i) => ({ e: null, v: [c.name, i, DOTNET_TYPES[c.type], c.type] }));
      return {
        layout: computedLayout(o.schema),
        step: { init: () => undefined, push: () => {}, end: (next) => { for (const r of rows) next.push(r); next.end(); } },
      };
    }
    case 'count': {
      const step: Step<{ n: number }> = {
        init: () => ({ n: 0 }),
        push: (_r, _next, s) => void s.n++,
        end: (next, s) => {
          next.push({ e: null, v: [s.n] });
          next.end();
        },
      };
      return { layout: computedLayout(o.schema), step };
    }
  }
}

/** getschema's DataType: the .NET type Kusto stores a column type as. */
const DOTNET_TYPES: Record<ScalarType, string> = {
  string: 'System.String', long: 'System.Int64', int: 'System.Int32', real: 'System.Double', decimal: 'System.Data.SqlTypes.SqlDecimal',
  bool: 'System.SByte', datetime: 'System.DateTime', timespan: 'System.TimeSpan', dynamic: 'System.Object', guid: 'System.Guid',
};

function sortComparator(keys: readonly SortKey[], layout: Layout, x: Expressions): (a: Row, b: Row) => number {
  const parts = keys.map((k) => ({ get: x.expr(k.expr, layout), desc: k.direction === 'desc', nullsFirst: k.nulls === 'first' }));
  return (a, b) => {
    for (const p of parts) {
      const c = sortCompare(p.get(a), p.get(b), p.desc, p.nullsFirst);
      if (c !== 0) return c;
    }
    return 0;
  };
}
