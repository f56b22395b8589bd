/**
 * The ceiling of AQL for a rule: whether what stops its translation is something AQL itself cannot
 * say, or something detc does not translate yet. Used by the per-rule QRadar account of a corpus
 * (scripts/corpus-coverage.mjs writes docs/qradar-coverage.md), so the account is derived from the
 * translator's own errors and tables and a new kind of error fails its test until it is classified.
 *
 * IBM's AQL reference (QRadar 7.5/7.6, "Ariel Query Language" chapter: SELECT statement, clause
 * structure, aggregate functions, data calculation and formatting functions) describes one SELECT
 * over `events` or `flows` with WHERE, GROUP BY, HAVING, ORDER BY, LIMIT and a time clause: no
 * JOIN, no UNION, no sub-select, no operator that turns one event into several rows, no array
 * type, no aggregate that returns a list. These are the "cannot" reasons below.
 */
import { objectsIn } from '../../ir/walk.js';
import type { QueryIR } from '../../ir/types.js';
import { aqlFunction } from './functions.js';
import { aqlOperator } from './operators.js';
import type { Approximation } from './translate.js';

const IBM_SELECT = "IBM's AQL reference: a query is one SELECT over events or flows (https://www.ibm.com/docs/en/qsip/7.6.0?topic=structure-sample-aql-queries)";

/** Why AQL cannot say a construct, by kind. */
export const AQL_LIMITS = {
  rows: `AQL returns at most one row per event or group: it has no operator that turns an event's array into rows (${IBM_SELECT})`,
  join: `AQL has no JOIN: an AQL query reads one result, events or flows (${IBM_SELECT})`,
  union: `AQL has no UNION: in one SELECT over all the legs' events their groups would mix, and legs that map fields differently cannot share one SELECT list (${IBM_SELECT}); a leg column in GROUP BY would keep the groups apart, but AQL groups only by selected columns (IBM: GROUP BY references columns of the SELECT), so the output would gain that column: an approximation at best`,
  subselect: `AQL has no sub-select, so a list from another query (or a second GROUP BY over a first) has no form (${IBM_SELECT}); a QRadar reference set can hold such a list`,
  listAggregate: "AQL has no aggregate that returns a list (IBM's AQL aggregate functions: AVG, COUNT, DISTINCTCOUNT, FIRST, LAST, MIN, MAX, STDEV, SUM, UNIQUECOUNT; https://www.ibm.com/docs/en/SS42VS_7.5/com.ibm.qradar.doc/r_aql_aggregate_functions.html)",
  argExtreme: "AQL has no aggregate that returns the other columns of the row with the smallest or largest value (IBM's AQL aggregate functions)",
  arrays: "AQL values are scalars: no arrays or property bags (IBM's AQL data calculation and formatting functions take and return single values; https://www.ibm.com/docs/en/qsip/7.6.0?topic=language-aql-data-calculation-formatting-functions)",
  jsonText: "a QRadar custom property's JSON keypath reads the event's own JSON, not JSON text inside a string (IBM, JSON keypath expressions: https://www.ibm.com/docs/en/qsip/7.5?topic=editor-json-keypath-expressions)",
  plugins: `AQL has no plugins, series or window functions (${IBM_SELECT})`,
} as const;
export type AqlLimit = keyof typeof AQL_LIMITS;

/** A stop of a rule's translation, classified. */
export interface Stop {
  /** `cannot`: AQL cannot say it; `not-yet`: AQL could, detc does not translate it (yet, or without a fact it lacks). */
  readonly verdict: 'cannot' | 'not-yet';
  /** The construct, short. */
  readonly construct: string;
  /** For `cannot`: the limit; for `not-yet`: what is missing. */
  readonly why: string;
  /** The approximation that would translate it, if one exists. */
  readonly approximation?: Approximation;
}

type Rule = readonly [RegExp, (m: RegExpMatchArray) => Stop];
const cannot = (construct: string, limit: AqlLimit, approximation?: Approximation): Stop => ({ verdict: 'cannot', construct, why: AQL_LIMITS[limit], ...(approximation ? { approximation } : {}) });
const notYet = (construct: string, why: string): Stop => ({ verdict: 'not-yet', construct, why });

/** The translator's error messages (after "QRadar AQL: "), each with its verdict. First match wins. */
const STOPS: readonly Rule[] = [
  [/^(mv-apply|mv-expand)( with \S+ in its sub-query)?(?: of \S+, which is not a JSON array of the event,)? has no AQL equivalent/, (m) => cannot(m[1]!, 'rows', m[2] ? undefined : 'first-array-element')],
  [/^join has no AQL equivalent/, () => cannot('join', 'join')],
  [/^a union of legs with (\S+) has no AQL equivalent/, (m) => cannot(`union of legs with ${m[1]}`, 'union')],
  [/^the union's legs are written differently in AQL/, () => cannot('union of differently mapped legs', 'union')],
  [/^a union leg that reads a union has no AQL equivalent/, () => notYet('union of a union', 'detc does not flatten a union inside a union leg')],
  [/^(make_set|make_list|make_set_if|make_list_if|makeset|makelist)\b.* has no AQL equivalent/, (m) => cannot(m[1]!, 'listAggregate', 'drop-list-aggregates')],
  [/^column \S+ was left out by an approximation and cannot be used/, () => cannot('a use of a list aggregate', 'listAggregate')],
  [/^(arg_min|arg_max) has no AQL equivalent/, (m) => cannot(m[1]!, 'argExtreme')],
  [/^a (summarize|distinct|count) after summarize, distinct or count has no AQL equivalent/, (m) => cannot(`${m[1]} after summarize`, 'subselect')],
  [/^in \(a tabular sub-query\) has no AQL equivalent/, () => cannot('in (tabular let)', 'subselect', 'reference-set')],
  [/^(\w+)\(\) of the text of \S+ has no AQL equivalent: real events hold a string of JSON text there/, (m) => cannot(`${m[1]}() of JSON text in a string`, 'jsonText')],
  [/^(\w+)\(\) of the text of (\S+) has no AQL translation: it is \S+ itself only where real events hold a JSON object/, (m) => notYet(`${m[1]}(tostring(${m[2]}))`, 'the shape of the path in real events is not established (an object would be read as itself)')],
  [/^(\w+)\(\) has no AQL translation: AQL values are scalars/, (m) => cannot(`${m[1]}()`, 'arrays')],
  [/^split\(\) is written in AQL only as one part/, () => cannot('split() as an array', 'arrays')],
  [/^column (\S+) has no QRadar equivalent \(.*?\.ya?ml: a list\b/, (m) => cannot(`${m[1]} (a list)`, 'arrays')],
  [/^column RecordType has no QRadar equivalent/, () => notYet('OfficeActivity.RecordType', 'the API sends the record type as a number: a mapping rewrite from each name to its number (AuditLogRecordType) would say it')],
  [/^column (\S+) is not in the QRadar mapping/, (m) => notYet(`column ${m[1]}`, 'the QRadar mapping has no property for it')],
  [/^(\w+)\(\) has no AQL translation \(not in the AQL backend's function table\)/, (m) => notYet(`${m[1]}()`, 'no AQL translation written')],
  [/^(substring|indexof|toupper|toint|tolong|now|ago)\(\) has no AQL translation(?: here)?: (.*)$/, (m) => notYet(`${m[1]}()`, m[2]!)],
  [/^(\S+) has no AQL equivalent: no AQL translation written/, (m) => notYet(m[1]!, 'no AQL translation written')],
  [/^the right side of (\S+) must be a constant string for AQL/, (m) => notYet(`${m[1]} with a column on its right`, 'detc writes string operators with a constant right side only')],
  [/^not\(\) of (\S+) has no exact AQL translation/, (m) => notYet(`not(${m[1]})`, 'its negation is not written NULL-aware yet')],
];

/** A translator error (with or without the "QRadar AQL: " prefix), classified; undefined when no rule knows it. */
export function classifyStop(message: string): Stop | undefined {
  const text = message.replace(/^QRadar AQL: /, '');
  for (const [re, stop] of STOPS) {
    const m = text.match(re);
    if (m) return stop(m);
  }
  return undefined;
}

/**
 * The constructs of a query AQL cannot say, found anywhere in it (lets, sub-queries, join sides):
 * operators and functions the backend's tables mark as beyond AQL. A rule whose first stop is not
 * yet translated may still meet one of these later.
 */
export function aqlLimitsIn(ir: QueryIR): Stop[] {
  const found = new Map<string, Stop>();
  for (const o of objectsIn(ir) as Iterable<Record<string, unknown>>) {
    if (typeof o.op === 'string') {
      const op = aqlOperator(o.op);
      const limit = op && 'limit' in op ? op.limit : undefined;
      if (limit) found.set(o.op, cannot(o.op, limit, o.op === 'mv-expand' || o.op === 'mv-apply' ? 'first-array-element' : undefined));
    }
    const fn = typeof o.fn === 'string' && (o.kind === 'call' || Array.isArray(o.outputs)) ? aqlFunction(o.fn) : undefined;
    if (fn && 'limit' in fn && fn.limit) found.set(`${o.fn}()`, cannot(`${o.fn as string}()`, fn.limit, fn.limit === 'listAggregate' ? 'drop-list-aggregates' : undefined));
  }
  return [...found.values()];
}
