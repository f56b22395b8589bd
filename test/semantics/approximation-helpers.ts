/**
 * Binding and running queries whose only problems are the evaluator's named approximations
 * (EvaluatorApproximation warnings: hash without a modulo, percentiles).
 */
import { expect } from 'vitest';
import { compileQuery } from '../../src/backends/js/compile.js';
import { bindQuery } from '../../src/ir/binder.js';
import type { QueryIR } from '../../src/ir/types.js';
import { parseQuery } from '../../src/query/parser.js';
import { NOW, testTables } from '../js/helpers.js';

/** The IR of `query`, expecting no problem but approximation warnings. */
export function bindAllowingApproximation(query: string): QueryIR {
  const parsed = parseQuery(query);
  expect(parsed.problems).toEqual([]);
  const bound = bindQuery(parsed.ast, testTables, query);
  expect(bound.problems.filter((p) => p.fact !== 'EvaluatorApproximation')).toEqual([]);
  return bound.ir!;
}

export function rowsAllowingApproximation(query: string, events: object[]): Record<string, unknown>[] {
  return compileQuery(bindAllowingApproximation(query)).run(events, { now: NOW }).rows;
}

export function valueAllowingApproximation(expr: string, event: object = {}): unknown {
  return rowsAllowingApproximation(`T | project v = ${expr}`, [event])[0]!.v;
}
