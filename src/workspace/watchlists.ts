/**
 * Watchlists for `_GetWatchlist('alias')`: a folder of `<alias>.csv` files, each a header row of
 * column names and one row per item, as Sentinel's watchlist upload takes them. `_GetWatchlist`
 * returns the CSV's columns (as strings) and Sentinel's own: _DTItemId (the item's id),
 * LastUpdatedTimeUTC, SearchKey (the value of the watchlist's search key column: here the CSV's
 * `SearchKey` column if it has one, else its first column) and WatchlistItem (the item as a bag).
 */
import { basename, extname } from 'node:path';
import { makeDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { WATCHLIST_COLUMNS, type Watchlist } from '../ir/functions.js';
import type { Column } from '../ir/types.js';
import { readCsv } from './csv.js';
import { filesOf, readWorkspaceFile, type TablePath } from './table-files.js';

export function readWatchlistPaths(paths: readonly TablePath[]): { watchlists: Watchlist[]; diagnostics: Diagnostic[] } {
  const watchlists: Watchlist[] = [];
  const { files, diagnostics } = filesOf(paths, (f) => extname(f).toLowerCase() === '.csv', 'WatchlistFileInvalid', 'watchlists');
  for (const file of files) {
    const r = readWatchlistFile(file);
    if ('watchlist' in r) watchlists.push(r.watchlist);
    else diagnostics.push(r.diagnostic);
  }
  return { watchlists, diagnostics };
}

export function readWatchlistFile(file: string): { watchlist: Watchlist } | { diagnostic: Diagnostic } {
  const fail = (message: string, line?: number, col?: number) =>
    ({ diagnostic: makeDiagnostic('WatchlistFileInvalid', [message], { file, ...(line ? { start: { line, col: col ?? 1 } } : {}), hint: 'a watchlist is <alias>.csv: a header row of column names, then one row per item' }) });
  const read = readWorkspaceFile(file, 'watchlist');
  if ('problem' in read) return fail(read.problem);
  const csv = readCsv(read.text);
  if (!csv.ok) return fail(csv.error, csv.at.line, csv.at.col);
  const [header, ...items] = csv.rows.filter((r) => !(r.cells.length === 1 && r.cells[0] === ''));
  if (!header) return fail('the watchlist file is empty: it needs a header row of column names');
  const names = header.cells.map((c) => c.trim());
  for (const [i, n] of names.entries()) {
    if (!n) return fail(`column ${i + 1} of the header has no name`, header.line, header.starts[i]! + 1);
    if (names.indexOf(n) !== i) return fail(`column '${n}' is named twice in the header`, header.line, header.starts[i]! + 1);
  }
  const alias = basename(file, extname(file));
  const standard = new Set(WATCHLIST_COLUMNS.map((c) => c.name));
  const own: Column[] = names.filter((n) => !standard.has(n)).map((name) => ({ name, type: 'string' }));
  const keyColumn = names.includes('SearchKey') ? 'SearchKey' : names[0]!;
  const rows: Record<string, unknown>[] = [];
  for (const [i, r] of items.entries()) {
    if (r.cells.length !== names.length) return fail(`this row has ${r.cells.length} values but the header names ${names.length} columns`, r.line);
    const item: Record<string, string> = {};
    names.forEach((n, k) => (item[n] = r.cells[k]!));
    rows.push({ ...item, _DTItemId: `${alias}-${i + 1}`, LastUpdatedTimeUTC: null, SearchKey: item[keyColumn], WatchlistItem: item });
  }
  return { watchlist: { alias, columns: [...WATCHLIST_COLUMNS, ...own], rows, source: file } };
}
