/**
 * What the AQL backend makes of a query or of a function table entry's example, for the generated
 * support matrix (scripts/support-matrix.mjs) and the tests that keep the table honest: the text
 * comes from translating, not from a list kept by hand.
 */
import { bindQuery } from '../../ir/binder.js';
import { loadTables, type TableCatalog } from '../../ir/tables.js';
import { parseQuery } from '../../query/parser.js';
import { aqlFunction } from './functions.js';
import { loadMappings, type TableMapping } from './mapping.js';
import { translateToAql } from './translate.js';

export type AqlOutcome = { readonly aql: string; readonly notes: readonly string[] } | { readonly error: string };

let tables: TableCatalog | undefined;
let mappings: Map<string, TableMapping> | undefined;

/** A query over the bundled tables, translated with the bundled mappings (a 1 hour window). */
export function aqlOfQuery(query: string): AqlOutcome {
  tables ??= loadTables();
  mappings ??= loadMappings();
  const parsed = parseQuery(query);
  if (parsed.problems.length) return { error: `does not parse: ${parsed.problems[0]!.message}` };
  const bound = bindQuery(parsed.ast, tables, query);
  const problem = bound.problems.find((p) => p.fact !== 'DuplicateLet');
  if (!bound.ir || problem) return { error: `does not bind: ${String(problem?.args[0] ?? 'no result')}` };
  const source = bound.ir.body.source;
  const table = source.kind === 'table' ? source.table : '';
  const t = translateToAql(bound.ir, mappings.get(table), new Set(), 3_600_000, (name) => mappings!.get(name));
  if (!t.aql) return { error: t.errors[0]?.message ?? 'no AQL' };
  return { aql: t.aql, notes: t.notes };
}

/**
 * The AQL a function table entry's example becomes: the condition (a `where`), the SELECT value
 * (a `project`) or the aggregate (a `summarize`); or why it is not in AQL.
 */
export function aqlOfFunction(name: string): AqlOutcome {
  const entry = aqlFunction(name);
  if (!entry) return { error: "no AQL translation written (not in the AQL backend's function table)" };
  if ('none' in entry) return { error: entry.none };
  const table = entry.table ?? 'SigninLogs';
  if (entry.aggregate) return select(aqlOfQuery(`${table} | summarize x = ${entry.example}`));
  const asValue = aqlOfQuery(`${table} | project x = ${entry.example}`);
  if ('aql' in asValue) return select(asValue);
  const asCondition = aqlOfQuery(`${table} | where ${entry.example}`);
  return 'aql' in asCondition ? ownConditions(asCondition, 1 + (mappings!.get(table)?.conditions?.length ?? 0)) : asValue;
}

/** The SELECT item named x. */
function select(o: AqlOutcome): AqlOutcome {
  if (!('aql' in o)) return o;
  const line = o.aql.split('\n').find((l) => l.endsWith(' AS x'));
  return line ? { aql: line.trim().slice(0, -' AS x'.length), notes: o.notes } : { error: 'the example gives no SELECT item x' };
}

/** The query's own conditions in WHERE, after the `tableConditions` that select the table's events. */
function ownConditions(o: AqlOutcome, tableConditions: number): AqlOutcome {
  if (!('aql' in o)) return o;
  const where = o.aql.slice(o.aql.indexOf('\nWHERE ') + 7, o.aql.search(/\n(GROUP BY|HAVING|ORDER BY|LIMIT|LAST|START) /));
  return { aql: where.split('\n    AND ').slice(tableConditions).join(' AND ').trim(), notes: o.notes };
}
