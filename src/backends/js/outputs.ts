/**
 * A result of a function with several (`(a, b) = series_fit_line(y)`): the IR has one column per
 * result, each a call with its `output` index. The function runs once per row: the parts of one
 * call see the same argument values one after another, so the last arguments and result are kept.
 */
import type { Impl } from '../../catalog/types.js';
import type { ScalarExpr } from '../../ir/types.js';

export function outputImpl(impl: Impl, e: Extract<ScalarExpr, { kind: 'call' }>): Impl {
  const index = e.output;
  if (index === undefined) return impl;
  let lastArgs: unknown[] | undefined;
  let lastResult: unknown;
  return (...args) => {
    if (!lastArgs || lastArgs.length !== args.length || args.some((a, i) => a !== lastArgs![i])) {
      lastResult = impl(...args);
      lastArgs = args;
    }
    return Array.isArray(lastResult) ? (lastResult[index] ?? null) : null;
  };
}
