/**
 * KQL regular expressions. Kusto's engine (RE2 syntax, now the Rust `regex` crate) has no
 * backreferences or look-around and matches in linear time; detc uses RE2JS, a JavaScript port of
 * RE2, so a hostile pattern cannot make the evaluator backtrack exponentially.
 */
import type { RE2JS } from 're2js';
import { re2jsLibrary } from '../lazy.js';

export interface KqlRegex {
  /** The pattern matches somewhere in `s` (not anchored, as `matches regex`). */
  test(s: string): boolean;
  /** Groups of the first match (index 0 = whole match), or null. */
  exec(s: string): (string | null)[] | null;
  /** Remove leading and trailing runs of matches (`trim`). */
  trim(s: string): string;
  /** Remove a leading run of matches (`trim_start`). */
  trimStart(s: string): string;
  /** Remove a trailing run of matches (`trim_end`). */
  trimEnd(s: string): string;
  /** Index of the first match, or -1. */
  indexOf(s: string): number;
  /** Every non-overlapping match, left to right: its position and groups (index 0 = whole match). */
  all(s: string): RegexMatch[];
  /** Names of the groups, by group index (undefined for unnamed groups). */
  groupNames(): (string | undefined)[];
}

export interface RegexMatch {
  readonly start: number;
  readonly end: number;
  readonly groups: (string | null)[];
}

export type RegexResult = { ok: true; regex: KqlRegex } | { ok: false; error: string };

// Checked on the pattern's skeleton (see skeleton()), so escaped or quoted text never trips them.
const FRIENDLY: [RegExp, string][] = [
  [/\\[1-9]/, 'backreferences (\\1) are not supported by Kusto regular expressions'],
  [/\(\?<?[=!]/, 'look-around ((?=, (?!, (?<=, (?<!) is not supported by Kusto regular expressions'],
  [/\\k</, 'named backreferences are not supported by Kusto regular expressions'],
];

/**
 * The pattern with each character class as `[]`, each `\Q...\E` quote and each escape other than
 * `\1`-`\9` and `\k` as `__` (RE2's syntax: a `]` first in a class is literal, `[:alpha:]` inside
 * one is a named class, `\Q` without `\E` quotes to the end); and whether a `\Q` is left open.
 */
function skeleton(pattern: string): { text: string; openQuote: boolean } {
  let text = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\' && pattern[i + 1] === 'Q') {
      const end = pattern.indexOf('\\E', i + 2);
      text += '__';
      if (end < 0) return { text, openQuote: true };
      i = end + 2;
    } else if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      text += /[1-9k]/.test(next) ? c + next : '__';
      i += 2;
    } else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') {
        if (pattern[j] === '\\') j += 2;
        else if (pattern.startsWith('[:', j) && pattern.indexOf(':]', j + 2) >= 0) j = pattern.indexOf(':]', j + 2) + 2;
        else j++;
      }
      text += '[]';
      i = j + 1;
    } else {
      text += c;
      i++;
    }
  }
  return { text, openQuote: false };
}

const cache = new Map<string, RegexResult>();

export function compileKqlRegex(pattern: string): RegexResult {
  let r = cache.get(pattern);
  if (!r) {
    r = compile(pattern);
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, r);
  }
  return r;
}

function compile(pattern: string): RegexResult {
  // Look for unsupported constructs outside character classes, for a clearer message than RE2's.
  const { text, openQuote } = skeleton(pattern);
  for (const [re, error] of FRIENDLY) if (re.test(text)) return { ok: false, error };
  // RE2JS reads Rust's `(?<name>...)` itself. A `\Q` left open is closed, so the wrappers below stay syntax.
  const body = openQuote ? `${pattern}\\E` : pattern;
  let re: ReturnType<typeof RE2JS.compile>;
  let lead: ReturnType<typeof RE2JS.compile>;
  let tail: ReturnType<typeof RE2JS.compile>;
  try {
    const { RE2JS } = re2jsLibrary();
    re = RE2JS.compile(body);
    lead = RE2JS.compile(`^(?:${body})+`);
    tail = RE2JS.compile(`(?:${body})+$`);
  } catch (e) {
    return { ok: false, error: String((e as Error).message).replace(/^error parsing regexp: /, '') };
  }
  const trimStart = (s: string): string => {
    const l = lead.matcher(s);
    return l.find() && l.start() === 0 ? s.slice(l.end()) : s;
  };
  const trimEnd = (s: string): string => {
    const t = tail.matcher(s);
    return t.find() ? s.slice(0, t.start()) : s;
  };
  return {
    ok: true,
    regex: {
      test: (s) => re.matcher(s).find(),
      exec: (s) => {
        const m = re.matcher(s);
        if (!m.find()) return null;
        const groups: (string | null)[] = [];
        for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i));
        return groups;
      },
      indexOf: (s) => {
        const m = re.matcher(s);
        return m.find() ? m.start() : -1;
      },
      all: (s) => {
        const m = re.matcher(s);
        const out: RegexMatch[] = [];
        while (m.find()) {
          const groups: (string | null)[] = [];
          for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i));
          out.push({ start: m.start(), end: m.end(), groups });
          // An empty match would be found again at the same place.
          if (m.end() === m.start() && m.end() >= s.length) break;
        }
        return out;
      },
      groupNames: () => {
        const names: (string | undefined)[] = [undefined];
        names.length = re.groupCount() + 1;
        for (const [name, index] of Object.entries(re.namedGroups())) names[index] = name;
        return names;
      },
      trim: (s) => trimEnd(trimStart(s)),
      trimStart,
      trimEnd,
    },
  };
}
