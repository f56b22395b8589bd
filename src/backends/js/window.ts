/**
 * extend and serialize with window functions (https://learn.microsoft.com/kusto/query/window-functions):
 * row_number, prev, next, row_cumsum and row_window_session read other rows, so the step holds the rows until the end
 * of input, computes each window call's value per row (in a hidden slot), then the columns'
 * expressions with the calls replaced by those slots.
 */
import type { NamedExpr, ScalarExpr, TabularOp } from '../../ir/types.js';
import { isWindowCall } from '../../ir/window.js';
import type { Value } from '../../semantics/values.js';
import type { Expressions } from './expressions.js';
import { NO_VALUES, type Accessor, type Layout, type LayoutColumn, type Row, type Step } from './rows.js';

type Call = Extract<ScalarExpr, { kind: 'call' }>;

/** `e` with every window call replaced by a column reference made by `slotOf`. */
function replaceCalls(e: ScalarExpr, slotOf: (c: Call) => string): ScalarExpr {
  if (isWindowCall(e)) return { kind: 'column', name: slotOf(e as Call), type: e.type, span: e.span };
  if (e.kind === 'call') return { ...e, args: e.args.map((a) => replaceCalls(a, slotOf)) };
  if (e.kind === 'member') return { ...e, target: replaceCalls(e.target, slotOf), key: typeof e.key === 'object' ? replaceCalls(e.key, slotOf) : e.key };
  return e;
}

export function windowExtendStep(o: Extract<TabularOp, { op: 'extend' | 'serialize' }>, layout: Layout, x: Expressions): { step: Step<Row[]>; layout: Layout } {
  const width = layout.width;
  // A window call's arguments may hold window calls (`row_number(0, x != prev(x))`): those get
  // their slots first, so each call's arguments read only slots made before it.
  const calls: Call[] = [];
  const hiddenName = (k: number): string => `\u0000window${k}`; // a name no column can have
  const slotOf = (c: Call): string => hiddenName(calls.push({ ...c, args: c.args.map((a) => replaceCalls(a, slotOf)) }) - 1);
  const columns: NamedExpr[] = o.columns.map((c) => ({ ...c, expr: replaceCalls(c.expr, slotOf) }));
  const hidden: LayoutColumn[] = calls.map((c, k) => ({ name: hiddenName(k), type: c.type, get: (r: Row) => r.v[width + k], source: { slot: width + k } }));
  const argGetters: Accessor[][] = calls.map((c, k) => c.args.map((a) => x.expr(a, { columns: [...layout.columns, ...hidden.slice(0, k)], width: width + k })));
  // The columns, each seeing the earlier ones (as extend does), after the hidden slots.
  let visible = [...layout.columns];
  const getters: Accessor[] = [];
  columns.forEach((c, k) => {
    getters.push(x.expr(c.expr, { columns: [...visible, ...hidden], width: width + calls.length + k }));
    const slot = width + calls.length + k;
    const entry = { name: c.name, type: c.expr.type, get: (r: Row) => r.v[slot], source: { slot } };
    const i = visible.findIndex((col) => col.name === c.name);
    if (i >= 0) visible[i] = entry;
    else visible = [...visible, entry];
  });
  return {
    layout: { columns: visible, width: width + calls.length + columns.length },
    step: {
      init: () => [],
      push: (r, _next, rows) => void rows.push(r),
      end: (next, rows) => {
        const out = rows.map((r) => ({ e: r.e, v: [...r.v] }));
        calls.forEach((c, k) => {
          const values = windowValues(c.fn, out, argGetters[k]!);
          out.forEach((r, i) => r.v.push(values[i]));
        });
        for (const row of out) {
          for (const g of getters) row.v.push(g(row));
          next.push(row);
        }
        next.end();
      },
    },
  };
}

/** One window call's value on each row, in row order. */
function windowValues(fn: string, rows: readonly Row[], args: readonly Accessor[]): Value[] {
  const constant = (a: Accessor | undefined, fallback: number): number => (a ? Number(a({ e: null, v: NO_VALUES })) : fallback);
  switch (fn) {
    case 'row_number': {
      // row_number(start = 1, restart): restart true numbers this row `start` again.
      const start = constant(args[0], 1);
      let n = start - 1;
      return rows.map((r, i) => (n = i === 0 || (args[1] && args[1](r) === true) ? start : n + 1));
    }
    case 'row_cumsum': {
      // A null term adds nothing (detc's choice; the page does not say).
      let sum = 0;
      return rows.map((r, i) => {
        const term = args[0]!(r);
        if (i === 0 || (args[1] && args[1](r) === true)) sum = 0;
        if (typeof term === 'number') sum += term;
        return sum;
      });
    }
    case 'row_window_session':
      return sessionStarts(rows, args);
    default: {
      // prev/next(expr, offset = 1, default = null): the value `offset` rows before/after, else default.
      const offset = constant(args[1], 1) * (fn === 'prev' ? -1 : 1);
      const values = rows.map((r) => args[0]!(r));
      return rows.map((r, i) => {
        const j = i + offset;
        return j >= 0 && j < rows.length ? values[j] : args[2] ? args[2](r) : null;
      });
    }
  }
}

/**
 * row_window_session(t, maxFromFirst, maxBetweenNeighbors [, restart])
 * (https://learn.microsoft.com/kusto/query/row-window-session-function): each row gets the value
 * that started its session. A row starts a new session when there is no session value (first
 * row, or the session value is null), when t reaches the session start plus maxFromFirst, when t
 * reaches the previous row's t plus maxBetweenNeighbors, or when restart is true. A null t gives
 * null and leaves no session value, so the next row starts a new session.
 */
function sessionStarts(rows: readonly Row[], args: readonly Accessor[]): Value[] {
  let start: number | null = null;
  let previous: number | null = null;
  return rows.map((r) => {
    const t = args[0]!(r);
    const fromFirst = args[1]!(r);
    const betweenNeighbors = args[2]!(r);
    const current = typeof t === 'number' ? t : null;
    const isNew =
      start === null || current === null || args[3]?.(r) === true ||
      (typeof fromFirst === 'number' && current >= start + fromFirst) ||
      (typeof betweenNeighbors === 'number' && previous !== null && current >= previous + betweenNeighbors);
    if (isNew) start = current;
    previous = current;
    return start;
  });
}
