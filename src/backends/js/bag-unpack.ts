/**
 * evaluate bag_unpack in the evaluator (issue 27), per
 * https://learn.microsoft.com/kusto/query/bag-unpack-plugin: as many rows as the input; the
 * unpacked column leaves; each top-level property of the bag becomes a column named
 * OutputColumnPrefix + property (null in rows whose bag lacks it, or whose value is not a bag);
 * ignoredProperties are skipped. A property named as an input column is a conflict: by default
 * (columnsConflict='error') the query fails; 'replace_source' replaces the input column by the
 * unpacked one (in every row, as the column is replaced); 'keep_source' keeps the input column.
 *
 * Kusto's output has a column per property found in the data, in name order (the page's first
 * example makes Age, Name of {"Name":..., "Age":...}). detc's schema has the unpacked columns the
 * query names; the others travel in the hidden column of data-columns.ts, after them. A named
 * column that no row's bag has does not exist in Kusto: read through column_ifexists it is absent
 * (undefined here: the default), read otherwise it fails the run, as it fails the query in Kusto.
 */
import type { Span } from '../../query/ast.js';
import type { BagUnpack, ScalarType, Schema } from '../../ir/types.js';
import { castElement, type Value } from '../../semantics/values.js';
import { NotEvaluatedError } from '../../catalog/series.js';
import { buffered, computedLayout, type Layout, type Row, type Step } from './rows.js';
import { dataColumnsAt, mayBeAbsent, requireDataColumns, type DataColumn } from './data-columns.js';

const own = Object.prototype.hasOwnProperty;

/** The properties of a bag value (none for null, arrays and scalars). */
function propertiesOf(v: Value): Readonly<Record<string, unknown>> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A slot value's own type: the column's type when every row's value has it (else dynamic). */
function slotType(v: Value): ScalarType {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'long' : 'real';
  return 'dynamic';
}

export function bagUnpackStep(o: BagUnpack & { schema: Schema; span: Span }, layout: Layout): { step: Step<any>; layout: Layout } {
  const bag = layout.columns.find((c) => c.name === o.column)!;
  const ignored = new Set(o.ignored);
  /** The property an output column name stands for, if it is one (prefix, not ignored). */
  const propertyOf = (name: string): string | undefined => {
    if (!name.startsWith(o.prefix)) return undefined;
    const key = name.slice(o.prefix.length);
    return ignored.has(key) ? undefined : key;
  };
  const inputNames = new Set(layout.columns.filter((c) => c !== bag).map((c) => c.name));
  const schemaNames = new Set(o.schema.map((c) => c.name));
  const unpackedNames = new Set(o.unpacked.map((c) => c.name));
  const probed = new Set(o.probed ?? []);
  const required = o.declared ? [] : o.unpacked.map((c) => c.name).filter((n) => !probed.has(n));
  // Each output column: from the input (by accessor) or from the bag (by property, converted to its type).
  const plan = o.schema.map((c) => {
    const declaredHere = o.declared?.columns.some((d) => d.name === c.name) ?? false;
    const unpacked = declaredHere || o.unpacked.some((u) => u.name === c.name);
    const input = layout.columns.find((x) => x.name === c.name && x !== bag);
    return { name: c.name, type: c.type, key: unpacked ? propertyOf(c.name) : undefined, input: unpacked ? undefined : input, fromBag: unpacked };
  });
  /** A row's values; `present`: the properties some row's bag has (a column no bag has does not exist: undefined). */
  const valuesOf = (r: Row, replaced: ReadonlySet<string>, present: ReadonlySet<string>, strings: ReadonlySet<string>): Value[] => {
    const props = propertiesOf(bag.get(r));
    return plan.map((p) => {
      if (p.fromBag || replaced.has(p.name)) {
        const key = p.fromBag ? p.key : propertyOf(p.name);
        if (!o.declared && p.fromBag && (key === undefined || !present.has(key))) return undefined;
        const v = key !== undefined && props && own.call(props, key) ? (props[key] as Value) : null;
        if (v === null && !o.declared && p.fromBag && strings.has(key!)) return '';
        return castElement(v, p.type);
      }
      return p.input!.get(r);
    });
  };
  // Which columns exist depends on every row's bag (as Kusto's output schema does): all rows are seen first.
  const step = buffered((rows) => {
    const present = new Set<string>();
    const replaced = new Set<string>();
    // A column's type is its values' when they all have one (the page's Returns); a string column has "" where a row lacks the property (Kusto's strings are never null).
    const strings = new Set<string>();
    const notStrings = new Set<string>();
    const slotTypes = new Map<string, ScalarType>();
    for (const r of rows) {
      const props = propertiesOf(bag.get(r));
      if (!props) continue;
      for (const key of Object.keys(props)) {
        if (ignored.has(key)) continue;
        present.add(key);
        const v = props[key];
        if (typeof v === 'string') strings.add(key);
        else if (v !== null) notStrings.add(key);
        if (v !== null && v !== undefined) {
          const t = slotType(v as Value);
          slotTypes.set(key, slotTypes.has(key) && slotTypes.get(key) !== t ? 'dynamic' : t);
        }
        if (!inputNames.has(o.prefix + key)) continue;
        if (o.conflict === 'error') {
          throw new NotEvaluatedError(`evaluate bag_unpack: property '${o.prefix + key}' of ${o.column} is also an input column, which fails the query in Kusto (columnsConflict='error', the default); give columnsConflict='replace_source' or 'keep_source', or a prefix`);
        }
        if (o.conflict === 'replace_source') replaced.add(o.prefix + key);
      }
    }
    // Also over no rows: they make no column, and Kusto fails a query naming one that does not exist.
    requireDataColumns('bag_unpack', o.span, required, (n) => { const key = propertyOf(n); return key !== undefined && present.has(key); }, `no row's bag (${o.column}) has as a property`);
    for (const key of notStrings) strings.delete(key);
    if (o.declared) return rows.map((r) => ({ e: null, v: valuesOf(r, replaced, present, strings) }));
    // The columns the data makes that the query does not name (a property kept out by keep_source is no column).
    const others = [...present].map((key) => o.prefix + key).filter((n) => !schemaNames.has(n) && !(inputNames.has(n) && o.conflict === 'keep_source'));
    // An input column in conflict (replace_source, keep_source) is listed among the unpacked ones, in
    // name order, after the other input columns (the page's examples: Age, Name).
    const moved = new Set([...present].map((key) => o.prefix + key).filter((n) => inputNames.has(n) && schemaNames.has(n) && !unpackedNames.has(n)));
    const listed = [...others, ...moved].sort();
    return rows.map((r) => {
      const props = propertiesOf(bag.get(r));
      const data: DataColumn[] = listed.map((name) => {
        if (moved.has(name)) return { name, type: 'dynamic', value: null, moved: true };
        const key = name.slice(o.prefix.length);
        const type = strings.has(key) ? 'string' : slotTypes.get(key) ?? 'dynamic';
        const value = props && own.call(props, key) ? castElement(props[key] as Value, type) : null;
        return { name, type, value: value === null && strings.has(key) ? '' : value };
      });
      return { e: null, v: [...valuesOf(r, replaced, present, strings), data as unknown as Value] };
    });
  });
  if (o.declared) return { layout: computedLayout(o.schema), step };
  const named = computedLayout(o.schema);
  mayBeAbsent(named.columns, o.probed);
  return { layout: { columns: [...named.columns, dataColumnsAt(o.schema.length)], width: o.schema.length + 1 }, step };
}

