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

/** `e` with each aggregate call replaced (its arguments are not searched). */
export function replaceAggregateCalls(e: A.Expr, isAggregate: IsAggregateCall, replace: (c: A.CallExpr) => A.Expr): A.Expr {
  const expr = (x: A.Expr): A.Expr => replaceAggregateCalls(x, isAggregate, replace);
  const pipe = (p: A.PipeExpr): A.PipeExpr => (p.ops.length ? p : { ...p, source: expr(p.source) });
  switch (e.kind) {
    case 'call':
      return isAggregate(e) ? replace(e) : { ...e, args: e.args.map(pipe) };
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

/**
 * A prefix for the hidden aggregate columns that no column of the input or name written in the
 * summarize starts with, so they can never clash (the project after the summarize drops them).
 */
export function hiddenPrefix(taken: readonly string[]): string {
  let prefix = '__aggregate_';
  while (taken.some((n) => n.startsWith(prefix))) prefix = `_${prefix}`;
  return prefix;
}

/** The bare names in `e` outside aggregate calls (`b` in `count() * b`): Kusto's error KS236 when they are columns. */
export function namesOutsideAggregates(e: A.Expr, isAggregate: IsAggregateCall): A.NameExpr[] {
  const out: A.NameExpr[] = [];
  const visit = (x: A.Expr): void => {
    switch (x.kind) {
      case 'name':
        out.push(x);
        return;
      case 'call':
        if (!isAggregate(x)) x.args.forEach(visitPipe);
        return;
      case 'binary':
        visit(x.left);
        if (Array.isArray(x.right)) x.right.forEach(visitPipe);
        else visit(x.right as A.Expr);
        return;
      case 'unary':
        return visit(x.operand);
      case 'paren':
        return visitPipe(x.inner);
      case 'member':
        return visit(x.target);
      case 'index':
        visit(x.target);
        return visit(x.index);
      default:
    }
  };
  const visitPipe = (p: A.PipeExpr): void => {
    if (p.ops.length === 0) visit(p.source);
  };
  visit(e);
  return out;
}
