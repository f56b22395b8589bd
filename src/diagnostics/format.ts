import type { Diagnostic } from './diagnostic.js';

/**
 * Terminal rendering: `file:line:col: error DTC3002: message`, then a code frame with a caret
 * under the offending span, then the hint.
 */
export function formatDiagnostic(d: Diagnostic, sourceText?: string, color = false): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const loc = d.file ? `${d.file}${d.start ? `:${d.start.line}:${d.start.col}` : ''}: ` : '';
  const sev = d.severity === 'error' ? paint('31;1', 'error') : paint('33;1', 'warning');
  const lines = [`${loc}${sev} ${d.code}: ${d.message}`];
  // Errors get a code frame; warnings stay on one line so a clean build reads quietly.
  if (sourceText !== undefined && d.start && d.severity === 'error') lines.push(...codeFrame(sourceText, d, paint));
  if (d.hint) lines.push(`  ${paint('36', 'hint')}: ${d.hint}`);
  return lines.join('\n');
}

function codeFrame(text: string, d: Diagnostic, paint: (c: string, s: string) => string): string[] {
  const all = text.split(/\r?\n/);
  const line = d.start!.line;
  const src = all[line - 1];
  if (src === undefined) return [];
  const out: string[] = [];
  const width = String(line + 1).length;
  const gutter = (n: number | '') => `  ${String(n).padStart(width)} | `;
  if (line > 1) out.push(gutter(line - 1) + all[line - 2]);
  out.push(gutter(line) + src);
  const startCol = d.start!.col;
  const endCol = d.end && d.end.line === line ? Math.max(d.end.col, startCol + 1) : startCol + 1;
  const pad = src.slice(0, startCol - 1).replace(/[^\t]/g, ' ');
  out.push(gutter('') + pad + paint('31;1', '^'.repeat(Math.max(1, endCol - startCol))));
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
