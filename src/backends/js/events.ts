/**
 * Reading sample events: NDJSON (one JSON object per line) or a JSON array. NDJSON streams with
 * bounded memory; BOMs and CRLF line ends are accepted; a malformed line is reported with its
 * number and skipped (or stops the run in strict mode).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
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

/** Count of `{` and `[` in a line: a line with few of them cannot nest deeply (checked first, cheaply). */
function openingBrackets(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 || c === 91) n++;
  }
  return n;
}

/** Parse one NDJSON line; undefined for blank lines. */
export function parseEventLine(text: string, line: number): { event?: unknown; bad?: BadLine } {
  const t = (line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).trim();
  if (t === '') return {};
  try {
    const event = JSON.parse(t) as unknown;
    if (event === null || typeof event !== 'object' || Array.isArray(event)) return { bad: { line, message: 'not a JSON object' } };
    if (openingBrackets(t) > MAX_DYNAMIC_DEPTH && depthExceeds(event)) return { bad: { line, message: `nested deeper than ${MAX_DYNAMIC_DEPTH} levels` } };
    return { event };
  } catch (e) {
    return { bad: { line, message: `invalid JSON: ${(e as Error).message}` } };
  }
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

/**
 * Stream events from a file or stdin ('-') to `onEvent`. JSON arrays are read whole (they cannot
 * be split safely); NDJSON is read line by line.
 */
export async function streamEvents(
  path: string,
  onEvent: (event: unknown) => void,
  onBad: (bad: BadLine) => void,
  onBytes?: (bytes: number) => void,
): Promise<void> {
  const stream: Readable = path === '-' ? process.stdin : createReadStream(path);
  if (onBytes) stream.on('data', (chunk: Buffer | string) => onBytes(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let n = 0;
  let arrayText: string[] | undefined;
  for await (const line of lines) {
    n++;
    if (n === 1 && line.replace(/^\ufeff/, '').trimStart().startsWith('[')) arrayText = [];
    if (arrayText) {
      arrayText.push(line);
      continue;
    }
    const r = parseEventLine(line, n);
    if (r.event) onEvent(r.event);
    if (r.bad) onBad(r.bad);
  }
  if (arrayText) {
    const { events, bad } = parseEventsText(arrayText.join('\n'));
    events.forEach(onEvent);
    bad.forEach(onBad);
  }
}
