import type { Diagnostic } from './diagnostic.js';
import { terminalSafe } from './terminal.js';

/**
 * Terminal rendering: `file:line:col: error DTC3002: message`, then a code frame with a caret
 * under the offending span, then the hint. File names, messages, hints and source lines come from
 * untrusted rule files, so they pass through terminalSafe; only detc's own color codes are raw.
 */
export function formatDiagnostic(d: Diagnostic, sourceText?: string, color = false): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const loc = d.file ? `${terminalSafe(d.file)}${d.start ? `:${d.start.line}:${d.start.col}` : ''}: ` : '';
  const sev = d.severity === 'error' ? paint('31;1', 'error') : paint('33;1', 'warning');
  const lines = [`${loc}${sev} ${d.code}: ${terminalSafe(d.message)}`];
  // Errors get a code frame; warnings stay on one line so a clean build reads quietly.
  if (sourceText !== undefined && d.start && d.severity === 'error') lines.push(...codeFrame(sourceText, d, paint));
  if (d.hint) lines.push(`  ${paint('36', 'hint')}: ${terminalSafe(d.hint)}`);
  return lines.join('\n');
}

/** A source line as shown: escaped, tabs kept (the caret line copies them). */
const shownLine = (s: string) => terminalSafe(s, { keepTabs: true });

function codeFrame(text: string, d: Diagnostic, paint: (c: string, s: string) => string): string[] {
  const all = text.split(/\r?\n/);
  const line = d.start!.line;
  const src = all[line - 1];
  if (src === undefined) return [];
  const out: string[] = [];
  const width = String(line + 1).length;
  const gutter = (n: number | '') => `  ${String(n).padStart(width)} | `;
  if (line > 1) out.push(gutter(line - 1) + shownLine(all[line - 2]!));
  out.push(gutter(line) + shownLine(src));
  const startCol = d.start!.col;
  const endCol = d.end && d.end.line === line ? Math.max(d.end.col, startCol + 1) : startCol + 1;
  // The caret goes under the shown text: an escaped character (`\x1b`) is as wide as its escape.
  const pad = shownLine(src.slice(0, startCol - 1)).replace(/[^\t]/g, ' ');
  const spanned = src.slice(startCol - 1, endCol - 1);
  const caretWidth = shownLine(spanned).length + (endCol - startCol - spanned.length);
  out.push(gutter('') + pad + paint('31;1', '^'.repeat(Math.max(1, caretWidth))));
  return out;
}

export function diagnosticToJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.file,
    line: d.start?.line,
    column: d.start?.col,
    endLine: d.end?.line,
    endColumn: d.end?.col,
    hint: d.hint,
  };
}
