/**
 * CSV as the Log Analytics portal and Kusto tools export it (RFC 4180: comma-separated, fields
 * quoted with "..." where needed, "" for a quote inside, CRLF or LF line ends, maybe a byte order
 * mark). Small enough not to need a dependency; it keeps each row's line and each cell's column
 * for messages.
 */
import type { Position } from '../diagnostics/diagnostic.js';

export interface CsvRow {
  /** 1-based line the row starts on. */
  readonly line: number;
  readonly cells: string[];
  /** 0-based column of each cell on that line. */
  readonly starts: number[];
}

export type CsvResult = { readonly ok: true; readonly rows: CsvRow[] } | { readonly ok: false; readonly error: string; readonly at: Position };

export function readCsv(raw: string): CsvResult {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const rows: CsvRow[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i < text.length) {
    const row: CsvRow = { line, cells: [], starts: [] };
    for (;;) {
      row.starts.push(i - lineStart);
      let cell = '';
      if (text[i] === '"') {
        const open = { line, col: i - lineStart + 1 };
        i++;
        for (;;) {
          if (i >= text.length) return { ok: false, error: 'a quoted field is not closed (a " is missing)', at: open };
          const c = text[i]!;
          if (c === '"' && text[i + 1] === '"') {
            cell += '"';
            i += 2;
          } else if (c === '"') {
            i++;
            break;
          } else {
            if (c === '\n') {
              line++;
              lineStart = i + 1;
            }
            cell += c;
            i++;
          }
        }
        if (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          return { ok: false, error: 'text after a closing quote: a field must end at the quote', at: { line, col: i - lineStart + 1 } };
        }
      } else {
        while (i < text.length && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') cell += text[i++];
      }
      row.cells.push(cell);
      if (text[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    line++;
    lineStart = i;
    // Blank lines (a trailing newline, an empty last line) are not rows.
    if (!(row.cells.length === 1 && row.cells[0] === '')) rows.push(row);
  }
  return { ok: true, rows };
}
