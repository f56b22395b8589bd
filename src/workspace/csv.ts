/**
 * CSV files of the workspace (getschema exports, watchlists), as rows with the line each starts
 * on and the column of each cell, for messages. Reading is `csvRecords` (the csv-parse library).
 */
import type { Position } from '../diagnostics/diagnostic.js';
import { CsvProblem, csvRecords } from '../semantics/csv.js';

interface CsvRow {
  /** 1-based line the row starts on. */
  readonly line: number;
  readonly cells: string[];
  /** 0-based column of each cell on that line (found in the row's text). */
  readonly starts: number[];
}

export type CsvResult = { readonly ok: true; readonly rows: CsvRow[] } | { readonly ok: false; readonly error: string; readonly at: Position };

export function readCsv(text: string): CsvResult {
  try {
    const rows = csvRecords(text).map((r) => {
      let from = 0;
      const starts = r.cells.map((c) => {
        const at = Math.max(r.raw.indexOf(c, from), from);
        from = at + c.length;
        return at;
      });
      return { line: r.line, cells: r.cells, starts };
    });
    return { ok: true, rows };
  } catch (e) {
    if (!(e instanceof CsvProblem)) throw e;
    return { ok: false, error: e.message, at: { line: e.line, col: 1 } };
  }
}
