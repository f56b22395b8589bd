/**
 * The IR: a typed, target-neutral form of a rule's query, produced by the binder and read by every
 * backend. Names are resolved, types known, every tabular operator carries its output schema, and
 * every node keeps its span (offsets in the query text) so backends can point at the source.
 *
 * Sources beyond tables and lets (union, datatable, print, range, externaldata, mv-apply's rows)
 * carry their own schema; lookup binds as a join and a project-away, `as` as a tabular let.
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
  | {
      readonly kind: 'call';
      readonly fn: string;
      readonly args: readonly ScalarExpr[];
      readonly type: ScalarType;
      readonly span: Span;
      /**
       * Which result of a function with several (series_stats, series_fit_line, ...): `(a, b) = f(x)`
       * binds as consecutive columns with outputs 0, 1, ... of one call (same span).
       */
      readonly output?: number;
    }
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
  /** `arg_max(T, *)`: the args from `at` (`count` of them) are the expansion of `*`, written back as `*`. */
  readonly star?: { readonly at: number; readonly count: number };
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
  /** `serialize [Name = expr, ...]` (issue 27): rows keep their order; columns as extend's. */
  | (OpBase & { readonly op: 'serialize'; readonly columns: readonly NamedExpr[] })
  /**
   * `ofSummarize`: made by the binder right after a summarize whose items compute on aggregates
   * (`X = 100 * count()`), from its hidden aggregate columns; the KQL output writes the two as one.
   */
  | (OpBase & { readonly op: 'project'; readonly columns: readonly NamedExpr[]; readonly ofSummarize?: true })
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
  /**
   * make-series (issue 27): per group of `by`, each aggregate over the bins start, start + step, ...
   * of `axis` as a dynamic array (`defaults` where a bin has no rows), and the bins as the axis column.
   */
  | (OpBase & {
      readonly op: 'make-series';
      readonly kind?: string;
      readonly aggregates: readonly Aggregate[];
      readonly defaults: readonly (ScalarExpr | undefined)[];
      readonly axis: NamedExpr;
      readonly from?: ScalarExpr;
      readonly to?: ScalarExpr;
      readonly step: ScalarExpr;
      /**
       * Written `on Axis in range(from, to, step)`: the bins are bin(from, step) to bin(to, step), `to`
       * included (https://learn.microsoft.com/kusto/query/make-series-operator, alternate syntax).
       */
      readonly inRange?: true;
      readonly by: readonly NamedExpr[];
    })
  /** getschema (issue 27): one row per input column (ColumnName, ColumnOrdinal, DataType, ColumnType). */
  | (OpBase & { readonly op: 'getschema' })
  /**
   * parse-kv (issue 27): the declared keys' values from `expr`'s text as new columns. `options` as
   * written (pair_delimiter, kv_delimiter, quote, escape, greedy, regex), kept for the KQL output.
   */
  | (OpBase & {
      readonly op: 'parse-kv';
      readonly expr: ScalarExpr;
      readonly columns: readonly Column[];
      readonly options: readonly { readonly name: string; readonly value: string | number | boolean }[];
    })
  /**
   * top-nested (issue 27): level 1 keeps the `count` values of `of` with the highest (lowest: asc)
   * aggregate over all rows; each further level does so within the rows of each kept value above.
   * One output row per path: each level's value and aggregate.
   */
  | (OpBase & { readonly op: 'top-nested'; readonly levels: readonly TopNestedLevel[] })
  /** `evaluate narrow()` (issue 27): one row (Row, Column, Value as string) per input row and column. */
  | (OpBase & EvaluateHints & { readonly op: 'evaluate'; readonly plugin: 'narrow' })
  /**
   * `evaluate bag_unpack(Column [, Prefix] [, columnsConflict=...] [, ignoredProperties=...]) [: (...)]`
   * (issue 27): the bag's top-level properties as columns (see bag-unpack.ts).
   */
  | (OpBase & EvaluateHints & BagUnpack)
  /** `evaluate pivot(Column [, Aggregate] [, By, ...])` (issue 27): one column per value of Column (see pivot.ts). */
  | (OpBase & EvaluateHints & Pivot)
  /** `evaluate ipv4_lookup(LookupTable, SourceKey, LookupKey [, ExtraKey, ...] [, return_unmatched])` (issue 27). */
  | (OpBase & EvaluateHints & Ipv4Lookup)
  | (OpBase & {
      readonly op: 'join';
      readonly kind: JoinKind;
      readonly right: Tabular;
      /** Pairs of left and right column names that must be equal. */
      readonly keys: readonly { readonly left: string; readonly right: string }[];
      /** Output names of the right side's columns (clashes get 1, 2, ... as in Kusto). */
      readonly rightNames: readonly string[];
      /** `hint.strategy=broadcast`, `hint.shufflekey=K`, ... as written: kept in KQL, ignored by JS and AQL. */
      readonly hints?: readonly string[];
      /** Written as `lookup` (issue 27): the KQL output writes it so; a project-away of the right keys follows in the IR. */
      readonly lookup?: boolean;
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
    })
  | (OpBase & {
      /**
       * mv-apply (issue 27): each input row is expanded as `expand` does, `subquery` runs on those
       * rows (its source is `mvApplyRows`), and each row it outputs keeps the input row's other columns.
       */
      readonly op: 'mv-apply';
      readonly expand: Extract<TabularOp, { op: 'mv-expand' }>;
      readonly subquery: Tabular;
    })
  | (OpBase & {
      /** parse-where drops the rows that do not match; parse keeps them with null columns. */
      readonly op: 'parse' | 'parse-where';
      readonly kind: 'simple' | 'regex' | 'relaxed';
      /** Regex flags (kind=regex): U, m, s, i. */
      readonly flags?: string;
      readonly expr: ScalarExpr;
      readonly pattern: readonly ParseItem[];
    });

export interface TopNestedLevel {
  /** A constant; absent: every value. */
  readonly count?: ScalarExpr;
  readonly of: NamedExpr;
  /** `with others = V`: a row for the values not kept (KQL only; the JS evaluator refuses it). */
  readonly others?: ScalarExpr;
  /** One output; its name `aggregated_<of>` unless written. */
  readonly aggregate: Aggregate;
  readonly direction: 'asc' | 'desc';
  readonly explicitDirection: boolean;
}

/** An element of a bound parse pattern; `text` is a plain string (simple, relaxed) or a regex (regex). */
export type ParseItem = { readonly kind: 'star' } | { readonly kind: 'text'; readonly text: string } | { readonly kind: 'column'; readonly name: string; readonly type: ScalarType; readonly explicitType: boolean };

/**
 * `call`: a workspace function or watchlist call as the query wrote it (`CiscoDuo`,
 * `_Im_Dns(starttime=ago(1d))`), which KQL output keeps. A signature-only function or a watchlist
 * is a `table` source named by the function (watchlist: by the call); `rows` are a watchlist's items.
 * A function with a body is a `letTable` source of the let holding its bound body (see functions.ts).
 */
export type Source =
  | { readonly kind: 'table'; readonly table: string; readonly span: Span; readonly schema: Schema; readonly call?: string; readonly rows?: readonly Readonly<Record<string, unknown>>[] }
  | { readonly kind: 'letTable'; readonly name: string; readonly span: Span; readonly schema: Schema; readonly call?: string }
  | UnionSource
  /** `datatable(...)[...]`: `values` row by row, literals of the columns' types. */
  | { readonly kind: 'datatable'; readonly values: readonly ScalarExpr[]; readonly span: Span; readonly schema: Schema }
  /** `print`: one row of constant expressions. */
  | { readonly kind: 'print'; readonly columns: readonly NamedExpr[]; readonly span: Span; readonly schema: Schema }
  /** `range Name from a to b step s`: a, a+s, ... while <= b (>= b for a negative step). */
  | { readonly kind: 'range'; readonly from: ScalarExpr; readonly to: ScalarExpr; readonly step: ScalarExpr; readonly span: Span; readonly schema: Schema }
  /** The rows an mv-apply's subquery runs on (one input row, expanded). */
  | { readonly kind: 'mvApplyRows'; readonly span: Span; readonly schema: Schema }
  /** `externaldata`: rows read from URLs (the JS evaluator reads local copies the user names). */
  | {
      readonly kind: 'externaldata';
      readonly urls: readonly string[];
      /** `with (...)` as written: format, ignoreFirstRecord, ... */
      readonly properties: readonly { readonly name: string; readonly value: string | number | boolean }[];
      readonly span: Span;
      readonly schema: Schema;
    };

/** The function or watchlist call a table or let source was written as (other sources have none). */
export const sourceCall = (s: Source): string | undefined => (s.kind === 'table' || s.kind === 'letTable' ? s.call : undefined);

/** A leg of a union: its rows, and the value its rows get in the `withsource=` column. */
export interface UnionLeg {
  readonly query: Tabular;
  readonly label: string;
  /** The `Prefix*` pattern this leg was matched by, kept so the KQL output keeps the pattern. */
  readonly pattern?: string;
}

/**
 * `union` as a source (`T | union U` binds as `union T, U` followed by the rest of the pipe).
 * Its schema: for kind=outer every column of every leg, a name with several types once per type
 * as `Name_type`, in order of first appearance; for kind=inner the columns all legs share.
 */
export interface UnionSource {
  readonly kind: 'union';
  readonly unionKind: 'inner' | 'outer';
  readonly withSource?: string;
  readonly isFuzzy: boolean;
  readonly hints: readonly string[];
  readonly legs: readonly UnionLeg[];
  /** Names isfuzzy=true left out (no such table): kept in the KQL output, where they may exist. */
  readonly unresolved: readonly string[];
  readonly span: Span;
  readonly schema: Schema;
}

export type JoinKind = 'innerunique' | 'inner' | 'leftouter' | 'rightouter' | 'fullouter' | 'leftanti' | 'rightanti' | 'leftsemi' | 'rightsemi';

export interface Tabular {
  readonly source: Source;
  readonly ops: readonly TabularOp[];
  /** Output schema of the whole pipeline. */
  readonly schema: Schema;
  /**
   * The rows may have columns beyond `schema`, named by the data (after evaluate bag_unpack without
   * an output schema, as Kusto.Language marks such a schema open). Only columns the query names are in `schema`.
   */
  readonly open?: true;
}

/** `evaluate hint.distribution = per_node ...` and the like, as written: kept in KQL, ignored by JS and AQL. */
interface EvaluateHints {
  readonly hints?: readonly string[];
}

/** evaluate ipv4_lookup as bound (issue 27): a join whose key matches an address to a range (see ipv4-lookup.ts). */
export interface Ipv4Lookup {
  readonly op: 'evaluate';
  readonly plugin: 'ipv4_lookup';
  readonly right: Tabular;
  /** The input's column with the address, the lookup table's with the address or range (IP-prefix notation). */
  readonly sourceKey: string;
  readonly lookupKey: string;
  /** Further columns both sides have, matched by equality; the lookup table's copy is not repeated in the output. */
  readonly extraKeys: readonly string[];
  /** Keep input rows no range matches (the lookup table's columns empty); written when given. */
  readonly returnUnmatched: boolean;
  readonly explicitUnmatched: boolean;
  /** The lookup table's columns in the output (all but the extra keys), by their output name (clashes get 1, 2, ... as join's). */
  readonly rightColumns: readonly { readonly from: string; readonly name: string }[];
}

/** evaluate pivot as bound (issue 27). */
export interface Pivot {
  readonly op: 'evaluate';
  readonly plugin: 'pivot';
  /** The column whose values become columns. */
  readonly column: string;
  /** The aggregate as written (absent: count(), the default). */
  readonly aggregate?: Aggregate;
  /** The rows' groups: as written, or (`explicitBy` false) the input's other columns. */
  readonly by: readonly string[];
  readonly explicitBy: boolean;
  /** The value columns the query names later (Kusto's schema after pivot is open), of the aggregate's type. */
  readonly pivoted: readonly Column[];
  /** `: (Name:type, ...)` as written: the output is exactly these (group columns by name, the others value columns). */
  readonly declared?: readonly Column[];
  /** Of `pivoted`: those read only through column_ifexists (a value no row has is then no error). */
  readonly probed?: readonly string[];
}

/** evaluate bag_unpack's options as bound (issue 27). */
export interface BagUnpack {
  readonly op: 'evaluate';
  readonly plugin: 'bag_unpack';
  /** The dynamic column unpacked (it leaves the output). */
  readonly column: string;
  readonly prefix: string;
  readonly conflict: 'error' | 'replace_source' | 'keep_source';
  readonly ignored: readonly string[];
  /** The arguments as written (for the KQL output). */
  readonly args: readonly { readonly name?: string; readonly expr: ScalarExpr }[];
  /** `: ([*,] Name:type, ...)` as written: the output is exactly these (after the input's columns with `*`). */
  readonly declared?: { readonly wildcard: boolean; readonly columns: readonly Column[] };
  /** Without `declared`: the unpacked columns the query names later (Prefix + property), in order of first use. */
  readonly unpacked: readonly Column[];
  /** Of `unpacked`: those read only through column_ifexists (a property no row has is then no error). */
  readonly probed?: readonly string[];
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
