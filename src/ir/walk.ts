/** Whether property `key` of an IR node is data, not IR: a literal's value, a watchlist's rows. */
export const isData = (node: object, key: string): boolean => key === 'rows' || (key === 'value' && (node as { kind?: unknown }).kind === 'literal');

/**
 * Every object inside `root` (the root too), each once, parents first, not looking into data
 * (isData): the IR walked as plain data, for questions about any part of a query (a table it
 * reads, a plugin it uses) that need no knowledge of where each kind of node sits. Stop early by
 * leaving the loop.
 */
export function* objectsIn(root: unknown): Generator<object> {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    yield node;
    const entries = Object.entries(node);
    for (let i = entries.length - 1; i >= 0; i--) if (!isData(node, entries[i]![0])) stack.push(entries[i]![1]);
  }
}

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
