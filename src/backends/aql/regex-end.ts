/**
 * A rule's RE2 regex for Java (MATCHES, REPLACEALL): RE2's `$` (without the m flag) is the end of
 * the text only, Java's also matches before a final line terminator (java.util.regex.Pattern: "By
 * default ... $ ... at the end of input but for the final terminator, if any"). Each `$` outside a
 * character class becomes `\z`, Java's end of input. With the m flag `$` is a line end (in UNIX_LINES
 * mode, which functions.ts sets, before `\n` only in both): not written yet, refused.
 */
import { END } from './escape.js';

/** The regex with `$` as `\z`, or an error message. */
export function endAnchored(regex: string, what: string): { regex: string } | { error: string } {
  let out = '';
  let inClass = false;
  // Where the current class's items start in `out` (after `[` or `[^`): a `]` there is a literal.
  let classItems = 0;
  let dollars = 0;
  for (let i = 0; i < regex.length; i++) {
    const ch = regex[i]!;
    if (ch === '\\') {
      // \Q...\E is literal text in both languages.
      if (regex[i + 1] === 'Q') {
        const end = regex.indexOf('\\E', i + 2);
        const stop = end < 0 ? regex.length : end + 2;
        out += regex.slice(i, stop);
        i = stop - 1;
        continue;
      }
      out += regex.slice(i, i + 2);
      i++;
      continue;
    }
    if (inClass) {
      // [:alpha:] inside a class is one item; `]` ends the class unless it is the class's first character.
      if (ch === '[' && regex[i + 1] === ':') {
        const end = regex.indexOf(':]', i + 2);
        if (end >= 0) {
          out += regex.slice(i, end + 2);
          i = end + 1;
          continue;
        }
      }
      if (ch === ']' && out.length > classItems) inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      if (regex[i + 1] === '^') {
        out += '^';
        i++;
      }
      classItems = out.length;
      continue;
    }
    if (ch === '$') {
      dollars++;
      out += END;
      continue;
    }
    out += ch;
  }
  if (dollars > 0 && /\(\?[a-zA-Z]*m/.test(regex)) {
    return { error: `${what} uses $ with the m (multi-line) flag, which detc does not translate: it writes $ as \\z, the end of the text, and a line end under the m flag is not written yet; match the line end explicitly (\\n) or give the rule a QRadar query of its own` };
  }
  return { regex: out };
}
