/**
 * evaluate ipv4_lookup in the evaluator (issue 27), per
 * https://learn.microsoft.com/kusto/query/ipv4-lookup-plugin: each input row joined with every
 * lookup-table row whose IPv4LookupKey (an address or a range in IP-prefix notation) contains the
 * row's SourceIPv4Key and whose extra keys equal the row's; rows nothing matches are dropped, or
 * with return_unmatched kept with the lookup table's columns empty (as a leftouter join's: null,
 * "" for strings, which Kusto never has null).
 */
import type { Ipv4Lookup, Schema, Tabular } from '../../ir/types.js';
import { ipv4InRange } from '../../semantics/ip.js';
import { toKqlString, type Value } from '../../semantics/values.js';
import { groupKey } from './groups.js';
import type { RunBudget } from './limits.js';
import { computedLayout, type Layout, type Row, type Step } from './rows.js';

interface LookupRow {
  readonly range: string | undefined;
  readonly extra: string | undefined;
  readonly values: Value[];
}

export function ipv4LookupStep(o: Ipv4Lookup & { schema: Schema }, layout: Layout, rowsOf: (t: Tabular) => { rows: Row[]; layout: Layout }, budget: () => RunBudget): { step: Step<{ table?: LookupRow[] }>; layout: Layout } {
  const leftGet = layout.columns.map((c) => c.get);
  const column = (l: Layout, name: string) => l.columns.find((c) => c.name === name)!;
  const source = column(layout, o.sourceKey);
  const leftExtra = o.extraKeys.map((k) => column(layout, k).get);
  /** Equal-key text of the extra keys; undefined when one is null (it matches nothing, as join's keys). */
  const extraKey = (values: Value[]): string | undefined => (values.some((v) => v === null || v === undefined) ? undefined : groupKey(values));
  const text = (v: Value, type: Schema[number]['type']) => (v === null || v === undefined ? undefined : toKqlString(v, type));
  const table = (): LookupRow[] => {
    const { rows, layout: rl } = rowsOf(o.right);
    const key = column(rl, o.lookupKey);
    const extra = o.extraKeys.map((k) => column(rl, k).get);
    const kept = o.rightColumns.map((c) => column(rl, c.from).get);
    return rows.map((r) => ({ range: text(key.get(r), key.type), extra: extraKey(extra.map((g) => g(r))), values: kept.map((g) => g(r)) }));
  };
  const missing: Value[] = o.rightColumns.map((c) => (o.right.schema.find((x) => x.name === c.from)!.type === 'string' ? '' : null));
  const step: Step<{ table?: LookupRow[] }> = {
    init: () => ({}),
    push: (r, next, s) => {
      const lookup = (s.table ??= table());
      const address = text(source.get(r), source.type);
      const extra = extraKey(leftExtra.map((g) => g(r)));
      const left = leftGet.map((g) => g(r));
      let hits = 0;
      if (address !== undefined && (o.extraKeys.length === 0 || extra !== undefined)) {
        for (const l of lookup) {
          if (l.range === undefined || l.extra !== extra || ipv4InRange(address, l.range) !== true) continue;
          hits++;
          next.push({ e: null, v: [...left, ...l.values] });
        }
      }
      if (hits > 0) budget().addRows(hits, 'ipv4_lookup');
      else if (o.returnUnmatched) next.push({ e: null, v: [...left, ...missing] });
    },
    end: (next) => next.end(),
  };
  return { step, layout: computedLayout(o.schema) };
}
