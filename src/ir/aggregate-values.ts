/**
 * Aggregates used as values inside summarize: `X = 100 * count()`, `countif(p) / count()`,
 * `round(100.0 * countif(p) / count(), 2)`. Kusto.Language accepts any scalar expression over
 * aggregate calls and constants there (a bare column outside an aggregate is its error KS236).
 *
 * The binder keeps one summarize form in the IR: the aggregates inside such an item become hidden
 * aggregate columns of the summarize, and a project right after it (marked `ofSummarize`) computes
 * the item from them and drops them. Every backend then reads operators it already knows; the KQL
 * output writes the pair back as the one summarize item that was written.
 */
import type * as A from '../query/ast.js';

/** Whether a call names an aggregate (the binder's answer: local functions shadow the catalog). */
export type IsAggregateCall = (e: A.CallExpr) => boolean;

/** `(expr)` without operators is `expr`. */
export function withoutParens(e: A.Expr): A.Expr {
  return e.kind === 'paren' && e.inner.ops.length === 0 ? withoutParens(e.inner.source) : e;
}

/** The aggregate calls in `e` (not inside other aggregates' arguments), in the order written. */
export function aggregateCalls(e: A.Expr, isAggregate: IsAggregateCall): A.CallExpr[] {
  const out: A.CallExpr[] = [];
  replaceAggregateCalls(e, isAggregate, (c) => {
    out.push(c);
    return c;
  });
  return out;
}

/**
 * `e` rebuilt with `at` asked first at each part (parents first): what it returns replaces the
 * part; undefined goes on into the part's own parts. A pipe is entered only when it has no operators.
 */
function rewrite(e: A.Expr, at: (x: A.Expr) => A.Expr | undefined): A.Expr {
  const replaced = at(e);
  if (replaced) return replaced;
  const expr = (x: A.Expr): A.Expr => rewrite(x, at);
  const pipe = (p: A.PipeExpr): A.PipeExpr => (p.ops.length ? p : { ...p, source: expr(p.source) });
  switch (e.kind) {
    case 'call':
      return { ...e, args: e.args.map(pipe) };
    case 'binary':
      return { ...e, left: expr(e.left), right: Array.isArray(e.right) ? e.right.map(pipe) : expr(e.right as A.Expr) };
    case 'unary':
      return { ...e, operand: expr(e.operand) };
    case 'paren':
      return { ...e, inner: pipe(e.inner) };
    case 'member':
      return { ...e, target: expr(e.target) };
    case 'index':
      return { ...e, target: expr(e.target), index: expr(e.index) };
    default:
      return e;
  }
}

/** `e` with each aggregate call replaced (its arguments are not searched). */
export function replaceAggregateCalls(e: A.Expr, isAggregate: IsAggregateCall, replace: (c: A.CallExpr) => A.Expr): A.Expr {
  return rewrite(e, (x) => (x.kind === 'call' && isAggregate(x) ? replace(x) : undefined));
}

/** The bare names in `e` outside aggregate calls (`b` in `count() * b`): Kusto's error KS236 when they are columns. */
export function namesOutsideAggregates(e: A.Expr, isAggregate: IsAggregateCall): A.NameExpr[] {
  const out: A.NameExpr[] = [];
  rewrite(e, (x) => {
    if (x.kind === 'name') out.push(x);
    return x.kind === 'call' && isAggregate(x) ? x : undefined;
  });
  return out;
}

/**
 * A prefix for the hidden aggregate columns that no column of the input or name written in the
 * summarize starts with, so they can never clash (the project after the summarize drops them).
 */
export function hiddenPrefix(taken: readonly string[]): string {
  let prefix = '__aggregate_';
  while (taken.some((n) => n.startsWith(prefix))) prefix = `_${prefix}`;
  return prefix;
}
