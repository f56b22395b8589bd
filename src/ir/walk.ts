/**
 * A walk over a scalar expression for analyses that ask whether every part of it is of some kind
 * (which columns it reads, whether it is pure). Subqueries end the walk with false: they read a
 * table, not the row.
 */
import type { ScalarExpr } from './types.js';

/** Whether `visit` accepts `e` and every expression inside it (depth first, parents first). */
export function everyNode(e: ScalarExpr, visit: (x: ScalarExpr) => boolean): boolean {
  if (!visit(e)) return false;
  switch (e.kind) {
    case 'call':
      return e.args.every((a) => everyNode(a, visit));
    case 'member':
      return everyNode(e.target, visit) && (typeof e.key !== 'object' || everyNode(e.key, visit));
    case 'subquery':
      return false;
    default:
      return true;
  }
}
