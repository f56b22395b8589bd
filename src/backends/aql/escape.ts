/**
 * AQL spelling: single-quoted strings with quotes doubled (backslash is not an escape in AQL), and
 * Java regular expressions for MATCHES/IMATCHES.
 */

/**
 * Characters no AQL string or quoted name can carry. IBM documents quoted strings ('...' for
 * values, "..." for names) and no escape sequence in them; a backslash is a literal character
 * (stix-shifter issues #362, #370). So a control character could only be written raw, and a raw
 * NUL, CR or LF in a query is not something QRadar documents to accept: detc refuses them (a tab
 * is ordinary whitespace and stays). Regexes (MATCHES) write them as regex escapes (`\n`, `\x00`).
 */
const UNWRITABLE = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Thrown by aqlString/aqlAlias for text that AQL cannot hold; the translator reports it at the rule's location. */
export class AqlUnwritable {
  constructor(
    readonly text: string,
    readonly what: 'string' | 'name',
  ) {}

  get message(): string {
    const c = UNWRITABLE.exec(this.text)![0].charCodeAt(0);
    const shown = this.text.length > 60 ? `${this.text.slice(0, 60)}...` : this.text;
    return `the ${this.what} ${JSON.stringify(shown)} holds the control character U+${c.toString(16).toUpperCase().padStart(4, '0')}, which AQL cannot write: its quoted ${this.what}s have no escape sequences (backslash is a literal character). Remove the character, or skip QRadar for this rule (targets: qradar: skip: "reason")`;
  }
}

/** A string literal: `'it''s'`. */
export function aqlString(s: string): string {
  if (UNWRITABLE.test(s)) throw new AqlUnwritable(s, 'string');
  return `'${s.replace(/'/g, "''")}'`;
}

/** An alias: plain when it is a simple identifier, otherwise double-quoted. */
export function aqlAlias(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !AQL_RESERVED.has(name.toUpperCase())) return name;
  if (UNWRITABLE.test(name)) throw new AqlUnwritable(name, 'name');
  return `"${name.replace(/"/g, '""')}"`;
}

const AQL_RESERVED = new Set([
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'HAVING', 'ORDER', 'LIMIT', 'LAST', 'START', 'STOP', 'AND', 'OR', 'NOT', 'AS', 'IN',
  'LIKE', 'ILIKE', 'MATCHES', 'IMATCHES', 'BETWEEN', 'IS', 'NULL', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'IF', 'ASC', 'DESC',
  'COUNT', 'SUM', 'MIN', 'MAX', 'AVG', 'FIRST', 'EVENTS', 'FLOWS', 'TRUE', 'FALSE', 'INCIDR',
]);

/** Characters that are literal in the regex only when escaped. */
export function regexEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    if (/[A-Za-z0-9 ]/.test(ch) || ch.charCodeAt(0) > 127) out += ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch.charCodeAt(0) < 0x20) out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += `\\${ch}`;
  }
  return out;
}

/** LIKE has no escape for % and _ (IBM documents none), so such values use a regex instead. */
export const likeSafe = (s: string): boolean => !/[%_]/.test(s);

/** Term characters for has-family regexes: Unicode letters and digits, as Kusto's terms. */
const TERM = '[\\p{L}\\p{N}]';
const isTermChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}]/u.test(ch);

/** Regex for `has needle`: the needle, bounded by non-term characters where it starts/ends with one. */
export function termRegex(needle: string): string {
  const before = isTermChar(needle[0]) ? `(?<!${TERM})` : '';
  const after = isTermChar(needle[needle.length - 1]) ? `(?!${TERM})` : '';
  return `${before}${regexEscape(needle)}${after}`;
}

/**
 * A regex that matches anywhere, written so that full-match and find semantics agree. MATCHES
 * takes Java regexes, whose `.` stops at line terminators unless DOTALL is on: `(?s)` lets the
 * surrounding `.*` cross newlines, as KQL's has/contains do on multi-line text. `body` must have
 * no `.` of its own (escaped needles only); a user's regex goes through anywhereAround.
 */
export const anywhere = (body: string): string => `(?s).*(?:${body}).*`;

/** A user's regex matched anywhere: only the added `.*` cross newlines; the regex's own `.` keeps RE2's default (no newline). */
export const anywhereAround = (regex: string): string => `(?s:.*)(?:${regex})(?s:.*)`;

/**
 * The end of the text. Java's `$` (without MULTILINE) also matches before a final line
 * terminator, so `abc$` would find "abc\n"; `\z` is the end of input only, as KQL's endswith/==.
 */
export const END = '\\z';

/** Conditions that always hold / never hold (KQL's empty-list tests); AQL has no boolean literals. */
export const ALWAYS = '1 = 1';
export const NEVER = '1 = 0';
