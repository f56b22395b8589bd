import type { ScalarType } from '../../ir/types.js';
import { formatDatetimeIso, formatTimespan, type Value } from '../../semantics/values.js';

/** A value as it appears in result rows: datetimes as ISO 8601 (as Kusto's JSON does), timespans as text. */
export function outputValue(v: Value, type: ScalarType): Value {
  if (v === undefined) return null;
  if (type === 'datetime' && typeof v === 'number') return formatDatetimeIso(v, true);
  if (type === 'timespan' && typeof v === 'number') return formatTimespan(v);
  return v;
}
