import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileKqlRegex } from '../../src/semantics/regex.js';
import * as S from '../../src/semantics/strings.js';
import { datetimeOutputText, formatDatetimeIso, toDatetime } from '../../src/semantics/values.js';

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
      fc.property(fc.date({ min: new Date('0100-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }), fc.integer({ min: 0, max: 9999 }), (d, frac) => {
        const iso = d.toISOString();
        expect(toDatetime(iso)).toBe(Date.parse(iso));
        const seven = `${iso.slice(0, 19)}.${String(d.getUTCMilliseconds()).padStart(3, '0')}${String(frac).padStart(4, '0')}Z`;
        expect(toDatetime(seven)).toBe(Date.parse(iso));
      }),
    );
    expect(toDatetime('2025-02-30T00:00:00Z')).toBe(null);
    expect(toDatetime('2025-03-01 10:00:00')).toBe(Date.UTC(2025, 2, 1, 10));
    // Years below 100 are years, not 1900 + year as Date.UTC would have them.
    expect(toDatetime('0050-06-01T00:00:00Z')).toBe(Date.parse('0050-06-01T00:00:00Z'));
  });

  it('formatting and parsing datetimes round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(toDatetime(formatDatetimeIso(ms))).toBe(ms);
      }),
      { numRuns: 1000 },
    );
  });

  it("an event's datetime text reaches result rows as the round trip through ms would print it", () => {
    const viaMs = (s: string) => {
      const ms = toDatetime(s);
      return ms === null ? null : formatDatetimeIso(ms, true);
    };
    const two = (lo: number, hi: number) => fc.integer({ min: lo, max: hi }).map((n) => String(n).padStart(2, '0'));
    // Fields beyond their ranges (hour 24 is one Date.parse accepts), both separators, 0-9
    // fraction digits, with and without the Z.
    const text = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), two(0, 13), two(0, 32), fc.constantFrom('T', ' ', 't'), two(0, 25), two(0, 61), two(0, 61), fc.stringMatching(/^(\.[0-9]{0,9})?$/), fc.constantFrom('Z', '', 'z', '+00:00'))
      .map(([y, mo, d, sep, h, mi, sec, frac, zone]) => `${String(y).padStart(4, '0')}-${mo}-${d}${sep}${h}:${mi}:${sec}${frac}${zone}`);
    fc.assert(
      fc.property(text, (s) => {
        expect(datetimeOutputText(s)).toBe(viaMs(s));
      }),
      { numRuns: 3000 },
    );
    for (const s of ['2025-02-28T20:41:02.614Z', '2025-02-28T20:41:02.000Z', '2025-02-28T20:41:02.0001234Z', '2024-02-29T23:59:59.999Z', '2025-02-29T10:00:00.000Z', '2025-02-28T24:00:00.000Z', '0000-01-01T00:00:00.001Z', '']) {
      expect(datetimeOutputText(s)).toBe(viaMs(s));
    }
    expect(datetimeOutputText('2025-02-28T20:41:02.614Z')).toBe('2025-02-28T20:41:02.6140000Z');
    expect(datetimeOutputText('2025-02-28T20:41:02.0009Z')).toBe('2025-02-28T20:41:02Z');
    expect(datetimeOutputText('2025-02-29T10:00:00.000Z')).toBe(null);
  });

  it('regexes compile once per pattern', () => {
    expect(compileKqlRegex('a+b')).toBe(compileKqlRegex('a+b'));
  });
});

describe('datetime formatting by arithmetic agrees with Date', () => {
  // The plain definition: Date's ISO text for the second, then the 100 ns ticks of the fraction.
  const viaDate = (ms: number): string => {
    const secs = Math.floor(ms / 1000);
    const ticks = Math.round((ms - secs * 1000) * 10000);
    const iso = new Date(secs * 1000 + Math.floor(ticks / 10_000_000) * 1000).toISOString();
    return `${iso.slice(0, 19)}.${String(ticks % 10_000_000).padStart(7, '0')}Z`;
  };
  const YEAR_0 = -62_167_219_200_000; // 0000-01-01T00:00:00Z
  // The last millisecond of 9999 (a fraction past it would round into the expanded-year form).
  const YEAR_10000 = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

  it('for whole and fractional milliseconds across years 0000-9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: YEAR_0, max: YEAR_10000 - 1 }), fc.integer({ min: 0, max: 9999 }), (ms, sub) => {
        expect(formatDatetimeIso(ms)).toBe(viaDate(ms));
        const fractional = ms + sub / 10_000;
        expect(formatDatetimeIso(fractional)).toBe(viaDate(fractional));
      }),
      { numRuns: 1000 },
    );
  });

  it('at the edges: epoch, leap days, before 1970, rounding up to the next second, no fraction', () => {
    expect(formatDatetimeIso(0)).toBe('1970-01-01T00:00:00.0000000Z');
    expect(formatDatetimeIso(0, true)).toBe('1970-01-01T00:00:00Z');
    expect(formatDatetimeIso(Date.UTC(2024, 1, 29, 12, 30, 15, 250), true)).toBe('2024-02-29T12:30:15.2500000Z');
    expect(formatDatetimeIso(Date.UTC(2000, 1, 29))).toBe('2000-02-29T00:00:00.0000000Z');
    expect(formatDatetimeIso(-1)).toBe('1969-12-31T23:59:59.9990000Z');
    expect(formatDatetimeIso(-0.5)).toBe('1969-12-31T23:59:59.9995000Z');
    expect(formatDatetimeIso(999.99999)).toBe('1970-01-01T00:00:01.0000000Z');
    expect(formatDatetimeIso(Date.UTC(9999, 11, 31, 23, 59, 59))).toBe('9999-12-31T23:59:59.0000000Z');
    expect(formatDatetimeIso(Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 0.99999)).toBe('+010000-01-01T00:00:00.0000000Z');
    expect(formatDatetimeIso(Number.NaN)).toBe('');
  });
});
