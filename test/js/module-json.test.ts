import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonWithoutSpans } from '../../src/ir/json.js';
import { javaScriptData } from '../../src/backends/js/module-data.js';
import { checkRuleFile } from '../../src/compile.js';
import { bind } from './helpers.js';
import { portableIr, restoreIr, type PortableIr } from '../../src/ir/portable.js';
import { compileQuery } from '../../src/backends/js/compile.js';
import { yamlFiles } from '../helpers.js';

const files = yamlFiles('rules', '../shared/corpus/sentinel');

// The plain definition it replaces.
const reference = (v: unknown) => JSON.stringify(v, (k, x: unknown) => (k === 'span' ? undefined : x));

describe('module data: JSON without spans', () => {
  it('is JSON.stringify with a span-dropping replacer, on every rule IR of rules/ and the corpus', () => {
    let compared = 0;
    for (const f of files) {
      const r = checkRuleFile(f);
      if (!r.ir) continue;
      expect(jsonWithoutSpans(r.ir)).toBe(reference(r.ir));
      compared++;
    }
    expect(compared).toBeGreaterThan(60);
  });

  it('on any JSON data, with span keys and shared objects', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const shared = { x: a, span: { start: 1, end: 2 } };
        const v = { list: [shared, b, shared], span: 3, inner: { span: a, keep: [undefined, shared] }, skip: undefined };
        expect(jsonWithoutSpans(v)).toBe(reference(v));
      }),
      { numRuns: 300 },
    );
  });
});

/** What the module's text evaluates to. */
function evaluate(roots: unknown[]): unknown[] {
  const { constants, expressions } = javaScriptData(roots);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the test runs generated data code
  return new Function(`"use strict";\n${constants.join('\n')}\nreturn [${expressions.join(', ')}];`)() as unknown[];
}

describe('module data: JavaScript with shared objects written once', () => {
  it('evaluates to the portable IR; restored, that is the IR without spans, schemas derived as the binder derives them, in much less text', () => {
    let compared = 0;
    let jsonLength = 0;
    let moduleLength = 0;
    for (const f of files) {
      const r = checkRuleFile(f);
      if (!r.ir) continue;
      const portable = portableIr(r.ir);
      const [ir] = evaluate([portable]) as [PortableIr];
      expect(ir).toEqual(JSON.parse(JSON.stringify(portable)));
      expect(reference(restoreIr(ir))).toBe(reference(r.ir));
      const { constants, expressions } = javaScriptData([portable]);
      jsonLength += reference(r.ir).length;
      moduleLength += constants.join('\n').length + expressions[0]!.length;
      compared++;
    }
    expect(compared).toBeGreaterThan(60);
    expect(moduleLength).toBeLessThan(jsonLength / 3);
  });

  it('keeps the keys of a dynamic literal, span and schema among them (they were dropped before)', () => {
    const text = `let Bag = dynamic({"span": "x", "schema": 2});\nT\n| extend S = tostring(Bag.span), K = tostring(Bag.schema)\n| project S, K`;
    const bound = bind(text);
    const [ir] = evaluate([portableIr(bound)]) as [PortableIr];
    const rows = compileQuery(restoreIr(ir)).run([{ s: 'a' }], { now: Date.parse('2025-03-01T12:00:00Z') }).rows;
    expect(rows).toEqual([{ S: 'x', K: '2' }]);
    expect(jsonWithoutSpans(bound.lets[0])).toContain('"span":"x"');
  });

  it('keeps shared objects shared, and __proto__ keys as own properties', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const shared = { x: a, span: { start: 1, end: 2 } };
        const proto = JSON.parse('{"__proto__": {"polluted": true}, "k": 1}') as object;
        const v = { list: [shared, b, shared, proto], span: 3, inner: { span: a, keep: [undefined, shared, proto] }, skip: undefined };
        const [got] = evaluate([v]) as [{ list: unknown[]; inner: { keep: unknown[] } }];
        expect(JSON.stringify(got)).toBe(JSON.stringify(v));
        expect(got.list[0]).toBe(got.list[2]);
        expect(got.inner.keep[1]).toBe(got.list[0]);
        expect(Object.getPrototypeOf(got.list[3])).toBe(Object.prototype);
        expect(Object.keys(got.list[3] as object)).toEqual(['__proto__', 'k']);
      }),
      { numRuns: 300 },
    );
  });
});
