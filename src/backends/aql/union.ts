/**
 * Tabular lets and unions, before translation. A let the query reads as its source is a name for
 * its pipeline, so the pipeline takes its place. A union of tables becomes one AQL query over their
 * log sources ((devicetype and conditions of one) OR (those of the other)) when each leg, followed
 * by what comes after the union, is written the same way: the legs then select the same events'
 * values, and the union is their rows together. Legs that aggregate or limit are refused: in one
 * query their groups and limits would mix.
 */
import type { Span } from '../../query/ast.js';
import type { Let, Tabular, UnionSource } from '../../ir/types.js';
import type { TableMapping } from './mapping.js';

export const UNION_DIFFERS = "the union's legs are written differently in AQL (their tables map the columns or filters differently), so they cannot be one query; write one rule per table";

/** Operators whose result depends on the rows they see together: a merged query would mix the legs' rows. */
const MIXES_ROWS = new Set(['summarize', 'distinct', 'count', 'top', 'take', 'top-nested', 'make-series']);

/** `t` with each tabular let it reads as its source replaced by the let's pipeline. */
export function throughLets(t: Tabular, lets: readonly Let[]): Tabular {
  let out = t;
  for (let depth = 0; out.source.kind === 'letTable' && depth < 100; depth++) {
    const name = out.source.name;
    // A function's body (the let holds it) keeps its own handling: the backend inlines it first.
    const l = lets.find((x): x is Extract<Let, { kind: 'tabular' }> => x.kind === 'tabular' && x.name === name && x.fromFunction === undefined && x.functionOutput === undefined);
    if (!l) break;
    out = { source: l.value.source, ops: [...l.value.ops, ...out.ops], schema: out.schema };
  }
  return out;
}

/** Each leg of the union as one pipeline over its table, followed by the operators after the union. */
export function unionLegs(t: Tabular, u: UnionSource, lets: readonly Let[]): Tabular[] | { error: { message: string; span?: Span } } {
  if (u.withSource) return { error: { message: `union withsource=${u.withSource} has no AQL equivalent: AQL has no column naming an event's log source type as a Sentinel table`, span: u.span } };
  const legs: Tabular[] = [];
  for (const leg of u.legs) {
    const q = throughLets(leg.query, lets);
    if (q.source.kind !== 'table') return { error: { message: `a union leg that reads ${q.source.kind === 'letTable' ? `the let ${q.source.name}` : `a ${q.source.kind}`} has no AQL equivalent: each leg must be a pipeline over a table`, span: leg.query.source.span } };
    legs.push({ source: q.source, ops: [...q.ops, ...t.ops], schema: t.schema });
  }
  const mixing = legs.flatMap((l) => l.ops).find((op) => MIXES_ROWS.has(op.op));
  if (legs.length > 1 && mixing) return { error: { message: `a union of legs with ${mixing.op} has no AQL equivalent: in one AQL query over all the legs' events, their ${mixing.op === 'take' || mixing.op === 'top' ? 'limits' : 'groups'} would mix`, span: mixing.span } };
  return legs;
}

/**
 * Two legs that select the same QRadar events, if any: the same table twice, or two tables whose
 * mappings select events alike (same log source types and conditions). KQL's union keeps a row of
 * each leg, so such an event would be there twice; one AQL query over the legs' events (their
 * conditions OR-ed) returns it once, and AQL has no UNION ALL.
 */
export function overlappingLegs(legs: readonly Tabular[], mappingOf: (table: string) => TableMapping | undefined): { message: string; span?: Span } | undefined {
  const seen = new Map<string, string>();
  for (const leg of legs) {
    if (leg.source.kind !== 'table') continue;
    const m = mappingOf(leg.source.table);
    if (!m) continue;
    const events = JSON.stringify([m.source, m.logSourceTypes.map((t) => t.id).sort((a, b) => a - b), (m.conditions ?? []).map((c) => c.aql).sort()]);
    const other = seen.get(events);
    if (other !== undefined) {
      const what = other === leg.source.table ? `reads ${other} twice` : `reads ${other} and ${leg.source.table}, whose QRadar mappings select the same events`;
      return { message: `this union ${what}: KQL's union keeps each leg's rows, so an event would be there twice, but one AQL query over the legs' events returns it once (AQL has no UNION ALL); read the table once`, span: leg.source.span };
    }
    seen.set(events, leg.source.table);
  }
  return undefined;
}
