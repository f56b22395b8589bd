/**
 * Reading sample events. One reader for every shape a user may have: NDJSON (one JSON object per
 * line), a JSON array, or one pretty-printed JSON document (an event, an array, or the
 * `{"records": [...]}` wrapper of Azure Monitor exports; such a wrapper on an NDJSON line is
 * opened too). Blank lines and a BOM before the data, and CRLF line ends, are accepted. NDJSON
 * streams with bounded memory; a malformed line is reported with its number and skipped (or stops
 * the run in strict mode); a line that is not valid UTF-8 is reported and read with U+FFFD in
 * place of its bad bytes. With a window, events without a usable TimeGenerated are dropped with a
 * reason (StreamHandlers.admit), never silently.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { createReadStream, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { depthExceeds, MAX_DYNAMIC_DEPTH } from '../../semantics/values.js';
import type { Drop } from './event-time.js';

export interface BadLine {
  readonly line: number;
  readonly message: string;
}

export class StrictEventsError extends Error {
  constructor(readonly bad: BadLine, readonly source: string) {
    super(`${source}:${bad.line}: ${bad.message}`);
  }
}

/**
 * Whether a line has more than `limit` of `{` and `[` together (a line with fewer cannot nest
 * deeper than the limit). Jumps with indexOf, which is far faster than a loop over characters.
 */
function manyOpeningBrackets(text: string, limit: number): boolean {
  let n = 0;
  for (let i = text.indexOf('{'); i >= 0 && n <= limit; i = text.indexOf('{', i + 1)) n++;
  for (let i = text.indexOf('['); i >= 0 && n <= limit; i = text.indexOf('[', i + 1)) n++;
  return n > limit;
}

/** First and last non-blank characters are { and }. */
function looksLikeObject(text: string): boolean {
  let i = 0;
  let j = text.length - 1;
  while (i < j && text.charCodeAt(i) <= 32) i++;
  while (j > i && text.charCodeAt(j) <= 32) j--;
  return text.charCodeAt(i) === 123 && text.charCodeAt(j) === 125;
}

const isObject = (v: unknown): v is object => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The Azure Monitor export shape, `{"records": [...]}`: an object whose only key is an array of
 * records. Its records are the events.
 */
export function recordsOf(event: object): unknown[] | undefined {
  const records = (event as { records?: unknown }).records;
  if (!Array.isArray(records)) return undefined;
  for (const k in event) if (k !== 'records') return undefined;
  return records;
}

/**
 * Parse one NDJSON line; undefined for blank lines. A BOM is dropped from the file's first line.
 * With the event comes the text that was parsed (the line without surrounding blanks).
 */
export function parseEventLine(text: string, line: number, atFileStart = line === 1): { event?: object; text?: string; bad?: BadLine } {
  const t = (atFileStart && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).trim();
  if (t === '') return {};
  try {
    const event = JSON.parse(t) as unknown;
    if (!isObject(event)) return { bad: { line, message: 'not a JSON object' } };
    if (manyOpeningBrackets(t, MAX_DYNAMIC_DEPTH) && depthExceeds(event)) return { bad: { line, message: `nested deeper than ${MAX_DYNAMIC_DEPTH} levels` } };
    return { event, text: t };
  } catch (e) {
    return { bad: { line, message: `invalid JSON: ${(e as Error).message}` } };
  }
}

export const SKIPPED = 'skipped';

/**
 * One NDJSON line as every reader handles it: SKIPPED when it fails `mayMatch` (see
 * StreamHandlers), else parsed. `line` is its 1-based number (in the file, or in a part of it
 * that a parallel reader reads: then `atFileStart` says whether it is the file's first line).
 */
export function readLine(
  text: string,
  line: number,
  mayMatch: ((line: string) => boolean) | undefined,
  atFileStart = line === 1,
): typeof SKIPPED | { event?: object; text?: string; bad?: BadLine } {
  if (mayMatch && looksLikeObject(text) && !mayMatch(text)) return SKIPPED;
  return parseEventLine(text, line, atFileStart);
}

/**
 * The events a parsed value holds, each with its element index when it came from an array:
 * itself when an object, the records of a `records` wrapper, the elements of an array. Elements
 * that are not objects, or nest too deep, are bad (reported at `line`, the value's first line).
 */
export function eachEventOf(value: unknown, line: number, onEvent: (event: object, element?: number) => void, onBad: (bad: BadLine) => void): void {
  const records = isObject(value) ? recordsOf(value) : undefined;
  const list = records ?? (Array.isArray(value) ? value : undefined);
  if (list === undefined) {
    if (isObject(value)) onEvent(value);
    else onBad({ line, message: `not a JSON object or array (${value === null ? 'null' : typeof value})` });
    return;
  }
  const what = records ? 'of "records"' : 'of the JSON array';
  list.forEach((e: unknown, i) => {
    if (!isObject(e)) onBad({ line, message: `element ${i} ${what} is not a JSON object` });
    else if (depthExceeds(e)) onBad({ line, message: `element ${i} ${what} is nested deeper than ${MAX_DYNAMIC_DEPTH} levels` });
    else onEvent(e, i);
  });
}

/**
 * Where JSON.parse fails in `text`: the position its message gives, else (V8's "Unexpected token"
 * messages quote the text instead) the shortest prefix that fails other than by ending early,
 * found by bisection. Only an error path pays for it.
 */
function errorPosition(text: string, message: string): number {
  const at = /at position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  const failsInside = (k: number): boolean => {
    try {
      JSON.parse(text.slice(0, k));
      return false;
    } catch (e) {
      const m = (e as Error).message;
      if (m.includes('end of JSON input')) return false;
      const p = /at position (\d+)/.exec(m);
      return p === null || Number(p[1]) < k;
    }
  };
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsInside(mid)) hi = mid;
    else lo = mid + 1;
  }
  return hi - 1;
}

/** A JSON.parse error of a whole document, with line and column instead of a position or a quote of the text. */
function documentError(e: unknown, text: string, firstLine: number): BadLine {
  const message = (e as Error).message;
  const position = errorPosition(text, message);
  const before = text.slice(0, position);
  const line = firstLine + (before.match(/\n/g)?.length ?? 0);
  const what = message.replace(/(, (\.\.\.)?".*" is not valid JSON| in JSON at position \d+.*)$/s, '');
  return { line, message: `invalid JSON document: ${what} at line ${line}, column ${position - before.lastIndexOf('\n')}` };
}

/**
 * Whether the first non-blank line of a file opens a JSON document written over several lines
 * rather than being an NDJSON line: an array, or a lone `{` or a line ending in `{`, `[` or `,`
 * (`{"records": [`), as pretty printers write them.
 */
export function opensDocument(firstLine: string): boolean {
  return firstLine.startsWith('[') || (firstLine.startsWith('{') && /[{[,]$/.test(firstLine));
}

export interface StreamHandlers {
  onEvent(event: unknown): void;
  onBad(bad: BadLine): void;
  /** A line that is not valid UTF-8 (its bad bytes were read as U+FFFD). */
  onInvalidUtf8?(line: number): void;
  /**
   * Why an event must be left out (see event-time.ts: windowAdmission), or undefined to keep it;
   * left out events go to onDrop. A parallel reader's threads apply their own copy.
   */
  admit?(event: object): Drop | undefined;
  onDrop?(drop: Drop & { readonly element?: number }): void;
  /** Bytes read so far (for progress). */
  onBytes?(bytes: number): void;
  /**
   * A necessary condition on a line's text for its event to matter (see prefilter.ts): lines that
   * fail it are counted by `onSkipped` and never parsed. Lines that do not even look like an
   * object ({...}) are always parsed, so truncated or stray lines are still reported; malformed
   * JSON inside braces among the skipped lines is not.
   */
  mayMatch?(line: string): boolean;
  onSkipped?(): void;
  /** Events a parallel reader parsed and dropped because they fail the query's leading filters. */
  onDropped?(count: number): void;
}

/**
 * Calls `line` for each line of `text` that ends in \n (a \r before it dropped) and returns where
 * the unterminated rest begins.
 */
export function eachLine(text: string, line: (text: string) => void): number {
  let from = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', from)) {
    line(text.slice(from, i > from && text.charCodeAt(i - 1) === 13 ? i - 1 : i));
    from = i + 1;
  }
  return from;
}

/** The last line of a file, which may end in \r without \n. */
export const withoutCR = (text: string): string => (text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text);

/**
 * Decodes bytes that hold whole lines (the last may lack its \n when it ends the file) and calls
 * `line` for each, saying whether it was valid UTF-8. ASCII text (most logs) decodes as latin1, a
 * plain copy; only text that is not valid UTF-8 is cut into lines before decoding.
 */
export function decodeLines(bytes: Buffer, line: (text: string, invalidUtf8: boolean) => void): void {
  const valid = (text: string) => line(text, false);
  const ascii = isAscii(bytes);
  if (ascii || isUtf8(bytes)) {
    const text = bytes.toString(ascii ? 'latin1' : 'utf8');
    const rest = eachLine(text, valid);
    if (rest < text.length) valid(withoutCR(text.slice(rest)));
    return;
  }
  let from = 0;
  while (from < bytes.length) {
    const nl = bytes.indexOf(10, from);
    const end = nl < 0 ? bytes.length : nl;
    const part = bytes.subarray(from, end > from && bytes[end - 1] === 13 ? end - 1 : end);
    line(part.toString('utf8'), !isUtf8(part));
    from = end + 1;
  }
}

/**
 * Turns lines into events whatever the file's shape: the first non-blank line decides between
 * NDJSON (parsed line by line) and one JSON document (kept until the end and parsed whole).
 */
class EventLines {
  private n = 0;
  private shape: 'unknown' | 'ndjson' | 'document' = 'unknown';
  private document: string[] = [];
  private documentLine = 0;

  constructor(private readonly h: StreamHandlers) {}

  readonly line = (raw: string, invalidUtf8: boolean): void => {
    const n = ++this.n;
    if (invalidUtf8) this.h.onInvalidUtf8?.(n);
    if (this.shape === 'document') {
      this.document.push(raw);
      return;
    }
    if (this.shape === 'unknown') {
      const text = raw.replace(/^\ufeff/, '');
      const t = text.trim();
      if (t === '') return;
      if (opensDocument(t)) {
        this.shape = 'document';
        this.documentLine = n;
        this.document.push(text);
        return;
      }
      this.shape = 'ndjson';
      // The first line with data may follow blank lines and still begin with a BOM.
      if (n > 1 && text !== raw) raw = text;
    }
    const r = readLine(raw, n, this.h.mayMatch);
    if (r === SKIPPED) this.h.onSkipped?.();
    else if (r.bad && raw.trimStart().startsWith('{') && opensDocument(raw.trim())) {
      // Pretty-printed documents after compact ones (`jq .` prints {} compactly): read on as documents.
      this.shape = 'document';
      this.documentLine = n;
      this.document.push(raw);
    } else if (r.bad) this.h.onBad(r.bad);
    // An event, or a {"records": [...]} wrapper of events.
    else if (r.event) eachEventOf(r.event, n, (e, element) => this.event(e, n, element), (b) => this.h.onBad(b));
  };

  private event(e: object, line: number, element?: number): void {
    const drop = this.h.admit?.(e);
    if (drop) this.h.onDrop?.({ ...drop, line, element });
    else this.h.onEvent(e);
  }

  end(): void {
    if (this.shape !== 'document') return;
    const lines = this.document;
    const text = lines.join('\n');
    this.document = [];
    // Several documents one after the other (`jq .` prints a stream so) are read one by one.
    let from = 0;
    let line = this.documentLine;
    while (from < text.length) {
      const rest = from === 0 ? text : text.slice(from);
      let value: unknown;
      let end = rest.length;
      try {
        value = JSON.parse(rest);
      } catch (e) {
        const next = /non-whitespace character after JSON at position (\d+)/.exec((e as Error).message);
        if (!next) {
          // A broken first document may be NDJSON whose first line was cut off ({"a": 1,).
          if (from === 0 && this.asNdjson(lines)) return;
          this.h.onBad(documentError(e, rest, line));
          return;
        }
        end = Number(next[1]);
        value = JSON.parse(rest.slice(0, end));
      }
      const at = line;
      eachEventOf(value, at, (e, element) => this.event(e, at, element), (b) => this.h.onBad(b));
      from += end;
      line += rest.slice(0, end).split('\n').length - 1;
      // The next document starts on the line of its first character.
      while (from < text.length && text.charCodeAt(from) <= 32) if (text.charCodeAt(from++) === 10) line++;
    }
  }

  /** The lines of what looked like a document read as NDJSON, if that gives any event at all. */
  private asNdjson(lines: readonly string[]): boolean {
    const parsed = lines.map((t, k) => parseEventLine(t, this.documentLine + k, false));
    if (!parsed.some((r) => r.event)) return false;
    parsed.forEach((r, k) => {
      const n = this.documentLine + k;
      if (r.bad) this.h.onBad(r.bad);
      else if (r.event) eachEventOf(r.event, n, (e, element) => this.event(e, n, element), (b) => this.h.onBad(b));
    });
    return true;
  }
}

/** Events of a whole text (NDJSON, a JSON array or a JSON document), with the bad lines. */
export function parseEventsText(text: string): { events: unknown[]; bad: BadLine[] } {
  const events: unknown[] = [];
  const bad: BadLine[] = [];
  const lines = new EventLines({ onEvent: (e) => events.push(e), onBad: (b) => bad.push(b) });
  const rest = eachLine(text, (t) => lines.line(t, false));
  if (rest < text.length) lines.line(withoutCR(text.slice(rest)), false);
  lines.end();
  return { events, bad };
}

/** Events of a file read whole, with the bad lines and the lines that are not valid UTF-8. */
export function readEventsFile(path: string, admit?: StreamHandlers['admit']): { events: unknown[]; bad: BadLine[]; invalidUtf8: number[]; drops: (Drop & { element?: number })[] } {
  const out = { events: [] as unknown[], bad: [] as BadLine[], invalidUtf8: [] as number[], drops: [] as (Drop & { element?: number })[] };
  const lines = new EventLines({ onEvent: (e) => out.events.push(e), onBad: (b) => out.bad.push(b), onInvalidUtf8: (n) => out.invalidUtf8.push(n), admit, onDrop: (d) => out.drops.push(d) });
  decodeLines(readFileSync(path), lines.line);
  lines.end();
  return out;
}

/**
 * Stream events from a file or stdin ('-'). Bytes are cut into lines at \n (never inside a UTF-8
 * character); a line spread over several chunks is joined once, when its end arrives, so the work
 * stays linear in its length and memory bounded by the longest line. A JSON document is kept
 * whole (it cannot be split safely).
 */
export async function streamEvents(path: string, h: StreamHandlers): Promise<void> {
  const stream: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  const lines = new EventLines(h);
  let pending: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    h.onBytes?.(bytes.length);
    const last = bytes.lastIndexOf(10);
    if (last < 0) {
      pending.push(bytes);
      continue;
    }
    const whole = bytes.subarray(0, last + 1);
    decodeLines(pending.length ? Buffer.concat([...pending, whole]) : whole, lines.line);
    pending = last + 1 < bytes.length ? [bytes.subarray(last + 1)] : [];
  }
  if (pending.length) decodeLines(Buffer.concat(pending), lines.line);
  lines.end();
}
