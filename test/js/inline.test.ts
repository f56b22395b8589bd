import { describe, expect, it } from 'vitest';
import { scalarEntry } from '../../src/catalog/catalog.js';
import type { ScalarType } from '../../src/ir/types.js';
import type { Value } from '../../src/semantics/values.js';

/**
 * The generated evaluator writes and/or/iff/case inline (catalog `inline`); every other evaluation
 * path calls the catalog's `js`. The two must give the same value, and the inline form must not
 * evaluate an argument whose value cannot change the result (and/or:
 * https://learn.microsoft.com/kusto/query/logical-operators; iff:
 * https://learn.microsoft.com/kusto/query/iff-function; case: https://learn.microsoft.com/kusto/query/case-function).
 */
function runInline(fn: string, values: readonly Value[], types: readonly ScalarType[], type: ScalarType): { value: Value; evaluated: number[] } | undefined {
  let temps = 0;
  const code = scalarEntry(fn).inline!((i) => `A(${i})`, () => `t${temps++}`, { type, args: types.map((t) => ({ type: t })) });
  if (code === undefined) return undefined;
  const evaluated: number[] = [];
  const A = (i: number): Value => {
    evaluated.push(i);
    return values[i]!;
  };
  const temporaries = temps ? `let ${Array.from({ length: temps }, (_, i) => `t${i}`).join(', ')};` : '';
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- test of generated code
  const value = new Function('A', `${temporaries} return ${code};`)(A) as Value;
  return { value, evaluated };
}

const js = (fn: string, values: readonly Value[], types: readonly ScalarType[]): Value =>
  scalarEntry(fn).js({ types, consts: values.map(() => undefined), run: { now: 0 } })(...values);

const BOOLS: Value[] = [true, false, null];

describe('inline and/or/iff/case agree with the catalog implementation', () => {
  it.each(['and', 'or'])('%s: three-valued logic; the second side only when the first does not decide', (fn) => {
    for (const a of BOOLS)
      for (const b of BOOLS) {
        const r = runInline(fn, [a, b], ['bool', 'bool'], 'bool')!;
        expect(r.value).toBe(js(fn, [a, b], ['bool', 'bool']));
        const decides = fn === 'and' ? a === false : a === true;
        expect(r.evaluated).toEqual(decides ? [0] : [0, 1]);
      }
    expect(runInline(fn, [null, fn === 'and'], ['bool', 'bool'], 'bool')!.value).toBe(null);
  });

  it.each(['iff', 'iif'])('%s: one branch, the else branch for a null condition', (fn) => {
    for (const c of BOOLS) {
      const r = runInline(fn, [c, 'then', 'else'], ['bool', 'string', 'string'], 'string')!;
      expect(r.value).toBe(js(fn, [c, 'then', 'else'], ['bool', 'string', 'string']));
      expect(r.evaluated).toEqual([0, c === true ? 1 : 2]);
    }
  });

  it('case: the first true predicate\'s value, else the last argument; later predicates not evaluated', () => {
    const types: ScalarType[] = ['bool', 'long', 'bool', 'long', 'long'];
    for (const p of BOOLS)
      for (const q of BOOLS) {
        const values = [p, 1, q, 2, 3];
        const r = runInline('case', values, types, 'long')!;
        expect(r.value).toBe(js('case', values, types));
        expect(r.evaluated).toEqual(p === true ? [0, 1] : q === true ? [0, 2, 3] : [0, 2, 4]);
      }
  });

  it('a dynamic branch converted to the result type is left to the catalog implementation', () => {
    expect(runInline('iff', [true, 'a', { x: 1 }], ['bool', 'string', 'dynamic'], 'string')).toBeUndefined();
    expect(runInline('case', [true, 'a', { x: 1 }], ['bool', 'string', 'dynamic'], 'string')).toBeUndefined();
    expect(js('iff', [false, 'a', { x: 1 }], ['bool', 'string', 'dynamic'])).toBe('{"x":1}');
    // All branches dynamic: no conversion, written inline.
    expect(runInline('iff', [false, [1], { x: 1 }], ['bool', 'dynamic', 'dynamic'], 'dynamic')!.value).toEqual({ x: 1 });
  });
});
