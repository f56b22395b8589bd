/**
 * The column names only the data can supply (issue 27): those the query reads after an
 * `evaluate bag_unpack` or `evaluate pivot` without an output schema. Neither detc nor
 * Kusto.Language can check them before a run; a name no row makes fails the query in Kusto.
 */
import type { Span } from '../query/ast.js';
import type { QueryIR, Tabular } from './types.js';

export interface DataDependentColumns {
  readonly plugin: 'bag_unpack' | 'pivot';
  readonly names: readonly string[];
  readonly span: Span;
}

export function dataDependentColumns(ir: QueryIR): DataDependentColumns[] {
  const found: DataDependentColumns[] = [];
  const seen = new Set<Tabular>();
  const visit = (t: Tabular): void => {
    if (seen.has(t)) return;
    seen.add(t);
    if (t.source.kind === 'union') for (const leg of t.source.legs) visit(leg.query);
    for (const op of t.ops) {
      if (op.op === 'join' || (op.op === 'evaluate' && op.plugin === 'ipv4_lookup')) visit(op.right);
      if (op.op !== 'evaluate') continue;
      if (op.plugin === 'bag_unpack' && !op.declared && op.unpacked.length > 0) found.push({ plugin: 'bag_unpack', names: op.unpacked.map((c) => c.name), span: op.span });
      if (op.plugin === 'pivot' && !op.declared && op.pivoted.length > 0) found.push({ plugin: 'pivot', names: op.pivoted.map((c) => c.name), span: op.span });
    }
  };
  // A function's body is not the rule's text: its spans would point elsewhere.
  for (const l of ir.lets) if (l.kind === 'tabular' && !l.fromFunction) visit(l.value);
  visit(ir.body);
  return found;
}
