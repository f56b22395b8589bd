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

// ---- IR -> portable ----

function expr(e: ScalarExpr): unknown {
  switch (e.kind) {
    case 'literal':
      return { kind: e.kind, type: e.type, value: e.value };
    case 'column':
    case 'letRef':
      return { kind: e.kind, name: e.name, type: e.type };
    case 'call':
      return { kind: e.kind, fn: e.fn, args: e.args.map(expr), type: e.type };
    case 'member':
      return { kind: e.kind, target: expr(e.target), key: typeof e.key === 'object' ? expr(e.key) : e.key, bracket: e.bracket, type: e.type };
    case 'subquery':
      return { kind: e.kind, query: tabular(e.query), type: e.type };
  }
}

const namedExpr = <N extends NamedExpr>(c: N) => ({ ...c, expr: expr(c.expr) });
const sortKey = (k: SortKey) => ({ ...k, expr: expr(k.expr) });
function aggregate(a: Aggregate): unknown {
  const { span: _span, ...rest } = a;
  return { ...rest, args: rest.args.map(expr) };
}

function op(o: TabularOp): unknown {
  const { span: _span, schema: _schema, ...rest } = o;
  switch (rest.op) {
    case 'where':
      return { ...rest, predicate: expr(rest.predicate) };
    case 'extend':
    case 'project':
    case 'distinct':
      return { ...rest, columns: rest.columns.map(namedExpr) };
    case 'mv-expand':
      return { ...rest, columns: rest.columns.map(namedExpr) };
    case 'summarize':
      return { ...rest, aggregates: rest.aggregates.map(aggregate), by: rest.by.map(namedExpr) };
    case 'sort':
      return { ...rest, keys: rest.keys.map(sortKey) };
    case 'top':
      return { ...rest, count: expr(rest.count), key: sortKey(rest.key) };
    case 'take':
      return { ...rest, count: expr(rest.count) };
    case 'join':
      return { ...rest, right: tabular(rest.right) };
    default:
      return rest;
  }
}

function tabular(t: Tabular): unknown {
  const s = t.source;
  // A table's columns are the one schema that cannot be derived.
  const source = s.kind === 'table' ? { kind: s.kind, table: s.table, schema: s.schema.map((c) => ({ name: c.name, type: c.type })) } : { kind: s.kind, name: s.name };
  return { source, ops: t.ops.map(op) };
}

export function portableIr(ir: QueryIR): PortableIr {
  return {
    lets: ir.lets.map((l) =>
      l.kind === 'scalar'
        ? { kind: l.kind, name: l.name, value: expr(l.value) }
        : { kind: l.kind, name: l.name, value: tabular(l.value), materialized: l.materialized },
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
      source = { kind: 'table', table: s.table, schema: s.schema as Column[], span: NO_SPAN };
    } else {
      const schema = this.letSchemas.get(s.name);
      if (!schema) throw new TypeError(`the module's query reads '${s.name}', which is not a tabular let before it: rebuild the module`);
      source = { kind: 'letTable', name: s.name, schema, span: NO_SPAN };
    }
    let schema: Schema = source.schema;
    const ops = t.ops.map((o): TabularOp => {
      const bound = this.op(o);
      schema = outputSchema(bound, schema);
      return { ...bound, schema } as TabularOp;
    });
    return { source, ops, schema };
  }

  private op(o: AsWritten<TabularOp>): OpWithoutSchema {
    // Only expressions holding a subquery, and join's right side, hold pipelines to restore.
    switch (o.op) {
      case 'where':
        return { ...o, predicate: this.expr(o.predicate) };
      case 'extend':
      case 'project':
      case 'distinct':
        return { ...o, columns: o.columns.map((c) => ({ ...c, expr: this.expr(c.expr) })) };
      case 'mv-expand':
        return { ...o, columns: o.columns.map((c) => ({ ...c, expr: this.expr(c.expr) })) };
      case 'summarize':
        return { ...o, aggregates: o.aggregates.map((a) => ({ ...a, args: a.args.map((x) => this.expr(x)) })), by: o.by.map((c) => ({ ...c, expr: this.expr(c.expr) })) };
      case 'sort':
        return { ...o, keys: o.keys.map((k) => ({ ...k, expr: this.expr(k.expr) })) };
      case 'top':
        return { ...o, count: this.expr(o.count), key: { ...o.key, expr: this.expr(o.key.expr) } };
      case 'take':
        return { ...o, count: this.expr(o.count) };
      case 'join':
        return { ...o, right: this.tabular(o.right) };
      default:
        return o;
    }
  }

  private expr(e: ScalarExpr): ScalarExpr {
    switch (e.kind) {
      case 'call':
        return { ...e, args: e.args.map((a) => this.expr(a)) };
      case 'member':
        return { ...e, target: this.expr(e.target), key: typeof e.key === 'object' ? this.expr(e.key) : e.key };
      case 'subquery':
        return { ...e, query: this.tabular(e.query) };
      default:
        return e;
    }
  }
}

/** The IR of a module, with every schema derived again from its source tables' columns. */
export function restoreIr(p: PortableIr): QueryIR {
  return new Restorer().query(p);
}
