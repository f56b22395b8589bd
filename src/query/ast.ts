/**
 * Syntax tree of a KQL query, as written. Positions are offsets into the query text; the rule
 * loader maps them back to file line/column. No names are resolved here: that is the binder's job.
 */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface QueryAst {
  readonly lets: LetStmt[];
  /** The final tabular expression; absent when a query is only let statements. */
  readonly body?: PipeExpr;
}

export interface LetStmt {
  readonly kind: 'let';
  readonly name: string;
  readonly nameSpan: Span;
  readonly value: PipeExpr;
  readonly span: Span;
  /** `let f = (x:string, y:long = 5) { ... }`: a user-defined function (`value` is then just its name). */
  readonly function?: FunctionLiteral;
}

/** A user-defined function's parameters and body, as written. */
export interface FunctionLiteral {
  readonly params: readonly { readonly name: string; readonly type: string; readonly default?: string }[];
  /** The text between the braces, and where it starts in the query. */
  readonly body: string;
  readonly bodyOffset: number;
}

/** `expr | op | op ...`. With no operators it may still be a table name or a scalar. */
export interface PipeExpr {
  readonly kind: 'pipe';
  readonly source: Expr;
  readonly ops: TabularOp[];
  readonly span: Span;
}

export type Expr =
  | LiteralExpr
  | NameExpr
  | MemberExpr
  | IndexExpr
  | CallExpr
  | BinaryExpr
  | UnaryExpr
  | ParenExpr
  | StarExpr
  | UnsupportedSource
  | UnionSource
  | DatatableSource
  | PrintSource
  | RangeSource
  | ExternalDataSource;

export type LiteralValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'long'; readonly value: number }
  | { readonly type: 'real'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  /** Milliseconds. */
  | { readonly type: 'timespan'; readonly value: number }
  /** Milliseconds since the Unix epoch, or null for datetime(null). */
  | { readonly type: 'datetime'; readonly value: number | null }
  /** Lower-case text, or null for guid(null). */
  | { readonly type: 'guid'; readonly value: string | null }
  | { readonly type: 'dynamic'; readonly value: unknown };

export interface LiteralExpr {
  readonly kind: 'literal';
  readonly literal: LiteralValue;
  readonly span: Span;
}
export interface NameExpr {
  readonly kind: 'name';
  readonly name: string;
  readonly span: Span;
}
export interface MemberExpr {
  readonly kind: 'member';
  readonly target: Expr;
  readonly name: string;
  readonly span: Span;
  readonly nameSpan: Span;
}
export interface IndexExpr {
  readonly kind: 'index';
  readonly target: Expr;
  readonly index: Expr;
  readonly span: Span;
}
/** An evaluate plugin's declared output schema: `(* , Name:type, ...)`. */
export interface OutputSchemaDecl {
  readonly wildcard: boolean;
  readonly columns: readonly { readonly name: NameRef; readonly type: NameRef }[];
  readonly span: Span;
}
export interface CallExpr {
  readonly kind: 'call';
  readonly name: string;
  readonly nameSpan: Span;
  readonly args: PipeExpr[];
  /** Names of named arguments (`f(x, name=value)`), by position; absent when none is named. */
  readonly argNames?: (NameRef | undefined)[];
  readonly span: Span;
}
export interface BinaryExpr {
  readonly kind: 'binary';
  /** As written: '==', 'and', 'has', '!has', 'in~', 'between', 'matches regex', ... */
  readonly op: string;
  readonly opSpan: Span;
  readonly left: Expr;
  /** For in/has_any: the list; for between: [low, high]. */
  readonly right: Expr | PipeExpr[];
  readonly span: Span;
}
export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: '-' | '+';
  readonly operand: Expr;
  readonly span: Span;
}
export interface ParenExpr {
  readonly kind: 'paren';
  readonly inner: PipeExpr;
  readonly span: Span;
}
export interface StarExpr {
  readonly kind: 'star';
  readonly span: Span;
}
/** A source form detc does not compile yet (union, datatable, ...), kept for its diagnostic. */
export interface UnsupportedSource {
  readonly kind: 'unsupportedSource';
  readonly name: string;
  readonly span: Span;
}

// ---- union (issue 27) ----

/** One leg of a union: a table name or `Prefix*` pattern, or a parenthesised tabular expression. */
export type UnionLeg = { readonly kind: 'name'; readonly name: NameRef } | { readonly kind: 'query'; readonly query: PipeExpr; readonly span: Span };

/** `union [kind=inner|outer] [withsource=Name] [isfuzzy=true] Leg, Leg, ...` (source or operator). */
export interface UnionSpec {
  readonly unionKind?: NameRef;
  readonly withSource?: NameRef;
  readonly isFuzzy?: boolean;
  /** `hint.concurrency=N`, `hint.spread=N`: kept as written (text) for the KQL output. */
  readonly hints: readonly string[];
  readonly legs: readonly UnionLeg[];
}

export interface UnionSource extends UnionSpec {
  readonly kind: 'union';
  readonly span: Span;
}

// ---- datatable, print, range (issue 27) ----

/** `datatable(Name:type, ...) [v1, v2, ...]`: the values row by row. */
export interface DatatableSource {
  readonly kind: 'datatable';
  readonly columns: readonly { readonly name: NameRef; readonly type: NameRef }[];
  readonly values: readonly Expr[];
  readonly span: Span;
}
/** `print [Name =] expr, ...`: one row. */
export interface PrintSource {
  readonly kind: 'print';
  readonly items: readonly Assignment[];
  readonly span: Span;
}
/** `range Name from a to b step s`. */
export interface RangeSource {
  readonly kind: 'range';
  readonly name: NameRef;
  readonly from: Expr;
  readonly to: Expr;
  readonly step: Expr;
  readonly span: Span;
}

export interface TopNestedLevel {
  readonly count?: Expr;
  readonly of: Assignment;
  readonly others?: Expr;
  readonly aggregate: Assignment;
  readonly direction?: 'asc' | 'desc';
  readonly span: Span;
}

/** A `with (name = value, ...)` property of externaldata or parse-kv. */
export interface WithProperty {
  readonly name: NameRef;
  readonly value: string | number | boolean;
  readonly span: Span;
}

/** `externaldata(Name:type, ...) ["url", ...] [with (name = value, ...)]`. */
export interface ExternalDataSource {
  readonly kind: 'externaldata';
  readonly columns: readonly { readonly name: NameRef; readonly type: NameRef }[];
  readonly urls: readonly { readonly url: string; readonly span: Span }[];
  readonly properties: readonly WithProperty[];
  readonly span: Span;
}

/** An element of a parse pattern: `*`, a string constant, or `Column[:type]`. */
export type ParsePatternItem =
  | { readonly kind: 'star'; readonly span: Span }
  | { readonly kind: 'text'; readonly text: string; readonly span: Span }
  | { readonly kind: 'column'; readonly name: NameRef; readonly type?: NameRef; readonly span: Span };

/** `Name = expr` or a bare `expr` in extend/project/summarize. */
export interface Assignment {
  readonly name?: string;
  readonly nameSpan?: Span;
  /** `(A, B) = expr`: names for an expression with several outputs (arg_max, ...). */
  readonly tuple?: NameRef[];
  readonly expr: Expr;
  readonly span: Span;
}

/** `[Name =] ArrayExpression [to typeof(Type)]` in mv-expand. */
export interface MvExpandItem {
  readonly name?: string;
  readonly nameSpan?: Span;
  readonly expr: Expr;
  readonly toType?: NameRef;
  readonly span: Span;
}

export interface SortKey {
  readonly expr: Expr;
  readonly direction?: 'asc' | 'desc';
  readonly nulls?: 'first' | 'last';
  readonly span: Span;
}

export interface NameRef {
  readonly name: string;
  readonly span: Span;
}

export type TabularOp =
  | { readonly op: 'where'; readonly predicate: Expr; readonly span: Span }
  | { readonly op: 'extend'; readonly items: Assignment[]; readonly span: Span }
  | { readonly op: 'project'; readonly items: Assignment[]; readonly span: Span }
  | { readonly op: 'project-away'; readonly names: NameRef[]; readonly span: Span }
  | { readonly op: 'project-keep'; readonly names: NameRef[]; readonly span: Span }
  | { readonly op: 'project-reorder'; readonly keys: SortKey[]; readonly span: Span }
  | { readonly op: 'project-rename'; readonly renames: { to: NameRef; from: NameRef }[]; readonly span: Span }
  | { readonly op: 'summarize'; readonly aggregates: Assignment[]; readonly by: Assignment[]; readonly span: Span }
  | { readonly op: 'sort'; readonly keys: SortKey[]; readonly span: Span }
  | { readonly op: 'top'; readonly count: Expr; readonly key: SortKey; readonly span: Span }
  | { readonly op: 'take'; readonly count: Expr; readonly span: Span }
  | { readonly op: 'distinct'; readonly items: Expr[]; readonly span: Span }
  | { readonly op: 'count'; readonly span: Span }
  | {
      readonly op: 'join';
      readonly kind?: NameRef;
      /** Written `lookup` (issue 27): right key columns are not repeated; kinds leftouter (default) and inner. */
      readonly lookup?: boolean;
      /** `hint.strategy=broadcast`, ... as written, kept for the KQL output. */
      readonly hints?: readonly string[];
      /** The right side: a parenthesised pipeline or a table/let name. */
      readonly right: PipeExpr;
      /** `Column` or `$left.A == $right.B` conditions (several may be joined with `and`). */
      readonly keys: readonly Expr[];
      readonly span: Span;
    }
  | {
      readonly op: 'mv-expand';
      /** `mvexpand`, whose default row limit is 128. */
      readonly legacy: boolean;
      readonly kind?: 'bag' | 'array';
      readonly itemIndex?: NameRef;
      readonly items: readonly MvExpandItem[];
      readonly limit?: Expr;
      readonly span: Span;
    }
  | ({ readonly op: 'union'; readonly span: Span } & UnionSpec)
  /**
   * `make-series Aggregates on Axis [from A] [to B] step S [by ...]` (issue 27), or the alternate
   * `on Axis in range(Start, Stop, Step)` (`inRange`: from Start, to Stop, step Step).
   */
  | {
      readonly op: 'make-series';
      readonly kind?: NameRef;
      readonly aggregates: readonly { readonly item: Assignment; readonly default?: Expr }[];
      readonly axis: Expr;
      readonly from?: Expr;
      readonly to?: Expr;
      readonly step: Expr;
      readonly inRange?: true;
      readonly by: readonly Assignment[];
      readonly span: Span;
    }
  /** `getschema` (issue 27): the input's columns as rows. */
  | { readonly op: 'getschema'; readonly span: Span }
  /** `top-nested [N] of [Name =] Expr [with others = V] by [Name =] Aggregate [asc|desc], top-nested ...` (issue 27). */
  | { readonly op: 'top-nested'; readonly levels: readonly TopNestedLevel[]; readonly span: Span }
  /** `parse-kv Expr as (Key:type, ...) with (...)` (issue 27). */
  | { readonly op: 'parse-kv'; readonly expr: Expr; readonly columns: readonly { readonly name: NameRef; readonly type: NameRef }[]; readonly properties: readonly WithProperty[]; readonly span: Span }
  /**
   * `evaluate plugin(args) [: (Name:type, ...)]` (issue 27): the plugin call as written, and the
   * output schema when given (`*` first: the input's columns too).
   */
  | { readonly op: 'evaluate'; readonly hints: readonly string[]; readonly plugin: Expr; readonly outputSchema?: OutputSchemaDecl; readonly span: Span }
  /** `serialize [Name = expr, ...]` (issue 27). */
  | { readonly op: 'serialize'; readonly items: readonly Assignment[]; readonly span: Span }
  /** `as [hint.materialized=true] Name`: names the pipe so far for the rest of the query. */
  | { readonly op: 'as'; readonly name: NameRef; readonly hints: readonly string[]; readonly span: Span }
  /** `invoke f(args)` (issue 27): f called with the piped table as its first (tabular) parameter. */
  | { readonly op: 'invoke'; readonly call: Expr; readonly span: Span }
  | {
      /** `parse` or `parse-where` (which drops the rows that do not match). */
      readonly op: 'parse' | 'parse-where';
      readonly kind?: NameRef;
      readonly flags?: NameRef;
      readonly expr: Expr;
      readonly pattern: readonly ParsePatternItem[];
      readonly span: Span;
    }
  /** `mv-apply Items on (subquery)` (issue 27): the items as mv-expand's; the subquery's operators. */
  | { readonly op: 'mv-apply'; readonly expand: Extract<TabularOp, { op: 'mv-expand' }>; readonly ops: readonly TabularOp[]; readonly span: Span }
  | { readonly op: 'unsupported'; readonly name: string; readonly nameSpan: Span; readonly span: Span };
