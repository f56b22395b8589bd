/**
 * What flows through a compiled pipeline. A row is `{ e, v }`: `e` is the raw event (its columns
 * are read and converted to the column's type on access), `v` holds computed columns by slot. A
 * pipeline position has a layout that says where every column lives. Operators are steps: code
 * compiled once per query, with what a run remembers (a counter, a buffer, groups) in a state
 * object from `init()`.
 */
import type { Column, ScalarType } from '../../ir/types.js';
import type { Value } from '../../semantics/values.js';

export interface Row {
  readonly e: Readonly<Record<string, unknown>> | null;
  readonly v: readonly Value[];
}

/** A column's value in a row. */
export type Accessor = (r: Row) => Value;

/**
 * Where a column's value comes from at this point of the pipeline: a computed slot, the raw event
 * (read inline by generated code; not for names that are Object.prototype members), or an accessor.
 */
export type ColumnSource = { readonly slot: number } | { readonly raw: string; readonly type: ScalarType } | { readonly get: Accessor };

/** A column at a pipeline position: its accessor, and where it lives (for generated code). */
export type LayoutColumn = Column & { readonly get: Accessor; readonly source?: ColumnSource };

export interface Layout {
  readonly columns: readonly LayoutColumn[];
  /** Number of computed slots (`v.length`) every row has at this point. */
  readonly width: number;
}

/** The layout of rows that hold only computed columns, one slot each, in order. */
export const computedLayout = (columns: readonly Column[]): Layout => ({
  columns: columns.map((c, i) => ({ ...c, get: (r: Row) => r.v[i], source: { slot: i } })),
  width: columns.length,
});

export const NO_VALUES: readonly Value[] = [];

export interface Sink {
  push(r: Row): void;
  end(): void;
}

/** A sink that drops what it gets (the end of a run used only for its per-event inputs). */
export const IDLE_SINK: Sink = { push: () => {}, end: () => {} };

/** An operator's code, compiled once per query; `state` is one run's, from `init()`. */
export interface Step<S = unknown> {
  init(): S;
  push(r: Row, next: Sink, state: S): void;
  end(next: Sink, state: S): void;
}

/**
 * One run's link of a pipeline. A class rather than a closure per run, so that the per-event code
 * V8 inlines refers only to the query's long-lived step functions.
 */
export class Link<S> implements Sink {
  constructor(
    private readonly step: Step<S>,
    private readonly next: Sink,
    private readonly state: S,
  ) {}
  push(r: Row): void {
    this.step.push(r, this.next, this.state);
  }
  end(): void {
    this.step.end(this.next, this.state);
  }
}

/** A stateless step from its push (the end of input passes straight on). */
export function mapStep(push: (r: Row, next: Sink) => void): Step<undefined> {
  return { init: () => undefined, push, end: (next) => next.end() };
}

/** A step that holds all rows until the end of input (sort, top). */
export function buffered(finish: (rows: Row[]) => Row[]): Step<Row[]> {
  return {
    init: () => [],
    push: (r, _next, rows) => void rows.push(r),
    end: (next, rows) => {
      for (const r of finish(rows)) next.push(r);
      next.end();
    },
  };
}

/** Rows of a run collected into an array (a let's rows, or output rows through `build`). */
export class Collect<T> implements Sink {
  constructor(
    readonly rows: T[],
    private readonly build: (r: Row) => T,
  ) {}
  push(r: Row): void {
    this.rows.push(this.build(r));
  }
  end(): void {}
}
