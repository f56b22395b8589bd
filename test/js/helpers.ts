import { expect } from 'vitest';
import { compileQuery } from '../../src/backends/js/compile.js';
import { bindQuery } from '../../src/ir/binder.js';
import { TableCatalog } from '../../src/ir/tables.js';
import type { QueryIR } from '../../src/ir/types.js';
import { parseQuery } from '../../src/query/parser.js';

/** A small table with one column of every type, for semantic tests. */
export const testTables = new TableCatalog([
  {
    name: 'T',
    columns: [
      { name: 's', type: 'string' },
      { name: 's2', type: 'string' },
      { name: 'n', type: 'long' },
      { name: 'r', type: 'real' },
      { name: 'b', type: 'bool' },
      { name: 't', type: 'datetime' },
      { name: 'ts', type: 'timespan' },
      { name: 'd', type: 'dynamic' },
      // JSON held as text, as in LocationDetails or DeviceDetail of the sign-in tables.
      { name: 'j', type: 'string' },
      { name: 'TimeGenerated', type: 'datetime' },
    ],
  },
  {
    // Column names that are also Object.prototype members.
    name: 'Odd',
    columns: [
      { name: 'constructor', type: 'string' },
      { name: '__proto__', type: 'dynamic' },
      { name: 'toString', type: 'string' },
    ],
  },
]);

export const NOW = Date.parse('2025-03-01T12:00:00Z');

/** Parse and bind a query on its own (no rule file), expecting no problems. */
export function bind(query: string, tables: TableCatalog = testTables): QueryIR {
  const parsed = parseQuery(query);
  expect(parsed.problems).toEqual([]);
  const bound = bindQuery(parsed.ast, tables, query);
  expect(bound.problems).toEqual([]);
  return bound.ir!;
}

/** Rows of `query` over `events` (no schedule window). */
export function rows(query: string, events: object[], now = NOW): Record<string, unknown>[] {
  return compileQuery(bind(query)).run(events, { now }).rows;
}

/** The single value of `expr` evaluated over one event. */
export function value(expr: string, event: object = {}): unknown {
  return rows(`T | project v = ${expr}`, [event])[0]!.v;
}

/** Whether `predicate` keeps the event. */
export function keeps(predicate: string, event: object): boolean {
  return rows(`T | where ${predicate}`, [event]).length === 1;
}
