/**
 * Binder: AST -> typed IR. Resolves names (columns first, then lets, then tables, as Kusto does),
 * checks types with the catalog's rules, names output columns as Kusto names them, and computes
 * each operator's output schema. Problems are collected, never thrown.
 */
import type * as A from '../query/ast.js';
import { Facts, type FactName } from '../diagnostics/codes.js';
import { closest, didYouMean } from '../diagnostics/diagnostic.js';
import { functionNames, lookup, TYPE_NAMES, typeNamed } from '../catalog/catalog.js';
import type { AggregateEntry, CatalogEntry } from '../catalog/types.js';
import { compileKqlRegex } from '../semantics/regex.js';
import { wildcardRegExp } from '../semantics/strings.js';
import { TICKS_PER_DAY } from '../semantics/ticks.js';
import { coerce } from '../semantics/values.js';
import type { TableCatalog } from './tables.js';
import { parseQuery, type ParseResult } from '../query/parser.js';
import { makeDiagnostic } from '../diagnostics/diagnostic.js';
import { FUNCTION_ADVICE, functionParams, functionsOf, parsedBody, relocate, standInTable, WATCHLIST_ADVICE, WATCHLIST_COLUMNS, watchlistsOf, type FunctionParam, type Watchlist } from './functions.js';
import { isNumeric } from './types.js';
import { outputSchema, replaceOrAppend, type OpWithoutSchema } from './schema.js';
import { unionSchema } from './union.js';
import { hashAsText, hashRemainder, isHashWithoutModulo, PRINTS_ARGUMENTS } from './exact-hash.js';
import { WINDOW_FUNCTIONS } from './window.js';
import { aggregateCalls, hiddenPrefix, namesOutsideAggregates, replaceAggregateCalls, withoutParens, type IsAggregateCall } from './aggregate-values.js';
import { openRowsArgs, pluginName, readsEveryColumn, type OpenRowsReader } from './open-rows.js';
import type {
  Aggregate, Column, JoinKind, Let, NamedExpr, ParseItem, QueryIR, ScalarExpr, ScalarType, Schema, Source, SortKey, Tabular, TabularOp, TopNestedLevel, UnionLeg, UnionSource,
} from './types.js';

/** A problem located in the query text. The rule layer maps the span to file:line:col. */
interface QueryProblem {
  readonly fact: FactName;
  readonly args: readonly (string | number)[];
  readonly span: A.Span;
  readonly hint?: string;
  /** A called function does not resolve (see leaveOutUnresolvedLeg): isfuzzy=true unions leave such legs out. */
  readonly unresolvedFunction?: boolean;
}

/** Functions Kusto has that detc does not compile yet: a clearer message than "unknown". */
const KNOWN_UNSUPPORTED = new Set([
  'materialize', 'toscalar', 'pack', 'pack_all', 'bag_pack', 'make_bag', 'bag_keys', 'array_concat', 'array_slice',
  'parse_url', 'parse_path', 'parse_xml', 'parse_user_agent', 'geo_info_from_ip_address', 'column_ifexists', 'hash',
  'base64_decode_tostring', 'url_decode', 'strcat_array', 'array_index_of', 'series_stats', 'percentile', 'percentiles',
  'stdev', 'variance', 'make_bag_if', 'hourofday', 'dayofweek', 'datetime_part', 'startofweek', 'startofmonth',
  'endofday', 'todecimal', 'toguid', 'replace_regex', 'extract_all', 'countof', 'indexof', 'reverse', 'unixtime_seconds_todatetime',
  'iif', 'ipv4_compare', 'parse_ipv4', 'isnan', 'round', 'abs', 'log', 'pow', 'sqrt', 'exp', 'sign', 'gettype', 'row_number',
  'prev', 'next', 'array_sort_asc', 'array_sort_desc', 'set_union', 'set_intersect', 'set_difference', 'zip', 'tohex',
  'trim_start', 'trim_end', 'strcmp', 'bin_at', 'dynamic_to_json', 'any', 'arg_max_if', 'make_list_with_nulls', 'binary_and',
  'extractjson', 'indexof_regex', 'pack_array', 'count_distinct', 'ingestion_time', 'ipv4_is_in_any_range', 'ipv6_is_in_any_range',
  'has_any_ipv4', 'has_ipv4', 'make_datetime', 'todatetime', 'array_split', 'bag_remove_keys', 'bag_merge', 'treepath', 'tostring',
].filter((n) => lookup(n) === undefined));

/** parse-kv's `with (...)` options and the type of their value. */
const PARSE_KV_OPTIONS: Readonly<Record<string, 'string' | 'boolean'>> = { pair_delimiter: 'string', kv_delimiter: 'string', quote: 'string', escape: 'string', greedy: 'boolean', regex: 'string' };

/** A problem that leaves the query compilable (a warning in codes.ts). */
const isWarning = (p: { fact: FactName }): boolean => Facts[p.fact].severity === 'warning';

/** A let whose value failed to bind is 'failed': references to it are not reported again. */
type LetBinding = { kind: 'scalar'; type: ScalarType } | { kind: 'tabular'; schema: Schema; open?: OpenSource } | { kind: 'failed' };

export interface BindResult {
  readonly ir?: QueryIR;
  readonly problems: QueryProblem[];
}

/** `failedLets`: let names whose statements did not parse (references are not reported again). */
export function bindQuery(ast: A.QueryAst, tables: TableCatalog, queryText: string, failedLets: readonly string[] = [], bodyFailed = false): BindResult {
  // A let whose rows have columns named by the data (`let T = ... | evaluate bag_unpack(d); T | where X == 1`):
  // the names later statements use become the plugin's columns, so the query is bound again with them.
  let seeds: Binder['seeds'] | undefined;
  for (let pass = 0; ; pass++) {
    const binder = new Binder(tables, queryText, { calls: { count: 0 }, stack: [], localFunctions: new Map() });
    if (seeds) binder.takeSeeds(seeds);
    binder.bodyFailed = bodyFailed;
    for (const name of failedLets) binder.markFailed(name);
    const result = binder.bind(ast);
    if (!binder.letSeedsGrew || pass >= 3) return result;
    seeds = binder.seeds;
  }
}

class Binder {
  private readonly problems: QueryProblem[] = [];
  private readonly lets = new Map<string, LetBinding>();
  private readonly tablesUsed = new Set<string>();
  /** The rows the operator being bound reads, when they have columns named by the data (after bag_unpack; issue 27). */
  private openRow: OpenRow | undefined;
  /** Per bag_unpack or pivot: the names of its data's columns the rest of the pipe uses, found by a first pass over it (see tabularFrom). */
  private readonly unpackSeeds = new Map<A.TabularOp, readonly string[]>();
  /** Per bag_unpack or pivot: those of its data's column names read other than through column_ifexists (a column no row has fails the query). */
  private readonly unpackRequired = new Map<A.TabularOp, Set<string>>();
  /** Set when a later statement used names of a let's data columns that the let's plugin did not have yet. */
  letSeedsGrew = false;
  /** The open row each open pipe's result has (for a let's later readers). */
  private readonly openSources = new WeakMap<Tabular, OpenSource>();
  get seeds(): { readonly names: Map<A.TabularOp, readonly string[]>; readonly required: Map<A.TabularOp, Set<string>> } {
    return { names: this.unpackSeeds, required: this.unpackRequired };
  }
  takeSeeds(seeds: Binder['seeds']): void {
    for (const [k, v] of seeds.names) this.unpackSeeds.set(k, v);
    for (const [k, v] of seeds.required) this.unpackRequired.set(k, new Set(v));
  }
  /** Whether the operator being bound reads serialized rows, and whether window functions may be used here (issue 27). */
  private serializedInput = false;
  private windowAllowed = false;
  /** An operator bound with the one that follows it in the IR (a summarize's aggregate values). */
  private readonly followUps = new WeakMap<OpWithoutSchema, OpWithoutSchema>();

  constructor(private readonly tables: TableCatalog, private readonly text: string, private readonly scope: FunctionScope) {}

  /** Lets made from the bodies of functions called by the statement being bound (see bindFunction), and by `as Name` (issue 27). */
  private readonly hoisted: Let[] = [];
  /** Set when binding a scalar user-defined function's body. */
  acceptScalarBody = false;
  scalarResult?: ScalarExpr;

  /** Set when the final expression did not parse: its absence is not reported again. */
  bodyFailed = false;

  markFailed(name: string): void {
    this.lets.set(name, { kind: 'failed' });
  }

  bind(ast: A.QueryAst): BindResult {
    const lets: Let[] = [];
    for (const stmt of ast.lets) {
      if (stmt.function) {
        this.defineLocalFunction(stmt, stmt.function);
        continue;
      }
      if (this.lets.has(stmt.name)) this.report('DuplicateLet', [stmt.name], stmt.nameSpan);
      // `let T = materialize(<tabular>)`: the tabular expression, marked to be written back.
      const m = stmt.value.source;
      const materialized = stmt.value.ops.length === 0 && m.kind === 'call' && m.name === 'materialize' && m.args.length === 1;
      const bound = this.bindPipe(materialized ? (m as A.CallExpr).args[0]! : stmt.value, []);
      lets.push(...this.hoisted.splice(0));
      if (materialized && bound && !('source' in bound)) {
        this.report('NotTabular', ['materialize() takes a tabular expression'], stmt.value.span);
        this.lets.set(stmt.name, { kind: 'failed' });
        continue;
      }
      if (!bound) {
        this.lets.set(stmt.name, { kind: 'failed' });
        continue;
      }
      if ('source' in bound) {
        lets.push({ kind: 'tabular', name: stmt.name, value: bound, materialized, span: stmt.span });
        const open = this.openSources.get(bound);
        this.lets.set(stmt.name, { kind: 'tabular', schema: bound.schema, ...(open ? { open } : {}) });
      } else {
        lets.push({ kind: 'scalar', name: stmt.name, value: bound, span: stmt.span });
        this.lets.set(stmt.name, { kind: 'scalar', type: bound.type });
      }
    }
    if (!ast.body) {
      if (this.bodyFailed) return { problems: this.problems };
      const at = ast.lets.length ? ast.lets[ast.lets.length - 1]!.span : { start: 0, end: 1 };
      this.report('NotTabular', ['the query has no final tabular expression (only let statements)'], at);
      return { problems: this.problems };
    }
    const body = this.bindPipe(ast.body, []);
    lets.push(...this.hoisted.splice(0));
    if (body && !('source' in body) && this.acceptScalarBody) {
      this.scalarResult = body;
      return { problems: this.problems };
    }
    if (body && !('source' in body)) {
      this.report('NotTabular', ['the query must end with a tabular expression (a table and operators), not a scalar'], ast.body.span);
      return { problems: this.problems };
    }
    if (!body || this.problems.some((p) => !isWarning(p))) return { problems: this.problems };
    return { ir: { lets, body, tables: [...this.tablesUsed] }, problems: this.problems };
  }

  private report(fact: FactName, args: readonly (string | number)[], span: A.Span, hint?: string): void {
    this.problems.push({ fact, args, span, hint });
  }

  private source(span: A.Span): string {
    return this.text.slice(span.start, span.end);
  }

  /** A pipe is tabular if it has operators or its source names a table/tabular let. */
  private isTabularSource(e: A.Expr, row: Schema): boolean {
    if (e.kind === 'unsupportedSource' || e.kind === 'union' || e.kind === 'datatable' || e.kind === 'print' || e.kind === 'range' || e.kind === 'externaldata') return true;
    if (e.kind === 'paren') return e.inner.ops.length > 0 || this.isTabularSource(e.inner.source, row);
    if (e.kind === 'call') return this.isTabularFunction(e.name);
    if (e.kind !== 'name' || row.some((c) => c.name === e.name) || this.scope.params?.has(e.name)) return false;
    const l = this.lets.get(e.name);
    return l ? l.kind !== 'scalar' : this.tables.get(e.name) !== undefined || this.isTabularFunction(e.name);
  }

  /** Bind a pipe as tabular (returns Tabular) or scalar (returns ScalarExpr). */
  private bindPipe(p: A.PipeExpr, row: Schema): Tabular | ScalarExpr | undefined {
    // `(A | op1) | op2` is `A | op1 | op2`: a parenthesised source is flattened into the pipe.
    if (p.source.kind === 'paren' && this.isTabularSource(p.source, row)) {
      const inner = p.source.inner;
      return this.bindPipe({ ...p, source: inner.source, ops: [...inner.ops, ...p.ops] }, row);
    }
    if (p.ops.length === 0 && !this.isTabularSource(p.source, row)) {
      const src = p.source;
      if (src.kind === 'name' && row.length === 0 && !this.lets.has(src.name) && !this.scope.params?.has(src.name)) {
        this.reportUnknownSource(src);
        return undefined;
      }
      return this.expr(p.source, row);
    }
    return this.tabular(p);
  }

  /** Reports `reader` (an operator needing every column) on rows `source` opened without an output schema. */
  private refusedOnOpenRows(reader: OpenRowsReader | undefined, source: OpenSource | undefined): boolean {
    if (!reader || !source) return false;
    this.report('OpenRowsNeedSchema', openRowsArgs(reader, pluginName(source.op)), reader.span);
    return true;
  }

  private reportUnknownSource(e: A.NameExpr): void {
    const names = [...this.tables.names(), ...[...this.lets.keys()]];
    this.report('UnknownTable', [e.name, didYouMean(e.name, [...names, ...functionsOf(this.tables).keys()]), `${this.tables.unknownTableAdvice()}; ${FUNCTION_ADVICE}`], e.span);
  }

  private tabular(p: A.PipeExpr): Tabular | undefined {
    const first = this.bindSource(p.source);
    if (!first) {
      // Still report unsupported operators further down the pipe.
      for (const op of p.ops) if (op.op === 'unsupported') this.report('UnsupportedOperator', [op.name, ''], op.nameSpan);
      return undefined;
    }
    return this.tabularFrom(first, p.ops);
  }

  /**
   * The operators `ops` bound on the rows of `first`. After evaluate bag_unpack or pivot the rows have
   * columns named by the data: the names later operators use are those columns, so a first pass
   * collects them and a second binds again with them in the plugin's output (where Kusto puts them).
   */
  private tabularFrom(first: Source, pipeOps: readonly A.TabularOp[]): Tabular | undefined {
    for (let pass = 0; ; pass++) {
      const mark = { problems: this.problems.length, hoisted: this.hoisted.length, lets: new Map(this.lets) };
      const opened: Opened[] = [];
      const result = this.tabularPass(first, pipeOps, opened);
      for (const o of opened) {
        const required = this.unpackRequired.get(o.op) ?? new Set<string>();
        for (const n of o.row.required) required.add(n);
        this.unpackRequired.set(o.op, required);
      }
      const grown = opened.filter((o) => o.row.names.length > o.seeded);
      if (grown.length === 0 || pass >= 4) return result;
      for (const o of grown) this.unpackSeeds.set(o.op, o.row.names);
      if (grown.some((o) => o.fromLet)) this.letSeedsGrew = true;
      this.problems.length = mark.problems;
      this.hoisted.length = mark.hoisted;
      this.lets.clear();
      for (const [k, v] of mark.lets) this.lets.set(k, v);
    }
  }

  private tabularPass(first: Source, pipeOps: readonly A.TabularOp[], opened: Opened[]): Tabular | undefined {
    const p = { ops: pipeOps };
    let open: OpenRow | undefined;
    let openedBy: OpenSource | undefined;
    const fromLet = first.kind === 'letTable' ? this.lets.get(first.name) : undefined;
    if (fromLet?.kind === 'tabular' && fromLet.open) {
      // A let's open rows: the names used here are that let's plugin's columns.
      openedBy = fromLet.open;
      open = { prefix: openedBy.prefix, ignored: openedBy.ignored, names: [...(this.unpackSeeds.get(openedBy.op) ?? [])], required: new Set() };
      opened.push({ op: openedBy.op, row: open, seeded: open.names.length, fromLet: true });
    }
    let source: Source = first;
    let serialized = first.kind === 'range';
    let schema: Schema = source.schema;
    let ops: TabularOp[] = [];
    /** An operator after the ones so far, with its output schema. */
    const append = (o: OpWithoutSchema) => {
      schema = outputSchema(o, schema);
      ops.push({ ...o, schema } as TabularOp);
    };
    for (const [i, op] of p.ops.entries()) {
      if (openedBy && open && this.refusedOnOpenRows(readsEveryColumn(op), openedBy)) return undefined;
      // `T | ... | union U` is `union (T | ...), U`: the pipe so far becomes the first leg.
      // `T | ... | invoke f(a)`: f's body with the pipe so far as its first (tabular) parameter.
      const restarted =
        op.op === 'union' ? this.bindUnion(op, op.span, { query: { source, ops, schema }, label: this.legLabel(source, ops, 0) }) : op.op === 'invoke' ? this.bindInvoke(op, { source, ops, schema }) : undefined;
      if (op.op === 'invoke' && !restarted) return undefined;
      if (restarted) {
        source = restarted;
        schema = restarted.schema;
        ops = [];
        serialized = false;
        open = undefined;
        continue;
      }
      // `T | ... | as X | ...` is `let X = T | ...; X | ...`: X is a name for the rest of the query.
      const named = op.op === 'as' ? this.bindAs(op, { source, ops, schema }) : undefined;
      if (named) {
        source = named;
        ops = [];
        continue;
      }
      this.serializedInput = serialized;
      const savedOpen = this.openRow;
      this.openRow = open;
      const bound = op.op === 'union' || op.op === 'as' ? undefined : this.op(op, schema);
      this.openRow = savedOpen;
      if (bound?.op === 'evaluate' && bound.plugin === 'bag_unpack' && !bound.declared) {
        open = { prefix: bound.prefix, ignored: bound.ignored, names: bound.unpacked.map((c) => c.name), required: new Set() };
        openedBy = { op, prefix: bound.prefix, ignored: bound.ignored };
        opened.push({ op, row: open, seeded: open.names.length });
      } else if (bound?.op === 'evaluate' && bound.plugin === 'pivot' && !bound.declared) {
        open = { prefix: '', ignored: [], names: bound.pivoted.map((c) => c.name), required: new Set() };
        openedBy = { op, prefix: '', ignored: [] };
        opened.push({ op, row: open, seeded: open.names.length });
      } else if (!KEEPS_OPEN.has(op.op)) open = undefined;
      serialized = SERIALIZING.has(op.op) || (serialized && KEEPS_ORDER.has(op.op));
      if (!bound) {
        // Later operators would see a wrong schema and report follow-on errors; only name the
        // unsupported operators after this point, which are independent problems.
        for (const later of p.ops.slice(i + 1)) if (later.op === 'unsupported') this.report('UnsupportedOperator', [later.name, ''], later.nameSpan);
        return undefined;
      }
      append(bound);
      const followUp = this.followUps.get(bound);
      if (followUp) append(followUp);
      if (bound.op === 'join' && bound.lookup) {
        // lookup does not repeat the right side's key columns: a project-away of them follows.
        const rightKeys = bound.keys.map((k) => bound.rightNames[bound.right.schema.findIndex((c) => c.name === k.right)]!);
        append({ op: 'project-away', names: [...new Set(rightKeys)], span: bound.span });
      }
    }
    const result: Tabular = { source, ops, schema, ...(open ? { open: true as const } : {}) };
    if (open && openedBy) this.openSources.set(result, openedBy);
    return result;
  }

  private bindSource(e: A.Expr): Source | undefined {
    if (e.kind === 'unsupportedSource') {
      this.report('UnsupportedOperator', [e.name, ' (as a query source)'], { start: e.span.start, end: e.span.start + e.name.length });
      return undefined;
    }
    if (e.kind === 'paren' && e.inner.ops.length === 0) return this.bindSource(e.inner.source);
    if (e.kind === 'union') return this.bindUnion(e, e.span);
    if (e.kind === 'datatable') return this.bindDatatable(e);
    if (e.kind === 'print') return this.bindPrint(e);
    if (e.kind === 'range') return this.bindRange(e);
    if (e.kind === 'externaldata') return this.bindExternalData(e);
    if (e.kind === 'call' && this.lets.get(e.name)?.kind === 'failed') return undefined; // already reported
    if (e.kind === 'call') return this.functionSource(e);
    if (e.kind !== 'name') {
      this.report('NotTabular', ['expected a table name or a tabular let before |'], e.span);
      return undefined;
    }
    const l = this.lets.get(e.name);
    if (l?.kind === 'failed') return undefined; // already reported at the let
    if (l?.kind === 'tabular') return { kind: 'letTable', name: e.name, span: e.span, schema: l.schema };
    if (l?.kind === 'scalar') {
      this.report('NotTabular', [`'${e.name}' is a scalar let, not a table`], e.span);
      return undefined;
    }
    const t = this.tables.get(e.name);
    if (!t && this.isTabularFunction(e.name)) return this.functionSource(e);
    if (!t) {
      this.reportUnknownSource(e);
      return undefined;
    }
    this.tablesUsed.add(t.name);
    return { kind: 'table', table: t.name, span: e.span, schema: t.columns };
  }

  private op(op: A.TabularOp, input: Schema): OpWithoutSchema | undefined {
    const span = op.span;
    switch (op.op) {
      case 'where': {
        const predicate = this.expr(op.predicate, input);
        if (!predicate) return undefined;
        if (predicate.type !== 'bool' && predicate.type !== 'dynamic') {
          this.report('TypeMismatch', [`where needs a bool predicate, got ${predicate.type}`], op.predicate.span);
          return undefined;
        }
        return { op: 'where', predicate, span };
      }
      case 'extend':
      case 'serialize': {
        // Window functions (issue 27) are allowed here when the input is serialized.
        const saved = this.windowAllowed;
        this.windowAllowed = this.serializedInput || op.op === 'serialize';
        try {
          const columns = this.assignments(op.items, input, true);
          return columns && { op: op.op, columns, span };
        } finally {
          this.windowAllowed = saved;
        }
      }
      case 'project': {
        const columns = this.assignments(op.items, input, false);
        return columns && { op: 'project', columns, span };
      }
      case 'project-away':
      case 'project-keep': {
        const names = this.existingNames(op.names, input);
        return names && { op: op.op, names, span };
      }
      case 'project-reorder': {
        const names = this.existingNames(op.keys.map((k) => (k.expr.kind === 'name' ? { name: k.expr.name, span: k.expr.span } : { name: '', span: k.span })), input);
        return names && { op: 'project-reorder', names, span };
      }
      case 'project-rename': {
        const names = this.existingNames(op.renames.map((r) => r.from), input);
        if (!names) return undefined;
        const renames = op.renames.map((r) => ({ to: r.to.name, from: r.from.name }));
        return { op: 'project-rename', renames, span };
      }
      case 'summarize':
        return this.summarize(op, input, true);
      case 'sort': {
        const keys = this.sortKeys(op.keys, input);
        return keys && { op: 'sort', keys, span };
      }
      case 'top': {
        const count = this.expr(op.count, input);
        const keys = this.sortKeys([op.key], input);
        return count && keys && { op: 'top', count, key: keys[0]!, span };
      }
      case 'take': {
        const count = this.expr(op.count, input);
        if (count && count.type !== 'long' && count.type !== 'int') {
          this.report('TypeMismatch', [`take needs a whole number of rows, got ${count.type}`], op.count.span);
          return undefined;
        }
        return count && { op: 'take', count, span };
      }
      case 'distinct': {
        if (op.items.length === 1 && op.items[0]!.kind === 'star') {
          const columns = input.map((c) => ({ name: c.name, expr: col(c, op.items[0]!.span), explicitName: false }));
          return { op: 'distinct', columns, span };
        }
        const columns: NamedExpr[] = [];
        for (const item of op.items) {
          const e = this.expr(item, input);
          if (!e) return undefined;
          columns.push({ name: deriveName(e) ?? `Column${columns.length + 1}`, expr: e, explicitName: false });
        }
        return { op: 'distinct', columns, span };
      }
      case 'count':
        return { op: 'count', span };
      case 'mv-expand':
        return this.mvExpand(op, input);
      case 'join':
        return this.join(op, input);
      case 'union': // bound in tabular(), as a source
      case 'as': // bound in tabular(), as a let
      case 'invoke': // bound in tabular(), as a function call
        return undefined;
      case 'parse':
      case 'parse-where':
        return this.parse(op, input);
      case 'mv-apply':
        return this.mvApply(op, input);
      case 'getschema':
        return { op: 'getschema', span };
      case 'evaluate': {
        const bound = this.evaluate(op, input);
        return bound?.op === 'evaluate' && op.hints.length ? { ...bound, hints: op.hints } : bound;
      }
      case 'parse-kv':
        return this.parseKv(op, input);
      case 'top-nested':
        return this.topNested(op, input);
      case 'make-series':
        return this.makeSeries(op, input);
      case 'unsupported':
        this.report('UnsupportedOperator', [op.name, ''], op.nameSpan);
        return undefined;
    }
  }

  // ---- top-nested (issue 27) ----

  private topNested(op: Extract<A.TabularOp, { op: 'top-nested' }>, input: Schema): OpWithoutSchema | undefined {
    const levels: TopNestedLevel[] = [];
    const names = new Namer([]);
    for (const l of op.levels) {
      const count = l.count && this.expr(l.count, input);
      if (l.count && !count) return undefined;
      if (count && (count.kind !== 'literal' || (count.type !== 'long' && count.type !== 'int'))) {
        this.report('ConstantRequired', ['top-nested\'s count (a whole number)'], l.count!.span);
        return undefined;
      }
      const ofExpr = this.expr(l.of.expr, input);
      if (!ofExpr) return undefined;
      if (this.rejectTuple(l.of)) return undefined;
      const ofName = l.of.name ?? names.unique(deriveName(ofExpr) ?? names.nextColumn(), false);
      names.take(ofName);
      const others = l.others && this.expr(l.others, input);
      if (l.others && !others) return undefined;
      const a = this.aggregate(l.aggregate, input, [], names);
      if (!a) return undefined;
      if (a.outputs.length !== 1) {
        this.report('TypeMismatch', [`top-nested needs an aggregate with one output, not ${a.fn}`], l.aggregate.span);
        return undefined;
      }
      const outName = l.aggregate.name ?? names.unique(`aggregated_${ofName}`, false);
      names.take(outName);
      levels.push({
        ...(count ? { count } : {}),
        of: { name: ofName, expr: ofExpr, explicitName: l.of.name !== undefined },
        ...(others ? { others } : {}),
        aggregate: { ...a, outputs: [{ name: outName, type: a.outputs[0]!.type }] },
        direction: l.direction ?? 'desc',
        explicitDirection: l.direction !== undefined,
      });
    }
    return { op: 'top-nested', levels, span: op.span };
  }

  // ---- parse-kv (issue 27) ----

  private parseKv(op: Extract<A.TabularOp, { op: 'parse-kv' }>, input: Schema): OpWithoutSchema | undefined {
    const e = this.expr(op.expr, input);
    if (!e) return undefined;
    const columns = this.declaredSchema(op.columns, 'parse-kv');
    if (!columns) return undefined;
    const clash = op.columns.find((c) => input.some((x) => x.name === c.name.name));
    if (clash) {
      this.report('TypeMismatch', [`parse-kv key '${clash.name.name}' is already a column; rename the column first (project-rename)`], clash.name.span);
      return undefined;
    }
    for (const p of op.properties) {
      const type = PARSE_KV_OPTIONS[p.name.name];
      if (!type) {
        this.report('TypeMismatch', [`parse-kv has no option '${p.name.name}'; its options: ${Object.keys(PARSE_KV_OPTIONS).join(', ')}`], p.name.span);
        return undefined;
      }
      if (typeof p.value !== type) {
        this.report('TypeMismatch', [`parse-kv option ${p.name.name} must be a ${type === 'string' ? 'string' : 'bool'} constant`], p.span);
        return undefined;
      }
      if (p.name.name === 'regex') {
        const compiled = compileKqlRegex(p.value as string);
        if (!compiled.ok) {
          this.report('TypeMismatch', [`parse-kv regex does not compile: ${compiled.error}`], p.span);
          return undefined;
        }
      }
    }
    const options = op.properties.map((p) => ({ name: p.name.name, value: p.value }));
    return { op: 'parse-kv', expr: e, columns, options, span: op.span };
  }

  // ---- evaluate (issue 27) ----

  /** Plugins detc binds: narrow, bag_unpack, pivot, ipv4_lookup. The others are named in an explicit error. */
  private evaluate(op: Extract<A.TabularOp, { op: 'evaluate' }>, input: Schema): OpWithoutSchema | undefined {
    const call = op.plugin;
    if (call.kind !== 'call') {
      this.report('UnsupportedOperator', ['evaluate', ': evaluate needs a plugin call such as narrow()'], call.span);
      return undefined;
    }
    if (op.outputSchema && call.name !== 'bag_unpack' && call.name !== 'pivot') {
      this.report('TypeMismatch', [`an output schema (: (...)) is for bag_unpack and pivot, not ${call.name}`], op.outputSchema.span);
      return undefined;
    }
    if (call.name === 'bag_unpack') return this.bagUnpack(op, call, input);
    if (call.name === 'pivot') return this.pivot(op, call, input);
    if (call.name === 'ipv4_lookup') return this.ipv4Lookup(op, call, input);
    if (call.name === 'narrow') {
      if (call.args.length > 0) {
        this.report('TypeMismatch', ['narrow() takes no arguments'], call.span);
        return undefined;
      }
      return { op: 'evaluate', plugin: 'narrow', span: op.span };
    }
    this.report('UnsupportedOperator', [`evaluate ${call.name}`, ''], call.nameSpan);
    return undefined;
  }

  /**
   * `bag_unpack(Column [, OutputColumnPrefix] [, columnsConflict] [, ignoredProperties]) [: (...)]`
   * (https://learn.microsoft.com/kusto/query/bag-unpack-plugin): arguments by position or by name.
   */
  private bagUnpack(op: Extract<A.TabularOp, { op: 'evaluate' }>, call: A.CallExpr, input: Schema): OpWithoutSchema | undefined {
    const PARAMS = ['column', 'OutputColumnPrefix', 'columnsConflict', 'ignoredProperties'];
    const given = new Map<string, { expr: ScalarExpr; span: A.Span }>();
    const args: { name?: string; expr: ScalarExpr }[] = [];
    for (const [i, arg] of call.args.entries()) {
      const named = call.argNames?.[i];
      const param = named ? PARAMS.find((p) => p.toLowerCase() === named.name.toLowerCase()) : PARAMS[i];
      if (!param || given.has(param)) {
        const what = named ? `has no parameter '${named.name}'` : 'takes at most 4 arguments';
        this.report('TypeMismatch', [`bag_unpack ${what}; its parameters: ${PARAMS.join(', ')}`], (named ?? arg).span);
        return undefined;
      }
      const bound = this.scalarArg('bag_unpack', arg, input);
      if (!bound) return undefined;
      given.set(param, { expr: bound, span: arg.span });
      args.push({ ...(named ? { name: named.name } : {}), expr: bound });
    }
    const column = given.get('column');
    if (!column || column.expr.kind !== 'column' || column.expr.type !== 'dynamic') {
      this.report('TypeMismatch', ['bag_unpack needs a dynamic column of its input first: bag_unpack(Column)'], column?.span ?? call.span);
      return undefined;
    }
    const constant = (param: string, type: ScalarType): unknown => {
      const a = given.get(param);
      if (!a) return undefined;
      if (a.expr.kind !== 'literal' || a.expr.type !== type) {
        this.report('ConstantRequired', [`bag_unpack's ${param} (a ${type} constant)`], a.span);
        return null;
      }
      return a.expr.value;
    };
    const prefix = constant('OutputColumnPrefix', 'string');
    const conflict = constant('columnsConflict', 'string') ?? 'error';
    const ignored = constant('ignoredProperties', 'dynamic') ?? [];
    if (prefix === null || conflict === null || ignored === null) return undefined;
    if (conflict !== 'error' && conflict !== 'replace_source' && conflict !== 'keep_source') {
      this.report('TypeMismatch', [`bag_unpack's columnsConflict is 'error', 'replace_source' or 'keep_source', not '${String(conflict)}'`], given.get('columnsConflict')!.span);
      return undefined;
    }
    if (!Array.isArray(ignored) || ignored.some((x) => typeof x !== 'string')) {
      this.report('TypeMismatch', ["bag_unpack's ignoredProperties is an array of property names: dynamic(['a', 'b'])"], given.get('ignoredProperties')!.span);
      return undefined;
    }
    const declared = op.outputSchema && this.declaredSchema(op.outputSchema.columns, 'bag_unpack');
    if (op.outputSchema && !declared) return undefined;
    const seeds = this.unpackSeeds.get(op) ?? [];
    return {
      op: 'evaluate',
      plugin: 'bag_unpack',
      column: column.expr.name,
      prefix: (prefix as string | undefined) ?? '',
      conflict,
      ignored: ignored as string[],
      args,
      ...(declared ? { declared: { wildcard: op.outputSchema!.wildcard, columns: declared } } : {}),
      unpacked: declared ? [] : seeds.map((name) => ({ name, type: 'dynamic' as const })),
      ...this.probedOnly(op, declared ? [] : seeds),
      span: op.span,
    };
  }

  /**
   * `pivot(Column [, Aggregate] [, By, ...])` (https://learn.microsoft.com/kusto/query/pivot-plugin):
   * groups by the By columns (default: the input's columns but Column and those the aggregate reads),
   * one column per value of Column holding the aggregate (default count()) of the group's rows with it.
   */
  private pivot(op: Extract<A.TabularOp, { op: 'evaluate' }>, call: A.CallExpr, input: Schema): OpWithoutSchema | undefined {
    const usage = 'pivot(Column [, Aggregate] [, Column1, ...]), e.g. pivot(State, sum(Deaths), EventType)';
    if (call.args.length === 0 || call.argNames?.some((n) => n !== undefined)) {
      this.report('TypeMismatch', [`pivot takes ${usage}`], call.span);
      return undefined;
    }
    const columnOf = (a: A.PipeExpr): string | undefined => {
      const bound = this.bindPipe(a, input);
      if (bound && !('source' in bound) && bound.kind === 'column') return bound.name;
      if (bound) this.report('TypeMismatch', [`pivot's ${a === call.args[0] ? 'first argument' : 'grouping arguments'} must be columns of its input: ${usage}`], a.span);
      return undefined;
    };
    const column = columnOf(call.args[0]!);
    if (column === undefined) return undefined;
    const second = call.args[1];
    const isAggregate = second && second.ops.length === 0 && second.source.kind === 'call' && lookup(second.source.name)?.kind === 'aggregate';
    let aggregate: Aggregate | undefined;
    if (isAggregate) {
      aggregate = this.aggregate({ expr: second.source, span: second.span } as A.Assignment, input, [], new Namer([]));
      if (!aggregate) return undefined;
      if (aggregate.outputs.length !== 1) {
        this.report('TypeMismatch', [`pivot needs an aggregate with one result, not ${aggregate.fn}`], second.span);
        return undefined;
      }
    }
    const by: string[] = [];
    for (const a of call.args.slice(isAggregate ? 2 : 1)) {
      const name = columnOf(a);
      if (name === undefined) return undefined;
      if (!by.includes(name)) by.push(name);
    }
    const read = new Set<string>([column]);
    const visit = (e: ScalarExpr): void => {
      if (e.kind === 'column') read.add(e.name);
      else if (e.kind === 'call') e.args.forEach(visit);
      else if (e.kind === 'member') visit(e.target);
    };
    aggregate?.args.forEach(visit);
    const explicitBy = by.length > 0;
    const groups = explicitBy ? by : input.filter((c) => !read.has(c.name)).map((c) => c.name);
    const type = aggregate?.outputs[0]!.type ?? 'long';
    if (op.outputSchema?.wildcard) {
      this.report('TypeMismatch', ["pivot's output schema names its columns; * is for bag_unpack"], op.outputSchema.span);
      return undefined;
    }
    const declared = op.outputSchema && this.declaredSchema(op.outputSchema.columns, 'pivot');
    if (op.outputSchema && !declared) return undefined;
    const pivoted = declared ? [] : (this.unpackSeeds.get(op) ?? []).filter((n) => !groups.includes(n)).map((name) => ({ name, type }));
    return { op: 'evaluate', plugin: 'pivot', column, ...(aggregate ? { aggregate } : {}), by: groups, explicitBy, pivoted, ...this.probedOnly(op, pivoted.map((c) => c.name)), ...(declared ? { declared } : {}), span: op.span };
  }

  /** `probed`: the data's column names the rest of the pipe reads only through column_ifexists. */
  private probedOnly(op: A.TabularOp, names: readonly string[]): { probed?: readonly string[] } {
    const required = this.unpackRequired.get(op);
    const probed = names.filter((n) => !required?.has(n));
    return probed.length ? { probed } : {};
  }

  /**
   * `ipv4_lookup(LookupTable, SourceIPv4Key, IPv4LookupKey [, ExtraKey, ...] [, return_unmatched])`
   * (https://learn.microsoft.com/kusto/query/ipv4-lookup-plugin): the input's columns, then the lookup
   * table's (less the extra keys; a clashing name gets 1, 2, ... as in join), as Kusto.Language computes.
   */
  private ipv4Lookup(op: Extract<A.TabularOp, { op: 'evaluate' }>, call: A.CallExpr, input: Schema): OpWithoutSchema | undefined {
    const usage = 'ipv4_lookup(LookupTable, SourceIPv4Key, IPv4LookupKey [, ExtraKey, ...] [, return_unmatched])';
    const named = call.argNames?.findIndex((n) => n !== undefined) ?? -1;
    if (named >= 0 && (call.argNames![named]!.name !== 'return_unmatched' || named !== call.args.length - 1)) {
      this.report('TypeMismatch', [`ipv4_lookup's only named argument is return_unmatched, given last: ${usage}`], call.argNames![named]!.span);
      return undefined;
    }
    if (call.args.length < 3) {
      this.report('TypeMismatch', [`ipv4_lookup takes ${usage}`], call.span);
      return undefined;
    }
    const right = this.bindPipe(call.args[0]!, []);
    if (!right) return undefined;
    if (!('source' in right)) {
      this.report('NotTabular', [`ipv4_lookup's first argument is the lookup table: ${usage}`], call.args[0]!.span);
      return undefined;
    }
    // The last argument is return_unmatched when it is a bool (by position or by name).
    let args = call.args.slice(1);
    let returnUnmatched = false;
    let explicitUnmatched = false;
    const last = args[args.length - 1]!;
    const lastBound = args.length > 2 ? this.bindPipe(last, input) : undefined;
    if (lastBound && !('source' in lastBound) && lastBound.type === 'bool') {
      if (lastBound.kind !== 'literal') {
        this.report('ConstantRequired', ["ipv4_lookup's return_unmatched (true or false)"], last.span);
        return undefined;
      }
      returnUnmatched = lastBound.value === true;
      explicitUnmatched = true;
      args = args.slice(0, -1);
    }
    const columnIn = (a: A.PipeExpr, schema: Schema, side: string): Column | undefined => {
      const name = a.ops.length === 0 && a.source.kind === 'name' ? a.source.name : undefined;
      const c = name === undefined ? undefined : schema.find((x) => x.name === name);
      if (!c) this.report('UnknownColumn', [name ?? this.source(a.span), ` (ipv4_lookup needs a column of ${side} here: ${usage})`], a.span);
      return c;
    };
    const source = columnIn(args[0]!, input, 'its input');
    const lookup = columnIn(args[1]!, right.schema, 'the lookup table');
    if (!source || !lookup) return undefined;
    for (const [c, a] of [[source, args[0]!], [lookup, args[1]!]] as const) {
      if (c.type !== 'string') {
        this.report('TypeMismatch', [`ipv4_lookup's keys are IPv4 strings; ${c.name} is ${c.type}`], a.span);
        return undefined;
      }
    }
    const extraKeys: string[] = [];
    for (const a of args.slice(2)) {
      const l = columnIn(a, input, 'its input and the lookup table');
      const r = l && columnIn(a, right.schema, 'its input and the lookup table');
      if (!l || !r) return undefined;
      extraKeys.push(l.name);
    }
    const names = new Namer(input.map((c) => c.name));
    const rightColumns = right.schema.filter((c) => !extraKeys.includes(c.name)).map((c) => {
      const name = names.unique(c.name, false);
      names.take(name);
      return { from: c.name, name };
    });
    return { op: 'evaluate', plugin: 'ipv4_lookup', right, sourceKey: source.name, lookupKey: lookup.name, extraKeys, returnUnmatched, explicitUnmatched, rightColumns, span: op.span };
  }

  /** A column bag_unpack or pivot made from the data: dynamic to detc, of its values' type in Kusto (dynamic only when they differ), so it may be a sort or group key. */
  private isUnpacked(e: ScalarExpr): boolean {
    return e.kind === 'column' && this.openRow?.names.includes(e.name) === true;
  }

  /** A name the rows after bag_unpack may have: an unpacked property (prefixed, not ignored), recorded as used. */
  private unpackedName(name: string, required = true): boolean {
    const open = this.openRow;
    if (!open || !name.startsWith(open.prefix) || open.ignored.includes(name.slice(open.prefix.length))) return false;
    if (!open.names.includes(name)) open.names.push(name);
    if (required) open.required.add(name);
    return true;
  }

  // ---- datatable, print, range (issue 27) ----

  /** `(Name:type, ...)` of datatable and externaldata. */
  private declaredSchema(columns: A.DatatableSource['columns'], what: string): Column[] | undefined {
    const schema: Column[] = [];
    for (const c of columns) {
      const type = typeNamed(c.type.name);
      if (!type) {
        this.report('TypeMismatch', [`unknown type '${c.type.name}' for ${what} column ${c.name.name}`], c.type.span);
        return undefined;
      }
      if (schema.some((x) => x.name === c.name.name)) {
        this.report('TypeMismatch', [`${what} names column '${c.name.name}' twice`], c.name.span);
        return undefined;
      }
      schema.push({ name: c.name.name, type });
    }
    return schema;
  }

  private bindExternalData(e: A.ExternalDataSource): Source | undefined {
    const schema = this.declaredSchema(e.columns, 'externaldata');
    if (!schema) return undefined;
    const properties = e.properties.map((p) => ({ name: p.name.name, value: p.value }));
    return { kind: 'externaldata', urls: e.urls.map((u) => u.url), properties, span: e.span, schema };
  }

  private bindDatatable(e: A.DatatableSource): Source | undefined {
    const schema = this.declaredSchema(e.columns, 'datatable');
    if (!schema) return undefined;
    if (e.values.length % schema.length !== 0) {
      this.report('TypeMismatch', [`datatable has ${schema.length} columns but ${e.values.length} values, not a whole number of rows`], e.span);
      return undefined;
    }
    const values: ScalarExpr[] = [];
    for (const [i, v] of e.values.entries()) {
      const bound = this.expr(v, []);
      if (!bound) return undefined;
      if (bound.kind !== 'literal') {
        this.report('ConstantRequired', ['a datatable value'], v.span);
        return undefined;
      }
      const type = schema[i % schema.length]!.type;
      values.push({ ...bound, type, value: bound.value === null || bound.type === type ? bound.value : coerce(bound.value, type, bound.type) });
    }
    return { kind: 'datatable', values, span: e.span, schema };
  }

  /** print: one row; an unnamed value is `print_<position>`, as Kusto names it. */
  private bindPrint(e: A.PrintSource): Source | undefined {
    const columns: NamedExpr[] = [];
    for (const [i, item] of e.items.entries()) {
      const bound = this.expr(item.expr, []);
      if (!bound) return undefined;
      const several = bound.kind === 'call' && item.name === undefined ? this.argumentOutputs(item, bound, new Namer(columns.map((c) => c.name))) : undefined;
      if (several === null) return undefined;
      if (several) {
        columns.push(...several);
        continue;
      }
      if (this.rejectTuple(item)) return undefined;
      columns.push({ name: item.name ?? `print_${i}`, expr: bound, explicitName: item.name !== undefined });
    }
    return { kind: 'print', columns, span: e.span, schema: columns.map((c) => ({ name: c.name, type: c.expr.type })) };
  }

  /** range: the column has the type of `from`; `step` is a number, or a timespan for datetime/timespan. */
  private bindRange(e: A.RangeSource): Source | undefined {
    const from = this.expr(e.from, []);
    const to = this.expr(e.to, []);
    const step = this.expr(e.step, []);
    if (!from || !to || !step) return undefined;
    const timeLike = from.type === 'datetime' || from.type === 'timespan';
    const ok = timeLike ? to.type === from.type && step.type === 'timespan' : isNumeric(from.type) && isNumeric(to.type) && isNumeric(step.type);
    if (!ok) {
      this.report('TypeMismatch', [`range needs numbers, or datetimes/timespans with a timespan step; got from ${from.type} to ${to.type} step ${step.type}`], e.span);
      return undefined;
    }
    const type = timeLike ? from.type : [from, to, step].some((x) => x.type === 'real' || x.type === 'decimal') ? 'real' : from.type;
    return { kind: 'range', from, to, step, span: e.span, schema: [{ name: e.name.name, type }] };
  }

  // ---- parse, parse-where (issue 27) ----

  private parse(op: Extract<A.TabularOp, { op: 'parse' | 'parse-where' }>, input: Schema): OpWithoutSchema | undefined {
    const kind = op.kind?.name ?? 'simple';
    if (kind !== 'simple' && kind !== 'regex' && kind !== 'relaxed') {
      this.report('TypeMismatch', [`${op.op} kind must be simple, regex or relaxed, not '${kind}'`], op.kind!.span);
      return undefined;
    }
    if (op.flags && (kind !== 'regex' || !/^[Umsi]+$/.test(op.flags.name))) {
      this.report('TypeMismatch', [kind !== 'regex' ? 'flags= is only for kind=regex' : `regex flags are U, m, s and i, not '${op.flags.name}'`], op.flags.span);
      return undefined;
    }
    const expr = this.expr(op.expr, input);
    if (!expr) return undefined;
    const pattern: ParseItem[] = [];
    const names = new Set(input.map((c) => c.name));
    for (const item of op.pattern) {
      if (item.kind === 'star') pattern.push({ kind: 'star' });
      else if (item.kind === 'text') {
        const problem = kind === 'regex' ? regexProblem(item.text) : undefined;
        if (problem) {
          this.report('BadRegex', [JSON.stringify(item.text), problem], item.span);
          return undefined;
        }
        pattern.push({ kind: 'text', text: item.text });
      } else {
        const type = item.type ? typeNamed(item.type.name) : 'string';
        if (!type) {
          this.report('TypeMismatch', [`unknown type '${item.type!.name}' for parse column ${item.name.name}`], item.type!.span);
          return undefined;
        }
        if (names.has(item.name.name)) {
          this.report('TypeMismatch', [`${op.op} would add column '${item.name.name}', which already exists; give the parsed value another name`], item.name.span);
          return undefined;
        }
        names.add(item.name.name);
        pattern.push({ kind: 'column', name: item.name.name, type, explicitType: item.type !== undefined });
      }
    }
    if (!pattern.some((p) => p.kind === 'column')) {
      this.report('TypeMismatch', [`the ${op.op} pattern names no column to extract`], op.span);
      return undefined;
    }
    return { op: op.op, kind, flags: op.flags?.name, expr, pattern, span: op.span };
  }

  // ---- make-series (issue 27) ----

  private makeSeries(op: Extract<A.TabularOp, { op: 'make-series' }>, input: Schema): OpWithoutSchema | undefined {
    const grouped = this.summarize({ op: 'summarize', aggregates: op.aggregates.map((a) => a.item), by: [...op.by], span: op.span }, input);
    if (!grouped || grouped.op !== 'summarize') return undefined;
    const multi = grouped.aggregates.find((a) => a.outputs.length > 1);
    if (multi) {
      this.report('TypeMismatch', [`${multi.fn} has several output columns; make-series takes aggregates with one`], multi.span);
      return undefined;
    }
    const defaults: (ScalarExpr | undefined)[] = [];
    for (const a of op.aggregates) {
      const d = a.default && this.expr(a.default, []);
      if (a.default && (!d || d.kind !== 'literal')) {
        if (d) this.report('ConstantRequired', ['a make-series default'], a.default.span);
        return undefined;
      }
      defaults.push(d);
    }
    const axis = this.expr(op.axis, input);
    const step = this.expr(op.step, input);
    const from = op.from && this.expr(op.from, input);
    const to = op.to && this.expr(op.to, input);
    if (!axis || !step || (op.from && !from) || (op.to && !to)) return undefined;
    const axisName = deriveName(axis);
    if (axisName === undefined) {
      this.report('TypeMismatch', ['the make-series axis must be a column (on TimeGenerated)'], op.axis.span);
      return undefined;
    }
    const timeAxis = axis.type === 'datetime';
    const stepOk = timeAxis ? step.type === 'timespan' : isNumeric(axis.type) && isNumeric(step.type);
    const boundsOk = [from, to].every((b) => !b || b.type === axis.type || (!timeAxis && isNumeric(b.type)));
    if (!stepOk || !boundsOk) {
      this.report('TypeMismatch', [`make-series needs a datetime axis with a timespan step, or a numeric axis and step; got axis ${axis.type}, step ${step.type}`], op.axis.span);
      return undefined;
    }
    if (op.kind && op.kind.name !== 'nonempty') {
      this.report('TypeMismatch', [`make-series kind must be nonempty, not '${op.kind.name}'`], op.kind.span);
      return undefined;
    }
    return {
      op: 'make-series',
      ...(op.kind ? { kind: op.kind.name } : {}),
      aggregates: grouped.aggregates,
      defaults,
      axis: { name: axisName, expr: axis, explicitName: false },
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      step,
      ...(op.inRange ? { inRange: true as const } : {}),
      by: grouped.by,
      span: op.span,
    };
  }

  // ---- mv-apply (issue 27) ----

  /** The expansion as mv-expand binds it; the subquery bound on its rows (all input columns and the expanded ones). */
  private mvApply(op: Extract<A.TabularOp, { op: 'mv-apply' }>, input: Schema): OpWithoutSchema | undefined {
    const bound = this.mvExpand(op.expand, input);
    if (!bound || bound.op !== 'mv-expand') return undefined;
    const expandSchema = outputSchema(bound, input);
    const expand = { ...bound, schema: expandSchema };
    const subquery = this.tabularFrom({ kind: 'mvApplyRows', span: op.span, schema: expandSchema }, op.ops);
    return subquery && { op: 'mv-apply', expand, subquery, span: op.span };
  }

  // ---- window functions (issue 27) ----

  /** row_number([start [, restart]]), prev/next(expr [, offset [, default]]), row_cumsum(expr [, restart]). */
  private windowCall(e: A.CallExpr, row: Schema): ScalarExpr | undefined {
    if (!this.windowAllowed) {
      this.report('TypeMismatch', [`${e.name}() needs serialized rows: use it in extend or serialize, after serialize, sort or top`], e.nameSpan);
      return undefined;
    }
    const arity: Record<string, readonly [number, number]> = { row_number: [0, 2], prev: [1, 3], next: [1, 3], row_cumsum: [1, 2], row_window_session: [3, 4] };
    if (!this.checkArity(e, { name: e.name, arity: arity[e.name]! })) return undefined;
    const args = this.scalarArgs(e, row);
    if (!args) return undefined;
    const bad = (what: string, i: number): undefined => {
      this.report('TypeMismatch', [`${e.name}'s ${what}`], e.args[i]!.span);
      return undefined;
    };
    const isLong = (x: ScalarExpr) => x.type === 'long' || x.type === 'int';
    let type: ScalarType;
    if (e.name === 'row_number') {
      if (args[0] && (!isLong(args[0]) || args[0].kind !== 'literal')) return bad('start must be a constant whole number', 0);
      if (args[1] && args[1].type !== 'bool') return bad('restart condition must be bool', 1);
      type = 'long';
    } else if (e.name === 'row_window_session') {
      // https://learn.microsoft.com/kusto/query/row-window-session-function
      const expected: ScalarType[] = ['datetime', 'timespan', 'timespan', 'bool'];
      const what = ['value', 'MaxDistanceFromFirst', 'MaxDistanceBetweenNeighbors', 'restart condition'];
      const wrong = args.findIndex((a, i) => a.type !== expected[i]);
      if (wrong >= 0) return bad(`${what[wrong]} must be ${expected[wrong]}, not ${args[wrong]!.type}`, wrong);
      type = 'datetime';
    } else if (e.name === 'row_cumsum') {
      if (!isNumeric(args[0]!.type)) return bad(`term must be a number, not ${args[0]!.type}`, 0);
      if (args[1] && args[1].type !== 'bool') return bad('restart condition must be bool', 1);
      type = args[0]!.type;
    } else {
      if (args[1] && (!isLong(args[1]) || args[1].kind !== 'literal')) return bad('offset must be a constant whole number', 1);
      type = args[0]!.type;
    }
    return { kind: 'call', fn: e.name, args, type, span: e.span };
  }

  // ---- as (issue 27) ----

  private bindAs(op: Extract<A.TabularOp, { op: 'as' }>, value: Tabular): Source | undefined {
    const name = op.name.name;
    if (this.lets.has(name)) {
      this.report('DuplicateLet', [name], op.name.span);
      return undefined;
    }
    const materialized = op.hints.includes('hint.materialized=true');
    this.hoisted.push({ kind: 'tabular', name, value, materialized, span: op.span });
    this.lets.set(name, { kind: 'tabular', schema: value.schema });
    return { kind: 'letTable', name, span: op.name.span, schema: value.schema };
  }

  // ---- union (issue 27) ----

  /** A union's legs resolved (wildcards against the catalog's table names) and its schema. */
  private bindUnion(spec: A.UnionSpec, span: A.Span, input?: UnionLeg): UnionSource | undefined {
    const kindName = spec.unionKind?.name ?? 'outer';
    if (kindName !== 'inner' && kindName !== 'outer') {
      this.report('TypeMismatch', [`union kind must be inner or outer, not '${kindName}'`], spec.unionKind!.span);
      return undefined;
    }
    const legs: UnionLeg[] = input ? [input] : [];
    const unresolved: string[] = [];
    let ok = true;
    for (const leg of spec.legs) {
      const index = legs.length;
      // A leg naming a function (workspace or user-defined) without parentheses is a call of it, not a table.
      const query = leg.kind === 'query' ? leg.query : this.namesFunction(leg.name.name) ? functionLeg(leg.name) : undefined;
      if (query) {
        const before = this.problems.length;
        const bound = this.bindPipe(query, []);
        const legSpan = leg.kind === 'query' ? leg.span : leg.name.span;
        if (!bound && spec.isFuzzy && this.leaveOutUnresolvedLeg(before, query)) unresolved.push(this.source(legSpan));
        else if (!bound) ok = false;
        else if (!('source' in bound)) {
          this.report('NotTabular', ['a union leg must be a table or a tabular expression'], legSpan);
          ok = false;
        } else if (this.refusedOnOpenRows({ operator: 'union', span: legSpan }, this.openSources.get(bound))) ok = false;
        // A bare view name is labelled with that name (the page's View_1), never the call's internal one.
        else legs.push({ query: bound, label: leg.kind === 'query' ? this.legLabel(bound.source, bound.ops, index) : leg.name.name });
        continue;
      }
      const { name, span: at } = (leg as Extract<A.UnionLeg, { kind: 'name' }>).name;
      if (name.includes('*')) {
        const re = wildcardRegExp(name);
        const matches = this.tables.names().filter((n) => re.test(n));
        if (matches.length === 0 && !spec.isFuzzy) {
          this.report('UnknownTable', [name, ' (no table matches this pattern)', this.tables.unknownTableAdvice()], at);
          ok = false;
        }
        for (const table of matches) legs.push({ query: this.tableQuery(table, at), label: table, pattern: name });
        if (matches.length === 0) unresolved.push(name);
        continue;
      }
      const l = this.lets.get(name);
      if (l?.kind === 'failed') ok = false;
      else if (l?.kind === 'tabular' && this.refusedOnOpenRows({ operator: 'union', span: at }, l.open)) ok = false;
      else if (l?.kind === 'tabular') legs.push({ query: { source: { kind: 'letTable', name, span: at, schema: l.schema }, ops: [], schema: l.schema }, label: name });
      else if (this.tables.get(name)) legs.push({ query: this.tableQuery(name, at), label: name });
      else if (spec.isFuzzy) unresolved.push(name); // isfuzzy: a table that does not exist is left out
      else {
        this.reportUnknownSource({ kind: 'name', name, span: at });
        ok = false;
      }
    }
    if (!ok) return undefined;
    if (legs.length === 0) {
      this.report('UnknownTable', [unresolved.join(', '), ' (isfuzzy=true leaves out missing tables and legs that do not resolve, but no leg is left)', this.tables.unknownTableAdvice()], span);
      return undefined;
    }
    const withSource = spec.withSource?.name;
    return {
      kind: 'union',
      unionKind: kindName,
      withSource,
      isFuzzy: spec.isFuzzy === true,
      hints: spec.hints,
      legs,
      unresolved,
      span,
      schema: unionSchema(kindName, legs.map((x) => x.query.schema), withSource),
    };
  }

  /** Whether a union leg's name is a function (Kusto calls one without parameters when named without parentheses). */
  private namesFunction(name: string): boolean {
    return !this.lets.has(name) && (this.scope.localFunctions.has(name) || functionsOf(this.tables).has(name));
  }

  /**
   * isfuzzy=true: a leg whose function does not resolve (a workspace function whose body does not
   * compile, or a function reading a table the workspace lacks) or whose table does not exist
   * (`(View_3 | where x > 0)`, the page's example) is left out with a warning, as Kusto leaves out
   * legs that fail to resolve (https://learn.microsoft.com/kusto/query/union-operator: "any
   * resolution failure yields a warning"). Only such failures: other errors are the query's own.
   */
  private leaveOutUnresolvedLeg(before: number, leg: A.PipeExpr): boolean {
    const errors = this.problems.slice(before).filter((p) => !isWarning(p));
    if (errors.length === 0 || !errors.every((p) => p.unresolvedFunction || p.fact === 'UnknownTable')) return false;
    this.problems.splice(before, this.problems.length - before, ...this.problems.slice(before).filter(isWarning));
    const name = leg.source.kind === 'call' || leg.source.kind === 'name' ? leg.source.name : this.source(leg.span);
    this.report('UnionLegLeftOut', [`union isfuzzy=true leaves out its leg ${name}, as Kusto leaves out a leg that does not resolve: ${makeDiagnostic(errors[0]!.fact, errors[0]!.args).message}`], leg.span);
    return true;
  }

  private tableQuery(name: string, span: A.Span): Tabular {
    const t = this.tables.get(name)!;
    this.tablesUsed.add(t.name);
    return { source: { kind: 'table', table: t.name, span, schema: t.columns }, ops: [], schema: t.columns };
  }

  /** The `withsource=` value of a leg: a table's or let's name, else `union_arg<index>`. */
  private legLabel(source: Source, ops: readonly TabularOp[], index: number): string {
    if (ops.length === 0 && source.kind === 'table') return source.table;
    if (ops.length === 0 && source.kind === 'letTable') return source.name;
    return `union_arg${index}`;
  }

  private join(op: Extract<A.TabularOp, { op: 'join' }>, input: Schema): OpWithoutSchema | undefined {
    const kinds: Record<string, JoinKind> = {
      innerunique: 'innerunique', inner: 'inner', leftouter: 'leftouter', rightouter: 'rightouter', fullouter: 'fullouter',
      leftanti: 'leftanti', anti: 'leftanti', leftantisemi: 'leftanti', rightanti: 'rightanti', rightantisemi: 'rightanti',
      leftsemi: 'leftsemi', rightsemi: 'rightsemi',
    };
    const kind = op.lookup ? (op.kind ? ({ leftouter: 'leftouter', inner: 'inner' } as const)[op.kind.name as 'inner'] : 'leftouter') : op.kind ? kinds[op.kind.name] : 'innerunique';
    if (!kind && op.lookup) {
      this.report('TypeMismatch', [`lookup kind must be leftouter or inner, not '${op.kind!.name}'`], op.kind!.span);
      return undefined;
    }
    if (!kind) {
      this.report('TypeMismatch', [`unknown join kind '${op.kind!.name}'${didYouMean(op.kind!.name, Object.keys(kinds))}`], op.kind!.span);
      return undefined;
    }
    const right = this.bindPipe(op.right, []);
    if (!right) return undefined;
    if (!('source' in right)) {
      this.report('NotTabular', ['the right side of join must be a table or a tabular expression'], op.right.span);
      return undefined;
    }
    if (this.refusedOnOpenRows({ operator: op.lookup ? 'lookup' : 'join', span: op.right.span }, this.openSources.get(right))) return undefined;
    const keys: { left: string; right: string }[] = [];
    const side = (e: A.Expr): { side: 'left' | 'right'; name: string } | undefined =>
      e.kind === 'member' && e.target.kind === 'name' && (e.target.name === '$left' || e.target.name === '$right') ? { side: e.target.name === '$left' ? 'left' : 'right', name: e.name } : undefined;
    const conditions = (e: A.Expr): A.Expr[] => (e.kind === 'binary' && e.op === 'and' ? [e.left, ...conditions(e.right as A.Expr)] : [e]);
    for (const key of op.keys.flatMap(conditions)) {
      let pair: { left: string; right: string } | undefined;
      if (key.kind === 'name') pair = { left: key.name, right: key.name };
      else if (key.kind === 'binary' && key.op === '==' && !Array.isArray(key.right)) {
        const a = side(key.left);
        const b = side(key.right as A.Expr);
        if (a && b && a.side !== b.side) pair = a.side === 'left' ? { left: a.name, right: b.name } : { left: b.name, right: a.name };
      }
      if (!pair) {
        this.report('TypeMismatch', ['a join key is a column name, or $left.Column == $right.Column'], key.span);
        return undefined;
      }
      const l = input.find((c) => c.name === pair!.left);
      const r = right.schema.find((c) => c.name === pair!.right);
      if (!l || !r) {
        const [name, schema] = !l ? [pair.left, input] : [pair.right, right.schema];
        this.report('UnknownColumn', [name, `${didYouMean(name, schema.map((c) => c.name))} (on the ${!l ? 'left' : 'right'} side of the join)`], key.span);
        return undefined;
      }
      if (l.type !== r.type && !(isNumeric(l.type) && isNumeric(r.type))) {
        this.report('TypeMismatch', [`join key types differ: ${pair.left} is ${l.type}, ${pair.right} is ${r.type}`], key.span);
        return undefined;
      }
      keys.push(pair);
    }
    const names = new Namer(input.map((c) => c.name));
    const rightNames = right.schema.map((c) => {
      const n = names.unique(c.name, false);
      names.take(n);
      return n;
    });
    return { op: 'join', kind, right, keys, rightNames, span: op.span, ...(op.hints?.length ? { hints: op.hints } : {}), ...(op.lookup ? { lookup: true } : {}) };
  }

  private mvExpand(op: Extract<A.TabularOp, { op: 'mv-expand' }>, input: Schema): OpWithoutSchema | undefined {
    const columns: (NamedExpr & { type: ScalarType; explicitType: boolean })[] = [];
    let unnamed = 0;
    for (const item of op.items) {
      const e = this.expr(item.expr, input);
      if (!e) return undefined;
      if (e.type !== 'dynamic') {
        this.report('TypeMismatch', [`mv-expand needs a dynamic array or property bag, got ${e.type}`], item.expr.span);
        return undefined;
      }
      // Unnamed and without a name of its own: Column1, Column2, ... (replacing a column so named, as Kusto.Language does).
      const name = item.name ?? deriveName(e) ?? `Column${++unnamed}`;
      let type: ScalarType = 'dynamic';
      if (item.toType) {
        const t = TYPE_NAMES[item.toType.name];
        if (!t) {
          this.report('TypeMismatch', [`unknown type '${item.toType.name}' in to typeof(...)`], item.toType.span);
          return undefined;
        }
        type = t;
      }
      columns.push({ name, expr: e, explicitName: item.name !== undefined, type, explicitType: item.toType !== undefined });
    }
    let limit: number | undefined = op.legacy ? 128 : undefined;
    if (op.limit) {
      const l = this.expr(op.limit, input);
      if (!l) return undefined;
      if (l.kind !== 'literal' || typeof l.value !== 'number') {
        this.report('ConstantRequired', ['the mv-expand limit'], op.limit.span);
        return undefined;
      }
      limit = l.value;
    }
    return { op: 'mv-expand', kind: op.kind ?? 'bag', itemIndex: op.itemIndex?.name, columns, limit, span: op.span };
  }

  /** Resolve column names; `*` wildcards expand to the matching columns, in schema order. */
  private existingNames(refs: readonly A.NameRef[], input: Schema): string[] | undefined {
    let ok = true;
    const out: string[] = [];
    for (const r of refs) {
      if (r.name.includes('*')) {
        const re = wildcardRegExp(r.name);
        const matches = input.filter((c) => re.test(c.name)).map((c) => c.name);
        if (matches.length === 0) {
          this.report('UnknownColumn', [r.name, ' (no column matches this pattern)'], r.span);
          ok = false;
        }
        out.push(...matches.filter((m) => !out.includes(m)));
      } else if (!input.some((c) => c.name === r.name) && !this.unpackedName(r.name)) {
        this.report('UnknownColumn', [r.name, didYouMean(r.name, input.map((c) => c.name))], r.span);
        ok = false;
      } else if (!out.includes(r.name)) out.push(r.name);
    }
    return ok ? out : undefined;
  }

  /** The columns of extend's items (each reads the input and the columns before it) or project's (each reads the input). */
  private assignments(items: readonly A.Assignment[], input: Schema, extend: boolean): NamedExpr[] | undefined {
    let schema = input;
    const columns: NamedExpr[] = [];
    const names = new Namer(extend ? input.map((c) => c.name) : []);
    for (const item of items) {
      const e = this.expr(item.expr, schema);
      if (!e) return undefined;
      const parts = this.outputColumns(item, e, names, extend);
      if (!parts) return undefined;
      columns.push(...parts);
      if (extend) for (const c of parts) schema = replaceOrAppend(schema, { name: c.name, type: c.expr.type });
    }
    return columns;
  }

  /** `(a, b) = expr` is only meaningful for functions and aggregates with several outputs. */
  private rejectTuple(item: A.Assignment): boolean {
    if (!item.tuple) return false;
    this.report('UnsupportedOperator', ['(a, b) = ...', ': tuple assignment needs a function with several results (series_stats, series_fit_line, series_decompose_anomalies; arg_max/arg_min/take_any in summarize)'], item.span);
    return true;
  }

  /**
   * The columns an extend/project item makes: one, or one per result of a function with several
   * (`(a, b) = series_fit_line(y)`); results not named are `<fn>_<arg>_<suffix>`, as Kusto names them.
   */
  private outputColumns(item: A.Assignment, e: ScalarExpr, names: Namer, allowReplace: boolean): NamedExpr[] | undefined {
    const entry = e.kind === 'call' && e.output === 0 ? lookup(e.fn) : undefined;
    const outputs = entry?.kind === 'scalar' ? entry.outputs : undefined;
    const several = e.kind === 'call' && e.output === undefined ? this.argumentOutputs(item, e, names, allowReplace) : undefined;
    if (several !== undefined) return several ?? undefined;
    if (!outputs || e.kind !== 'call') {
      if (this.rejectTuple(item)) return undefined;
      const name = this.claimName(names, item.name, () => deriveName(e) ?? names.nextColumn(), item.name !== undefined || e.kind === 'column', allowReplace, item.span);
      return name === undefined ? undefined : [{ name, expr: e, explicitName: item.name !== undefined }];
    }
    const given = item.tuple?.map((t) => t.name) ?? (item.name !== undefined ? [item.name] : []);
    if (given.length > outputs.length) {
      this.report('TypeMismatch', [`${e.fn} has ${outputs.length} results but ${given.length} names are given`], item.span);
      return undefined;
    }
    const base = `${e.fn}_${(e.args[0] && deriveName(e.args[0])) ?? ''}`;
    const columns: NamedExpr[] = [];
    for (const [i, o] of outputs.entries()) {
      const name = this.claimName(names, given[i], () => `${base}_${o.suffix}`, given[i] !== undefined, allowReplace, item.span);
      if (name === undefined) return undefined;
      columns.push({ name, expr: { ...e, type: o.type, output: i }, explicitName: given[i] !== undefined });
    }
    return columns;
  }

  /** A sort or group key: not a dynamic value (a column bag_unpack or pivot made is one only to detc). */
  private keyExpr(x: A.Expr, input: Schema, what: 'sort' | 'group'): ScalarExpr | undefined {
    const e = this.expr(x, input);
    if (e?.type !== 'dynamic' || this.isUnpacked(e)) return e;
    this.report('TypeMismatch', [`cannot ${what} by a dynamic value; convert it first (e.g. tostring(...))`], x.span);
    return undefined;
  }

  /**
   * A call whose results depend on its arguments (array_sort_asc(a1, a2)): one column per result.
   * `a = f(...)` names the first result, like the tuple `(a) = f(...)`; the rest keep their own names
   * (Kusto.Language: `extend a = array_sort_asc(a1, a2)` gives `a, array1_sorted`). A made-up name
   * never replaces a column, even in extend: it takes a free suffix (`array1_sorted1`), as in Kusto.Language.
   */
  private argumentOutputs(item: A.Assignment, e: Extract<ScalarExpr, { kind: 'call' }>, names: Namer, extend = false): NamedExpr[] | null | undefined {
    const entry = lookup(e.fn);
    const outputs = entry?.kind === 'scalar' ? entry.outputsFor?.(e.args.map((a) => ({ name: deriveName(a), type: a.type }))) : undefined;
    if (!outputs) return undefined;
    const given = item.tuple?.map((t) => t.name) ?? (item.name !== undefined ? [item.name] : []);
    if (given.length > outputs.length) {
      this.report('TypeMismatch', [`${e.fn} has ${outputs.length} results but ${given.length} names are given`], item.span);
      return null;
    }
    const columns: NamedExpr[] = [];
    for (const [i, o] of outputs.entries()) {
      const name = this.claimName(names, given[i], () => o.name, given[i] !== undefined, extend && given[i] !== undefined, item.span);
      if (name === undefined) return null;
      columns.push({ name, expr: { ...e, type: o.type, output: i }, explicitName: given[i] !== undefined });
    }
    return columns;
  }

  /**
   * An output column's name, as Kusto.Language gives it: a name taken by an earlier item gets a
   * free suffix (`d_sorted1`), whether it is given or made up, unless it may replace one (extend);
   * two declared names (given, or a bare column's own) that are the same are an error.
   */
  private claimName(names: Namer, given: string | undefined, made: () => string, declared: boolean, allowReplace: boolean, span: A.Span): string | undefined {
    const wanted = given ?? made();
    if (declared && names.isDeclared(wanted)) {
      this.report('TypeMismatch', [`a column with the name '${wanted}' is already declared (name one of them differently)`], span);
      return undefined;
    }
    const name = names.unique(wanted, allowReplace);
    names.take(name, declared);
    return name;
  }

  private sortKeys(keys: readonly A.SortKey[], input: Schema): SortKey[] | undefined {
    const out: SortKey[] = [];
    for (const k of keys) {
      const e = this.keyExpr(k.expr, input, 'sort');
      if (!e) return undefined;
      const direction = k.direction ?? 'desc';
      const nulls = k.nulls ?? (direction === 'asc' ? 'first' : 'last');
      out.push({ expr: e, direction, nulls, explicitDirection: k.direction !== undefined, explicitNulls: k.nulls !== undefined });
    }
    return out;
  }

  /** `allowValues`: items may compute on aggregates (`X = 100 * count()`; see aggregate-values.ts). */
  private summarize(op: Extract<A.TabularOp, { op: 'summarize' }>, input: Schema, allowValues = false): OpWithoutSchema | undefined {
    const names = new Namer([]);
    const by: NamedExpr[] = [];
    for (const item of op.by) {
      if (this.rejectTuple(item)) return undefined;
      const e = this.keyExpr(item.expr, input, 'group');
      if (!e) return undefined;
      const name = this.claimName(names, item.name, () => deriveName(e) ?? names.nextColumn(), item.name !== undefined || e.kind === 'column', false, item.span);
      if (name === undefined) return undefined;
      by.push({ name, expr: e, explicitName: item.name !== undefined });
    }
    const isAggregate = (c: A.CallExpr) => !this.scope.localFunctions.has(c.name) && lookup(c.name)?.kind === 'aggregate';
    const isValue = (item: A.Assignment) => {
      const e = withoutParens(item.expr);
      return !(e.kind === 'call' && isAggregate(e)) && aggregateCalls(e, isAggregate).length > 0;
    };
    if (allowValues && op.aggregates.some(isValue)) return this.summarizeValues(op, input, by, names, isAggregate);
    const aggregates: Aggregate[] = [];
    for (const item of op.aggregates) {
      const a = this.aggregate({ ...item, expr: withoutParens(item.expr) }, input, by, names);
      if (!a) return undefined;
      aggregates.push(a);
    }
    return { op: 'summarize', aggregates, by, span: op.span };
  }

  /**
   * A summarize with items that compute on aggregates: their aggregates become hidden columns of
   * the summarize, and a project (marked ofSummarize, appended by tabularFrom) computes the items.
   */
  private summarizeValues(op: Extract<A.TabularOp, { op: 'summarize' }>, input: Schema, by: NamedExpr[], names: Namer, isAggregate: IsAggregateCall): OpWithoutSchema | undefined {
    const written = op.aggregates.flatMap((i) => [i.name ?? '', ...(i.tuple ?? []).map((t) => t.name)]);
    const prefix = hiddenPrefix([...input.map((c) => c.name), ...by.map((b) => b.name), ...written]);
    const aggregates: Aggregate[] = [];
    const columns: NamedExpr[] = by.map((b) => ({ name: b.name, expr: { kind: 'column', name: b.name, type: b.expr.type, span: b.expr.span }, explicitName: false }));
    // Hidden column -> the name Kusto gives the aggregate (`tostring(count())` is named count_).
    const defaultNames = new Map<string, string | undefined>();
    for (const item of op.aggregates) {
      const e = withoutParens(item.expr);
      const plain = e.kind === 'call' && isAggregate(e);
      if (plain || aggregateCalls(e, isAggregate).length === 0) {
        const a = this.aggregate({ ...item, expr: e }, input, by, names);
        if (!a) return undefined;
        aggregates.push(a);
        for (const o of a.outputs) columns.push({ name: o.name, expr: { kind: 'column', name: o.name, type: o.type, span: a.span }, explicitName: false });
        continue;
      }
      if (this.rejectTuple(item)) return undefined;
      const bare = namesOutsideAggregates(e, isAggregate).find((n) => input.some((c) => c.name === n.name));
      if (bare) {
        this.report('NotAnAggregate', [bare.name], bare.span, `a column is read inside summarize through an aggregate (take_any(${bare.name}), max(${bare.name}), ...) or grouped with by`);
        return undefined;
      }
      const hidden: Column[] = [];
      let failed = false;
      const rewritten = replaceAggregateCalls(e, isAggregate, (call) => {
        const name = `${prefix}${aggregates.length}`;
        const a = failed ? undefined : this.aggregate({ name, expr: call, span: call.span }, input, by, new Namer([]));
        if (a && a.outputs.length > 1) this.report('TypeMismatch', [`${call.name} has several output columns and cannot be used inside an expression; give it its own summarize item`], call.span);
        if (!a || a.outputs.length > 1) {
          failed = true;
          return call;
        }
        aggregates.push(a);
        hidden.push(a.outputs[0]!);
        defaultNames.set(name, aggregateName(lookup(call.name) as AggregateEntry, a.args));
        return { kind: 'name', name, span: call.span };
      });
      if (failed) return undefined;
      const value = this.expr(rewritten, hidden);
      if (!value) return undefined;
      const valueName = (x: ScalarExpr): string | undefined => deriveName(x, (c) => defaultNames.get(c));
      const name = this.claimName(names, item.name, () => valueName(value) ?? names.nextColumn(), item.name !== undefined, false, item.span);
      if (name === undefined) return undefined;
      columns.push({ name, expr: value, explicitName: item.name !== undefined });
    }
    const summarize: OpWithoutSchema = { op: 'summarize', aggregates, by, span: op.span };
    this.followUps.set(summarize, { op: 'project', columns, ofSummarize: true, span: op.span });
    return summarize;
  }

  private aggregate(item: A.Assignment, input: Schema, by: readonly NamedExpr[], names: Namer): Aggregate | undefined {
    const e = item.expr;
    if (e.kind !== 'call') {
      this.report('NotAnAggregate', [this.source(e.span)], e.span);
      return undefined;
    }
    const entry = lookup(e.name);
    if (!entry || entry.kind !== 'aggregate') {
      if (!entry) this.reportUnknownFunction(e);
      else this.report('NotAnAggregate', [e.name], e.nameSpan);
      return undefined;
    }
    if (!this.checkArity(e, entry)) return undefined;
    const multi = entry.multiOutput === true;
    const args: ScalarExpr[] = [];
    let star: { at: number; count: number } | undefined;
    for (const a of e.args) {
      if (a.ops.length === 0 && a.source.kind === 'star') {
        if (!multi && !(entry.name === 'count' && e.args.length === 1)) {
          this.report('TypeMismatch', [`'*' is not an argument of ${entry.name}`], a.span);
          return undefined;
        }
        if (entry.name === 'count') break; // count(*) == count()
        const taken = new Set([...by.map((b) => b.name), ...args.map((x) => (x.kind === 'column' ? x.name : ''))]);
        const at = args.length;
        for (const c of input) if (!taken.has(c.name)) args.push(col(c, a.span));
        star = { at, count: args.length - at };
        continue;
      }
      const bound = this.bindPipe(a, input);
      if (!bound || 'source' in bound) {
        if (bound) this.report('NotTabular', ['expected a scalar argument, not a table'], a.span);
        return undefined;
      }
      args.push(bound);
    }
    const t = this.callType(entry, args);
    if (typeof t !== 'string') {
      this.report('TypeMismatch', [t.error], e.span);
      return undefined;
    }
    this.reportApproximation(entry, args, e.span);
    if (!multi && this.rejectTuple(item)) return undefined;
    if (multi) {
      const given = entry.outputsOf?.(deriveName(args[0]!), args[0]!.type, args.map((x) => (x.kind === 'literal' ? x.value : undefined)));
      if (typeof given === 'string') {
        this.report('TypeMismatch', [given], e.span);
        return undefined;
      }
      const columns = given ?? args.map((x) => ({ name: deriveName(x), type: x.type }));
      if (item.tuple && item.tuple.length !== columns.length) {
        this.report('TypeMismatch', [`${entry.name} here outputs ${columns.length} columns but ${item.tuple.length} names are given`], item.span);
        return undefined;
      }
      const outputs = columns.map((x, i) => ({
        name: item.tuple?.[i]?.name ?? (i === 0 && item.name !== undefined ? item.name : names.unique(x.name ?? names.nextColumn(), false)),
        type: x.type,
      }));
      outputs.forEach((o) => names.take(o.name));
      return { fn: entry.name, args, outputs, explicitName: item.name !== undefined || item.tuple !== undefined, ...(star ? { star } : {}), span: e.span };
    }
    const name = this.claimName(names, item.name, () => aggregateName(entry, args) ?? names.nextColumn(), item.name !== undefined, false, item.span);
    if (name === undefined) return undefined;
    return { fn: entry.name, args, outputs: [{ name, type: t }], explicitName: item.name !== undefined, span: e.span };
  }

  /** An argument of `fn` bound as a scalar (a table is an error). */
  private scalarArg(fn: string, a: A.PipeExpr, row: Schema): ScalarExpr | undefined {
    const bound = this.bindPipe(a, row);
    if (!bound || !('source' in bound)) return bound;
    this.report('NotTabular', [`${fn} takes scalar arguments, not a table`], a.span);
    return undefined;
  }

  /** A call's arguments bound as scalars (a table argument is an error). */
  private scalarArgs(e: A.CallExpr, row: Schema): ScalarExpr[] | undefined {
    const args: ScalarExpr[] = [];
    for (const a of e.args) {
      const bound = this.scalarArg(e.name, a, row);
      if (!bound) return undefined;
      args.push(bound);
    }
    return args;
  }

  private checkArity(e: A.CallExpr, entry: { name: string; arity: readonly [number, number] }): boolean {
    const [min, max] = entry.arity;
    const n = e.args.length;
    if (n < min || n > max) {
      const expected = min === max ? String(min) : max === Infinity || max >= 64 ? `at least ${min}` : `${min} to ${max}`;
      this.report('WrongArgCount', [entry.name, expected, n], e.span);
      return false;
    }
    return true;
  }

  private reportUnknownFunction(e: A.CallExpr): void {
    if (e.name === '_GetWatchlist' || functionsOf(this.tables).has(e.name)) {
      this.report('NotTabular', [`${e.name}(...) is a tabular function: use it as a table (${e.name}(...) | ...), not as a scalar`], e.nameSpan);
      return;
    }
    if (KNOWN_UNSUPPORTED.has(e.name)) {
      this.report('UnknownFunction', [e.name, ' (a Kusto function detc does not compile yet)'], e.nameSpan);
      return;
    }
    this.report('UnknownFunction', [e.name, didYouMean(e.name, functionNames())], e.nameSpan);
  }

  /** Bind a scalar expression against the columns in `row`. */
  private expr(e: A.Expr, row: Schema): ScalarExpr | undefined {
    switch (e.kind) {
      case 'literal':
        return { kind: 'literal', type: e.literal.type, value: e.literal.value, span: e.span };
      case 'name': {
        const c = row.find((x) => x.name === e.name);
        if (c) return { kind: 'column', name: c.name, type: c.type, span: e.span };
        const param = this.scope.params?.get(e.name);
        if (param) return param;
        const l = this.lets.get(e.name);
        if (l?.kind === 'scalar') return { kind: 'letRef', name: e.name, type: l.type, span: e.span };
        if (l?.kind === 'failed') return undefined; // already reported at the let
        if (l?.kind === 'tabular' || this.tables.get(e.name)) {
          this.report('NotTabular', [`'${e.name}' is a table; a scalar is expected here`], e.span);
          return undefined;
        }
        if (this.unpackedName(e.name)) return { kind: 'column', name: e.name, type: 'dynamic', span: e.span };
        const candidates = [...row.map((x) => x.name), ...[...this.lets.entries()].filter(([, v]) => v.kind === 'scalar').map(([k]) => k)];
        const suggestion = closest(e.name, candidates);
        this.report('UnknownColumn', [e.name, suggestion && suggestion !== e.name ? ` (did you mean '${suggestion}'?)` : ''], e.span);
        return undefined;
      }
      case 'member':
        return this.member(e, row);
      case 'index': {
        const target = this.expr(e.target, row);
        const index = this.expr(e.index, row);
        if (!target || !index) return undefined;
        if (target.type !== 'dynamic') {
          this.report('MemberOfNonDynamic', [this.source(e.target.span), target.type, this.source(e.index.span), `; use parse_json(${this.source(e.target.span)})[${this.source(e.index.span)}]`], e.span);
          return undefined;
        }
        const key = index.kind === 'literal' && (typeof index.value === 'string' || typeof index.value === 'number') ? index.value : index;
        return { kind: 'member', target, key, bracket: true, type: 'dynamic', span: e.span };
      }
      case 'call':
        return this.call(e, row);
      case 'binary':
        return this.binary(e, row);
      case 'unary': {
        const operand = this.expr(e.operand, row);
        if (!operand) return undefined;
        if (e.op === '+') return operand;
        if (operand.kind === 'literal' && typeof operand.value === 'number') return { ...operand, value: -operand.value, span: e.span };
        return this.typed('negate', [operand], e.span);
      }
      case 'paren': {
        const inner = this.bindPipe(e.inner, row);
        if (inner && 'source' in inner) {
          this.report('NotTabular', ['a tabular expression cannot be used as a scalar here'], e.span);
          return undefined;
        }
        return inner;
      }
      case 'star':
        this.report('TypeMismatch', ["'*' is not allowed here"], e.span);
        return undefined;
      case 'unsupportedSource':
        this.report('UnsupportedOperator', [e.name, ''], e.span);
        return undefined;
      case 'union':
      case 'datatable':
      case 'print':
      case 'range':
      case 'externaldata':
        this.report('NotTabular', [`${e.kind} makes a table; a scalar is expected here`], e.span);
        return undefined;
    }
  }

  private member(e: A.MemberExpr, row: Schema): ScalarExpr | undefined {
    const target = this.expr(e.target, row);
    if (!target) return undefined;
    if (target.type === 'dynamic') return { kind: 'member', target, key: e.name, bracket: false, type: 'dynamic', span: e.span };
    const targetText = this.source(e.target.span);
    const hint = target.type === 'string' ? `use parse_json(${targetText}).${e.name}` : undefined;
    this.report('MemberOfNonDynamic', [targetText, target.type, e.name, target.type === 'string' ? ' (a string column holding JSON must be parsed first)' : ''], e.nameSpan, hint);
    return undefined;
  }

  private call(e: A.CallExpr, row: Schema): ScalarExpr | undefined {
    if (this.lets.get(e.name)?.kind === 'failed') return undefined; // a let function already reported
    if (WINDOW_FUNCTIONS.has(e.name) && !this.scope.localFunctions.has(e.name)) return this.windowCall(e, row);
    if (this.scope.localFunctions.has(e.name)) return this.scalarFunctionCall(e, row);
    const typeName = TYPE_NAMES[e.name];
    if (typeName && e.args.length === 1) return this.typedLiteral(e, typeName, row);
    const entry = lookup(e.name);
    if (!entry || !(entry.kind === 'aggregate' || 'call' in entry.kql)) {
      this.reportUnknownFunction(e);
      return undefined;
    }
    if (entry.kind === 'aggregate') {
      this.report('AggregateOutsideSummarize', [e.name], e.nameSpan);
      return undefined;
    }
    if (!this.checkArity(e, entry)) return undefined;
    if (entry.name === 'column_ifexists' || entry.name === 'columnifexists') return this.columnIfExists(e, entry.name, row);
    if (entry.name === 'typeof') return this.typeOf(e);
    if (entry.name === 'toscalar') return this.toScalar(e, row);
    // The row's _TimeReceived (a standard column) stands for the hidden ingestion time (catalog: ingestion_time).
    if (entry.name === 'ingestion_time') {
      const received = row.find((c) => c.name === '_TimeReceived' && c.type === 'datetime');
      return this.typed('ingestion_time', [received ? col(received, e.span) : { kind: 'literal', type: 'datetime', value: null, span: e.span }], e.span);
    }
    const args = this.scalarArgs(e, row);
    if (!args) return undefined;
    if (e.name === 'datetime_diff' && !(args[0]!.kind === 'literal' && typeof args[0]!.value === 'string')) {
      this.report('ConstantRequired', ["datetime_diff's first argument (the unit)"], e.args[0]!.span);
      return undefined;
    }
    return this.typed(entry.name, args, e.span);
  }

  /**
   * `column_ifexists("Name", default)`: its type is the column's when the row has it, else the
   * default's, so it is resolved here. Bound as the call with the column in place of the default
   * when the column exists (the emitted KQL then names the column, which Kusto accepts only if the
   * workspace has it too: a schema difference shows at deployment, not as silently other rows).
   */
  private columnIfExists(e: A.CallExpr, fn: string, row: Schema): ScalarExpr | undefined {
    const name = this.bindPipe(e.args[0]!, row);
    if (!name || 'source' in name || name.kind !== 'literal' || typeof name.value !== 'string') {
      if (name) this.report('ConstantRequired', [`${fn}'s first argument (the column name)`], e.args[0]!.span);
      return undefined;
    }
    const column = row.find((c) => c.name === name.value);
    const unpacked = column ? this.openRow?.names.includes(column.name) : this.unpackedName(name.value, false);
    if (column && !unpacked) return this.typed(fn, [name, col(column, e.args[1]!.span)], e.span);
    const dflt = this.scalarArg(fn, e.args[1]!, row);
    if (!dflt) return undefined;
    if (!unpacked) return this.typed(fn, [name, dflt], e.span);
    // After bag_unpack the column exists when the data has the property: the call keeps its default and
    // reads the unpacked column as a third argument (the KQL output writes the two written ones).
    return { kind: 'call', fn, args: [name, dflt, { kind: 'column', name: name.value, type: 'dynamic', span: e.args[0]!.span }], type: dflt.type, span: e.span };
  }

  /** `toscalar(T | ...)`: the first column of the table's first row; of a scalar, the scalar itself. */
  private toScalar(e: A.CallExpr, row: Schema): ScalarExpr | undefined {
    const arg = this.scalarOrFirstColumn(e.args[0]!, row, 'given to toscalar');
    return arg?.kind === 'subquery' ? this.typed('toscalar', [arg], e.span) : arg;
  }

  /**
   * `typeof(T)`, the argument that gives extract/extract_json their result type: a call without
   * arguments whose type is T (the catalog's type rules see types only).
   */
  private typeOf(e: A.CallExpr): ScalarExpr | undefined {
    const arg = e.args[0]!;
    const type = arg.ops.length === 0 && arg.source.kind === 'name' ? TYPE_NAMES[arg.source.name] : undefined;
    if (!type) {
      this.report('TypeMismatch', [`typeof needs a type name (string, long, int, real, bool, datetime, timespan, guid, dynamic)`], arg.span);
      return undefined;
    }
    return { kind: 'call', fn: 'typeof', args: [], type, span: e.span };
  }

  /** `long(5)`, `datetime(null)`, `timespan(1d)`, `bool(true)`. */
  private typedLiteral(e: A.CallExpr, type: ScalarType, row: Schema): ScalarExpr | undefined {
    const arg = e.args[0]!;
    if (arg.ops.length === 0 && arg.source.kind === 'name' && arg.source.name === 'null') return { kind: 'literal', type, value: null, span: e.span };
    const bound = this.bindPipe(arg, row);
    if (!bound || 'source' in bound || bound.kind !== 'literal') {
      if (bound) this.report('BadLiteral', [`${e.name}(...) needs a constant value`], arg.span);
      return undefined;
    }
    // https://learn.microsoft.com/kusto/query/scalar-data-types/timespan: timespan(n) is n days.
    const days = type === 'timespan' && typeof bound.value === 'number' && bound.type !== 'timespan';
    return { kind: 'literal', type, value: bound.type === type ? bound.value : days ? Math.round((bound.value as number) * TICKS_PER_DAY) : coerce(bound.value, type, bound.type), span: e.span };
  }

  /**
   * The catalog's type rule, except that coalesce of a column bag_unpack or pivot made from the data
   * is dynamic: Kusto.Language types such a column `unknown` and accepts it beside any other type,
   * giving coalesce `unknown` (dynamic to detc) as its type.
   */
  private callType(entry: NonNullable<ReturnType<typeof lookup>>, args: readonly ScalarExpr[]): ReturnType<NonNullable<ReturnType<typeof lookup>>['type']> {
    if (entry.name === 'coalesce' && args.some((a) => this.isUnpacked(a))) return 'dynamic';
    return entry.type(args.map((a) => a.type));
  }

  /** Apply the catalog's type rule to a call of `fn`; report a type error at `span`. */
  private typed(fn: string, args: ScalarExpr[], span: A.Span): ScalarExpr | undefined {
    if (PRINTS_ARGUMENTS.has(fn)) args = args.map((a) => (isHashWithoutModulo(a) ? this.exactHash(a, hashAsText(a)) : a));
    if (fn === '%' && isHashWithoutModulo(args[0]!) && (args[1]!.type === 'long' || args[1]!.type === 'int')) return this.exactHash(args[0], hashRemainder(args[0], args[1]!, span));
    const entry = lookup(fn)!;
    const t = this.callType(entry, args);
    if (typeof t !== 'string') {
      this.report('TypeMismatch', [t.error], span);
      return undefined;
    }
    this.reportApproximation(entry, args, span);
    return { kind: 'call', fn, args, type: t, span, ...(entry.kind === 'scalar' && entry.outputs ? { output: 0 } : {}) };
  }

  /** A hash(x) computed exactly where it is used (exact-hash.ts): its rounding warning no longer applies. */
  private exactHash(hash: Extract<ScalarExpr, { kind: 'call' }>, exact: ScalarExpr): ScalarExpr {
    const i = this.problems.findIndex((p) => p.fact === 'EvaluatorApproximation' && p.span === hash.span);
    if (i >= 0) this.problems.splice(i, 1);
    this.reportApproximation(lookup(hash.fn)!, (exact as typeof hash).args, hash.span);
    return exact;
  }

  /** A warning where the catalog says the JS evaluator differs from Kusto for these arguments. */
  private reportApproximation(entry: CatalogEntry, args: readonly ScalarExpr[], span: A.Span): void {
    const note = entry.approximation?.(args.map((a) => a.type), args.map((a) => (a.kind === 'literal' ? a.value : undefined)));
    if (note) this.report('EvaluatorApproximation', [note], span);
  }

  private binary(e: A.BinaryExpr, row: Schema): ScalarExpr | undefined {
    const left = this.expr(e.left, row);
    if (Array.isArray(e.right)) {
      const items: ScalarExpr[] = [];
      for (const item of e.right as A.PipeExpr[]) {
        const b = this.scalarOrFirstColumn(item, row, 'in this list');
        if (!b) return undefined;
        items.push(b);
      }
      if (!left) return undefined;
      return this.typed(e.op, [left, ...items], e.span);
    }
    const right = this.expr(e.right as A.Expr, row);
    if (!left || !right) return undefined;
    if (e.op === 'matches regex' && right.kind === 'literal' && typeof right.value === 'string') {
      const problem = regexProblem(right.value);
      if (problem) {
        this.report('BadRegex', [JSON.stringify(right.value), problem], (e.right as A.Expr).span);
        return undefined;
      }
    }
    return this.typed(e.op, [left, right], e.span);
  }

  /**
   * A scalar, or a table as the subquery of its first column: an item of `in (...)`/`has_any (...)`
   * (a scalar, a dynamic array or a one-column table), toscalar's argument. `where` the table is, for a message.
   */
  private scalarOrFirstColumn(item: A.PipeExpr, row: Schema, where: string): ScalarExpr | undefined {
    const b = this.bindPipe(item, row);
    if (!b || !('source' in b)) return b;
    if (b.schema.length === 0) {
      this.report('NotTabular', [`the table ${where} has no columns`], item.span);
      return undefined;
    }
    return { kind: 'subquery', query: b, type: b.schema[0]!.type, span: item.span };
  }

  // ---- Functions: workspace functions, user-defined functions (let f = (...) {...}), watchlists ----

  /** Whether `name` is a function that returns a table (a workspace function or a tabular local one). */
  private isTabularFunction(name: string): boolean {
    if (name === '_GetWatchlist' || name === 'table' || functionsOf(this.tables).has(name)) return true;
    return this.scope.localFunctions.get(name)?.tabular === true;
  }

  private defineLocalFunction(stmt: A.LetStmt, f: A.FunctionLiteral): void {
    const typed = functionParams(f.params);
    if ('unknown' in typed) {
      this.report('TypeMismatch', [`parameter ${typed.unknown.name} of ${stmt.name} has unknown type '${typed.unknown.type}'`], stmt.nameSpan);
      this.lets.set(stmt.name, { kind: 'failed' });
      return;
    }
    const params = typed.params;
    const parsed = parseQuery(f.body);
    this.scope.localFunctions.set(stmt.name, { name: stmt.name, params, body: f.body, parsed, bodyOffset: f.bodyOffset, tabular: this.endsTabular(parsed.ast, params), lets: this.lets });
  }

  /**
   * Whether a function body's result is a table: its final expression read with its parameters and
   * own lets in scope. A bare name is a table unless it names a scalar (a table the workspace lacks
   * is then reported as such, not as a scalar function used as a table).
   */
  private endsTabular(ast: A.QueryAst, params: readonly FunctionParam[]): boolean {
    const scalars = new Set(params.map((p) => p.name));
    const tabular = (p: A.PipeExpr): boolean => {
      if (p.ops.length > 0) return true;
      const s = p.source;
      if (s.kind === 'name') return !scalars.has(s.name) && !this.scope.params?.has(s.name) && this.lets.get(s.name)?.kind !== 'scalar';
      return this.isTabularSource(s, []);
    };
    for (const l of ast.lets) if (!l.function && !tabular(l.value)) scalars.add(l.name);
    return ast.body !== undefined && tabular(ast.body);
  }

  /** The bound arguments of a call, by parameter (defaults filled in), or undefined after reporting. */
  private callArguments(e: A.CallExpr | A.NameExpr, params: readonly FunctionParam[], row: Schema): Map<string, ScalarExpr> | undefined {
    const args = e.kind === 'call' ? e.args : [];
    const names = e.kind === 'call' ? e.argNames ?? [] : [];
    const given = new Map<string, A.PipeExpr>();
    for (const [i, a] of args.entries()) {
      const named = names[i];
      const param = named ? params.find((p) => p.name === named.name) : params[i];
      if (!param) {
        if (named) this.report('UnknownName', [named.name, ` (not a parameter of ${e.name}${didYouMean(named.name, params.map((p) => p.name))}; its parameters: ${params.map((p) => p.name).join(', ') || 'none'})`], named.span);
        else this.report('WrongArgCount', [e.name, `at most ${params.length}`, args.length], e.span);
        return undefined;
      }
      given.set(param.name, a);
    }
    const out = new Map<string, ScalarExpr>();
    for (const p of params) {
      if (p.type === 'tabular') {
        this.report('FunctionInvalid', [`${e.name} takes a tabular parameter (${p.name}), which detc does not compile yet`], e.span);
        return undefined;
      }
      const a = given.get(p.name);
      let bound: Tabular | ScalarExpr | undefined;
      if (a) bound = this.bindPipe(a, row);
      else if (p.default !== undefined) bound = this.constantDefault(e, p);
      else {
        this.report('FunctionInvalid', [`${e.name} needs a value for its parameter ${p.name} (${p.type}), which has no default`], e.span);
        return undefined;
      }
      if (!bound) return undefined;
      if ('source' in bound) {
        this.report('NotTabular', [`${e.name}'s parameter ${p.name} takes a scalar, not a table`], a?.span ?? e.span);
        return undefined;
      }
      // A typed null or an argument of another type is taken as the parameter's type, as Kusto converts.
      out.set(p.name, bound.kind === 'literal' && bound.value === null ? { ...bound, type: p.type } : bound);
    }
    return out;
  }

  /** A parameter's default (KQL text from the function's declaration), bound on its own. */
  private constantDefault(e: A.CallExpr | A.NameExpr, p: FunctionParam): ScalarExpr | undefined {
    const parsed = parseQuery(p.default!);
    const binder = new Binder(this.tables, p.default!, { ...this.scope, params: undefined, localFunctions: new Map() });
    binder.acceptScalarBody = true;
    const r = parsed.problems.length ? undefined : (binder.bind(parsed.ast), binder.scalarResult);
    if (!r || binder.problems.length) {
      this.report('FunctionInvalid', [`the default of ${e.name}'s parameter ${p.name} (${p.default}) is not a constant detc can read`], e.span);
      return undefined;
    }
    return relocate(r, e.span, new Map());
  }

  /** A workspace function, user-defined function or watchlist as a query source. */
  private functionSource(e: A.CallExpr | A.NameExpr): Source | undefined {
    if (e.name === '_GetWatchlist') return this.watchlistSource(e);
    if (e.name === 'table' && e.kind === 'call') return this.tableByName(e);
    const local = this.scope.localFunctions.get(e.name);
    const ws = functionsOf(this.tables).get(e.name);
    if (!local && !ws) {
      if (e.kind === 'call') this.report('UnknownFunction', [e.name, `${didYouMean(e.name, [...functionsOf(this.tables).keys()])}; ${FUNCTION_ADVICE}`], e.nameSpan);
      else this.reportUnknownSource(e);
      return undefined;
    }
    const params = local?.params ?? ws!.params;
    if (this.scope.stack.includes(e.name)) {
      this.report('FunctionInvalid', [`function ${e.name} calls itself (${[...this.scope.stack, e.name].join(' -> ')}); Kusto does not allow recursive functions`], e.span);
      return undefined;
    }
    const args = this.callArguments(e, params, []);
    if (!args) return undefined;
    const call = this.source(e.span);
    if (!local && ws!.body === undefined) {
      // Signature only: the declared columns; its rows are the events keyed by its name.
      return { kind: 'table', table: e.name, span: e.span, schema: ws!.columns ?? [], call };
    }
    const body = local ? local.parsed : parsedBody(ws!);
    const stand = local ? undefined : ws!.columns ? { columns: ws!.columns, from: 'its signature' } : standInFor(standInTable(this.tables, e.name), e.name);
    const bound = this.bindFunctionBody(e, body, args, local, false, stand !== undefined);
    if (bound && 'fallback' in bound && stand) {
      // The body uses what detc does not compile: its declared columns stand in for its output.
      this.report('FunctionSignatureUsed', [`${bound.fallback}; the columns of ${stand.from} are used instead, and the JS evaluator reads its output from events keyed '${e.name}'`], e.span);
      return { kind: 'table', table: e.name, span: e.span, schema: stand.columns, call };
    }
    if (!bound || !('ir' in bound) || !bound.ir) return undefined;
    const n = ++this.scope.calls.count;
    const resultName = `${e.name}#${n}`;
    const renames = new Map(bound.ir.lets.map((l) => [l.name, `${resultName}.${l.name}`] as const));
    const mark = local ? {} : { fromFunction: e.name };
    for (const l of bound.ir.lets) this.hoisted.push({ ...relocate(l, e.span, renames), name: renames.get(l.name)!, ...mark });
    const value = relocate(bound.ir.body, e.span, renames);
    this.hoisted.push({ kind: 'tabular', name: resultName, value, span: e.span, ...mark, ...(local ? {} : { functionOutput: e.name }) });
    for (const t of bound.ir.tables) this.tablesUsed.add(t);
    return { kind: 'letTable', name: resultName, span: e.span, schema: value.schema, ...(local ? {} : { call }) };
  }

  /**
   * `T | invoke f(args)` (https://learn.microsoft.com/kusto/query/invoke-operator): the piped table is
   * f's first parameter, which must be tabular. The pipe so far becomes a let (`f#N.T`) the body
   * reads; the body binds with that table's columns, so its output has them as Kusto.Language's does.
   */
  private bindInvoke(op: Extract<A.TabularOp, { op: 'invoke' }>, input: Tabular): Source | undefined {
    const e = op.call;
    if (e.kind !== 'call') {
      this.report('TypeMismatch', ['invoke needs a function call with its argument list: T | invoke f() or T | invoke f(arg, ...)'], e.span);
      return undefined;
    }
    const local = this.scope.localFunctions.get(e.name);
    const ws = functionsOf(this.tables).get(e.name);
    if (!local && !ws) {
      this.report('UnknownFunction', [e.name, `${didYouMean(e.name, [...this.scope.localFunctions.keys(), ...functionsOf(this.tables).keys()])}; invoke calls a function declared with let f = (T:(*), ...) {...} or a workspace function`], e.nameSpan);
      return undefined;
    }
    const params = local?.params ?? ws!.params;
    const table = params[0];
    if (!table || table.type !== 'tabular') {
      this.report('FunctionInvalid', [`invoke passes the table to ${e.name}'s first parameter, which must be tabular (T:(*)); ${e.name} has ${table ? `${table.name}:${table.type} first` : 'no parameters'}`], e.nameSpan);
      return undefined;
    }
    if (!local && ws!.body === undefined) {
      this.report('FunctionInvalid', [`${e.name} is declared without a body (signature only), so detc cannot bind what invoke returns; declare its body with --functions`], e.nameSpan);
      return undefined;
    }
    // A user-defined function is itself only as the same definition: a body may declare another of its name.
    if (local ? this.scope.localStack?.includes(local) : this.scope.stack.includes(e.name)) {
      this.report('FunctionInvalid', [`function ${e.name} calls itself (${[...this.scope.stack, e.name].join(' -> ')}); Kusto does not allow recursive functions`], e.span);
      return undefined;
    }
    const args = this.callArguments(e, params.slice(1), []);
    if (!args) return undefined;
    const resultName = `${e.name}#${++this.scope.calls.count}`;
    const inputName = `${resultName}.${table.name}`;
    const bound = this.bindFunctionBody(e, local ? local.parsed : parsedBody(ws!), args, local, false, false, new Map([[table.name, input.schema]]));
    if (!bound || !('ir' in bound) || !bound.ir) return undefined;
    // The input is a let of the query (written in the KQL output); the body's lets are named after the call.
    this.hoisted.push({ kind: 'tabular', name: inputName, value: input, span: op.span });
    const renames = new Map([...bound.ir.lets.map((l) => [l.name, `${resultName}.${l.name}`] as const), [table.name, inputName]]);
    const mark = local ? {} : { fromFunction: e.name };
    for (const l of bound.ir.lets) this.hoisted.push({ ...relocate(l, e.span, renames), name: renames.get(l.name)!, ...mark });
    const value = relocate(bound.ir.body, e.span, renames);
    this.hoisted.push({ kind: 'tabular', name: resultName, value, span: e.span, ...mark });
    for (const t of bound.ir.tables) this.tablesUsed.add(t);
    // A workspace function's body stays in the workspace: the KQL output invokes it on the input let
    // (its name, made of identifier characters, '#' and '.', written quoted as KQL writes such names).
    const call = local ? undefined : `['${inputName}'] | invoke ${this.source(e.span)}`;
    return { kind: 'letTable', name: resultName, span: e.span, schema: value.schema, ...(call ? { call } : {}) };
  }

  /** Bind a function's body with `args` for its parameters (and `tables` for its tabular ones); its problems are reported here. */
  private bindFunctionBody(e: A.CallExpr | A.NameExpr, parsed: ParseResult, args: Map<string, ScalarExpr>, local: LocalFunction | undefined, scalar = false, canFallBack = false, tables?: ReadonlyMap<string, Schema>): (BindResult & { scalar?: ScalarExpr }) | { fallback: string } | undefined {
    const body = local ? local.body : functionsOf(this.tables).get(e.name)!.body!;
    // A user-defined function also sees the parameters of the function it is declared in.
    const params = local && this.scope.params ? new Map([...this.scope.params, ...args]) : args;
    const localStack = local ? [...(this.scope.localStack ?? []), local] : this.scope.localStack;
    const scope: FunctionScope = { calls: this.scope.calls, stack: [...this.scope.stack, e.name], ...(localStack ? { localStack } : {}), params, localFunctions: local ? this.scope.localFunctions : new Map(), inWorkspaceFunction: !local || this.scope.inWorkspaceFunction };
    const binder = new Binder(this.tables, body, scope);
    // A user-defined function sees the query's lets declared before it.
    if (local) for (const [k, v] of local.lets) binder.lets.set(k, v);
    for (const [k, schema] of tables ?? []) binder.lets.set(k, { kind: 'tabular', schema });
    binder.acceptScalarBody = scalar;
    const result = binder.bind(parsed.ast);
    const problems = [...parsed.problems.map((p) => ({ message: p.message, span: p.span })), ...result.problems.filter((p) => !isWarning(p)).map((p) => ({ message: makeDiagnostic(p.fact, p.args).message, span: p.span }))];
    if (problems.length === 0) {
      // Legs a union in the body left out are the caller's to know about too.
      for (const p of result.problems) if (p.fact === 'UnionLegLeftOut') this.report(p.fact, [`in the body of ${e.name}: ${p.args[0]}`], e.span);
      return { ...result, scalar: binder.scalarResult };
    }
    const first = problems[0]!;
    if (local) {
      const at = { start: local.bodyOffset + first.span.start, end: local.bodyOffset + first.span.end };
      // In a workspace function's body, a table it reads that the workspace lacks (or a workspace
      // function that does not compile) leaves it unresolved. Not in the rule's own query: its KQL
      // output inlines the functions it defines, so a leg left out could not be kept there.
      const unresolved = this.scope.inWorkspaceFunction && parsed.problems.length === 0 && result.problems.every((p) => isWarning(p) || p.fact === 'UnknownTable' || p.unresolvedFunction);
      this.problems.push({ fact: 'FunctionInvalid', args: [`in the body of ${e.name}: ${first.message}`], span: at, ...(unresolved ? { unresolvedFunction: true } : {}) });
    } else {
      const ws = functionsOf(this.tables).get(e.name)!;
      const line = (ws.bodyLine ?? 1) + body.slice(0, first.span.start).split('\n').length - 1;
      const message = `workspace function ${e.name} (${ws.source}:${line}) does not compile: ${first.message}`;
      if (canFallBack) return { fallback: message };
      this.problems.push({ fact: 'FunctionInvalid', args: [message], span: e.span, unresolvedFunction: true });
    }
    return undefined;
  }

  /** A call of a scalar user-defined function: its body's expression with the arguments in place. */
  private scalarFunctionCall(e: A.CallExpr, row: Schema): ScalarExpr | undefined {
    const local = this.scope.localFunctions.get(e.name)!;
    if (local.tabular) {
      this.report('NotTabular', [`${e.name} returns a table; use it as a query source, not as a scalar`], e.span);
      return undefined;
    }
    const args = this.callArguments(e, local.params, row);
    if (!args) return undefined;
    const bound = this.bindFunctionBody(e, local.parsed, args, local, true);
    if (!bound || 'fallback' in bound) return undefined;
    if (!bound.scalar || (bound.ir?.lets.length ?? 0) > 0) {
      this.report('FunctionInvalid', [`${e.name}'s body must be one scalar expression (lets inside a scalar function are not compiled yet)`], e.span);
      return undefined;
    }
    return relocate(bound.scalar, e.span, new Map());
  }

  /** `table('Name')`: the table a constant string names (in functions: `table(tableName)` with the name passed in). */
  private tableByName(e: A.CallExpr): Source | undefined {
    const arg = e.args.length === 1 ? this.bindPipe(e.args[0]!, []) : undefined;
    if (!arg || 'source' in arg || arg.kind !== 'literal' || typeof arg.value !== 'string') {
      if (!arg || !('source' in arg) || e.args.length !== 1) this.report('FunctionInvalid', ["table() takes one argument, a constant string naming a table: table('SigninLogs')"], e.span);
      return undefined;
    }
    const name = arg.value;
    return this.bindSource({ kind: 'name', name, span: e.span });
  }

  /** `_GetWatchlist('alias')`: the watchlist's items, from the workspace's <alias>.csv. */
  private watchlistSource(e: A.CallExpr | A.NameExpr): Source | undefined {
    const arg = e.kind === 'call' && e.args.length === 1 && e.args[0]!.ops.length === 0 ? e.args[0]!.source : undefined;
    if (!arg || arg.kind !== 'literal' || arg.literal.type !== 'string') {
      this.report('FunctionInvalid', ["_GetWatchlist takes one argument, the watchlist's alias as a string literal: _GetWatchlist('Alias')"], e.span);
      return undefined;
    }
    const alias = arg.literal.value as string;
    let w: Pick<Watchlist, 'columns' | 'rows'> | undefined = watchlistsOf(this.tables).get(alias);
    if (!w) {
      // _GetWatchlist reads the workspace's Watchlist table by alias: an alias it lacks gives no rows.
      this.report('UnknownWatchlist', [alias, didYouMean(alias, [...watchlistsOf(this.tables).keys()]), WATCHLIST_ADVICE], arg.span);
      w = { columns: WATCHLIST_COLUMNS, rows: [] };
    }
    const call = `_GetWatchlist(${JSON.stringify(alias).slice(1, -1).includes("'") ? JSON.stringify(alias) : `'${alias}'`})`;
    return { kind: 'table', table: call, span: e.span, schema: w.columns, call, rows: w.rows };
  }
}

/** What function bodies see: the call chain (for cycles), parameters, and user-defined functions. */
interface FunctionScope {
  /** Calls bound so far in the whole query (numbers the lets made from bodies). */
  readonly calls: { count: number };
  readonly stack: readonly string[];
  /** The user-defined functions being bound, by definition (invoke's recursion check). */
  readonly localStack?: readonly LocalFunction[];
  readonly params?: ReadonlyMap<string, ScalarExpr>;
  readonly localFunctions: Map<string, LocalFunction>;
  /** Binding a workspace function's body (whose text the KQL output does not repeat: it keeps the call). */
  readonly inWorkspaceFunction?: boolean;
}

interface LocalFunction {
  readonly name: string;
  readonly params: readonly FunctionParam[];
  readonly body: string;
  /** The body parsed once, when the function is declared. */
  readonly parsed: ParseResult;
  readonly bodyOffset: number;
  readonly tabular: boolean;
  /** The query's lets when it was declared (its body may use them). */
  readonly lets: ReadonlyMap<string, LetBinding>;
}

/** What the binder knows of rows after bag_unpack: its prefix and ignored properties, and the unpacked names used so far. */
interface OpenRow {
  readonly prefix: string;
  readonly ignored: readonly string[];
  readonly names: string[];
  /** The names read other than through column_ifexists. */
  readonly required: Set<string>;
}

/** The plugin whose rows a pipe's open row comes from: its AST operator (the key of its seeds), prefix and ignored properties. */
interface OpenSource {
  readonly op: A.TabularOp;
  readonly prefix: string;
  readonly ignored: readonly string[];
}

/** An open row found in a pass: `seeded` names it had at the start; `fromLet`: a let's, bound in an earlier statement. */
interface Opened {
  readonly op: A.TabularOp;
  readonly row: OpenRow;
  readonly seeded: number;
  readonly fromLet?: true;
}

/** Operators whose output keeps the input's unnamed (unpacked) columns; the others' columns are all named. */
const KEEPS_OPEN = new Set<A.TabularOp['op']>(['where', 'extend', 'serialize', 'sort', 'top', 'take', 'project-away', 'project-rename', 'project-reorder', 'parse', 'parse-where', 'parse-kv', 'mv-expand', 'as']);

/** Operators whose output is serialized, and those that keep serialized input so (issue 27). */
const SERIALIZING = new Set<A.TabularOp['op']>(['serialize', 'sort', 'top']);
const KEEPS_ORDER = new Set<A.TabularOp['op']>(['where', 'extend', 'project', 'project-away', 'project-keep', 'project-rename', 'project-reorder', 'take', 'parse', 'parse-where', 'mv-expand', 'as']);

function regexProblem(pattern: string): string | undefined {
  const r = compileKqlRegex(pattern);
  return r.ok ? undefined : r.error;
}

function col(c: Column, span: A.Span): ScalarExpr {
  return { kind: 'column', name: c.name, type: c.type, span };
}


/**
 * The column name Kusto gives an unnamed expression: a column's own name; `a.b` -> `a_b`;
 * functions that pass their first argument's name (bin, tostring, ...) pass it on. `columnName`:
 * a column's name, where it differs (a summarize value's hidden aggregate: the aggregate's name).
 */
function deriveName(e: ScalarExpr, columnName = (name: string): string | undefined => name): string | undefined {
  const derive = (x: ScalarExpr): string | undefined => deriveName(x, columnName);
  switch (e.kind) {
    case 'column':
      return columnName(e.name);
    case 'letRef':
      return e.name;
    case 'member': {
      const base = derive(e.target);
      return base !== undefined && typeof e.key !== 'object' ? `${base}_${e.key}` : undefined;
    }
    case 'call': {
      const entry = lookup(e.fn);
      if (entry?.kind === 'scalar' && entry.columnName) return entry.columnName;
      if (entry?.kind === 'scalar' && entry.nameOf) return entry.nameOf(e.args, derive);
      if (entry?.kind === 'scalar' && entry.namePrefix) {
        // An argument without a name leaves the bare prefix (gettype(1): `type_`), as Kusto.Language names it.
        return entry.namePrefix + ((e.args[0] && derive(e.args[0])) ?? '');
      }
      return entry?.kind === 'scalar' && entry.passesName && e.args[0] ? derive(e.args[0]) : undefined;
    }
    default:
      return undefined;
  }
}

/** `dcount(IPAddress)` -> `dcount_IPAddress`; `count()` -> `count_`; `countif(p)` -> `countif_`. */
function aggregateName(entry: AggregateEntry, args: readonly ScalarExpr[]): string | undefined {
  if (!entry.namedByArg || args.length === 0) return `${entry.columnPrefix}_`;
  const n = deriveName(args[0]!);
  return n === undefined ? undefined : `${entry.columnPrefix}_${n}`;
}

/** Unique output names: duplicates get 1, 2, ... as Kusto does; unnamed columns are Column1, ... */
class Namer {
  private readonly used: Set<string>;
  private columns = 0;
  constructor(existing: readonly string[]) {
    this.used = new Set(existing);
  }
  unique(name: string, allowReplace: boolean): string {
    if (allowReplace || !this.used.has(name)) return name;
    for (let i = 1; ; i++) if (!this.used.has(`${name}${i}`)) return `${name}${i}`;
  }
  private readonly declared = new Set<string>();
  /** `declared`: given in the query or a column's own name, which Kusto never suffixes against another such. */
  take(name: string, declared = false): void {
    this.used.add(name);
    if (declared) this.declared.add(name);
  }
  isDeclared(name: string): boolean {
    return this.declared.has(name);
  }
  /** The next unnamed column's name; taken already, unique() suffixes it (`Column11`), as Kusto.Language does. */
  nextColumn(): string {
    return `Column${++this.columns}`;
  }
}

/** The columns a same-name table gives a workspace function whose body does not compile. */
function standInFor(table: { columns: readonly Column[]; source?: string } | undefined, name: string): { columns: readonly Column[]; from: string } | undefined {
  return table && { columns: table.columns, from: `the table ${name} (${table.source ?? 'declared'})` };
}

/** A union leg naming a function without parentheses, as the pipe that calls it. */
function functionLeg(name: A.NameRef): A.PipeExpr {
  return { kind: 'pipe', source: { kind: 'name', name: name.name, span: name.span }, ops: [], span: name.span };
}
