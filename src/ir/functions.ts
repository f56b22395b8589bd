/**
 * Workspace functions (Sentinel parsers, saved functions), user-defined functions and watchlists:
 * their definitions, the table catalog that carries them, and the IR rewrites the backends use.
 *
 * How a call is bound (binder.ts): a function with a body is bound by binding its body with the
 * call's arguments in place of its parameters; the body's lets and its result become lets of the
 * query, marked `fromFunction`, and the call reads the result let. A signature-only function, and
 * a watchlist, is a table source with the declared columns.
 */
import { typeNamed } from '../catalog/catalog.js';
import type { FunctionLiteral, Span } from '../query/ast.js';
import { parseQuery, type ParseResult } from '../query/parser.js';
import { TableCatalog, type TableSchema, type TableSource } from './tables.js';
import { sourceCall, type Column, type Let, type QueryIR, type ScalarType, type Tabular } from './types.js';
import { isData, objectsIn } from './walk.js';

export interface FunctionParam {
  readonly name: string;
  /** A scalar type, or 'tabular' for `T:(*)`-style parameters. */
  readonly type: ScalarType | 'tabular';
  /** The default value as KQL text, when the parameter is optional. */
  readonly default?: string;
}

/** A function literal's parameters with their types, or the first one whose type detc does not know. */
export function functionParams(written: FunctionLiteral['params']): { params: FunctionParam[] } | { unknown: FunctionLiteral['params'][number] } {
  const params: FunctionParam[] = [];
  for (const p of written) {
    const type = p.type === 'tabular' ? 'tabular' : typeNamed(p.type);
    if (!type) return { unknown: p };
    params.push({ name: p.name, type, ...(p.default !== undefined ? { default: p.default } : {}) });
  }
  return { params };
}

export interface WorkspaceFunction {
  readonly name: string;
  readonly params: readonly FunctionParam[];
  /** The KQL body; absent for a signature-only declaration. */
  readonly body?: string;
  /** Declared output columns (signature-only JSON), used when there is no body. */
  readonly columns?: readonly Column[];
  /** The file it came from. */
  readonly source: string;
  /** 1-based line of the file where the body starts (for messages). */
  readonly bodyLine?: number;
}

export interface Watchlist {
  readonly alias: string;
  readonly columns: readonly Column[];
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  readonly source: string;
}

const NO_FUNCTIONS: ReadonlyMap<string, WorkspaceFunction> = new Map();
const NO_WATCHLISTS: ReadonlyMap<string, Watchlist> = new Map();

/** A table catalog that also knows the workspace's functions and watchlists. */
class WorkspaceCatalog extends TableCatalog {
  constructor(
    tables: Iterable<TableSchema>,
    fallback: TableSource | undefined,
    readonly functions: ReadonlyMap<string, WorkspaceFunction>,
    readonly watchlists: ReadonlyMap<string, Watchlist>,
  ) {
    super(tables, fallback);
  }
  /**
   * A function hides a table of its name: Sentinel's CustomTables folder has stand-in tables for
   * some parsers (CiscoDuo), and the function, with its body, is the more exact of the two.
   */
  override get(name: string): TableSchema | undefined {
    return this.functions.has(name) ? undefined : super.get(name);
  }
  /** The table a function of the same name hides (a stand-in schema for it), if any. */
  standInTable(name: string): TableSchema | undefined {
    return super.get(name);
  }
  override names(): string[] {
    return super.names().filter((n) => !this.functions.has(n));
  }
  override with(tables: Iterable<TableSchema>): TableCatalog {
    return new WorkspaceCatalog(tables, this, this.functions, this.watchlists);
  }
}

const parsedBodies = new WeakMap<WorkspaceFunction, ParseResult>();
/** A function's body parsed, once per function however often it is called. */
export function parsedBody(f: WorkspaceFunction): ParseResult {
  let parsed = parsedBodies.get(f);
  if (!parsed) parsedBodies.set(f, (parsed = parseQuery(f.body ?? '')));
  return parsed;
}

/** `catalog` with functions and watchlists (its tables unchanged). */
export function withFunctions(catalog: TableCatalog, functions: ReadonlyMap<string, WorkspaceFunction>, watchlists: ReadonlyMap<string, Watchlist>): TableCatalog {
  if (functions.size === 0 && watchlists.size === 0) return catalog;
  return new WorkspaceCatalog([], catalog, functions, watchlists);
}

export const standInTable = (c: TableCatalog, name: string): TableSchema | undefined => (c instanceof WorkspaceCatalog ? c.standInTable(name) : undefined);
export const functionsOf = (c: TableCatalog): ReadonlyMap<string, WorkspaceFunction> => (c instanceof WorkspaceCatalog ? c.functions : NO_FUNCTIONS);
export const watchlistsOf = (c: TableCatalog): ReadonlyMap<string, Watchlist> => (c instanceof WorkspaceCatalog ? c.watchlists : NO_WATCHLISTS);

/** What an unknown-name message adds: how to declare a workspace function or watchlist. */
export const FUNCTION_ADVICE =
  'if it is a workspace function (a parser), declare it with --functions FILE|DIR or under functions: in detc.config.yaml (a KQL body file, ASIM or Sentinel function YAML, or signature JSON)';
export const WATCHLIST_ADVICE = 'give watchlists as <alias>.csv files with --watchlists DIR or under watchlists: in detc.config.yaml';

/**
 * Columns every watchlist has besides its CSV's (Microsoft Sentinel's _GetWatchlist output):
 * _DTItemId, LastUpdatedTimeUTC, SearchKey, WatchlistItem (the row as a bag), plus the row's own.
 */
export const WATCHLIST_COLUMNS: readonly Column[] = [
  { name: '_DTItemId', type: 'string' },
  { name: 'LastUpdatedTimeUTC', type: 'datetime' },
  { name: 'SearchKey', type: 'string' },
  { name: 'WatchlistItem', type: 'dynamic' },
];

/**
 * A copy of a bound IR fragment for use in another query: every span becomes `at` (the call
 * site: body spans point into another text), and lets named in `renames` are renamed.
 */
export function relocate<T>(value: T, at: Span, renames: ReadonlyMap<string, string>): T {
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(walk);
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = k === 'span' ? at : isData(o, k) ? x : walk(x);
    if ((o.kind === 'letRef' || o.kind === 'letTable') && typeof o.name === 'string' && renames.has(o.name)) out.name = renames.get(o.name);
    return out;
  };
  return walk(value) as T;
}

/** The names of functions whose output lets the query has. */
export function functionOutputs(ir: QueryIR): string[] {
  return ir.lets.flatMap((l) => (l.kind === 'tabular' && l.functionOutput ? [l.functionOutput] : []));
}

/**
 * The query with the output of the functions in `names` read from events keyed by the function's
 * name instead of computed by its body (normalized events for an ASIM rule's test).
 */
export function readFunctionsFromEvents(ir: QueryIR, names: ReadonlySet<string>): QueryIR {
  const lets = ir.lets.map((l): Let => {
    if (l.kind !== 'tabular' || !l.functionOutput || !names.has(l.functionOutput)) return l;
    const schema = l.value.schema;
    return { ...l, value: { source: { kind: 'table', table: l.functionOutput, span: l.span, schema }, ops: [], schema } };
  });
  return { ...ir, lets };
}

/** Every table source's name, with a watchlist's items where it is one (for the JS evaluator's input). */
export function tableSources(ir: QueryIR): Map<string, readonly unknown[] | undefined> {
  const out = new Map<string, readonly unknown[] | undefined>();
  for (const node of objectsIn(ir)) {
    const o = node as { kind?: unknown; table?: unknown; rows?: unknown };
    if (o.kind === 'table' && typeof o.table === 'string') out.set(o.table, Array.isArray(o.rows) ? o.rows : undefined);
  }
  return out;
}

/**
 * The workspace function a query still reads after inlineFunctionBody (a let made from a body, or
 * a source that is a call), and where: what AQL, which has no functions, names in its message.
 */
export function functionReadBy(ir: QueryIR): { name: string; span: Span } | undefined {
  const fromBody = ir.lets.find((l) => l.fromFunction);
  if (fromBody) return { name: fromBody.fromFunction!, span: fromBody.span };
  const call = sourceCall(ir.body.source);
  return call === undefined ? undefined : { name: call.replace(/\(.*/s, ''), span: ir.body.source.span };
}

/**
 * For targets that cannot keep a call (AQL): the query's body with function lets it reads merged
 * into it (`F | op2` where F is `T | op1` becomes `T | op1 | op2`), while that gives one pipeline.
 * What cannot be merged stays: the backend then names the function in its error.
 */
export function inlineFunctionBody(ir: QueryIR): QueryIR {
  const byName = new Map(ir.lets.flatMap((l) => (l.kind === 'tabular' && l.fromFunction ? [[l.name, l] as const] : [])));
  let body: Tabular = ir.body;
  const used = new Set<string>();
  for (let s = body.source; s.kind === 'letTable' && byName.has(s.name); s = body.source) {
    const l = byName.get(s.name)! as Extract<Let, { kind: 'tabular' }>;
    used.add(l.name);
    body = { source: l.value.source, ops: [...l.value.ops, ...body.ops], schema: body.schema };
  }
  if (used.size === 0) return ir;
  const lets = ir.lets.filter((l) => !used.has(l.name) && !(l.kind === 'tabular' && l.fromFunction && !referenced(l.name, [body, ...ir.lets.filter((x) => !used.has(x.name))])));
  return { ...ir, lets, body };
}

function referenced(name: string, where: readonly unknown[]): boolean {
  for (const node of objectsIn(where)) if ((node as { kind?: unknown }).kind === 'letTable' && (node as { name?: unknown }).name === name) return true;
  return false;
}
