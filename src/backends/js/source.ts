/** Events in: the input's events for a table, and source columns read from a raw event. */
import type { Column } from '../../ir/types.js';
import { coerce, type Value } from '../../semantics/values.js';
import type { Accessor, ColumnSource } from './rows.js';

/** Events per table, or one stream used for every table the query reads. */
export type EventInput = Iterable<unknown> | { readonly [table: string]: Iterable<unknown> };

/** Whether the input is one stream of events (else events per table). */
export function isEventStream(input: EventInput): input is Iterable<unknown> {
  return input !== null && typeof input === 'object' && typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function';
}

export function eventsFor(input: EventInput, table: string): Iterable<unknown> {
  if (isEventStream(input)) return input;
  return Object.prototype.hasOwnProperty.call(input, table) ? (input as Record<string, Iterable<unknown>>)[table]! : [];
}

/** A source column: its getter, and how generated code reads it (inline, but for risky names). */
export function sourceColumn(c: Column): Column & { get: Accessor; source: ColumnSource } {
  const get = rawGetter(c.name, c.type);
  return { ...c, get, source: c.name in Object.prototype ? { get } : { raw: c.name, type: c.type } };
}

/**
 * Reads a source column from the raw event, converted to the column's type. Own properties only:
 * `constructor` or `__proto__` in a rule never reaches Object.prototype. The last event's value is
 * remembered, because an operator chain often reads one column several times per event.
 */
function rawGetter(name: string, type: Column['type']): Accessor {
  const risky = name in Object.prototype;
  const read = risky
    ? (e: Readonly<Record<string, unknown>>) => (Object.prototype.hasOwnProperty.call(e, name) ? e[name] : undefined)
    : (e: Readonly<Record<string, unknown>>) => e[name];
  if (type === 'string') {
    return (r) => {
      if (!r.e) return '';
      const v = read(r.e);
      return typeof v === 'string' ? v : coerce(v, type);
    };
  }
  let lastEvent: unknown;
  let lastValue: Value;
  return (r) => {
    if (r.e === lastEvent) return lastValue;
    lastEvent = r.e;
    lastValue = coerce(r.e ? read(r.e) : undefined, type);
    return lastValue;
  };
}
