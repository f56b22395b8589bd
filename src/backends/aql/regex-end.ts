/**
 * A rule's RE2 regex (KQL's syntax: github.com/google/re2/wiki/Syntax) as a Java regex
 * (java.util.regex.Pattern: QRadar's MATCHES, IMATCHES and REPLACEALL). Where the two read the
 * same text differently, the construct is rewritten to a Java form with RE2's meaning; where no
 * such form is written, the regex is refused, naming the construct. Differences (checked with
 * Java 17 and RE2JS):
 * - `$` (without the m flag) is the end of the text in RE2; Java's also matches before a final line
 *   terminator ("at the end of input but for the final terminator, if any"): written `\z`. With the
 *   m flag `$` is a line end: not written yet, refused.
 * - `^` with the m flag is a line start in both, but Java's does not match at the end of the input
 *   after a final line terminator and RE2's does (after any \n): written `(?<![^\n])`.
 * - `\s` is [\t\n\f\r ] in RE2; Java's also matches \x0B. `\S` accordingly. `\v` is \x0B in RE2,
 *   Java's is any vertical whitespace.
 * - `\b` and `\B` are ASCII in RE2 (a \w next to a non-\w); Java 17's `\b` also counts non-ASCII
 *   letters and digits as word characters: written with look-around over Java's \w, which is ASCII
 *   (without UNICODE_CHARACTER_CLASS, which detc never sets) and not case-folded.
 * - `\w` under (?i) folds case in RE2 (it matches U+212A KELVIN SIGN and U+017F LONG S, whose folds
 *   are k and s); Java's \w never folds: in a regex with the i flag written as the class
 *   [0-9A-Za-z_], which Java folds as RE2 does; `\W` as its complement (refused inside a class).
 * - `(?i)` folds Unicode case in RE2; Java's CASE_INSENSITIVE folds ASCII only unless UNICODE_CASE
 *   (`u`) is set: written `(?iu)`.
 * - `(?U)` is ungreedy in RE2 and UNICODE_CHARACTER_CLASS in Java: refused.
 * - `(?P<name>` is a syntax error in Java: written `(?<name>`, or `(` when the name is not a Java
 *   group name (ASCII letters and digits, a letter first); the group's number is the same either way.
 * - In a class, `[:digit:]` and the other POSIX classes are ASCII sets in RE2 and a set of characters
 *   in Java: written as their ranges (RE2's syntax page); a negated one `[:^digit:]` is refused.
 *   A `[` is a literal in RE2 and a nested class (or a syntax error) in Java; `&&` is two `&` in RE2
 *   and an intersection in Java: both escaped.
 * - `{` that does not start a repetition (`a{,2}`, `{`) is a literal in RE2, a syntax error in Java: escaped.
 * - `\0` and octal escapes `\123` are characters in RE2; Java's `\0` needs digits after it and `\1` is
 *   a back reference: written `\x{...}`.
 * - `\p{Greek}` (a script) is `\p{IsGreek}` in Java (also `\p{Yi}`: only the general categories keep
 *   their name, `\pL`, `\p{Lu}`); scripts newer than Java 17 knows, and RE2JS's binary properties
 *   (`\p{Emoji}`), are refused.
 */
import { re2jsLibrary } from '../../lazy.js';
import { END } from './escape.js';

/** RE2's POSIX classes (RE2 syntax page), as Java class items. */
const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t\\x20',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '\\x21-\\x7E',
  lower: 'a-z',
  print: '\\x20-\\x7E',
  punct: '\\x21-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7E',
  space: '\\t\\n\\x0B\\f\\r\\x20',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};
/** The Unicode general categories (and LC, Lu|Ll|Lt), named alike in RE2 and Java. */
const CATEGORIES = new Set(['L', 'LC', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No', 'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po', 'S', 'Sm', 'Sc', 'Sk', 'So', 'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Cs', 'Co', 'Cn']);
/** The other names RE2JS accepts in \p{...} that are no script: binary properties and its own Ascii and Assigned. */
const NO_SCRIPT = new Set(['ASCII_Hex_Digit', 'Alphabetic', 'Dash', 'Emoji', 'Emoji_Component', 'Emoji_Modifier', 'Emoji_Modifier_Base', 'Emoji_Presentation', 'Extended_Pictographic', 'Hex_Digit', 'Lowercase', 'Math', 'Quotation_Mark', 'Terminal_Punctuation', 'Uppercase', 'White_Space', 'Ascii', 'Assigned']);
/** RE2JS's scripts that Java 17's Pattern rejects as \p{Is...} (added to Unicode after its version 13; measured with Java 17). */
const NEWER_SCRIPTS = new Set(['Beria_Erfe', 'Cypro_Minoan', 'Garay', 'Gurung_Khema', 'Kawi', 'Kirat_Rai', 'Nag_Mundari', 'Ol_Onal', 'Old_Uyghur', 'Sidetic', 'Sunuwar', 'Tai_Yo', 'Tangsa', 'Todhri', 'Tolong_Siki', 'Toto', 'Tulu_Tigalari', 'Vithkuqi']);
/** RE2's \s and \w as Java class items. */
const SPACE = '\\t\\n\\f\\r\\x20';
const WORD = '0-9A-Za-z_';
/** RE2's ASCII \b and \B; Java's \w (no `U` flag) is ASCII and not case-folded. */
const BOUNDARY = '(?:(?<=\\w)(?!\\w)|(?<!\\w)(?=\\w))';
const NOT_BOUNDARY = '(?:(?<=\\w)(?=\\w)|(?<!\\w)(?!\\w))';
/** RE2's `^` under the m flag: at the start or after a \n. Java's (?m)^ is not at the end of the input after a final \n. */
const LINE_START = '(?<![^\\n])';

/**
 * Under the i flag Java (with UNICODE_CASE) and RE2 fold the same single characters alike, except
 * I, i, U+0130 and U+0131 (Java folds the four together, RE2 keeps U+0130 and U+0131 apart), and
 * Java's class ranges miss folds that go through a third character ([A-Z] misses U+212A KELVIN
 * SIGN, whose lower case is k). Measured over the BMP's cased characters with Java 17 and RE2JS;
 * these are the characters of every fold that differed. A folded class pins its verdict on them to RE2's.
 */
const FOLD_PINNED = [
  0x49, 0x4b, 0x53, 0x69, 0x6b, 0x73, 0xb5, 0xc5, 0xe5, 0x130, 0x131, 0x17f, 0x1c4, 0x1c5, 0x1c6, 0x1c7, 0x1c8, 0x1c9, 0x1ca, 0x1cb, 0x1cc, 0x1f1, 0x1f2, 0x1f3,
  0x345, 0x392, 0x395, 0x398, 0x399, 0x39a, 0x39c, 0x3a0, 0x3a1, 0x3a3, 0x3a6, 0x3a9, 0x3b2, 0x3b5, 0x3b8, 0x3b9, 0x3ba, 0x3bc, 0x3c0, 0x3c1, 0x3c2, 0x3c3,
  0x3c6, 0x3c9, 0x3d0, 0x3d1, 0x3d5, 0x3d6, 0x3f0, 0x3f1, 0x3f4, 0x3f5, 0x412, 0x414, 0x41e, 0x421, 0x422, 0x42a, 0x432, 0x434, 0x43e, 0x441, 0x442, 0x44a,
  0x462, 0x463, 0x1c80, 0x1c81, 0x1c82, 0x1c83, 0x1c84, 0x1c85, 0x1c86, 0x1c87, 0x1c88, 0x1e60, 0x1e61, 0x1e9b, 0x1fbe, 0x2126, 0x212a, 0x212b, 0xa64a, 0xa64b,
].map((c) => String.fromCodePoint(c));
/** The characters Java folds together with I and i but RE2 does not. */
const DOTTED_I = new Set(['I', 'i', '\u0130', '\u0131']);
const javaChars = (cs: readonly string[]): string => cs.map((c) => (/[A-Za-z]/.test(c) ? c : `\\x{${c.codePointAt(0)!.toString(16).toUpperCase()}}`)).join('');

class Refused extends Error {}

/** The rule's RE2 regex as a Java regex with the same meaning, or an error naming what has none. */
export function toJavaRegex(regex: string, what: string): { regex: string } | { error: string } {
  let out = '';
  let i = 0;
  let dollars = 0;
  let multiline = false;
  // Whether the i and m flags hold here, and their values outside each open group.
  let fold = false;
  let lines = false;
  const groups: { fold: boolean; lines: boolean }[] = [];
  const open = (): void => {
    groups.push({ fold, lines });
  };
  /** A character Java folds unlike RE2, under the i flag: its RE2 fold written out, case-sensitively. */
  const literal = (c: string): string => {
    if (!fold || !DOTTED_I.has(c)) return c;
    return c === 'I' || c === 'i' ? '(?-i:[Ii])' : `(?-i:${javaChars([c])})`;
  };
  const refuse = (construct: string, why: string): never => {
    throw new Refused(`${what} uses ${construct}, which ${why}: detc writes no Java regex for it; rewrite the regex without it or give the rule a QRadar query of its own`);
  };
  /** The escape at `i` (a backslash) as Java, inside a class or not; moves `i` past it. */
  const escape = (inClass: boolean): string => {
    const c = regex[i + 1];
    const start = i;
    i += 2;
    switch (c) {
      case undefined:
        return '\\\\';
      case 'Q': {
        // \Q...\E is literal text in both languages.
        const end = regex.indexOf('\\E', i);
        const stop = end < 0 ? regex.length : end + 2;
        i = stop;
        if (fold && [...regex.slice(start + 2, end < 0 ? stop : end)].some((ch) => DOTTED_I.has(ch))) refuse('\\Q...\\E holding I or i with the i flag', 'Java folds together with U+0130 and U+0131 and RE2 does not');
        return regex.slice(start, stop);
      }
      case 's':
        return inClass ? SPACE : `[${SPACE}]`;
      case 'S':
        // Java's \S with \x0B (Java's \s has it, RE2's not) is RE2's \S.
        return inClass ? '\\S\\x0B' : '[\\S\\x0B]';
      case 'w':
        if (!fold) return '\\w';
        return inClass ? WORD : pinned('[\\w]', `[${WORD}]`);
      case 'W':
        if (!fold) return '\\W';
        if (inClass) return refuse('\\W inside a character class with the i flag', 'RE2 case-folds (U+212A KELVIN SIGN is no \\W there) and Java does not');
        return pinned('[^\\w]', `[^${WORD}]`);
      case 'v':
        return '\\x0B';
      case 'b':
      case 'B':
        return c === 'b' ? BOUNDARY : NOT_BOUNDARY;
      case 'x': {
        const end = regex[i] === '{' ? regex.indexOf('}', i) : i + 1;
        i = end < 0 ? regex.length : end + 1;
        const code = parseInt(regex.slice(start + 2, i).replace(/[{}]/g, ''), 16);
        if (fold && !inClass && DOTTED_I.has(String.fromCodePoint(code))) return literal(String.fromCodePoint(code));
        return regex.slice(start, i);
      }
      case 'p':
      case 'P': {
        let name: string;
        if (regex[i] === '{') {
          const end = regex.indexOf('}', i);
          name = regex.slice(i + 1, end < 0 ? regex.length : end);
          i = end < 0 ? regex.length : end + 1;
        } else {
          name = regex[i] ?? '';
          i += 1;
        }
        let negated = c === 'P';
        if (name.startsWith('^')) [negated, name] = [!negated, name.slice(1)];
        if (name === 'Any') {
          if (negated) return refuse('\\P{Any}', 'matches no character');
          return inClass ? '\\x{0}-\\x{10FFFF}' : '[\\x{0}-\\x{10FFFF}]';
        }
        // A general category has the same name in Java (RE2JS's Lc is LC); a script is Java's Is<Script>.
        if (name === 'Lc') name = 'LC';
        if (!CATEGORIES.has(name)) {
          if (NO_SCRIPT.has(name)) return refuse(`\\${c}{${name}}`, 'is no Unicode script or general category (Java names it otherwise, or not at all)');
          if (NEWER_SCRIPTS.has(name)) return refuse(`\\${c}{${name}}`, 'names a script newer than Java 17 knows');
        }
        return `\\${negated ? 'P' : 'p'}{${CATEGORIES.has(name) ? name : `Is${name}`}}`;
      }
      default:
        if (c >= '0' && c <= '7') {
          // Octal: \0 and up to two more digits, or \1-\7 and one or two more (RE2's parser).
          const m = /^[0-7]{1,3}/.exec(regex.slice(i - 1))![0];
          const digits = c === '0' || m.length > 1 ? m : undefined;
          if (digits === undefined) return refuse(`\\${c}`, 'is a back reference in Java and an error in RE2');
          i = i - 1 + digits.length;
          const code = parseInt(digits, 8);
          if (fold && !inClass && DOTTED_I.has(String.fromCodePoint(code))) return literal(String.fromCodePoint(code));
          return `\\x{${code.toString(16)}}`;
        }
        return regex.slice(start, i);
    }
  };
  /** The class at `i` (a `[`) as Java; moves `i` past it. */
  const klass = (): string => {
    const start = i;
    const java = klassItems();
    return fold ? pinned(regex.slice(start, i), java) : java;
  };
  /** A class under the i flag (RE2's `original`, Java's `java`) with the characters Java folds unlike RE2 pinned to RE2's verdict; only those the class's folds reach. */
  const pinned = (original: string, java: string): string => {
    const { RE2JS } = re2jsLibrary();
    const positive = RE2JS.compile(`(?i)[${original.slice(original[1] === '^' ? 2 : 1)}`);
    // Java folds I, i, U+0130 and U+0131 together: a class reaching one reaches all four there.
    const dotted = [...DOTTED_I].some((c) => positive.matches(c));
    const reached = FOLD_PINNED.filter((c) => positive.matches(c) || (dotted && DOTTED_I.has(c)));
    if (reached.length === 0) return java;
    const re2 = RE2JS.compile(`(?i)${original}`);
    const yes = reached.filter((c) => re2.matches(c));
    return `(?:${yes.length ? `(?-i:[${javaChars(yes)}])|` : ''}(?-i:(?![${javaChars(reached)}]))${java})`;
  };
  const klassItems = (): string => {
    let s = '[';
    i++;
    if (regex[i] === '^') {
      s += '^';
      i++;
    }
    let first = true;
    while (i < regex.length) {
      const ch = regex[i]!;
      if (ch === ']' && !first) {
        i++;
        return `${s}]`;
      }
      first = false;
      if (ch === '\\') {
        s += escape(true);
        continue;
      }
      if (ch === '[' && regex[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(regex.slice(i));
        if (m) {
          if (m[1]) refuse(`the negated POSIX class ${m[0]}`, 'Java reads as a set of characters');
          const items = POSIX[m[2]!];
          if (items === undefined) refuse(`the POSIX class ${m[0]}`, 'RE2 does not know');
          s += items;
          i += m[0].length;
          continue;
        }
      }
      // A literal in RE2; Java reads `[` as a nested class and `&&` as an intersection (a `]` first is a literal in both).
      s += ch === '[' || ch === '&' ? `\\${ch}` : ch;
      i++;
    }
    return s;
  };
  try {
    while (i < regex.length) {
      const ch = regex[i]!;
      if (ch === '\\') {
        out += escape(false);
        continue;
      }
      if (ch === '[') {
        out += klass();
        continue;
      }
      if (ch === '(' && regex[i + 1] === '?') {
        const rest = regex.slice(i);
        const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(rest);
        if (named) {
          open();
          out += /^[A-Za-z][A-Za-z0-9]*$/.test(named[1]!) ? `(?<${named[1]}>` : '(';
          i += named[0].length;
          continue;
        }
        const flags = /^\(\?([A-Za-z]*)(?:-([A-Za-z]*))?([:)])/.exec(rest);
        if (flags) {
          const [on, off = ''] = [flags[1]!, flags[2]];
          if (`${on}${off}`.includes('U')) refuse('the U flag', 'RE2 reads as ungreedy and Java as UNICODE_CHARACTER_CLASS');
          if (on.includes('m')) multiline = true;
          // UNICODE_CASE with CASE_INSENSITIVE: Java then folds case beyond ASCII, as RE2 does.
          out += `(?${on.includes('i') ? `${on}u` : on}${flags[2] !== undefined ? `-${off}` : ''}${flags[3]}`;
          i += flags[0].length;
          if (flags[3] === ':') open();
          if (on.includes('i')) fold = true;
          if (off.includes('i')) fold = false;
          if (on.includes('m')) lines = true;
          if (off.includes('m')) lines = false;
          continue;
        }
      }
      if (ch === '(') open();
      if (ch === ')') ({ fold, lines } = groups.pop() ?? { fold, lines });
      if (ch === '^' && lines) {
        // RE2's line start: the start of the text or after any \n, the end of the text included.
        out += LINE_START;
        i++;
        continue;
      }
      if (ch === '{') {
        const rep = /^\{\d+(?:,\d*)?\}/.exec(regex.slice(i));
        out += rep ? rep[0] : '\\{';
        i += rep ? rep[0].length : 1;
        continue;
      }
      if (ch === '$') {
        dollars++;
        out += END;
        i++;
        continue;
      }
      out += literal(ch);
      i++;
    }
  } catch (e) {
    if (e instanceof Refused) return { error: e.message };
    throw e;
  }
  if (dollars > 0 && multiline) {
    return { error: `${what} uses $ with the m (multi-line) flag, which detc does not translate: it writes $ as \\z, the end of the text, and a line end under the m flag is not written yet; match the line end explicitly (\\n) or give the rule a QRadar query of its own` };
  }
  return { regex: out };
}
