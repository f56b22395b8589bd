/**
 * The IR as a standalone module carries it: without spans (positions in a query the module does
 * not hold) and without what follows from the source tables' columns (every operator's output
 * schema, every pipeline's, a tabular let's as a source). `restoreIr` derives those again with
 * `outputSchema`, the definition the binder computes them with, so a module cannot disagree with
 * the compiler about its columns; and it is about a third less text to write and to format.
 *
 * Literal values are copied as they are: a dynamic literal may hold keys named `span` or `schema`.
 */
import { outputSchema, type OpWithoutSchema } from './schema.js';
import { unionSchema } from './union.js';
import type { Aggregate, Column, Let, NamedExpr, QueryIR, ScalarExpr, Schema, SortKey, Source, Tabular, TabularOp } from './types.js';

/** A QueryIR in its portable form: JSON-like data, read only by `restoreIr`. */
export interface PortableIr {
  readonly lets: readonly unknown[];
  readonly body: unknown;
  readonly tables: readonly string[];
}

// The portable form has the IR's shape with spans and derived schemas left out; the restorer reads
// it through the IR's types and never reads those. Spans are required in the IR's types, and the
// evaluator, the only reader of a restored IR, never reads them either.
type AsWritten<T> = T;
const NO_SPAN = undefined as unknown as { start: number; end: number };

// ---- Where the expressions and pipelines are (both directions walk the IR the same way) ----

type Mapper = { readonly expr: (e: ScalarExpr) => ScalarExpr; readonly tabular: (t: Tabular) => Tabular };

// Spans become undefined, which the module writer leaves out as JSON.stringify does.

/** `e` without its span, with the expressions and pipelines inside it mapped. */
function mapExpr(e: ScalarExpr, m: Mapper): ScalarExpr {
  switch (e.kind) {
    case 'call':
      return { ...e, args: e.args.map(m.expr), span: NO_SPAN };
    case 'member':
      return { ...e, target: m.expr(e.target), key: typeof e.key === 'object' ? m.expr(e.key) : e.key, span: NO_SPAN };
    case 'subquery':
      return { ...e, query: m.tabular(e.query), span: NO_SPAN };
    default:
      return { ...e, span: NO_SPAN };
  }
}

/** `o` without its span and schema, with the expressions and pipelines inside it mapped. */
function mapOp(o: TabularOp | OpWithoutSchema, m: Mapper): OpWithoutSchema {
  const { schema: _schema, ...withoutSchema } = o as TabularOp;
  const rest = { ...withoutSchema, span: NO_SPAN } as OpWithoutSchema;
  const named = <N extends NamedExpr>(c: N): N => ({ ...c, expr: m.expr(c.expr) });
  const sortKey = (k: SortKey): SortKey => ({ ...k, expr: m.expr(k.expr) });
  const aggregate = (a: Aggregate): Aggregate => ({ ...a, args: a.args.map(m.expr), span: NO_SPAN });
  switch (rest.op) {
    case 'where':
      return { ...rest, predicate: m.expr(rest.predicate) };
    case 'extend':
    case 'serialize':
    case 'project':
    case 'distinct':
      return { ...rest, columns: rest.columns.map(named) };
    case 'mv-expand':
      return { ...rest, columns: rest.columns.map(named) };
    case 'summarize':
      return { ...rest, aggregates: rest.aggregates.map(aggregate), by: rest.by.map(named) };
    case 'sort':
      return { ...rest, keys: rest.keys.map(sortKey) };
    case 'top':
      return { ...rest, count: m.expr(rest.count), key: sortKey(rest.key) };
    case 'take':
      return { ...rest, count: m.expr(rest.count) };
    case 'parse':
    case 'parse-where':
    case 'parse-kv':
      return { ...rest, expr: m.expr(rest.expr) };
    case 'make-series':
      return {
        ...rest,
        aggregates: rest.aggregates.map(aggregate),
        defaults: rest.defaults.map((d) => d && m.expr(d)),
        axis: named(rest.axis),
        ...(rest.from ? { from: m.expr(rest.from) } : {}),
        ...(rest.to ? { to: m.expr(rest.to) } : {}),
        step: m.expr(rest.step),
        by: rest.by.map(named),
      };
    case 'mv-apply':
      // The expansion keeps its schema: it is the subquery's source schema, kept there too.
      return { ...rest, expand: { ...rest.expand, span: NO_SPAN, columns: rest.expand.columns.map(named) }, subquery: m.tabular(rest.subquery) };
    case 'join':
      return { ...rest, right: m.tabular(rest.right) };
    case 'evaluate':
      if (rest.plugin === 'ipv4_lookup') return { ...rest, right: m.tabular(rest.right) };
      if (rest.plugin === 'pivot') return rest.aggregate ? { ...rest, aggregate: aggregate(rest.aggregate) } : rest;
      return rest.plugin === 'bag_unpack' ? { ...rest, args: rest.args.map((a) => ({ ...a, expr: m.expr(a.expr) })) } : rest;
    case 'top-nested':
      return {
        ...rest,
        levels: rest.levels.map((l) => ({
          ...l,
          of: named(l.of),
          aggregate: aggregate(l.aggregate),
          ...(l.count ? { count: m.expr(l.count) } : {}),
          ...(l.others ? { others: m.expr(l.others) } : {}),
        })),
      };
    default:
      return rest;
  }
}

/** datatable, print, range, externaldata: their expressions mapped; their schema kept (it is declared or constant). */
function mapComputedSource(s: Extract<Source, { kind: 'datatable' | 'print' | 'range' | 'externaldata' | 'mvApplyRows' }>, m: Mapper): Source {
  switch (s.kind) {
    case 'mvApplyRows':
    case 'externaldata':
      return { ...s, span: NO_SPAN };
    case 'datatable':
      return { ...s, values: s.values.map(m.expr), span: NO_SPAN };
    case 'print':
      return { ...s, columns: s.columns.map((c) => ({ ...c, expr: m.expr(c.expr) })), span: NO_SPAN };
    case 'range':
      return { ...s, from: m.expr(s.from), to: m.expr(s.to), step: m.expr(s.step), span: NO_SPAN };
  }
}

// ---- IR -> portable ----

const toPortable: Mapper = {
  expr: (e) => mapExpr(e, toPortable),
  tabular: (t) => tabular(t) as Tabular,
};
const expr = toPortable.expr;

function tabular(t: Tabular): unknown {
  const s = t.source;
  // A table's columns are the one schema that cannot be derived. They are the catalog's own
  // (frozen, name and type only), kept as they are: their module layout is made once per table.
  // A watchlist's items travel with the module (they are not events the caller has).
  const source =
    s.kind === 'table'
      ? { kind: s.kind, table: s.table, schema: s.schema, ...(s.rows ? { rows: s.rows } : {}) }
      : s.kind === 'union'
        ? { ...s, span: NO_SPAN, schema: undefined, legs: s.legs.map((l) => ({ ...l, query: tabular(l.query) })) }
        : s.kind === 'letTable'
          ? { kind: s.kind, name: s.name }
          : mapComputedSource(s, toPortable);
  return { source, ops: t.ops.map((o) => mapOp(o, toPortable)) };
}

export function portableIr(ir: QueryIR): PortableIr {
  return {
    lets: ir.lets.map((l) =>
      l.kind === 'scalar'
        ? { kind: l.kind, name: l.name, value: expr(l.value) }
        : { kind: l.kind, name: l.name, value: tabular(l.value), materialized: l.materialized, ...(l.functionOutput ? { functionOutput: l.functionOutput } : {}) },
    ),
    body: tabular(ir.body),
    tables: ir.tables,
  };
}

// ---- portable -> IR ----

class Restorer {
  /** Output schemas of the tabular lets seen so far (a let may only use earlier ones). */
  private readonly letSchemas = new Map<string, Schema>();

  query(p: PortableIr): QueryIR {
    const lets = (p.lets as AsWritten<Let>[]).map((l): Let => {
      if (l.kind === 'scalar') return { ...l, value: this.expr(l.value), span: NO_SPAN };
      const value = this.tabular(l.value);
      this.letSchemas.set(l.name, value.schema);
      return { ...l, value, span: NO_SPAN };
    });
    return { lets, body: this.tabular(p.body as Tabular), tables: p.tables };
  }

  private tabular(t: AsWritten<Tabular>): Tabular {
    const s = t.source as AsWritten<Source>;
    let source: Source;
    if (s.kind === 'table') {
      if (!Array.isArray(s.schema)) throw new TypeError(`the module's source table ${s.table} has no columns: rebuild the module`);
      source = { kind: 'table', table: s.table, schema: s.schema as Column[], span: NO_SPAN, ...(Array.isArray(s.rows) ? { rows: s.rows as Record<string, unknown>[] } : {}) };
    } else if (s.kind === 'union') {
      const legs = s.legs.map((l) => ({ ...l, query: this.tabular(l.query) }));
      source = { ...s, legs, span: NO_SPAN, schema: unionSchema(s.unionKind, legs.map((l) => l.query.schema), s.withSource) };
    } else if (s.kind !== 'letTable') {
      source = mapComputedSource(s, this.mapper);
    } else {
      const schema = this.letSchemas.get(s.name);
      if (!schema) throw new TypeError(`the module's query reads '${s.name}', which is not a tabular let before it: rebuild the module`);
      source = { kind: 'letTable', name: s.name, schema, span: NO_SPAN };
    }
    let schema: Schema = source.schema;
    const ops = t.ops.map((o): TabularOp => {
      const bound = mapOp(o, this.mapper);
      schema = outputSchema(bound, schema);
      return { ...bound, schema } as TabularOp;
    });
    return { source, ops, schema };
  }

  private readonly mapper: Mapper = { expr: (e) => mapExpr(e, this.mapper), tabular: (t) => this.tabular(t) };
  private readonly expr = this.mapper.expr;
}

/** The IR of a module, with every schema derived again from its source tables' columns. */
export function restoreIr(p: PortableIr): QueryIR {
  return new Restorer().query(p);
}
