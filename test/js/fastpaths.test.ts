import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileKqlRegex } from '../../src/semantics/regex.js';
import * as S from '../../src/semantics/strings.js';
import { ticksFromUnixMs } from '../../src/semantics/ticks.js';
import { datetimeOutputText, formatDatetimeIso, toDatetime } from '../../src/semantics/values.js';

/** The next double toward zero's other side: one step down the number line. */
const nextDown = (x: number): number => {
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  bits[0]! += x > 0 ? -1n : 1n;
  return f[0]!;
};

/**
 * The exact ticks (since 2020-01-01, the evaluator's datetime) of ms since 1970 plus sub-ms ticks,
 * rounded once to the nearest double, but never up into the next second (docs/SEMANTICS.md,
 * "Datetime precision": there the last double of the second).
 */
const exactTicks = (ms: number, sub = 0): number => {
  const exact = (BigInt(ms) - BigInt(Date.UTC(2020, 0, 1))) * 10_000n + BigInt(sub);
  const second = exact >= 0n ? exact / 10_000_000n : -((-exact + 9_999_999n) / 10_000_000n);
  const next = (second + 1n) * 10_000_000n;
  let n = Number(exact);
  while (BigInt(n) >= next) n = nextDown(n);
  return n;
};

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

  it('the ISO datetime fast path gives what Date.parse gives, with all seven fraction digits', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0100-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }), fc.integer({ min: 0, max: 9999 }), (d, frac) => {
        const iso = d.toISOString();
        expect(toDatetime(iso)).toBe(exactTicks(Date.parse(iso)));
        const seven = `${iso.slice(0, 19)}.${String(d.getUTCMilliseconds()).padStart(3, '0')}${String(frac).padStart(4, '0')}Z`;
        expect(toDatetime(seven)).toBe(exactTicks(Date.parse(iso), frac));
      }),
    );
    // Far from 2020 the nearest double may lie in the next second: the value stays in its own.
    expect(toDatetime('9999-12-31T23:59:59.9999999Z')).toBe(exactTicks(Date.parse('9999-12-31T23:59:59.999Z'), 9999));
    expect(toDatetime('1900-12-31T23:59:59.9999999Z')).toBe(exactTicks(Date.parse('1900-12-31T23:59:59.999Z'), 9999));
    expect(toDatetime('2025-02-30T00:00:00Z')).toBe(null);
    expect(toDatetime('2025-03-01 10:00:00')).toBe(exactTicks(Date.UTC(2025, 2, 1, 10)));
    // Years below 100 are years, not 1900 + year as Date.UTC would have them.
    expect(toDatetime('0050-06-01T00:00:00Z')).toBe(exactTicks(Date.parse('0050-06-01T00:00:00Z')));
    // The forms Date.parse reads (a zone offset) keep the seven digits too.
    expect(toDatetime('2025-03-01T12:00:00.1234567+01:00')).toBe(exactTicks(Date.UTC(2025, 2, 1, 11), 1_234_567));
  });

  it('formatting and parsing datetimes round-trip, years 0001-9999 (far from 2020 a double is a multiple of up to 512 ticks)', () => {
    const first = exactTicks(Date.parse('0001-01-01T00:00:00Z'));
    const last = exactTicks(Date.parse('9999-12-31T23:59:59.999Z'), 9999);
    fc.assert(
      fc.property(fc.bigInt({ min: BigInt(first), max: BigInt(last) }), (b) => {
        const ticks = Number(b);
        expect(toDatetime(formatDatetimeIso(ticks))).toBe(ticks);
      }),
      { numRuns: 2000 },
    );
  });

  it("an event's datetime text reaches result rows as the round trip through ticks would print it", () => {
    const viaMs = (s: string) => {
      const ticks = toDatetime(s);
      return ticks === null ? null : formatDatetimeIso(ticks, true);
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
    // Below the millisecond too: Kusto keeps 100 ns ticks (digits past the seventh are dropped).
    expect(datetimeOutputText('2025-02-28T20:41:02.0009Z')).toBe('2025-02-28T20:41:02.0009000Z');
    expect(datetimeOutputText('2025-02-28T20:41:02.000000099Z')).toBe('2025-02-28T20:41:02Z');
    expect(datetimeOutputText('2025-02-28T20:41:02.12345678Z')).toBe('2025-02-28T20:41:02.1234567Z');
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

  it('for whole milliseconds across years 0000-9999, and every tick within 1991-2048', () => {
    fc.assert(
      fc.property(fc.integer({ min: YEAR_0, max: YEAR_10000 - 1 }), (ms) => {
        expect(formatDatetimeIso(exactTicks(ms))).toBe(viaDate(ms));
      }),
      { numRuns: 1000 },
    );
    const [from, to] = [Date.UTC(1991, 6, 1), Date.UTC(2048, 5, 1)];
    fc.assert(
      fc.property(fc.integer({ min: from, max: to }), fc.integer({ min: 0, max: 9999 }), (ms, sub) => {
        expect(formatDatetimeIso(exactTicks(ms, sub))).toBe(`${viaDate(ms).slice(0, 23)}${String(sub).padStart(4, '0')}Z`);
      }),
      { numRuns: 1000 },
    );
  });

  it('at the edges: epoch, leap days, before 1970, rounding up to the next second, no fraction', () => {
    const T = ticksFromUnixMs;
    expect(formatDatetimeIso(T(0))).toBe('1970-01-01T00:00:00.0000000Z');
    expect(formatDatetimeIso(T(0), true)).toBe('1970-01-01T00:00:00Z');
    expect(formatDatetimeIso(0)).toBe('2020-01-01T00:00:00.0000000Z');
    expect(formatDatetimeIso(-1)).toBe('2019-12-31T23:59:59.9999999Z');
    expect(formatDatetimeIso(T(Date.UTC(2024, 1, 29, 12, 30, 15, 250)), true)).toBe('2024-02-29T12:30:15.2500000Z');
    expect(formatDatetimeIso(T(Date.UTC(2000, 1, 29)))).toBe('2000-02-29T00:00:00.0000000Z');
    expect(formatDatetimeIso(T(-1))).toBe('1969-12-31T23:59:59.9990000Z');
    expect(formatDatetimeIso(T(-0.5))).toBe('1969-12-31T23:59:59.9995000Z');
    expect(formatDatetimeIso(T(999.99999))).toBe('1970-01-01T00:00:01.0000000Z');
    expect(formatDatetimeIso(T(Date.UTC(9999, 11, 31, 23, 59, 59)))).toBe('9999-12-31T23:59:59.0000000Z');
    expect(formatDatetimeIso(T(Date.UTC(9999, 11, 31, 23, 59, 59, 999) + 0.99999))).toBe('+010000-01-01T00:00:00.0000000Z');
    expect(formatDatetimeIso(Number.NaN)).toBe('');
  });
});
