/**
 * What the AQL backend does with each IR tabular operator: how it is written in the one AQL SELECT,
 * or why AQL cannot say it. The translator reports the `none` reason for an operator it meets; the
 * support matrix lists both.
 */
import type { AqlLimit } from './ceiling.js';

/** `limit`: the kind of thing AQL itself cannot say (ceiling.ts), where that is why. */
export type AqlOperator = { readonly written: string } | { readonly none: string; readonly limit?: AqlLimit };

const ONE_ROW_PER_EVENT = 'AQL returns at most one row per event (or one per group): it cannot turn an array in an event into rows';
const ONE_SELECT = 'an AQL query is one SELECT over events or flows; IBM\'s AQL reference has no JOIN or sub-query over other results';

export const AQL_OPERATORS: Readonly<Record<string, AqlOperator>> = {
  where: { written: 'WHERE (HAVING after summarize); TimeGenerated > ago(d) becomes the LAST clause' },
  extend: { written: 'substituted where the column is used; after summarize a SELECT column' },
  project: { written: 'the SELECT list' },
  'project-away': { written: 'left out of the SELECT list' },
  'project-keep': { written: 'the SELECT list' },
  'project-reorder': { written: 'the SELECT list' },
  'project-rename': { written: 'SELECT aliases' },
  summarize: { written: 'GROUP BY with aggregates; bin() keys are time buckets (starttime - starttime % size); one summarize per query' },
  distinct: { written: 'GROUP BY the columns' },
  count: { written: 'SELECT COUNT(*)' },
  sort: { written: 'ORDER BY; no summarize, distinct or count after it (they would lose or misuse its order)' },
  top: { written: 'ORDER BY and LIMIT; after it only extend, project and take (AQL limits last: a where, summarize or sort after it would see all rows)' },
  take: { written: 'LIMIT; after it only extend, project and take (AQL limits last: a where, summarize or sort after it would see all rows)' },
  join: { none: ONE_SELECT, limit: 'join' },
  'mv-expand': { none: ONE_ROW_PER_EVENT, limit: 'rows' },
  'mv-apply': { none: ONE_ROW_PER_EVENT, limit: 'rows' },
  'make-series': { none: 'AQL has no arrays, so no series', limit: 'arrays' },
  'top-nested': { none: 'an AQL query has one GROUP BY; top-nested needs one per level', limit: 'subselect' },
  getschema: { none: 'AQL has no query over a result\'s columns', limit: 'plugins' },
  'parse-kv': { none: 'no AQL translation written (AQL reads fields through custom properties)' },
  parse: { none: 'no AQL translation written (AQL reads fields through custom properties)' },
  'parse-where': { none: 'no AQL translation written (AQL reads fields through custom properties)' },
  evaluate: { none: 'AQL has no plugins', limit: 'plugins' },
  serialize: { none: 'AQL has no row order within a query, nor window functions', limit: 'plugins' },
};

export function aqlOperator(op: string): AqlOperator | undefined {
  return Object.hasOwn(AQL_OPERATORS, op) ? AQL_OPERATORS[op] : undefined;
}
