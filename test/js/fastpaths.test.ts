import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileKqlRegex } from '../../src/semantics/regex.js';
import * as S from '../../src/semantics/strings.js';
import { toDatetime } from '../../src/semantics/values.js';

// The evaluator's precompiled fast paths must agree with the plain definitions they replace.
const text = fc.stringMatching(/^[a-zA-Z0-9 ./_:-]{0,12}$/);
const OPS: [string, (h: string, n: string) => boolean][] = [
  ['has', (h, n) => S.hasTerm(h, n, false)],
  ['has_cs', (h, n) => S.hasTerm(h, n, true)],
  ['contains', (h, n) => S.contains(h, n, false)],
  ['contains_cs', (h, n) => S.contains(h, n, true)],
  ['startswith', (h, n) => S.startsWith(h, n, false)],
  ['startswith_cs', (h, n) => S.startsWith(h, n, true)],
  ['endswith', (h, n) => S.endsWith(h, n, false)],
  ['endswith_cs', (h, n) => S.endsWith(h, n, true)],
  ['=~', (h, n) => S.equalsCi(h, n)],
];

describe('fast paths agree with the definitions', () => {
  it.each(OPS)('%s with a constant needle', (op, plain) => {
    fc.assert(
      fc.property(text, text, (h, n) => {
        expect(S.constantNeedleTest(op, n)!(h)).toBe(plain(h, n));
        // Needles taken from inside the haystack exercise the matching cases.
        const inner = h.slice(1, 4);
        expect(S.constantNeedleTest(op, inner)!(h)).toBe(plain(h, inner));
      }),
      { numRuns: 500 },
    );
  });

  it('has_any as one alternation', () => {
    fc.assert(
      fc.property(text, fc.array(text, { maxLength: 4 }), (h, needles) => {
        expect(S.termAlternation(needles)(h)).toBe(needles.some((n) => S.hasTerm(h, n, false)));
      }),
      { numRuns: 500 },
    );
  });

  it('the ISO datetime fast path gives what Date.parse gives', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }), fc.integer({ min: 0, max: 9999 }), (d, frac) => {
        const iso = d.toISOString();
        expect(toDatetime(iso)).toBe(Date.parse(iso));
        const seven = `${iso.slice(0, 19)}.${String(d.getUTCMilliseconds()).padStart(3, '0')}${String(frac).padStart(4, '0')}Z`;
        expect(toDatetime(seven)).toBe(Date.parse(iso));
      }),
    );
    expect(toDatetime('2025-02-30T00:00:00Z')).toBe(null);
    expect(toDatetime('2025-03-01 10:00:00')).toBe(Date.UTC(2025, 2, 1, 10));
  });

  it('regexes compile once per pattern', () => {
    expect(compileKqlRegex('a+b')).toBe(compileKqlRegex('a+b'));
  });
});
