/**
 * KQL regular expressions (Rust `regex` crate syntax, formerly RE2): no backreferences, no
 * look-around. Translated to a JS RegExp after rejecting what Kusto rejects.
 */
export type RegexResult = { ok: true; regex: RegExp } | { ok: false; error: string };

const UNSUPPORTED: [RegExp, string][] = [
  [/\\[1-9]/, 'backreferences (\\1) are not supported by Kusto regular expressions'],
  [/\(\?<?[=!]/, 'look-around ((?=, (?!, (?<=, (?<!) is not supported by Kusto regular expressions'],
  [/\\k</, 'named backreferences are not supported by Kusto regular expressions'],
  [/[*+?}]\+/, 'possessive quantifiers are not supported by Kusto regular expressions'],
];

export function compileKqlRegex(pattern: string): RegexResult {
  // Find constructs outside character classes and escapes.
  const stripped = pattern.replace(/\\\\/g, '__').replace(/\[(?:\\.|[^\]\\])*\]/g, '[]');
  for (const [re, error] of UNSUPPORTED) if (re.test(stripped)) return { ok: false, error };
  let flags = 'u';
  let body = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    for (const f of lead[1]!) if (f === 'i' || f === 'm' || f === 's') flags += f;
    body = body.slice(lead[0].length);
  }
  body = body.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$');
  try {
    return { ok: true, regex: new RegExp(body, flags) };
  } catch (e) {
    // Retry without the u flag: Rust allows some escapes (e.g. \/) that JS rejects in u mode.
    try {
      return { ok: true, regex: new RegExp(body, flags.replace('u', '')) };
    } catch {
      return { ok: false, error: (e as Error).message.replace(/^Invalid regular expression: /, '') };
    }
  }
}
