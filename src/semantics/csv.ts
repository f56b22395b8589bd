/**
 * CSV (RFC 4180: fields quoted with "..." where needed, "" for a quote inside, CRLF or LF line
 * ends, maybe a byte order mark), read by the `csv-parse` library for every reader detc has:
 * workspace table and watchlist files, externaldata's local copies and parse_csv().
 */
import { CsvError, parse } from 'csv-parse/sync';

export interface CsvRecord {
  readonly cells: string[];
  /** 1-based line the record starts on. */
  readonly line: number;
  /** The record's text as written (quotes included). */
  readonly raw: string;
}

/** Records of `text`; blank lines are not records. Throws CsvProblem with the line of the fault. */
export function csvRecords(text: string, delimiter = ','): CsvRecord[] {
  try {
    const records = parse(text, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n'], info: true, raw: true }) as unknown as { record: string[]; info: { lines: number }; raw: string }[];
    return records.map((r) => ({ cells: r.record, raw: r.raw, line: r.info.lines - (r.raw.replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0) }));
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    throw new CsvProblem(MESSAGES[e.code] ?? e.message, (e as CsvError & { lines?: number }).lines ?? 1);
  }
}

/** The library's errors in the words of detc's messages (others keep the library's). */
const MESSAGES: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is not closed (a " is missing)',
  CSV_INVALID_CLOSING_QUOTE: 'text after a closing quote: a field must end at the quote',
};

/** A CSV text that is not well formed, and the line where that shows. */
export class CsvProblem extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}
