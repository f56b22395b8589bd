/**
 * Review findings, round 5: an unnamed call that passes its argument's name (toreal(n)) replaces
 * that column in extend, as Kusto.Language names it; array_sort_asc's column names; explicit and
 * generated names that would clash; the RE2 regex rewriting of named groups and the friendly checks.
 */
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { compileKqlRegex } from '../../src/semantics/regex.js';
import { rows } from '../js/helpers.js';
import { detcColumns, kustoColumns, problems } from './query-checks.js';

describe('an unnamed call passing its argument name (Kusto.Language names the result after the argument)', () => {
  const calls = ['toreal(n)', 'todouble(n)', 'tolong(r)', 'toint(r)', 'tobool(s)', 'toboolean(s)', 'todatetime(s)', 'totimespan(s)', 'tostring(n)', 'abs(n)', 'round(r)', 'round(r, 2)', 'tohex(n)', 'ceiling(r)', 'sqrt(r)', 'exp(r)', 'log10(r)', 'pow(r, 2)'];
  for (const call of calls) {
    for (const query of [`T | project ${call}`, `T | extend ${call}`, `T | summarize by ${call}`]) {
      it(query, () => expect(detcColumns(query)).toEqual(kustoColumns(query)));
    }
  }

  it('extend toreal(n) converts n in place, so n / 2 is real division', () => {
    const query = 'T | extend toreal(n) | project x = n / 2';
    expect(detcColumns(query)).toEqual(kustoColumns(query));
    expect(rows(query, [{ n: 5 }])).toEqual([{ x: 2.5 }]);
  });

  it('summarize by tohex(n) names the group n', () => {
    const query = 'T | summarize by tohex(n)';
    expect(kustoColumns(query)).toEqual(['n:string']);
    expect(rows(query, [{ n: 255 }])).toEqual([{ n: 'ff' }]);
  });

  for (const query of [
    'T | project strlen(s), strlen(d.x), strlen("ab"), string_size(s), string_size("1"), gettype(1), gettype(d.x)',
    'T | extend format_datetime(t, "yy")',
    'T | summarize strlen(tostring(count())), gettype(max(n)), round(avg(n), 1), bin(min(t), 1d), make_set(s).x, tostring(make_set(s).x)',
  ]) {
    it(query, () => expect(detcColumns(query)).toEqual(kustoColumns(query)));
  }

  it('functions that do not pass a name still give ColumnN', () => {
    const query = 'T | project sign(n), toupper(s), tolower(s), iff(true, n, n)';
    expect(detcColumns(query)).toEqual(kustoColumns(query));
  });
});

describe('array_sort_asc / array_sort_desc of one array names its column <arg>_sorted', () => {
  for (const query of ['T | project array_sort_asc(d)', 'T | project array_sort_asc(d.arr)', 'T | project array_sort_desc(dynamic([1, 2]))', 'T | project array_sort_desc(d.arr), array_sort_asc(d, d.x)', 'T | extend array_sort_asc(d)']) {
    it(query, () => expect(detcColumns(query)).toEqual(kustoColumns(query)));
  }
});

describe('KQL regexes: only real named-group openers and unsupported constructs are seen (RE2JS is the reference)', () => {
  // RE2 syntax: https://github.com/google/re2/wiki/Syntax (\Q...\E quotes, a class holds its text).
  const re2 = (pattern: string) => RE2JS.compile(pattern);
  const cases: [string, string[]][] = [
    ['[(?<]', ['(', '?', '<', 'P', 'x']],
    ['\\(?<a', ['(<a', '<a', '(?<a', 'P<a']],
    ['\\Q(?<a>\\E', ['(?<a>', '(?P<a>', 'a']],
    ['\\Qab', ['ab', 'a', 'xab']],
    ['\\Q(?=\\E', ['(?=', '(?']],
    ['\\(?=x', ['(=x', '=x', '(x']],
    ['\\Q\\1\\E', ['\\1', '1']],
    ['[[:alpha:]](?<w>\\d)', ['a1', '11', 'b']],
    ['[]\\\\(?<]+', [']', '\\', '(<', 'x']],
  ];
  for (const [pattern, inputs] of cases) {
    it(pattern, () => {
      const r = compileKqlRegex(pattern);
      expect(r.ok ? 'compiles' : r.error).toBe('compiles');
      if (!r.ok) return;
      for (const s of inputs) expect({ s, match: r.regex.exec(s) }).toEqual({ s, match: ((m) => (m.find() ? Array.from({ length: m.groupCount() + 1 }, (_, i) => m.group(i)) : null))(re2(pattern).matcher(s)) });
    });
  }

  it('a named group reads as RE2JS names it', () => {
    const r = compileKqlRegex('(?<word>[a-z]+)-(?P<num>\\d+)');
    expect(r.ok && r.regex.groupNames()).toEqual([undefined, 'word', 'num']);
  });

  it('an unterminated \\Q quotes to the end, also in trim (its run of matches)', () => {
    const r = compileKqlRegex('\\Qab');
    expect(r.ok && [r.regex.trim('ababxab'), r.regex.trimStart('abab)+x'), r.regex.trimEnd('xab')]).toEqual(['x', ')+x', 'x']);
  });

  it('backreferences and look-around outside quotes and escapes still get the clear message', () => {
    expect(compileKqlRegex('(a)\\1')).toEqual({ ok: false, error: expect.stringContaining('backreferences') });
    expect(compileKqlRegex('\\\\(?=x)')).toEqual({ ok: false, error: expect.stringContaining('look-around') });
    expect(compileKqlRegex('\\Qx\\E(?<!y)')).toEqual({ ok: false, error: expect.stringContaining('look-around') });
    expect(compileKqlRegex('(?<n>a)\\k<n>')).toEqual({ ok: false, error: expect.stringContaining('named backreferences') });
  });
});

describe('a given name and a made-up one never clash: the later takes a suffix, as Kusto.Language names them', () => {
  const same = [
    'T | project array_sort_asc(d, d), d_sorted = 1',
    'T | project d_sorted = 1, array_sort_asc(d, d)',
    'T | project x = array_sort_asc(d, d), d_sorted = 1',
    'T | extend array_sort_asc(d, d), d_sorted = 1',
    'T | project toreal(n), n = 1',
    'T | project toreal(n), n',
    'T | project n1 = 1, toreal(n), n',
    'T | project d.x, d_x = 1',
    'T | project Column1 = 1, n + 1',
    'T | project n + 1, Column1 = 2, n + 2',
    'T | project series_fit_line(d), series_fit_line_d_slope = 1',
    'T | extend series_fit_line(d), series_fit_line_d_slope = 1',
    'T | summarize count() by count_ = n',
    'T | summarize n = count() by toreal(n)',
    'T | summarize count(), Column1 = dcount(n), count_ = sum(n)',
    'T | summarize Column1 = count(), sum(n) + 1',
    'T | summarize round(avg(n), 2), toreal(count()), abs(sum(n))',
  ];
  for (const query of same) it(query, () => expect(detcColumns(query)).toEqual(kustoColumns(query)));

  it('the later of two same-named columns reads its own value', () => {
    expect(rows('T | project array_sort_asc(d, d), d_sorted = 1 | project d_sorted2', [{ d: [2, 1] }])).toEqual([{ d_sorted2: 1 }]);
    expect(rows('T | project toreal(n), n = 7', [{ n: 5 }])).toEqual([{ n: 5, n1: 7 }]);
  });

  // Two given names (or a column's own) that are the same: Kusto.Language's error, not two columns of one name.
  for (const query of ['T | project x = 1, x = 2', 'T | project n, n = 1', 'T | project n, n', 'T | extend x = 1, x = 2', 'T | summarize n = count() by n', 'T | summarize x = count(), x = sum(n)', 'T | summarize by n, n', 'T | project (a, b) = series_fit_line(d), a = 1']) {
    it(`${query}: an error`, () => {
      expect(kustoColumns(query)).toEqual(expect.stringContaining('already declared'));
      expect(problems(query)).toEqual([expect.stringContaining('already declared')]);
    });
  }
});

describe('column_ifexists is named after the column it reads (Kusto.Language)', () => {
  for (const query of ['T | project column_ifexists("n", 0)', 'T | project column_ifexists("Nope", "")', 'T | extend column_ifexists("s", "")', 'T | summarize by column_ifexists("n", 0)', 'T | project column_ifexists("Nope", s)']) {
    it(query, () => expect(detcColumns(query)).toEqual(kustoColumns(query)));
  }
});
