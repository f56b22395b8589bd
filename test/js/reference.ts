/**
 * A deliberately simple reference interpreter of the IR, for differential testing of the fast
 * evaluator: whole tables as arrays of Maps, every column converted up front, no slots, no
 * streaming. Its operators, functions, aggregates and sort order are its own, written from the
 * documentation (reference-values.ts), not the catalog's; so a difference is either plumbing
 * (streaming, grouping, joins) or what an operator computes. It still shares with the evaluator
 * how an event's field becomes a column's value (coerce), dynamic member access, mv-expand's
 * elements and the output's text of a value: those are checked by their own tests, not here.
 */
import type { QueryIR, ScalarExpr, Tabular } from '../../src/ir/types.js';
import { outputValue } from '../../src/backends/js/output.js';
import { castElement, coerce, expansionElements, member } from '../../src/semantics/values.js';
import { aggregateFunction, order, scalarFunction } from './reference-values.js';

/** Sort order (sort-operator): nulls (and NaN) first or last as asked, the others ascending or descending. */
function sortCompare(a: unknown, b: unknown, desc: boolean, nullsFirst: boolean): number {
  const missing = (v: unknown) => v === null || v === undefined || Number.isNaN(v);
  if (missing(a) || missing(b)) return missing(a) && missing(b) ? 0 : missing(a) === nullsFirst ? -1 : 1;
  return desc ? -order(a, b) : order(a, b);
}

type Row = Map<string, unknown>;

export function referenceRun(ir: QueryIR, events: object[], nowMs: number, windowMs?: number): Record<string, unknown>[] {
  // The clock and window count in ms, as the run options do; values are 100 ns ticks since 2020 (coerce).
  const now = (nowMs - Date.UTC(2020, 0, 1)) * 10_000;
  const window = windowMs === undefined ? undefined : windowMs * 10_000;
  const lets = new Map<string, unknown>();
  const tables = new Map<string, Row[]>();

  const scalar = (e: ScalarExpr, row: Row): unknown => {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'column':
        return row.get(e.name);
      case 'letRef':
        return lets.get(e.name);
      case 'member':
        return member(scalar(e.target, row), typeof e.key === 'object' ? (scalar(e.key, row) as string) : e.key);
      case 'subquery': {
        const t = table(e.query);
        const first = e.query.schema[0]!.name;
        return t.map((r) => r.get(first));
      }
      case 'call':
        return scalarFunction(e.fn, e.args.map((a) => a.type), now)(...e.args.map((a) => scalar(a, row)));
    }
  };

  const table = (t: Tabular): Row[] => {
    let rows: Row[];
    if (t.source.kind === 'letTable') rows = tables.get(t.source.name)!;
    else {
      rows = events
        .map((ev) => new Map(t.source.schema.map((c) => [c.name, coerce(Object.prototype.hasOwnProperty.call(ev, c.name) ? (ev as Record<string, unknown>)[c.name] : undefined, c.type)])))
        .filter((r) => {
          if (window === undefined) return true;
          const tg = r.get('TimeGenerated') as number | null | undefined;
          return tg !== null && tg !== undefined && tg >= now - window && tg <= now;
        });
    }
    for (const op of t.ops) {
      switch (op.op) {
        case 'where':
          rows = rows.filter((r) => scalar(op.predicate, r) === true);
          break;
        case 'extend':
          rows = rows.map((r) => {
            const out = new Map(r);
            for (const c of op.columns) out.set(c.name, scalar(c.expr, out));
            return out;
          });
          break;
        case 'project':
          rows = rows.map((r) => new Map(op.columns.map((c) => [c.name, scalar(c.expr, r)])));
          break;
        case 'project-away':
        case 'project-keep':
        case 'project-reorder':
          rows = rows.map((r) => new Map(op.schema.map((c) => [c.name, r.get(c.name)])));
          break;
        case 'project-rename':
          rows = rows.map((r) => new Map(op.schema.map((c) => [c.name, r.get(op.renames.find((x) => x.to === c.name)?.from ?? c.name)])));
          break;
        case 'summarize': {
          const groups = new Map<string, Row[]>();
          for (const r of rows) {
            const key = JSON.stringify(op.by.map((b) => { const v = scalar(b.expr, r); return [typeof v, v]; }));
            groups.set(key, [...(groups.get(key) ?? []), r]);
          }
          if (groups.size === 0 && op.by.length === 0) groups.set('[]', []);
          rows = [...groups.values()].map((members) => {
            const out: Row = new Map();
            op.by.forEach((b) => out.set(b.name, members.length ? scalar(b.expr, members[0]!) : null));
            for (const a of op.aggregates) {
              const result = aggregateFunction(a.fn, a.args.map((x) => (x.kind === 'literal' ? x.value : undefined)))(members.map((m) => a.args.map((x) => scalar(x, m))));
              if (a.outputs.length > 1 || ['arg_max', 'arg_min', 'take_any'].includes(a.fn)) a.outputs.forEach((o, i) => out.set(o.name, (result as unknown[])[i] ?? null));
              else out.set(a.outputs[0]!.name, result);
            }
            return out;
          });
          break;
        }
        case 'sort':
        case 'top': {
          const keys = op.op === 'sort' ? op.keys : [op.key];
          rows = [...rows].sort((x, y) => {
            for (const k of keys) {
              const c = sortCompare(scalar(k.expr, x), scalar(k.expr, y), k.direction === 'desc', k.nulls === 'first');
              if (c) return c;
            }
            return 0;
          });
          if (op.op === 'top') rows = rows.slice(0, Number(scalar(op.count, new Map())));
          break;
        }
        case 'take':
          rows = rows.slice(0, Number(scalar(op.count, new Map())));
          break;
        case 'distinct': {
          const seen = new Set<string>();
          rows = rows
            .map((r) => new Map(op.columns.map((c) => [c.name, scalar(c.expr, r)])))
            .filter((r) => {
              const k = JSON.stringify([...r.values()].map((v) => [typeof v, v]));
              return seen.has(k) ? false : (seen.add(k), true);
            });
          break;
        }
        case 'count':
          rows = [new Map([['Count', rows.length]])];
          break;
        case 'join': {
          const right = table(op.right);
          const keyMatch = (l: Row, r: Row) => op.keys.every((k) => {
            const a = l.get(k.left);
            const b = r.get(k.right);
            return a !== null && a !== undefined && b !== null && b !== undefined && JSON.stringify([typeof a, a]) === JSON.stringify([typeof b, b]);
          });
          const combine = (l: Row, r: Row | undefined) =>
            new Map<string, unknown>([...l.entries(), ...op.right.schema.map((c, i) => [op.rightNames[i]!, r ? r.get(c.name) : null] as [string, unknown])]);
          const out: Row[] = [];
          let left = rows;
          if (op.kind === 'innerunique') {
            const seen: Row[] = [];
            left = rows.filter((l) => {
              if (op.keys.some((k) => l.get(k.left) === null || l.get(k.left) === undefined)) return false;
              if (seen.some((s) => op.keys.every((k) => JSON.stringify([typeof s.get(k.left), s.get(k.left)]) === JSON.stringify([typeof l.get(k.left), l.get(k.left)])))) return false;
              seen.push(l);
              return true;
            });
          }
          const usedRight = new Set<Row>();
          for (const l of left) {
            const hits = right.filter((r) => keyMatch(l, r));
            hits.forEach((h) => usedRight.add(h));
            if (op.kind === 'leftsemi') { if (hits.length) out.push(l); continue; }
            if (op.kind === 'leftanti') { if (!hits.length) out.push(l); continue; }
            if (op.kind === 'rightsemi' || op.kind === 'rightanti') continue;
            for (const h of hits) out.push(combine(l, h));
            if (!hits.length && (op.kind === 'leftouter' || op.kind === 'fullouter')) out.push(combine(l, undefined));
          }
          for (const r of right) {
            const hit = usedRight.has(r);
            if (op.kind === 'rightsemi' && hit) out.push(r);
            if (op.kind === 'rightanti' && !hit) out.push(r);
            if ((op.kind === 'rightouter' || op.kind === 'fullouter') && !hit) {
              const m = new Map<string, unknown>();
              for (const c of op.schema.slice(0, op.schema.length - op.right.schema.length)) m.set(c.name, null);
              op.right.schema.forEach((c, i) => m.set(op.rightNames[i]!, r.get(c.name)));
              out.push(m);
            }
          }
          // The side an outer join did not match: null, but "" for strings (never null in Kusto).
          rows = out.map((m) => new Map(op.schema.map((c) => [c.name, m.get(c.name) ?? (c.type === 'string' ? '' : null)])));
          break;
        }
        case 'mv-expand': {
          const out: Row[] = [];
          for (const r of rows) {
            const lists = op.columns.map((c) => expansionElements(scalar(c.expr, r), op.kind));
            const n = Math.min(op.limit ?? Infinity, Math.max(...lists.map((l) => l.length)));
            for (let i = 0; i < n; i++) {
              const m = new Map(r);
              op.columns.forEach((c, k) => m.set(c.name, castElement(lists[k]![i] ?? null, c.type)));
              if (op.itemIndex !== undefined) m.set(op.itemIndex, i);
              out.push(new Map(op.schema.map((c) => [c.name, m.get(c.name)])));
            }
          }
          rows = out;
          break;
        }
      }
    }
    return rows;
  };

  for (const l of ir.lets) {
    if (l.kind === 'scalar') lets.set(l.name, scalar(l.value, new Map()));
    else tables.set(l.name, table(l.value));
  }
  return table(ir.body).map((r) => Object.fromEntries(ir.body.schema.map((c) => [c.name, outputValue(r.get(c.name), c.type)])));
}
