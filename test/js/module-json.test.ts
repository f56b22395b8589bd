import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonWithoutSpans } from '../../src/ir/json.js';
import { jsonLiteral } from '../../src/backends/js/json-literal.js';
import { checkRuleFile } from '../../src/compile.js';
import { bind } from './helpers.js';
import { portableIr, restoreIr, type PortableIr } from '../../src/ir/portable.js';
import { compileQuery } from '../../src/backends/js/compile.js';
import { yamlFiles } from '../helpers.js';

const files = yamlFiles('rules', '../shared/corpus/sentinel');

// The IR as JSON without its spans.
const reference = (v: unknown) => JSON.stringify(v, (k, x: unknown) => (k === 'span' ? undefined : x));

/** What the module's data text evaluates to, run as JavaScript. */
function evaluate(value: unknown): unknown {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the test runs generated data code
  return new Function(`"use strict";\nreturn ${jsonLiteral(value)};`)();
}

describe('module data: a JSON literal', () => {
  it('evaluates to the portable IR; restored, that is the IR without spans, schemas derived as the binder derives them, in much less text', () => {
    let compared = 0;
    let jsonLength = 0;
    let portableLength = 0;
    for (const f of files) {
      const r = checkRuleFile(f);
      if (!r.ir) continue;
      const portable = portableIr(r.ir);
      const ir = evaluate(portable) as PortableIr;
      expect(ir).toEqual(JSON.parse(JSON.stringify(portable)));
      expect(reference(restoreIr(ir))).toBe(reference(r.ir));
      jsonLength += reference(r.ir).length;
      portableLength += JSON.stringify(portable).length;
      compared++;
    }
    expect(compared).toBeGreaterThan(60);
    expect(portableLength).toBeLessThan(jsonLength / 3);
  });

  it('keeps the keys of a dynamic literal, span and schema among them (they were dropped before)', () => {
    const text = `let Bag = dynamic({"span": "x", "schema": 2});\nT\n| extend S = tostring(Bag.span), K = tostring(Bag.schema)\n| project S, K`;
    const bound = bind(text);
    const ir = evaluate(portableIr(bound)) as PortableIr;
    const rows = compileQuery(restoreIr(ir)).run([{ s: 'a' }], { now: Date.parse('2025-03-01T12:00:00Z') }).rows;
    expect(rows).toEqual([{ S: 'x', K: '2' }]);
    // Keys of equal expressions tell such literals apart.
    expect(jsonWithoutSpans(bound.lets[0])).not.toBe(jsonWithoutSpans(bind(text.replace('"x"', '"y"')).lets[0]));
  });

  it('is the same data for any JSON value, __proto__ keys kept as own properties, line separators and bidi controls escaped', () => {
    const awkward = fc.constantFrom('__proto__', '__own_proto_0__', '"__proto__":', '\u2028', '\u2029', '\u202e', '\n', '\\', '`${x}`', '*/');
    const text = fc.string({ unit: fc.oneof(fc.string({ minLength: 1, maxLength: 1 }), awkward) });
    const data = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue(),
        text,
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.oneof(text, fc.constant('__proto__')), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(data, (v) => {
        const literal = jsonLiteral(v);
        expect(literal).not.toMatch(/[\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        const got = evaluate(v);
        // Same JSON text, and (unlike an object literal's `__proto__: ...`) no object gets another prototype.
        expect(JSON.stringify(got)).toBe(JSON.stringify(v));
        const prototypes = (x: unknown): void => {
          if (x === null || typeof x !== 'object') return;
          expect(Object.getPrototypeOf(x)).toBe(Array.isArray(x) ? Array.prototype : Object.prototype);
          Object.values(x).forEach(prototypes);
        };
        prototypes(got);
      }),
      { numRuns: 500 },
    );
  });

  it('writes an own __proto__ key as a computed key', () => {
    const v = JSON.parse('{"__proto__": {"polluted": true}, "k": ["__proto__"]}') as object;
    expect(jsonLiteral(v, 0)).toBe('{["__proto__"]:{"polluted":true},"k":["__proto__"]}');
    const got = evaluate(v) as Record<string, unknown>;
    expect(Object.keys(got)).toEqual(['__proto__', 'k']);
    expect((got as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
