/**
 * A rule's RE2 regex as Java's (regex-end.ts). Sources: RE2's syntax page
 * (github.com/google/re2/wiki/Syntax) and java.util.regex.Pattern's documentation
 * (docs.oracle.com/en/java/javase/17/docs/api/java.base/java/util/regex/Pattern.html). The KQL side
 * is RE2JS, the engine the JS evaluator uses; the Java side, when a `java` is on the PATH, is Java's
 * own Pattern run on the translated regex.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RE2JS } from 're2js';
import { toJavaRegex } from '../../src/backends/aql/regex-end.js';
import { aql, hasJava } from './helpers.js';

const java = (re: string): string => {
  const r = toJavaRegex(re, 'the regular expression');
  if ('error' in r) throw new Error(r.error);
  return r.regex;
};
const refusal = (re: string): string => {
  const r = toJavaRegex(re, 'the regular expression');
  return 'error' in r ? r.error : `translated: ${r.regex}`;
};

describe('RE2 constructs Java reads differently are rewritten to RE2\'s meaning', () => {
  it('POSIX classes are their ASCII ranges (Java reads [[:digit:]] as a class of the characters :, d, i, g, t)', () => {
    expect(java('^[[:digit:]]+$')).toBe('^[0-9]+\\z');
    expect(java('[[:alpha:]_-]')).toBe('[A-Za-z_-]');
    expect(java('[^[:space:]]')).toBe('[^\\t\\n\\x0B\\f\\r\\x20]');
    expect(refusal('[[:^digit:]]')).toMatch(/^the regular expression uses the negated POSIX class \[:\^digit:\], which Java reads as a set of characters/);
  });

  it('a [ or & inside a class is escaped (Java: a nested class, and && an intersection)', () => {
    expect(java('[[]')).toBe('[\\[]');
    expect(java('[a&&b]')).toBe('[a\\&\\&b]');
    expect(java('[]a]')).toBe('[]a]');
  });

  it('\\s and \\S are RE2\'s (no \\x0B), \\v is \\x0B (Java\'s \\v is any vertical whitespace)', () => {
    expect(java('a\\sb')).toBe('a[\\t\\n\\f\\r\\x20]b');
    expect(java('\\S+')).toBe('[\\S\\x0B]+');
    expect(java('[^\\s,]')).toBe('[^\\t\\n\\f\\r\\x20,]');
    expect(java('\\v')).toBe('\\x0B');
  });

  it('\\b and \\B are ASCII word boundaries (Java 17\'s \\b counts non-ASCII letters as word characters)', () => {
    expect(java('\\badmin\\B')).toBe('(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))admin(?:(?<=\\w)(?=\\w)|(?<!\\w)(?!\\w))');
  });

  it('the i flag folds Unicode case (?iu); I, i and the Turkish dotted/dotless i, which Java folds together, are RE2\'s', () => {
    expect(java('(?i)é')).toBe('(?iu)é');
    expect(java('(?i:é)x')).toBe('(?iu:é)x');
    expect(java('(?i)admin')).toBe('(?iu)adm(?-i:[Ii])n');
    // Outside the flag's group, i is itself again.
    expect(java('((?i)a)i')).toBe('((?iu)a)i');
    // A class under the flag pins the characters Java's range folding misses (U+212A KELVIN SIGN for [A-Z]) to RE2's verdict.
    expect(java('(?i)[A-Z]')).toBe('(?iu)(?:(?-i:[IKSiks\\x{17F}\\x{212A}])|(?-i:(?![IKSiks\\x{130}\\x{131}\\x{17F}\\x{212A}]))[A-Z])');
    expect(java('(?i)[0-9]')).toBe('(?iu)[0-9]');
  });

  it('(?U) is refused: ungreedy in RE2, UNICODE_CHARACTER_CLASS in Java', () => {
    expect(refusal('(?U)a+')).toMatch(/^the regular expression uses the U flag, which RE2 reads as ungreedy and Java as UNICODE_CHARACTER_CLASS/);
    expect(refusal('(?i-U:a)')).toMatch(/uses the U flag/);
  });

  it('named groups are Java\'s (?<name>, or a plain group where the name is no Java name; the numbering is the same', () => {
    expect(java('(?P<user>\\w+)@')).toBe('(?<user>\\w+)@');
    expect(java('(?P<user_name>\\w+)@')).toBe('(\\w+)@');
    expect(java('(?<host>\\w+)')).toBe('(?<host>\\w+)');
  });

  it('a { that starts no repetition, octal escapes and script names', () => {
    expect(java('a{,2}{')).toBe('a\\{,2}\\{');
    expect(java('a{2,3}')).toBe('a{2,3}');
    expect(java('\\0\\101')).toBe('\\x{0}\\x{41}');
    expect(java('\\p{Greek}\\pL\\p{^Han}')).toBe('\\p{IsGreek}\\p{L}\\P{IsHan}');
  });

  it('the translation reaches matches regex, replace_regex and trim', () => {
    const where = aql('SigninLogs | where UserAgent matches regex @"^[[:digit:]]+\\s"').aql!;
    expect(where).toContain(`MATCHES '(?s:.*)(?:(?d)^[0-9]+[\\t\\n\\f\\r\\x20])(?s:.*)'`);
    expect(aql('SigninLogs | extend V = replace_regex(UserAgent, @"(?P<v>\\d)", @"\\1") | project V').aql).toContain(`REPLACEALL('(?d)(?<v>\\d)', "User Agent", '$1') AS V`);
    expect(aql('SigninLogs | where UserAgent matches regex "(?U)a+"').errors[0]!.message).toMatch(/^the regular expression uses the U flag/);
  });
});

describe('the translated regex in Java finds what the RE2 regex finds', () => {
  const hex = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i).toString(16).padStart(4, '0')).join('');
  /** Random regexes over the constructs above (a seeded generator), each run on random texts of tricky characters. */
  function cases(count: number): [string, string, string[]][] {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) % n;
    };
    const atoms = ['a', 'i', 'I', 'K', 'k', 's', 'é', 'É', '.', '\\s', '\\S', '\\w', '\\W', '\\d', '\\b', '\\B', '[a-z]', '[^a-z]', '[[:alpha:]]', '[[:space:]]', '[[:punct:]]', '[x&&y]', '[[]', '{', '$', '^', '\\x{131}', 'ı', 'İ', 'σ', 'ſ', 'K', '\\v', '[\\s]', '[^\\S]', '[\\w-]', '\\pL', '\\p{Greek}', '\\0', '[[:upper:]]', '\\x0B', '[Α-Ω]'];
    const chars = ['a', 'A', 'i', 'I', 'ı', 'İ', 'K', 'k', 'K', 's', 'S', 'ſ', 'é', 'É', ' ', '\t', '\n', '\u000b', '\r', 'x', 'y', '&', '[', '{', 'σ', 'Σ', 'ς', 'Ω', 'Ω', '1', '_', '-', '\u0000', '\u2028', '.'];
    const gen = (d: number): string => {
      let s = '';
      const n = 1 + rnd(4);
      for (let k = 0; k < n; k++) {
        const r = rnd(10);
        let a = r < 2 && d < 2 ? `(${['', '?i:', '?:', `?P<g${d}${k}>`, '?-i:', '?m:'][rnd(6)]}${gen(d + 1)})` : r === 2 ? '(?i)' : atoms[rnd(atoms.length)]!;
        if (rnd(4) === 0 && !['(?i)', '$', '^', '\\b', '\\B', '{'].includes(a)) a += ['*', '+', '?', '{1,2}'][rnd(4)];
        s += a;
        if (rnd(8) === 0 && k < n - 1) s += '|';
      }
      return s;
    };
    const out: [string, string, string[]][] = [];
    while (out.length < count) {
      const re = rnd(2) ? `^(?:${gen(0)})$` : gen(0);
      const r = toJavaRegex(re, 'r');
      if ('error' in r) continue;
      out.push([re, `(?d)${r.regex}`, Array.from({ length: 12 }, () => Array.from({ length: rnd(5) }, () => chars[rnd(chars.length)]).join(''))]);
    }
    return out;
  }

  it.skipIf(!hasJava)('on 1500 random regexes and 12 texts each (Java 17+ on the PATH)', () => {
    const all = cases(1500);
    const lines = all.flatMap(([, j, inputs]) => inputs.map((i) => `${hex(j)} ${hex(i)}`));
    const answers = execFileSync('java', ['test/aql/fixtures/JavaRegex.java'], { input: `${lines.join('\n')}\n`, maxBuffer: 1 << 26 }).toString().trim().split('\n');
    const differ: string[] = [];
    let k = 0;
    for (const [re, j, inputs] of all) {
      const re2 = RE2JS.compile(re);
      for (const i of inputs) {
        const want = re2.matcher(i).find() ? '1' : '0';
        if (answers[k++] !== want) differ.push(`${JSON.stringify(re)} as ${JSON.stringify(j)} on ${JSON.stringify(i)}: RE2 ${want}, Java ${answers[k - 1]}`);
      }
    }
    expect(k).toBe(lines.length);
    expect(differ).toEqual([]);
  }, 60_000);
});

describe('^ with the m flag (third review, 4)', () => {
  // RE2 (github.com/google/re2/wiki/Syntax): with m, ^ is "at beginning of text or line"; RE2's line
  // start follows every \n, the end of the text included. Java's MULTILINE ^ "at the beginning of
  // input and after any line terminator except at the end of input".
  it('is written as a look-behind for a \\n, only where the m flag holds', () => {
    expect(java('(?m)^a')).toBe('(?m)(?<![^\\n])a');
    expect(java('^a(?m:^b)^c')).toBe('^a(?m:(?<![^\\n])b)^c');
    expect(java('(?m)(?-m)^a')).toBe('(?m)(?-m)^a');
    expect(java('(?m)[^a]\\^')).toBe('(?m)[^a]\\^');
  });

  it('replace_regex(s, @"(?m)^", "> ") in AQL', () => {
    expect(aql('SigninLogs | extend V = replace_regex(UserAgent, @"(?m)^", "> ") | project V').aql).toContain(`REPLACEALL('(?d)(?m)(?<![^\\n])', "User Agent", '> ') AS V`);
  });

  it.skipIf(!hasJava)('Java finds a line start where RE2 does, after a final \\n too (Java 17+ on the PATH)', () => {
    const hex = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i).toString(16).padStart(4, '0')).join('');
    const cases: [string, string][] = [['(?m)^$', 'a\n'], ['(?m)\\n^', 'a\n'], ['(?m)^b', 'a\nb'], ['(?m)^b', 'ab'], ['(?m:^)', ''], ['(?m)a^', 'a'], ['(?m)\\r^', 'a\r']]
      .map(([re, s]) => [re!.replace('^$', '^\\z'), s!]);
    const lines = cases.map(([re, s]) => `${hex(`(?d)${java(re)}`)} ${hex(s)}`);
    const answers = execFileSync('java', ['test/aql/fixtures/JavaRegex.java'], { input: `${lines.join('\n')}\n` }).toString().trim().split('\n');
    const re2 = cases.map(([re, s]) => (RE2JS.compile(re.replace('\\z', '$')).matcher(s).find() ? '1' : '0'));
    expect(answers).toEqual(re2);
    // RE2's own answers, so that the comparison can fail.
    expect(re2).toEqual(['1', '1', '1', '0', '1', '0', '0']);
  }, 60_000);
});

describe('\\p{...}: a general category keeps its name, a script is Is<Script> (third review, 5)', () => {
  // Pattern: "Scripts are specified either with the prefix Is, as in IsHiragana"; categories "with the
  // optional prefix Is"; the general categories are Unicode's (unicode.org/reports/tr44, General_Category).
  const NAMES = ['Yi', 'Greek', 'Han', 'Latin', 'Lu', 'L', 'LC', 'Lc', 'Nd', 'Cn', 'Co', 'Zs', 'Sm', 'Pi', 'Cc'];
  it('a script of one or two letters (Yi) is Is<Script>; a category is not', () => {
    expect(java('\\p{Yi}')).toBe('\\p{IsYi}');
    expect(java('[\\P{Yi}]')).toBe('[\\P{IsYi}]');
    expect(java('\\pL\\p{Lu}\\p{^Nd}\\p{Lc}')).toBe('\\p{L}\\p{Lu}\\P{Nd}\\p{LC}');
    expect(java('\\p{Greek}')).toBe('\\p{IsGreek}');
  });

  it('a name Java 17 does not know is refused, naming it', () => {
    expect(refusal('\\p{Vithkuqi}')).toMatch(/^the regular expression uses \\p\{Vithkuqi\}, which names a script newer than Java 17 knows/);
    expect(refusal('\\P{Emoji}')).toMatch(/^the regular expression uses \\P\{Emoji\}, which is no Unicode script or general category/);
  });

  it.skipIf(!hasJava)('Java compiles each and finds what RE2 finds on sample characters (Java 17+ on the PATH)', () => {
    const hex = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i).toString(16).padStart(4, '0')).join('');
    const samples = ['ꀀ', 'a', 'A', 'Ω', '中', '5', '\u{E000}', ' ', '+', '«', '\u0001', '\u0378'];
    const cases = NAMES.flatMap((n) => samples.map((s) => [`\\p{${n}}`, s] as const));
    const lines = cases.map(([re, s]) => `${hex(`(?d)${java(re)}`)} ${hex(s)}`);
    const answers = execFileSync('java', ['test/aql/fixtures/JavaRegex.java'], { input: `${lines.join('\n')}\n` }).toString().trim().split('\n');
    const re2 = cases.map(([re, s]) => (RE2JS.compile(re).matcher(s).find() ? '1' : '0'));
    expect(answers.map((a, k) => `${cases[k]![0]} ${cases[k]![1]}: ${a}`)).toEqual(re2.map((a, k) => `${cases[k]![0]} ${cases[k]![1]}: ${a}`));
    expect(re2.filter((a) => a === '1').length).toBeGreaterThan(NAMES.length);
  }, 60_000);
});
