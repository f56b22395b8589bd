/**
 * Reading sample events: NDJSON (one JSON object per line) or a JSON array. NDJSON streams with
 * bounded memory; BOMs and CRLF line ends are accepted; a malformed line is reported with its
 * number and skipped (or stops the run in strict mode).
 */
import { createReadStream, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { depthExceeds, MAX_DYNAMIC_DEPTH } from '../../semantics/values.js';

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

/**
 * Parse one NDJSON line; undefined for blank lines. A BOM is dropped from the file's first line.
 * With the event comes the text that was parsed (the line without surrounding blanks).
 */
export function parseEventLine(text: string, line: number, atFileStart = line === 1): { event?: unknown; text?: string; bad?: BadLine } {
  const t = (atFileStart && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).trim();
  if (t === '') return {};
  try {
    const event = JSON.parse(t) as unknown;
    if (event === null || typeof event !== 'object' || Array.isArray(event)) return { bad: { line, message: 'not a JSON object' } };
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
): typeof SKIPPED | { event?: unknown; text?: string; bad?: BadLine } {
  if (mayMatch && looksLikeObject(text) && !mayMatch(text)) return SKIPPED;
  return parseEventLine(text, line, atFileStart);
}

/** Events of a whole text (NDJSON or a JSON array), with the bad lines. */
export function parseEventsText(text: string): { events: unknown[]; bad: BadLine[] } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trimStart().startsWith('[')) {
    try {
      const arr = JSON.parse(body) as unknown[];
      const bad: BadLine[] = [];
      const events = arr.filter((e, i) => {
        if (e === null || typeof e !== 'object' || Array.isArray(e)) {
          bad.push({ line: i + 1, message: `element ${i} of the JSON array is not an object` });
          return false;
        }
        if (depthExceeds(e)) {
          bad.push({ line: i + 1, message: `element ${i} is nested deeper than ${MAX_DYNAMIC_DEPTH} levels` });
          return false;
        }
        return true;
      });
      return { events, bad };
    } catch (e) {
      return { events: [], bad: [{ line: 1, message: `invalid JSON array: ${(e as Error).message}` }] };
    }
  }
  const events: unknown[] = [];
  const bad: BadLine[] = [];
  body.split(/\r?\n/).forEach((l, i) => {
    const r = parseEventLine(l, i + 1);
    if (r.event) events.push(r.event);
    if (r.bad) bad.push(r.bad);
  });
  return { events, bad };
}

export function readEventsFile(path: string): { events: unknown[]; bad: BadLine[] } {
  return parseEventsText(readFileSync(path, 'utf8'));
}

export interface StreamHandlers {
  onEvent(event: unknown): void;
  onBad(bad: BadLine): void;
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
 * Stream events from a file or stdin ('-'). JSON arrays are read whole (they cannot be split
 * safely); NDJSON is split into lines chunk by chunk (faster than node:readline, memory bounded by
 * the longest line). Lines end at \n; a \r before it is dropped.
 */
export async function streamEvents(path: string, h: StreamHandlers): Promise<void> {
  const stream: Readable = path === '-' ? process.stdin : createReadStream(path, { highWaterMark: 1 << 20 });
  stream.setEncoding('utf8');
  let n = 0;
  let arrayText: string[] | undefined;
  const line = (text: string) => {
    n++;
    if (n === 1 && text.replace(/^\ufeff/, '').trimStart().startsWith('[')) arrayText = [];
    if (arrayText) {
      arrayText.push(text);
      return;
    }
    const r = readLine(text, n, h.mayMatch);
    if (r === SKIPPED) h.onSkipped?.();
    else if (r.event) h.onEvent(r.event);
    else if (r.bad) h.onBad(r.bad);
  };
  let rest = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    h.onBytes?.(Buffer.byteLength(chunk));
    const text = rest.length ? rest + chunk : chunk;
    rest = text.slice(eachLine(text, line));
  }
  if (rest.length) line(withoutCR(rest));
  if (arrayText) {
    const { events, bad } = parseEventsText(arrayText.join('\n'));
    events.forEach((e) => h.onEvent(e));
    bad.forEach((b) => h.onBad(b));
  }
}
