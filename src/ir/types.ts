/**
 * The IR: a typed, target-neutral form of a rule's query, produced by the binder and read by every
 * backend. Names are resolved, types known, every tabular operator carries its output schema, and
 * every node keeps its span (offsets in the query text) so backends can point at the source.
 *
 * Extension points (not compiled yet): join/union/lookup add source kinds with sub-pipelines,
 * mv-expand/mv-apply/parse add operators to `TabularOp`, materialize a `TabularLet` flag.
 */
import type { Span } from '../query/ast.js';

export type ScalarType = 'string' | 'long' | 'int' | 'real' | 'decimal' | 'bool' | 'datetime' | 'timespan' | 'dynamic' | 'guid';

export interface Column {
  readonly name: string;
  readonly type: ScalarType;
}
export type Schema = readonly Column[];

export type ScalarExpr =
  | { readonly kind: 'literal'; readonly type: ScalarType; readonly value: unknown; readonly span: Span }
  | { readonly kind: 'column'; readonly name: string; readonly type: ScalarType; readonly span: Span }
  /** Reference to a scalar `let`. */
  | { readonly kind: 'letRef'; readonly name: string; readonly type: ScalarType; readonly span: Span }
  /** A function or operator from the catalog (`==`, `has`, `in~`, `bin`, `tostring`, ...). */
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly ScalarExpr[]; readonly type: ScalarType; readonly span: Span }
  /** `d.key`, `d["key"]`, `d[0]` on a dynamic value. */
  | { readonly kind: 'member'; readonly target: ScalarExpr; readonly key: string | number | ScalarExpr; readonly bracket: boolean; readonly type: 'dynamic'; readonly span: Span }
  /** The first column of a tabular expression used as a list (`x in (T)`). */
  | { readonly kind: 'subquery'; readonly query: Tabular; readonly type: ScalarType; readonly span: Span };

export interface NamedExpr {
  readonly name: string;
  readonly expr: ScalarExpr;
  /** Whether the user wrote the name (emitters keep `X = expr` only then). */
  readonly explicitName: boolean;
}

export interface Aggregate {
  /** Catalog name: count, dcount, make_set, arg_max, ... */
  readonly fn: string;
  readonly args: readonly ScalarExpr[];
  /** Output columns; one for most aggregates, several for arg_max/arg_min/take_any. */
  readonly outputs: readonly Column[];
  readonly explicitName: boolean;
  readonly span: Span;
}

export interface SortKey {
  readonly expr: ScalarExpr;
  readonly direction: 'asc' | 'desc';
  readonly nulls: 'first' | 'last';
  /** What the user wrote, so emitters can keep the source's form. */
  readonly explicitDirection: boolean;
  readonly explicitNulls: boolean;
}

interface OpBase {
  readonly span: Span;
  /** The columns this operator outputs. */
  readonly schema: Schema;
}

export type TabularOp =
  | (OpBase & { readonly op: 'where'; readonly predicate: ScalarExpr })
  | (OpBase & { readonly op: 'extend'; readonly columns: readonly NamedExpr[] })
  | (OpBase & { readonly op: 'project'; readonly columns: readonly NamedExpr[] })
  | (OpBase & { readonly op: 'project-away'; readonly names: readonly string[] })
  | (OpBase & { readonly op: 'project-keep'; readonly names: readonly string[] })
  | (OpBase & { readonly op: 'project-reorder'; readonly names: readonly string[] })
  | (OpBase & { readonly op: 'project-rename'; readonly renames: readonly { readonly to: string; readonly from: string }[] })
  | (OpBase & { readonly op: 'summarize'; readonly aggregates: readonly Aggregate[]; readonly by: readonly NamedExpr[] })
  | (OpBase & { readonly op: 'sort'; readonly keys: readonly SortKey[] })
  | (OpBase & { readonly op: 'top'; readonly count: ScalarExpr; readonly key: SortKey })
  | (OpBase & { readonly op: 'take'; readonly count: ScalarExpr })
  | (OpBase & { readonly op: 'distinct'; readonly columns: readonly NamedExpr[] })
  | (OpBase & { readonly op: 'count' })
  | (OpBase & {
      readonly op: 'join';
      readonly kind: JoinKind;
      readonly right: Tabular;
      /** Pairs of left and right column names that must be equal. */
      readonly keys: readonly { readonly left: string; readonly right: string }[];
      /** Output names of the right side's columns (clashes get 1, 2, ... as in Kusto). */
      readonly rightNames: readonly string[];
    })
  | (OpBase & {
      readonly op: 'mv-expand';
      /** How property bags expand: {key: value} bags, or [key, value] arrays. */
      readonly kind: 'bag' | 'array';
      /** Output column with each element's 0-based index. */
      readonly itemIndex?: string;
      /** Expanded columns: a replaced input column or a new one; `type` is the `to typeof()` cast. */
      readonly columns: readonly (NamedExpr & { readonly type: ScalarType; readonly explicitType: boolean })[];
      /** Rows per input row at most (mvexpand: 128 unless given). */
      readonly limit?: number;
    });

/**
 * `call`: a workspace function or watchlist call as the query wrote it (`CiscoDuo`,
 * `_Im_Dns(starttime=ago(1d))`), which KQL output keeps. A signature-only function or a watchlist
 * is a `table` source named by the function (watchlist: by the call); `rows` are a watchlist's items.
 * A function with a body is a `letTable` source of the let holding its bound body (see functions.ts).
 */
export type Source =
  | { readonly kind: 'table'; readonly table: string; readonly span: Span; readonly schema: Schema; readonly call?: string; readonly rows?: readonly Readonly<Record<string, unknown>>[] }
  | { readonly kind: 'letTable'; readonly name: string; readonly span: Span; readonly schema: Schema; readonly call?: string };

export type JoinKind = 'innerunique' | 'inner' | 'leftouter' | 'rightouter' | 'fullouter' | 'leftanti' | 'rightanti' | 'leftsemi' | 'rightsemi';

export interface Tabular {
  readonly source: Source;
  readonly ops: readonly TabularOp[];
  /** Output schema of the whole pipeline. */
  readonly schema: Schema;
}

/**
 * `fromFunction`: a let made from a workspace or user-defined function's body (KQL output leaves it
 * out: it writes the call). `functionOutput`: this let is that function's output, which the JS
 * evaluator takes from events keyed by the function's name when the input has them.
 */
export type Let =
  | { readonly kind: 'scalar'; readonly name: string; readonly value: ScalarExpr; readonly span: Span; readonly fromFunction?: string }
  | {
      readonly kind: 'tabular';
      readonly name: string;
      readonly value: Tabular;
      readonly fromFunction?: string;
      readonly functionOutput?: string;
      /** Written `materialize(...)`: evaluated once. (detc evaluates every tabular let once anyway.) */
      readonly materialized?: boolean;
      readonly span: Span;
    };

export interface QueryIR {
  readonly lets: readonly Let[];
  readonly body: Tabular;
  /** Tables read by the query (directly or through lets). */
  readonly tables: readonly string[];
}

export const isNumeric = (t: ScalarType): boolean => t === 'long' || t === 'int' || t === 'real' || t === 'decimal';
