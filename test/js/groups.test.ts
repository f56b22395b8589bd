import { describe, expect, it } from 'vitest';
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
