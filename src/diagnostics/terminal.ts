/**
 * Text from rule files and events is untrusted: printed raw, an ESC sequence can clear the screen or
 * retitle the window, and a CR or LF can forge a line of output ("alert 99: ..."). Everything written
 * for a terminal passes through `terminalSafe`, which shows such characters as escapes, the way git
 * and ls show unprintable file names.
 */

// C0 controls, DEL, C1 controls, line/paragraph separators, and the bidirectional overrides and
// isolates (they reorder what the reader sees: "Trojan Source", CVE-2021-42574).
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control, separator and bidi character shown as an escape (`\x1b`, `\n`, `\u202e`).
 * With `keepTabs`, a tab stays a tab (harmless on a terminal): a code frame's caret line copies the
 * source line's tabs so that the caret stays under the column it points at.
 */
export function terminalSafe(text: string, { keepTabs = false }: { keepTabs?: boolean } = {}): string {
  return text.replace(UNSAFE, (c) => (keepTabs && c === '\t' ? c : escapeChar(c)));
}
