/**
 * externaldata (https://learn.microsoft.com/kusto/query/externaldata-operator) in the evaluator.
 * detc never downloads: each URL is read from a local file the user maps it to
 * (`RunOptions.externalData`, URL -> file path). Formats: csv (the default), tsv, psv, scsv, txt
 * and raw (one record per line, one field), json/multijson (one JSON object per line, fields by
 * column name). `ignoreFirstRecord=true` skips each file's first record. Values convert to the
 * declared column types as event values do.
 */
import { CsvProblem, csvRecords } from '../../semantics/csv.js';
import { readFileSync } from 'node:fs';
import type { Source } from '../../ir/types.js';
import { coerce, type Value } from '../../semantics/values.js';
import type { Row } from './rows.js';

/** The run cannot read an externaldata source: no local copy mapped, or the copy is unreadable. */
export class ExternalDataError extends Error {}

type ExternalData = Extract<Source, { kind: 'externaldata' }>;

const DELIMITERS: Record<string, string> = { csv: ',', tsv: '\t', tsve: '\t', psv: '|', scsv: ';' };

export function externalDataRows(s: ExternalData, files: Readonly<Record<string, string>> | undefined): Row[] {
  const format = String(s.properties.find((p) => p.name === 'format')?.value ?? 'csv').toLowerCase();
  const skipFirst = s.properties.some((p) => p.name === 'ignoreFirstRecord' && p.value === true);
  const rows: Row[] = [];
  for (const url of s.urls) {
    const file = files && Object.prototype.hasOwnProperty.call(files, url) ? files[url] : undefined;
    if (file === undefined) throw new ExternalDataError(`externaldata needs a local copy: --externaldata URL=FILE (RunOptions.externalData in the API); no file is given for ${url}, and detc does not download`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new ExternalDataError(`externaldata: cannot read ${file}, the local copy of ${url}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const records = recordsOf(text, format, s.schema.map((c) => c.name), url);
    for (const fields of skipFirst ? records.slice(1) : records) rows.push({ e: null, v: s.schema.map((c, i) => coerce(fields[i] ?? null, c.type)) });
  }
  return rows;
}

function recordsOf(text: string, format: string, names: readonly string[], url: string): Value[][] {
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (format === 'txt' || format === 'raw') return lines.map((l) => [l]);
  if (format === 'json' || format === 'multijson') {
    return lines.filter((l) => l.trim() !== '').map((l, i) => {
      let o: unknown;
      try {
        o = JSON.parse(l);
      } catch {
        throw new ExternalDataError(`externaldata: line ${i + 1} of the local copy of ${url} is not JSON`);
      }
      const obj = o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : {};
      return names.map((n) => (Object.prototype.hasOwnProperty.call(obj, n) ? (obj[n] as Value) : null));
    });
  }
  const delimiter = DELIMITERS[format];
  if (delimiter === undefined) throw new ExternalDataError(`externaldata: format '${format}' is not read by detc's evaluator (csv, tsv, psv, scsv, txt, raw, json, multijson are)`);
  try {
    return csvRecords(text, delimiter).map((r) => r.cells);
  } catch (e) {
    if (e instanceof CsvProblem) throw new ExternalDataError(`externaldata: line ${e.line} of the local copy of ${url} is not ${format}: ${e.message}`);
    throw e;
  }
}

