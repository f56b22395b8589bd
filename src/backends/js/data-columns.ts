/**
 * Columns named by the data (issue 27). Without an output schema, Kusto's output after
 * `evaluate bag_unpack` has a column per property some row's bag has
 * (https://learn.microsoft.com/kusto/query/bag-unpack-plugin), and after `evaluate pivot` a column
 * per value of the pivot column (https://learn.microsoft.com/kusto/query/pivot-plugin). detc's
 * schema has only the ones the query names; the others travel in one hidden layout column whose
 * value is the list of them, in Kusto's order. Operators that keep all columns (where, extend,
 * sort, take, project-away, ...) keep it where it is; those that name every column drop it; the
 * result rows spell it out in its place.
 */
import type { Span } from '../../query/ast.js';
import type { Column, ScalarType, Schema } from '../../ir/types.js';
import { NotEvaluatedError } from '../../catalog/series.js';
import type { Value } from '../../semantics/values.js';
import { outputValue } from './output.js';
import type { Accessor, Layout, LayoutColumn, Row } from './rows.js';

/** The hidden column's name: no KQL name can be this, so no expression reads it. */
const DATA_COLUMNS = '\u0000columns named by the data';

export interface DataColumn {
  readonly name: string;
  readonly type: ScalarType;
  readonly value: Value;
}

/** The hidden column at a slot. */
export function dataColumnsAt(slot: number): LayoutColumn {
  return { name: DATA_COLUMNS, type: 'dynamic', get: (r: Row) => r.v[slot], source: { slot } };
}

export const isDataColumns = (c: { readonly name: string }): boolean => c.name === DATA_COLUMNS;

/**
 * After project-away, project-rename or project-reorder (built from the schema): the hidden column
 * again, after the columns that were before it (or last when the order was changed).
 */
export function keepDataColumns(before: Layout, after: readonly LayoutColumn[], reordered: boolean): LayoutColumn[] {
  const at = before.columns.findIndex(isDataColumns);
  if (at < 0) return [...after];
  const hidden = before.columns[at]!;
  const earlier = new Set(before.columns.slice(0, at).map((c) => c.get));
  const position = reordered ? after.length : after.filter((c) => earlier.has(c.get)).length;
  return [...after.slice(0, position), hidden, ...after.slice(position)];
}

/** A run stopped by a column the data does not make, with the plugin's place in the query. */
export class DataColumnError extends NotEvaluatedError {
  constructor(
    message: string,
    readonly span: Span,
  ) {
    super(message);
  }
}

/**
 * Kusto fails a query that names a column the data does not make. `names`: the columns a later
 * operator reads other than through column_ifexists; `made`: the ones the data made.
 */
export function requireDataColumns(plugin: string, span: Span, names: readonly string[], made: (name: string) => boolean, what: string): void {
  const missing = names.filter((n) => !made(n));
  if (missing.length === 0) return;
  const list = missing.map((n) => `'${n}'`).join(', ');
  throw new DataColumnError(
    `evaluate ${plugin}: the query reads column${missing.length > 1 ? 's' : ''} ${list}, which ${what}; Kusto fails such a query (the column does not exist). Check the spelling, read it with column_ifexists(name, default), or declare the plugin's output schema`,
    span,
  );
}

/**
 * Accessors of named columns that may not exist: read only through column_ifexists, and made by no
 * row. Such a column is left out of the result row, as Kusto's result has no such column.
 */
const absentable = new WeakSet<Accessor>();
export function mayBeAbsent(columns: readonly LayoutColumn[], names: readonly string[] | undefined): void {
  for (const c of columns) if (names?.includes(c.name)) absentable.add(c.get);
}

/**
 * Result rows of a layout with the hidden column: its columns spelled out in its place (a later
 * column of the same name wins, as extend replaces a column). `columns`: the result's columns
 * as the rows have them (the schema's, with the data's in their place).
 */
export function openRowBuilder(layout: Layout): { build: (r: Row) => Record<string, unknown>; columns: (schema: Schema, rows: readonly Record<string, unknown>[]) => Column[] } {
  const named = new Set(layout.columns.filter((c) => !isDataColumns(c)).map((c) => c.name));
  const types = new Map<string, ScalarType>();
  const columns = (schema: Schema, rows: readonly Record<string, unknown>[]): Column[] => {
    if (rows.length === 0) return [...schema];
    return Object.keys(rows[0]!).map((name) => schema.find((c) => c.name === name) ?? { name, type: types.get(name) ?? 'dynamic' });
  };
  const build = (r: Row): Record<string, unknown> => {
    const o: Record<string, unknown> = {};
    // `__proto__` (a property name the data may have) is defined as an own property, not set as the prototype.
    const set = (name: string, v: unknown) => {
      if (name === '__proto__') Object.defineProperty(o, name, { value: v, enumerable: true, writable: true, configurable: true });
      else o[name] = v;
    };
    for (const c of layout.columns) {
      if (!isDataColumns(c)) {
        const v = c.get(r);
        if (v !== undefined || !absentable.has(c.get)) set(c.name, outputValue(v, c.type));
      }
      else {
        for (const d of (c.get(r) as unknown as readonly DataColumn[] | undefined) ?? []) {
          if (named.has(d.name)) continue;
          types.set(d.name, d.type);
          set(d.name, outputValue(d.value, d.type));
        }
      }
    }
    return o;
  };
  return { build, columns };
}
