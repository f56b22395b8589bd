/**
 * join as a step: the right side runs to rows first (once per run) and is indexed by its key; left
 * rows stream through. Rows whose key has a null part match nothing. Right-side rows that the kind
 * keeps unmatched (rightouter, fullouter, rightsemi, rightanti) are emitted at the end.
 */
import type { Tabular, TabularOp } from '../../ir/types.js';
import type { Value } from '../../semantics/values.js';
import { groupKey } from './groups.js';
import type { RunBudget } from './limits.js';
import type { Accessor, Layout, Row, Step } from './rows.js';

/** A join's run: the right side (computed on first use) and what the left side has met. */
interface JoinState {
  right: JoinRight | undefined;
  readonly matched: Set<number>;
  readonly seenLeft: Set<string>;
}
interface JoinRight {
  readonly rows: Row[];
  readonly get: Accessor[];
  readonly index: Map<string, number[]>;
  /** The values of an unmatched row's right side. */
  readonly missing: Value[];
}

/**
 * The columns of the side an outer join did not match: null, but "" for strings, which are never
 * null in Kusto (https://learn.microsoft.com/kusto/query/join-leftouter: the unmatched row's
 * string columns are empty).
 */
const missingValues = (layout: Layout): Value[] => layout.columns.map((c) => (c.type === 'string' ? '' : null));

/** `rowsOf`: a tabular expression's rows in the current run, and their layout. */
export function joinStep(o: Extract<TabularOp, { op: 'join' }>, layout: Layout, rowsOf: (t: Tabular) => { rows: Row[]; layout: Layout }, budget: () => RunBudget): Step<JoinState> {
  const leftGet = layout.columns.map((c) => c.get);
  const leftKey = o.keys.map((k) => layout.columns.find((c) => c.name === k.left)!.get);
  const keyOf = (values: Value[]): string | undefined => (values.some((v) => v === null || v === undefined) ? undefined : groupKey(values));
  const leftMissing = missingValues(layout);
  /** The right side's rows, getters and key index, computed on the run's first left row. */
  const prepare = (s: JoinState): JoinRight => {
    if (s.right) return s.right;
    const { rows, layout: rl } = rowsOf(o.right);
    const get = rl.columns.map((c) => c.get);
    const rightKey = o.keys.map((k) => rl.columns.find((c) => c.name === k.right)!.get);
    const index = new Map<string, number[]>();
    rows.forEach((r, i) => {
      const k = keyOf(rightKey.map((g) => g(r)));
      if (k === undefined) return;
      const list = index.get(k);
      if (list) list.push(i);
      else index.set(k, [i]);
    });
    s.right = { rows, get, index, missing: missingValues(rl) };
    return s.right;
  };
  const rightValues = (right: JoinRight, i: number) => right.get.map((g) => g(right.rows[i]!));
  return {
    init: () => ({ right: undefined, matched: new Set(), seenLeft: new Set() }),
    push: (r, next, s) => {
      const right = prepare(s);
      const k = keyOf(leftKey.map((g) => g(r)));
      const hits = k === undefined ? undefined : right.index.get(k);
      switch (o.kind) {
        case 'leftsemi':
          if (hits) next.push({ e: null, v: leftGet.map((g) => g(r)) });
          return;
        case 'leftanti':
          if (!hits) next.push({ e: null, v: leftGet.map((g) => g(r)) });
          return;
        case 'rightsemi':
        case 'rightanti':
          hits?.forEach((i) => s.matched.add(i));
          return;
        case 'innerunique':
          if (k === undefined || s.seenLeft.has(k)) return;
          s.seenLeft.add(k);
          break;
      }
      const left = leftGet.map((g) => g(r));
      if (hits) {
        budget().addRows(hits.length, 'join');
        for (const i of hits) {
          s.matched.add(i);
          next.push({ e: null, v: [...left, ...rightValues(right, i)] });
        }
      } else if (o.kind === 'leftouter' || o.kind === 'fullouter') next.push({ e: null, v: [...left, ...right.missing] });
    },
    end: (next, s) => {
      const right = prepare(s);
      right.rows.forEach((_, i) => {
        const hit = s.matched.has(i);
        if (o.kind === 'rightsemi' && hit) next.push({ e: null, v: rightValues(right, i) });
        else if (o.kind === 'rightanti' && !hit) next.push({ e: null, v: rightValues(right, i) });
        else if ((o.kind === 'rightouter' || o.kind === 'fullouter') && !hit) next.push({ e: null, v: [...leftMissing, ...rightValues(right, i)] });
      });
      next.end();
    },
  };
}
