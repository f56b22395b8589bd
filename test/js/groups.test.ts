import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DistinctValues } from '../../src/catalog/catalog.js';
import { compileQuery } from '../../src/backends/js/compile.js';
import { GroupTable } from '../../src/backends/js/groups.js';
import { bind, NOW } from './helpers.js';

describe('summarize groups', () => {
  it('keeps kinds apart, merges null with missing, and keys objects by their JSON', () => {
    const t = new GroupTable(() => []);
    const keys = ['1', 1, null, undefined, true, 'true', { a: 1 }, { a: 1 }, [1], '[1]', '{"a":1}', Number.NaN, Number.NaN];
    for (const k of keys) t.get1(k);
    expect(t.groups.map((g) => g.keys[0])).toEqual(['1', 1, null, true, 'true', { a: 1 }, [1], '[1]', '{"a":1}', Number.NaN]);
  });

  it('finds the same group for the same pair of keys, in first-seen order', () => {
    const t = new GroupTable(() => []);
    const a = t.get2('u1', 10);
    t.get2('u2', 10);
    expect(t.get2('u1', 10)).toBe(a);
    expect(t.get2('u1', '10')).not.toBe(a);
    expect(t.getN(['x', 1, 'y'])).toBe(t.getN(['x', 1, 'y']));
    expect(t.groups.map((g) => g.keys)).toEqual([['u1', 10], ['u2', 10], ['u1', '10'], ['x', 1, 'y']]);
  });

  it('gives the same rows from the fused generated code and from closures', () => {
    const q = 'T | where s2 != "c" | extend k = iff(n > 3, "big", "small") | summarize c = count(), d = dcount(s), m = make_set(d, 2) by s2, k, b';
    const events = Array.from({ length: 200 }, (_, i) => ({ s: `v${i % 7}`, s2: ['a', 'b', 'c', 'A'][i % 4], n: i % 9, b: i % 3 === 0 ? null : i % 2 === 0, d: i % 5 === 0 ? { x: i % 2 } : [i % 3], TimeGenerated: new Date(NOW - i * 60_000).toISOString() }));
    const fused = compileQuery(bind(q)).run(events, { now: NOW, windowMs: 120 * 60_000 });
    const closures = compileQuery(bind(q), { mode: 'closures' }).run(events, { now: NOW, windowMs: 120 * 60_000 });
    expect(fused.rows.length).toBeGreaterThan(10);
    expect(fused).toEqual(closures);
  });
});

describe('dcount and make_set of the same column share one set', () => {
  const q = 'T | summarize n = dcount(s), few = make_set(s, 2), all = make_set(s), other = make_set(tostring(n), 1), n2 = dcount( s ) by s2';
  // Per s2: s in first-seen order with repeats, nulls (not counted) and "" (counted by dcount, as
  // Kusto skips only nulls; not listed by make_set), n for an unrelated set.
  const events = [
    { s2: 'a', s: 'x', n: 1 }, { s2: 'a', s: 'y', n: 2 }, { s2: 'a', s: 'x', n: 3 }, { s2: 'a', s: null, n: 4 },
    { s2: 'a', s: '', n: 5 }, { s2: 'a', s: 'z', n: 6 }, { s2: 'b', s: 'q', n: 7 }, { s2: 'b', n: 8 },
  ];
  for (const mode of ['generated', 'closures'] as const) {
    it(`reads count and first-k values from the shared set (${mode})`, () => {
      const { rows } = compileQuery(bind(q), { mode }).run(events, { now: NOW });
      expect(rows).toEqual([
        { s2: 'a', n: 4, few: ['x', 'y'], all: ['x', 'y', 'z'], other: ['1'], n2: 4 },
        // b's second event has no s: a string is never null, so it is "", and counted.
        { s2: 'b', n: 2, few: ['q'], all: ['q'], other: ['7'], n2: 2 },
      ]);
    });
  }

  it('keeps as many values as the most demanding reader needs, whatever the order', () => {
    // make_set(s, 1) first: the set created for it must still count every value for dcount.
    const { rows } = compileQuery(bind('T | summarize one = make_set(s, 1), n = dcount(s)')).run(events, { now: NOW });
    expect(rows).toEqual([{ one: ['x'], n: 5 }]);
  });
});

describe('DistinctValues (array of the first few values, then a Set)', () => {
  // The reference: one Set of the counted values, objects deduplicated by their JSON.
  function reference(values: unknown[], limit: number, predicates: boolean[] | undefined): unknown[] {
    const kept = new Set<unknown>();
    const objects = new Set<string>();
    values.forEach((v, i) => {
      if (predicates && predicates[i] !== true) return;
      if (v === null || v === undefined || v === '' || kept.size >= limit) return;
      if (typeof v === 'object') {
        if (objects.has(JSON.stringify(v))) return;
        objects.add(JSON.stringify(v));
      }
      kept.add(v);
    });
    return [...kept];
  }
  const value = fc.oneof(
    fc.constantFrom<unknown>('1', 1, 0, -0, Number.NaN, '', null, undefined, true, 'true', { a: 1 }, [1]),
    fc.integer({ min: 0, max: 30 }).map((i) => `v${i}`),
    fc.integer({ min: 0, max: 30 }),
  );

  it('keeps what one Set would keep, in first-seen order, across the switch to a Set', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), fc.integer({ min: 0, max: 25 }), fc.boolean(), fc.array(fc.boolean(), { maxLength: 60 }), (values, limit, usePredicate, predicates) => {
        const p = usePredicate ? predicates : undefined;
        const acc = new DistinctValues({ limit, withPredicate: usePredicate, countOnly: false });
        values.forEach((v, i) => acc.add(v as never, p ? (p[i] ?? false) : undefined));
        const expected = reference(values, limit, p);
        expect(acc.result()).toEqual(expected);
        // dcount's count includes "" when one passed the predicate (make_set's values never do).
        const sawEmpty = values.some((v, i) => v === '' && (!p || p[i] === true));
        expect(acc.count()).toBe(expected.length + (sawEmpty ? 1 : 0));
        for (const k of [0, 1, 2, 9, 100]) expect(acc.first(k)).toEqual(expected.slice(0, k));
      }),
      { numRuns: 2000 },
    );
  });

  it('counts NaN once, -0 and 0 as one value, and "1" apart from 1', () => {
    const acc = new DistinctValues({ limit: Infinity, withPredicate: false, countOnly: true });
    for (const v of [Number.NaN, 0, -0, '1', 1, Number.NaN, ...Array.from({ length: 12 }, (_, i) => `s${i}`), Number.NaN, -0, '1']) acc.add(v);
    expect(acc.result()).toBe(4 + 12);
  });
});
