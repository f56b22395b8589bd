/**
 * An NDJSON file read by worker threads. The file is cut into segments of 960 KB; a segment owns
 * the lines that start inside it. Each worker reads whole segments from the file and does the
 * per-line work that dominates a run (decoding, the raw-text prefilter, JSON.parse, and the
 * query's leading row-wise operators through CompiledQuery.eventFilter), and sends back only the
 * lines whose events can still matter; when those operators lead into a summarize, it sends each
 * event's group keys and aggregate arguments instead (CompiledQuery.summarizeInputs). The main
 * thread takes segments strictly in file order and gives those events (or values) to the one run
 * of the query, so results, their order, line numbers of bad lines and counts are the same as
 * with the sequential reader (streamEvents); the query's state (summarize groups, take's count)
 * stays in one place and needs no merging.
 *
 * Memory stays bounded: a worker has at most two segments in flight, and no segment is handed out
 * further than a few segments ahead of the next one the main thread needs.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { parentPort, Worker } from 'node:worker_threads';
import type { QueryIR } from '../../ir/types.js';
import type { Value } from '../../semantics/values.js';
import { compileQuery, type RunOptions } from './compile.js';
import { windowAdmission, type Drop } from './event-time.js';
import { decodeLines, opensDocument, readLine, recordsOf, eachEventOf, SKIPPED, streamEvents, type BadLine, type StreamHandlers } from './events.js';

export interface ParallelReadOptions {
  /**
   * Reader threads (at least one). The read takes them over: they are terminated when it ends,
   * also when the file turns out too small or not NDJSON.
   */
  readonly threads: ReaderThreads;
  /** The query whose events are read, and the run's options: the workers apply its filters. */
  readonly ir: QueryIR;
  readonly run: RunOptions;
  /** Parse every line (no raw-text prefilter), as --parse-all and --strict ask. */
  readonly parseAll: boolean;
  /**
   * The run's Session.replay, when the query streams into a summarize: the workers then compute
   * each event's group keys and aggregate arguments (CompiledQuery.summarizeInputs), and the
   * main thread only adds them to the groups.
   */
  readonly replay?: (values: readonly Value[]) => void;
  readonly segmentBytes?: number;
}

interface WorkerInput {
  readonly path: string;
  readonly ir: QueryIR;
  readonly run: RunOptions;
  readonly parseAll: boolean;
  readonly summarize: boolean;
}

interface SegmentRequest {
  readonly segment: number;
  readonly start: number;
  readonly end: number;
}

interface SegmentResult {
  readonly segment: number;
  /** Lines that start in the segment. */
  readonly lines: number;
  readonly bytes: number;
  /**
   * The events that can matter, as the text of one JSON array of their lines: one string is
   * cheap to pass between threads and one JSON.parse cheap to take (structured clones of the
   * parsed events cost more than parsing them again).
   */
  readonly kept: string;
  /** Or, with `summarize`, the group keys and aggregate arguments of the events. */
  readonly values: Value[];
  readonly dropped: number;
  readonly skipped: number;
  /** Bad lines, numbered within the segment. */
  readonly bad: BadLine[];
  /** Events without a usable TimeGenerated in a windowed run, numbered within the segment. */
  readonly drops: SegmentDrop[];
  /** The TimeGenerated (ticks) of each event outside the window. */
  readonly outsideWindow: number[];
  /** Lines that are not valid UTF-8, numbered within the segment. */
  readonly invalidUtf8: number[];
}

type SegmentDrop = Drop & { readonly line: number; readonly element?: number };

/**
 * Just under 1 MB: Node decodes latin1 text of more than about 1,031,000 bytes into an external
 * string (memory outside V8's heap, which raised the peak RSS of a 220 MB run by 50 MB).
 */
const DEFAULT_SEGMENT_BYTES = 960 * 1024;
const IN_FLIGHT_PER_WORKER = 2;
const TAIL_BYTES = 1 << 16;

/**
 * Whether the file is NDJSON as far as a parallel read is concerned: its first line with data
 * does not open a JSON document (an array or a pretty-printed object is read whole). A first line
 * longer than the head read here is an NDJSON line: lines that open documents are short.
 */
function startsAsNdjson(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const text = head.toString('utf8', 0, readSync(fd, head, 0, head.length, 0)).replace(/^\ufeff/, '').trimStart();
    const firstLine = text.slice(0, (text.indexOf('\n') + 1 || text.length + 1) - 1).trim();
    return firstLine.length > 0 && !opensDocument(firstLine);
  } finally {
    closeSync(fd);
  }
}

/**
 * Values from a reader thread arrive as fresh copies, one string per event, and summarize groups
 * keep the first values they see (keys, make_set, dcount): with one copy of each distinct string
 * the main thread of a 220 MB sign-in log holds 2.6 MB of strings instead of 23 MB, which the garbage
 * collector would otherwise copy and mark. The pool stops growing at POOL_LIMIT strings (columns of
 * unique values, such as IDs, would only fill it).
 */
function sharedStrings(values: Value[], pool: Map<string, string>): Value[] {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'string') continue;
    const s = pool.get(v);
    if (s !== undefined) values[i] = s;
    else if (pool.size < POOL_LIMIT) pool.set(v, v);
  }
  return values;
}
const POOL_LIMIT = 100_000;

/**
 * Reader threads, started before the run needs them: a thread's start-up (an isolate, the script)
 * takes about as long as compiling the rule, so the CLI starts them first and both overlap.
 * `script` calls ndjsonWorker() when it runs as a worker (the CLI's own entry point). Until a read
 * takes them over, a thread that fails or ends is recorded here (an 'error' event without a
 * listener would end the process), and the read reports it.
 */
export class ReaderThreads {
  readonly workers: readonly Worker[];
  private failure: Error | undefined;
  private readonly stopping = new Set<Worker>();

  constructor(count: number, script: string) {
    this.workers = Array.from({ length: count }, () => {
      const w = new Worker(script);
      w.on('error', (e) => void (this.failure ??= e));
      w.on('exit', (code) => {
        if (!this.stopping.has(w)) this.failure ??= new Error(`NDJSON reader thread stopped (exit code ${code})`);
      });
      return w;
    });
  }

  /** The first failure of a thread so far, if any. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Terminates these threads (all by default); stopping a stopped thread does nothing. */
  async stop(which: readonly Worker[] = this.workers): Promise<void> {
    for (const w of which) this.stopping.add(w);
    await Promise.all(which.map((w) => w.terminate()));
  }
}

/** Read events like streamEvents, with reader threads doing the per-line work. */
export async function streamEventsInParallel(path: string, h: StreamHandlers, options: ParallelReadOptions): Promise<void> {
  const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  const threads = options.threads;
  let size = 0;
  let parallel = false;
  try {
    size = path === '-' ? 0 : statSync(path).size;
    parallel = size > segmentBytes && startsAsNdjson(path);
  } finally {
    if (!parallel) await threads.stop();
  }
  if (!parallel) return streamEvents(path, h);
  const segments = Math.ceil(size / segmentBytes);
  const workers = threads.workers.slice(0, segments);
  // Nothing is awaited from here until every thread has its listeners: a failure in between
  // would otherwise go unseen.
  const unused = threads.stop(threads.workers.slice(segments));
  if (threads.failed) {
    await threads.stop();
    throw threads.failed;
  }
  // The first message a thread gets says what to read and which query to apply.
  const input: WorkerInput = { path, ir: options.ir, run: options.run, parseAll: options.parseAll, summarize: options.replay !== undefined };
  for (const w of workers) w.postMessage(input);
  const results = new Map<number, SegmentResult>();
  let nextToSend = 0;
  let nextToUse = 0;
  let lineBase = 0;

  // Results wait here until every earlier segment has been used; a worker gets no new segment
  // while the window ahead of the next one to use is full (a slow segment stops the others).
  const window = workers.length * IN_FLIGHT_PER_WORKER * 2;
  const waiting: Worker[] = [];
  const send = (w: Worker) => {
    if (nextToSend >= segments) return;
    if (nextToSend >= nextToUse + window) {
      waiting.push(w);
      return;
    }
    const segment = nextToSend++;
    const request: SegmentRequest = { segment, start: segment * segmentBytes, end: Math.min(size, (segment + 1) * segmentBytes) };
    w.postMessage(request);
  };

  const pool = new Map<string, string>();
  const use = (r: SegmentResult) => {
    h.onBytes?.(r.bytes);
    reportProblems(r, lineBase, h);
    if (r.kept) for (const event of JSON.parse(r.kept) as unknown[]) h.onEvent(event);
    if (r.values.length) options.replay!(sharedStrings(r.values, pool));
    for (let i = 0; i < r.skipped; i++) h.onSkipped?.();
    for (const ticks of r.outsideWindow) h.onDrop?.({ reason: 'outsideWindow', ticks });
    if (r.dropped) h.onDropped?.(r.dropped);
    lineBase += r.lines;
  };

  try {
    await new Promise<void>((resolve, reject) => {
      for (const w of workers) {
        w.on('error', reject);
        w.on('exit', (code) => {
          if (nextToUse < segments) reject(new Error(`NDJSON reader thread stopped (exit code ${code})`));
        });
        w.on('message', (r: SegmentResult) => {
          results.set(r.segment, r);
          try {
            for (let next = results.get(nextToUse); next; next = results.get(nextToUse)) {
              results.delete(nextToUse++);
              use(next);
            }
          } catch (e) {
            reject(e);
            return;
          }
          send(w);
          for (let n = waiting.length; n > 0; n--) send(waiting.shift()!);
          if (nextToUse === segments) resolve();
        });
        for (let i = 0; i < IN_FLIGHT_PER_WORKER; i++) send(w);
      }
    });
  } finally {
    await Promise.all([threads.stop(workers), unused]);
  }
}

/** Reads `length` bytes at `position` (fewer only at the end of the file). */
function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let n = 0;
  for (let r = 1; n < length && r > 0; n += r) r = readSync(fd, buffer, n, length - n, position + n);
  return n < length ? buffer.subarray(0, n) : buffer;
}

/** Work done finding a segment's end, for tests that check it stays linear in the line's length. */
export interface SegmentReadStats {
  /** Bytes searched for \n. */
  scanned: number;
  /** Bytes copied to join the pieces of a line. */
  copied: number;
}

/**
 * The bytes of the lines that start in [start, end): from just after the first \n at or after
 * start - 1 (or from 0), through the \n that ends the last of them, which may lie beyond `end`.
 * Cutting at \n bytes never splits a UTF-8 character. A line that goes on past the tail read
 * with the segment is read in pieces that double in size, each searched once, and joined once.
 */
export function segmentBytes(fd: number, size: number, start: number, end: number, stats?: SegmentReadStats): Buffer {
  const from = start === 0 ? 0 : start - 1;
  // A little is read past the end, where the last line usually ends.
  const bytes = readAt(fd, from, Math.min(size, end + TAIL_BYTES) - from);
  const first = start === 0 ? 0 : bytes.indexOf(10) + 1;
  if (start > 0 && (first === 0 || first >= end - from)) return Buffer.alloc(0); // no line starts here
  if (stats) stats.scanned += bytes.length;
  let stop = bytes.indexOf(10, end - from - 1);
  if (stop >= 0) return bytes.subarray(first, stop + 1);
  const pieces = [bytes.subarray(first)];
  let length = pieces[0]!.length;
  for (let position = from + bytes.length, want = TAIL_BYTES; stop < 0 && position < size; want = Math.min(want * 2, MAX_PIECE_BYTES)) {
    // A line longer than the tail: read on to its end.
    const more = readAt(fd, position, Math.min(want, size - position));
    if (more.length === 0) break;
    position += more.length;
    if (stats) stats.scanned += more.length;
    stop = more.indexOf(10);
    pieces.push(stop < 0 ? more : more.subarray(0, stop + 1));
    length += pieces[pieces.length - 1]!.length;
  }
  if (stats) stats.copied += length;
  return Buffer.concat(pieces, length);
}

/** The largest piece read at once while looking for the end of a long line. */
const MAX_PIECE_BYTES = 16 << 20;

/**
 * The worker thread's side: takes what to read from the first message, then answers segment
 * requests until the main thread terminates it.
 */
export function ndjsonWorker(): void {
  let serve: ((request: SegmentRequest) => SegmentResult) | undefined;
  parentPort!.on('message', (message: WorkerInput | SegmentRequest) => {
    if (serve === undefined) serve = segmentReader(message as WorkerInput);
    else parentPort!.postMessage(serve(message as SegmentRequest));
  });
}

function segmentReader(input: WorkerInput): (request: SegmentRequest) => SegmentResult {
  const query = compileQuery(input.ir);
  const mayMatch = input.parseAll ? undefined : query.rawTextFilter;
  // With summarize inputs the filters run inside `inputs`; the event filter is not needed then.
  const inputs = input.summarize ? query.summarizeInputs!(input.run) : undefined;
  const passes = inputs ? undefined : query.eventFilter?.(input.run);
  const admit = windowAdmission(input.ir, input.run);
  const fd = openSync(input.path, 'r');
  const size = statSync(input.path).size;
  return (request) => readSegment(fd, size, request, { mayMatch, passes, inputs, admit });
}

interface SegmentWork {
  readonly mayMatch: ((line: string) => boolean) | undefined;
  readonly passes: ((event: unknown) => boolean) | undefined;
  readonly inputs: ((event: unknown, out: Value[]) => void) | undefined;
  readonly admit: ((event: object) => Drop | undefined) | undefined;
}

function readSegment(fd: number, size: number, { segment, start, end }: SegmentRequest, { mayMatch, passes, inputs, admit }: SegmentWork): SegmentResult {
  const kept: string[] = [];
  const values: Value[] = [];
  const bad: BadLine[] = [];
  const drops: SegmentDrop[] = [];
  const invalidUtf8: number[] = [];
  let lines = 0;
  let dropped = 0;
  let skipped = 0;
  const outsideWindow: number[] = [];
  /** An event of line `lines`; `text` is its JSON when it is the whole line. */
  const event = (e: object, text: string | undefined, element?: number) => {
    const drop = admit?.(e);
    if (drop) {
      if (drop.reason === 'outsideWindow') outsideWindow.push(drop.ticks!);
      else drops.push({ ...drop, line: lines, element });
    } else if (inputs) {
      inputs(e, values);
      dropped++; // as an event: what the main thread gets are its values
    } else if (passes && !passes(e)) dropped++;
    else kept.push(text ?? JSON.stringify(e)); // as parsed: trim() removes blanks JSON.parse would refuse
  };
  decodeLines(segmentBytes(fd, size, start, end), (t, invalid) => {
    lines++;
    if (invalid) invalidUtf8.push(lines);
    const r = readLine(t, lines, mayMatch, start === 0 && lines === 1);
    if (r === SKIPPED) skipped++;
    else if (r.bad) bad.push(r.bad);
    else if (r.event) {
      if (recordsOf(r.event)) eachEventOf(r.event, lines, (e, element) => event(e, undefined, element), (b) => bad.push(b));
      else event(r.event, r.text);
    }
  });
  return { segment, lines, bytes: end - start, kept: kept.length ? `[${kept.join(',')}]` : '', values, dropped, skipped, bad, drops, outsideWindow, invalidUtf8 };
}

/**
 * A segment's invalid UTF-8 lines, bad lines and dropped events, in line order as the sequential
 * reader reports them (a strict run stops at the first).
 */
function reportProblems(r: SegmentResult, lineBase: number, h: StreamHandlers): void {
  const problems: { line: number; report: () => void }[] = [];
  for (const line of r.invalidUtf8) problems.push({ line, report: () => h.onInvalidUtf8?.(lineBase + line) });
  for (const b of r.bad) problems.push({ line: b.line, report: () => h.onBad({ line: lineBase + b.line, message: b.message }) });
  for (const d of r.drops) problems.push({ line: d.line, report: () => h.onDrop?.({ ...d, line: lineBase + d.line }) });
  // A stable sort: a line's encoding is reported before what is wrong with its JSON.
  if (r.bad.length + r.drops.length + r.invalidUtf8.length > 1) problems.sort((a, b) => a.line - b.line);
  for (const p of problems) p.report();
}
