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
import { isAscii } from 'node:buffer';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { parentPort, Worker } from 'node:worker_threads';
import type { QueryIR } from '../../ir/types.js';
import type { Value } from '../../semantics/values.js';
import { compileQuery, type RunOptions } from './compile.js';
import { eachLine, readLine, SKIPPED, streamEvents, withoutCR, type BadLine, type StreamHandlers } from './events.js';

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
}

/**
 * Just under 1 MB: Node decodes latin1 text of more than about 1,031,000 bytes into an external
 * string (memory outside V8's heap, which raised the peak RSS of a 220 MB run by 50 MB).
 */
const DEFAULT_SEGMENT_BYTES = 960 * 1024;
const IN_FLIGHT_PER_WORKER = 2;
const TAIL_BYTES = 1 << 16;

/** Whether the file is NDJSON as far as a parallel read is concerned (a JSON array is read whole). */
function startsAsNdjson(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const text = head.toString('utf8', 0, readSync(fd, head, 0, head.length, 0)).replace(/^\ufeff/, '').trimStart();
    return text.length > 0 && !text.startsWith('[');
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
    for (const b of r.bad) h.onBad({ line: lineBase + b.line, message: b.message });
    if (r.kept) for (const event of JSON.parse(r.kept) as unknown[]) h.onEvent(event);
    if (r.values.length) options.replay!(sharedStrings(r.values, pool));
    for (let i = 0; i < r.skipped; i++) h.onSkipped?.();
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

/**
 * The text of the lines that start in [start, end): from just after the first \n at or after
 * start - 1 (or from 0), through the \n that ends the last of them, which may lie beyond `end`.
 * Cutting at \n bytes never splits a UTF-8 character.
 */
function segmentText(fd: number, size: number, start: number, end: number): string {
  const from = start === 0 ? 0 : start - 1;
  // A little is read past the end, where the last line usually ends.
  let bytes = readAt(fd, from, Math.min(size, end + TAIL_BYTES) - from);
  const first = start === 0 ? 0 : bytes.indexOf(10) + 1;
  if (start > 0 && (first === 0 || first >= end - from)) return ''; // no line starts here
  let stop = bytes.indexOf(10, end - from - 1);
  while (stop < 0 && from + bytes.length < size) {
    // A line longer than the tail: read on to its end.
    const more = readAt(fd, from + bytes.length, TAIL_BYTES);
    stop = more.indexOf(10);
    if (stop >= 0) stop += bytes.length;
    bytes = Buffer.concat([bytes, more]);
  }
  const lines = bytes.subarray(first, stop < 0 ? bytes.length : stop + 1);
  // ASCII text (most logs) decodes as latin1, a plain copy, about three times faster than UTF-8.
  // Segments stay under the size where Node makes such strings external (see DEFAULT_SEGMENT_BYTES).
  return lines.toString(isAscii(lines) ? 'latin1' : 'utf8');
}

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
  const fd = openSync(input.path, 'r');
  const size = statSync(input.path).size;
  return (request) => readSegment(fd, size, request, mayMatch, passes, inputs);
}

function readSegment(
  fd: number,
  size: number,
  { segment, start, end }: SegmentRequest,
  mayMatch: ((line: string) => boolean) | undefined,
  passes: ((event: unknown) => boolean) | undefined,
  inputs: ((event: unknown, out: Value[]) => void) | undefined,
): SegmentResult {
  const text = segmentText(fd, size, start, end);
  const kept: string[] = [];
  const values: Value[] = [];
  const bad: BadLine[] = [];
  let lines = 0;
  let dropped = 0;
  let skipped = 0;
  const line = (t: string) => {
    lines++;
    const r = readLine(t, lines, mayMatch, start === 0 && lines === 1);
    if (r === SKIPPED) skipped++;
    else if (r.bad) bad.push(r.bad);
    else if (r.event) {
      if (inputs) {
        inputs(r.event, values);
        dropped++; // as an event: what the main thread gets are its values
      } else if (passes && !passes(r.event)) dropped++;
      else kept.push(r.text!); // as parsed: trim() removes blanks JSON.parse would refuse
    }
  };
  const rest = eachLine(text, line);
  if (rest < text.length) line(withoutCR(text.slice(rest)));
  return { segment, lines, bytes: end - start, kept: kept.length ? `[${kept.join(',')}]` : '', values, dropped, skipped, bad };
}
