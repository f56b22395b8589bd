/**
 * evaluate bag_unpack in the evaluator (issue 27), per
 * https://learn.microsoft.com/kusto/query/bag-unpack-plugin: as many rows as the input; the
 * unpacked column leaves; each top-level property of the bag becomes a column named
 * OutputColumnPrefix + property (null in rows whose bag lacks it, or whose value is not a bag);
 * ignoredProperties are skipped. A property named as an input column is a conflict: by default
 * (columnsConflict='error') the query fails; 'replace_source' replaces the input column by the
 * unpacked one (in every row, as the column is replaced); 'keep_source' keeps the input column.
 *
 * Kusto's output has a column per property found in the data; detc's schema has the unpacked
 * columns the query names (or those of the declared output schema), so only those are produced.
 */
import type { BagUnpack, Schema } from '../../ir/types.js';
import { castElement, type Value } from '../../semantics/values.js';
import { NotEvaluatedError } from '../../catalog/series.js';
import { buffered, computedLayout, mapStep, type Layout, type Row, type Step } from './rows.js';

const own = Object.prototype.hasOwnProperty;

/** The properties of a bag value (none for null, arrays and scalars). */
function propertiesOf(v: Value): Readonly<Record<string, unknown>> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function bagUnpackStep(o: BagUnpack & { schema: Schema }, layout: Layout): { step: Step<any>; layout: Layout } {
  const bag = layout.columns.find((c) => c.name === o.column)!;
  const ignored = new Set(o.ignored);
  /** The property an output column name stands for, if it is one (prefix, not ignored). */
  const propertyOf = (name: string): string | undefined => {
    if (!name.startsWith(o.prefix)) return undefined;
    const key = name.slice(o.prefix.length);
    return ignored.has(key) ? undefined : key;
  };
  const inputNames = new Set(layout.columns.filter((c) => c !== bag).map((c) => c.name));
  /** Input columns a property may collide with: by their name. */
  const conflicting = (props: Readonly<Record<string, unknown>>): string | undefined => {
    for (const key of Object.keys(props)) {
      if (ignored.has(key)) continue;
      if (inputNames.has(o.prefix + key)) return o.prefix + key;
    }
    return undefined;
  };
  // Each output column: from the input (by accessor) or from the bag (by property, converted to its type).
  const plan = o.schema.map((c) => {
    const declaredHere = o.declared?.columns.some((d) => d.name === c.name) ?? false;
    const unpacked = declaredHere || o.unpacked.some((u) => u.name === c.name);
    const input = layout.columns.find((x) => x.name === c.name && x !== bag);
    return { name: c.name, type: c.type, key: unpacked ? propertyOf(c.name) : undefined, input: unpacked ? undefined : input, fromBag: unpacked };
  });
  const valuesOf = (r: Row, replaced: ReadonlySet<string>): Value[] => {
    const props = propertiesOf(bag.get(r));
    return plan.map((p) => {
      if (p.fromBag || replaced.has(p.name)) {
        const key = p.fromBag ? p.key : propertyOf(p.name);
        const v = key !== undefined && props && own.call(props, key) ? (props[key] as Value) : null;
        return castElement(v, p.type);
      }
      return p.input!.get(r);
    });
  };
  const out = computedLayout(o.schema);
  if (o.conflict === 'keep_source') return { layout: out, step: mapStep((r, next) => next.push({ e: null, v: valuesOf(r, NONE) })) };
  if (o.conflict === 'error') {
    const step = mapStep((r, next) => {
      const props = propertiesOf(bag.get(r));
      const clash = props && conflicting(props);
      if (clash !== undefined) {
        throw new NotEvaluatedError(`evaluate bag_unpack: property '${clash}' of ${o.column} is also an input column, which fails the query in Kusto (columnsConflict='error', the default); give columnsConflict='replace_source' or 'keep_source', or a prefix`);
      }
      next.push({ e: null, v: valuesOf(r, NONE) });
    });
    return { layout: out, step };
  }
  // replace_source: an input column is replaced when any row's bag has its property, so all rows are seen first.
  const step = buffered((rows) => {
    const replaced = new Set<string>();
    for (const r of rows) {
      const props = propertiesOf(bag.get(r));
      if (!props) continue;
      for (const key of Object.keys(props)) if (!ignored.has(key) && inputNames.has(o.prefix + key)) replaced.add(o.prefix + key);
    }
    return rows.map((r) => ({ e: null, v: valuesOf(r, replaced) }));
  });
  return { layout: out, step };
}

const NONE: ReadonlySet<string> = new Set();
