/**
 * Scalar expressions compiled to one JavaScript function each (new Function), instead of a tree
 * of closures: V8 then sees one small monomorphic function per expression. Injection-proof by
 * construction: no value from a rule is ever written into the code. Constants, implementations
 * and getters are passed in arrays and referenced by index; the one exception is a column name
 * used as a property key, which is written with JSON.stringify (always a valid string literal).
 */
import type { ScalarExpr, ScalarType } from '../../ir/types.js';
import { outputValue } from './output.js';
import { coerce, datetimeOutputText, member, type Value } from '../../semantics/values.js';
import type { Impl } from '../../catalog/types.js';
import { scalarEntry } from '../../catalog/catalog.js';
import type { Accessor, ColumnSource } from './rows.js';

export interface CodegenContext {
  column(name: string): ColumnSource;
  /** A constant's value, if the expression is one (literal, constant let). */
  constant(e: ScalarExpr): { value: Value } | undefined;
  /** The specialised implementation of a catalog function at this call site. */
  impl(e: Extract<ScalarExpr, { kind: 'call' }>): Impl;
  /** Fallback for expressions generated code does not handle (let values, subqueries). */
  closure(e: ScalarExpr): Accessor;
  /** An expression to compute as a function of one column's value (remembered per value), if it is one. */
  perValue?(e: ScalarExpr): PerValue | undefined;
}

export interface PerValue {
  readonly column: string;
  readonly of: (value: Value) => Value;
}

/**
 * When a raw value already has a column type's representation, which conversion (coerce) would
 * return unchanged: the common case, tested inline so that only other values pay for a call.
 */
const ALREADY: Record<ScalarType, (v: string) => string> = {
  string: (v) => `typeof ${v} === 'string'`,
  guid: (v) => `typeof ${v} === 'string' && ${v} !== ''`,
  long: (v) => `typeof ${v} === 'number' && Number.isInteger(${v})`,
  int: (v) => `typeof ${v} === 'number' && Number.isInteger(${v})`,
  real: (v) => `typeof ${v} === 'number' && ${v} === ${v}`,
  decimal: (v) => `typeof ${v} === 'number' && ${v} === ${v}`,
  bool: (v) => `typeof ${v} === 'boolean'`,
  // An event's number is milliseconds, the evaluator's value ticks: always converted.
  datetime: () => 'false',
  timespan: () => 'false',
  dynamic: (v) => `typeof ${v} === 'object' && ${v} !== null`,
};

/**
 * Code that reads column `name` from the raw event `event` converted to `type`, using the
 * variable `tmp` (declared by the caller). Generated code that uses it receives coerce as `C`.
 * The name is written with JSON.stringify; callers use it only for names that are not
 * Object.prototype members (those go through an own-property accessor).
 */
export function rawRead(event: string, name: string, type: ScalarType, tmp: string): string {
  return rawConversion(`(${tmp} = ${event}[${JSON.stringify(name)}])`, tmp, type);
}

/** Code converting a raw value to `type`; `first` gives the value and leaves it in `tmp`. */
function rawConversion(first: string, tmp: string, type: ScalarType): string {
  // A missing value (events often lack most of a table's columns) is "" for strings, else null.
  const missing = type === 'string' ? "''" : 'null';
  return `(${first} === undefined || ${tmp} === null ? ${missing} : ${ALREADY[type](tmp)} ? ${tmp} : C(${tmp}, ${JSON.stringify(type)}))`;
}

/**
 * Builds the JavaScript source of scalar expressions. Values a rule supplies go into `K`
 * (constants), catalog implementations into `F`, fallback accessors into `G`; the generated code
 * refers to them by index only. `column` says how a column is read at the point of use; `row` is
 * the name of the row variable passed to fallback accessors.
 */
export class ExpressionCode {
  readonly K: Value[] = [];
  readonly F: Impl[] = [];
  readonly G: Accessor[] = [];
  /** Temporaries (and/or's, raw column reads'), declared by the caller (`let t0, t1;`). */
  temps = 0;

  constructor(
    private readonly ctx: Omit<CodegenContext, 'column'>,
    private readonly column: (name: string) => string,
    private readonly row: string,
  ) {}

  constant(v: Value): string {
    return `K[${this.K.push(v) - 1}]`;
  }

  gen(x: ScalarExpr): string {
    const c = this.ctx.constant(x);
    if (c) return this.constant(c.value);
    const p = this.ctx.perValue?.(x);
    if (p) return `F[${this.F.push(p.of) - 1}](${this.column(p.column)})`;
    switch (x.kind) {
      case 'column':
        return this.column(x.name);
      case 'call': {
        // and/or/iff/case are written inline (their catalog entries say how): they evaluate only the arguments they need.
        const inline = scalarEntry(x.fn).inline?.((i) => this.gen(x.args[i]!), () => `t${this.temps++}`, x);
        return inline ?? `F[${this.F.push(this.ctx.impl(x)) - 1}](${x.args.map((y) => this.gen(y)).join(', ')})`;
      }
      case 'member': {
        const target = this.gen(x.target);
        if (typeof x.key !== 'object') {
          const key = x.key;
          return `F[${this.F.push((t: Value) => member(t, key)) - 1}](${target})`;
        }
        const dynamicMember = (t: Value, k: Value) => (typeof k === 'string' || typeof k === 'number' ? member(t, k) : null);
        return `F[${this.F.push(dynamicMember) - 1}](${target}, ${this.gen(x.key)})`;
      }
      default:
        return `G[${this.G.push(this.ctx.closure(x)) - 1}](${this.row})`;
    }
  }

  /** `let t0, t1;` for the temporaries generated so far. */
  declarations(): string {
    return this.temps ? `let ${Array.from({ length: this.temps }, (_, i) => `t${i}`).join(', ')};\n` : '';
  }
}

export function generateAccessor(e: ScalarExpr, ctx: CodegenContext): Accessor {
  const A: Accessor[] = [];
  const code: ExpressionCode = new ExpressionCode(
    ctx,
    (name) => {
      const src = ctx.column(name);
      if ('slot' in src) return `r.v[${src.slot}]`;
      if ('raw' in src) return rawRead('r.e', src.raw, src.type, `t${code.temps++}`);
      return `A[${A.push(src.get) - 1}](r)`;
    },
    'r',
  );
  const body = code.gen(e);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the code holds structure only (see above)
  const factory = new Function('K', 'F', 'G', 'A', 'C', `"use strict";\nreturn function generated(r) {\n${code.declarations()}return ${body};\n};`) as (
    k: Value[],
    f: Impl[],
    g: Accessor[],
    a: Accessor[],
    c: typeof coerce,
  ) => Accessor;
  return factory(code.K, code.F, code.G, A, coerce);
}

/**
 * A function that builds an output row as one object literal with constant keys, which V8 creates
 * far faster than a loop of assignments. Keys are written with JSON.stringify; `__proto__` is
 * written as a computed key, which defines an own property instead of setting the prototype.
 */
export function generateRowBuilder(
  columns: readonly { readonly name: string; readonly type: ScalarType; readonly get: Accessor; readonly source?: ColumnSource }[],
): (r: { readonly e: Readonly<Record<string, unknown>> | null; readonly v: readonly Value[] }) => Record<string, unknown> {
  const G: Accessor[] = [];
  const fields = columns.map((c) => {
    const key = c.name === '__proto__' ? `[${JSON.stringify(c.name)}]` : JSON.stringify(c.name);
    const raw = c.source && 'raw' in c.source ? c.source.raw : undefined;
    const read = raw !== undefined ? rawRead('r.e', raw, c.type, 'x') : c.source && 'slot' in c.source ? `r.v[${c.source.slot}]` : `G[${G.push(c.get) - 1}](r)`;
    // Raw reads are converted already (never undefined); others may be undefined (-> null). An
    // event's datetime text goes to the row's text without the round trip through ticks (D).
    const value =
      raw !== undefined && c.type === 'datetime'
        ? `(typeof (x = r.e[${JSON.stringify(raw)}]) === 'string' ? D(x) : O(${rawConversion('x', 'x', c.type)}, "datetime"))`
        : c.type === 'datetime' || c.type === 'timespan'
          ? `O(${read}, ${JSON.stringify(c.type)})`
          : raw !== undefined
            ? read
            : `N(${read})`;
    return `${key}: ${value}`;
  });
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- structure only, see generateAccessor
  const factory = new Function('G', 'C', 'O', 'N', 'D', `"use strict";\nreturn function row(r) {\nlet x;\nreturn {${fields.join(', ')}};\n};`) as (
    g: Accessor[],
    c: typeof coerce,
    o: typeof outputValue,
    n: (v: Value) => Value,
    d: typeof datetimeOutputText,
  ) => (r: { readonly e: Readonly<Record<string, unknown>> | null; readonly v: readonly Value[] }) => Record<string, unknown>;
  return factory(G, coerce, outputValue, (v) => (v === undefined ? null : v), datetimeOutputText);
}
