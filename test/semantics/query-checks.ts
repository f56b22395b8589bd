/** Shared by the semantics tests: a query's columns in detc and in Kusto.Language, and detc's problems, over the test tables. */
import { bindQuery } from '../../src/ir/binder.js';
import { parseQuery } from '../../src/query/parser.js';
import { bind, testTables } from '../js/helpers.js';
import { kustoResultColumns } from './kusto-types.js';

/** detc's result columns (`name:type`) for a query that binds without problems. */
export const detcColumns = (query: string): string[] => bind(query).body.schema.map((c) => `${c.name}:${c.type}`);

/** Kusto.Language's result columns for the query, or its first error. */
export function kustoColumns(query: string): string[] | string {
  const k = kustoResultColumns(query, testTables);
  return 'error' in k ? k.error : k.columns.map((c) => `${c.name}:${c.type}`);
}

/** The problems of a query bound on its own, as `fact: text`. */
export function problems(query: string): string[] {
  const parsed = parseQuery(query);
  if (parsed.problems.length) return parsed.problems.map((p) => `parse: ${p.message}`);
  return bindQuery(parsed.ast, testTables, query).problems.map((p) => `${p.fact}: ${p.args.join(' ')}`);
}
