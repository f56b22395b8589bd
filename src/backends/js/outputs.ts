/**
 * A result of a function with several (`(a, b) = series_fit_line(y)`): the IR has one column per
 * result, each a copy of the call with its `output` index and the same `args`. The function runs
 * once per row: the parts of one call (found by their shared `args`) share one memo of the last
 * arguments and result, and see the same argument values one after another.
 */
import type { Impl } from '../../catalog/types.js';
import type { ScalarExpr } from '../../ir/types.js';

interface Memo {
  lastArgs?: unknown[];
  lastResult?: unknown;
}

/** One memo per call, whichever of its results is compiled first. */
const memos = new WeakMap<readonly ScalarExpr[], Memo>();

export function outputImpl(impl: Impl, e: Extract<ScalarExpr, { kind: 'call' }>): Impl {
  const index = e.output;
  if (index === undefined) return impl;
  let memo = memos.get(e.args);
  if (!memo) memos.set(e.args, (memo = {}));
  const m = memo;
  return (...args) => {
    if (!m.lastArgs || m.lastArgs.length !== args.length || args.some((a, i) => a !== m.lastArgs![i])) {
      m.lastResult = impl(...args);
      m.lastArgs = args;
    }
    return Array.isArray(m.lastResult) ? (m.lastResult[index] ?? null) : null;
  };
}
