/**
 * A thread that writes a build's artifacts while this one compiles. Writing is mostly the kernel's
 * work (open, write, close per file: six files a rule), and on the calling thread it was a fifth
 * of a large build's time; on a thread of its own it runs on the other core, beside compilation.
 *
 * Artifacts are sent in batches, in the order they were made, and written in that order. The
 * thread acknowledges each batch; when more than MAX_IN_FLIGHT_CHARS are sent and not yet written
 * (a disk slower than the compiler), `write` returns a promise that the caller awaits, so memory
 * stays bounded whatever the build's size. The first failure stops the writing; `finish` reports
 * it as the same OutputError a build writing on the main thread gives.
 */
import { parentPort, Worker } from 'node:worker_threads';
import type { Artifact } from '../backends/types.js';
import { isFileSystemError, outputError, writeArtifactFile } from './files.js';

/** What the writer thread is started with (its workerData). */
export interface WriterThreadInput {
  readonly kind: 'write';
}

/** One file: its absolute path (inside the staging folder) and content. */
type FileToWrite = readonly [path: string, content: Artifact['content']];

type WriterReply =
  | { readonly written: number }
  | { readonly failure: { readonly code?: string; readonly syscall?: string; readonly path?: string; readonly message: string; readonly internal?: string } };

/** Files per message, and characters: few messages, but the thread starts writing early. */
const BATCH_FILES = 32;
const BATCH_CHARS = 256 * 1024;
/** Characters sent and not yet written before `write` makes its caller wait. */
const MAX_IN_FLIGHT_CHARS = 32 * 1024 * 1024;

const sizeOf = (content: Artifact['content']): number => {
  if (typeof content === 'string') return content.length;
  let n = 0;
  for (const piece of content) n += piece.length;
  return n;
};

export class WriterThread {
  private readonly worker: Worker;
  private batch: FileToWrite[] = [];
  private batchChars = 0;
  /** Characters sent to the thread and not yet acknowledged. */
  private inFlight = 0;
  private failure: Error | undefined;
  /** Resolved when the thread has caught up (below half the bound, or everything for `finish`). */
  private waiting: { readonly below: number; readonly resolve: () => void } | undefined;

  /**
   * `script`: the CLI's entry, which runs writerThreadMain() in a thread started with
   * WriterThreadInput. `maxInFlightChars` is for tests (a bound small enough to reach).
   */
  constructor(
    script: string,
    private readonly outDir: string,
    private readonly maxInFlightChars = MAX_IN_FLIGHT_CHARS,
  ) {
    const input: WriterThreadInput = { kind: 'write' };
    this.worker = new Worker(script, { workerData: input });
    this.worker.on('message', (reply: WriterReply) => {
      if ('failure' in reply) {
        const f = reply.failure;
        this.failure ??= f.internal !== undefined ? new Error(`the writer thread failed: ${f.internal}`) : outputError(this.outDir, f);
      } else this.inFlight -= reply.written;
      this.wake();
    });
    const lost = (e: Error) => {
      this.failure ??= e;
      this.wake();
    };
    this.worker.on('error', lost);
    this.worker.on('exit', (code) => lost(new Error(`the writer thread stopped (exit code ${code})`)));
  }

  /** Queue one file; a promise when the caller should wait for the thread to catch up. */
  write(path: string, content: Artifact['content']): Promise<void> | undefined {
    if (this.failure) return undefined; // the build fails at finish; nothing more is written
    this.batch.push([path, content]);
    this.batchChars += sizeOf(content);
    if (this.batch.length >= BATCH_FILES || this.batchChars >= BATCH_CHARS) this.send();
    return this.inFlight > this.maxInFlightChars ? this.until(this.maxInFlightChars / 2) : undefined;
  }

  /** Wait for every file to be written; throws the first failure. The thread is stopped either way. */
  async finish(): Promise<void> {
    try {
      this.send();
      await this.until(0);
      if (this.failure) throw this.failure;
    } finally {
      await this.stop();
    }
  }

  /** Stop the thread (a build that failed); once this resolves, nothing more is written. */
  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private send(): void {
    if (!this.batch.length || this.failure) return;
    this.worker.postMessage(this.batch);
    this.inFlight += this.batchChars;
    this.batch = [];
    this.batchChars = 0;
  }

  private until(below: number): Promise<void> {
    if (this.inFlight <= below || this.failure) return Promise.resolve();
    return new Promise((resolve) => (this.waiting = { below, resolve }));
  }

  private wake(): void {
    if (this.waiting && (this.inFlight <= this.waiting.below || this.failure)) {
      this.waiting.resolve();
      this.waiting = undefined;
    }
  }
}

/** The thread's side: writes each batch it is sent, in order, until the first failure. */
export function writerThreadMain(): void {
  const made = new Set<string>();
  let failed = false;
  parentPort!.on('message', (batch: FileToWrite[]) => {
    let written = 0;
    if (!failed) {
      try {
        for (const [path, content] of batch) {
          writeArtifactFile(path, content, made);
          written += sizeOf(content);
        }
      } catch (e) {
        failed = true;
        const failure = isFileSystemError(e) ? { code: e.code, syscall: e.syscall, path: e.path, message: e.message } : { message: String(e), internal: e instanceof Error ? (e.stack ?? e.message) : String(e) };
        parentPort!.postMessage({ failure } satisfies WriterReply);
        return;
      }
    }
    parentPort!.postMessage({ written } satisfies WriterReply);
  });
}
