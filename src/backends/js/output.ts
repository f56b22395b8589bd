/** Values and rows as the result has them. */
import type { ScalarType } from '../../ir/types.js';
import { formatDatetimeIso, formatTimespan, type Value } from '../../semantics/values.js';
import type { Layout, Row } from './rows.js';

/** A value as it appears in result rows: datetimes as ISO 8601 (as Kusto's JSON does), timespans as text. */
export function outputValue(v: Value, type: ScalarType): Value {
  if (v === undefined) return null;
  if (type === 'datetime' && typeof v === 'number') return formatDatetimeIso(v, true);
  if (type === 'timespan' && typeof v === 'number') return formatTimespan(v);
  return v;
}

/** Output rows through closures (the reference form of codegen.ts's generateRowBuilder). */
export function closureRowBuilder(layout: Layout): (r: Row) => Record<string, unknown> {
  const output = layout.columns.map((c) => ({ name: c.name, type: c.type, get: c.get, risky: c.name === '__proto__' }));
  return (r) => {
    const o: Record<string, unknown> = {};
    for (const c of output) {
      const v = outputValue(c.get(r), c.type);
      if (c.risky) Object.defineProperty(o, c.name, { value: v, enumerable: true, writable: true, configurable: true });
      else o[c.name] = v;
    }
    return o;
  };
}
