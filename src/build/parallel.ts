/**
 * `detc build` and `detc check` on several threads. Rules are independent until the end of a
 * build (backends keep no state between rules), so worker threads compile batches of rule files
 * while the main thread compiles others; each thread writes its own artifacts into the staging
 * folder, and the main thread assembles the records in file order (build.ts: duplicate ids,
 * diagnostics, what covers all rules). The result is the one a single thread gives.
 * Batches are handed out as threads ask for them, so a thread that starts late or gets less of
 * the machine simply compiles fewer.
 */
import { parentPort, Worker } from 'node:worker_threads';
import { loadTables } from '../ir/tables.js';
import type { Artifact } from '../backends/types.js';
import { assembleBuild, compileRuleFiles, createBackends, type ArtifactSink, type BuildOptions, type BuildResult, type RuleRecord, type Target } from './build.js';
import { OutputError, writeStaged, type StagingFolder } from './output.js';

/** Rule files per batch: small enough to balance the threads, large enough that messages cost little. */
const BATCH = 16;

/** Batches a worker holds at once. */
const IN_FLIGHT = 4;

/*
 * Threads are the user's choice (`--workers N`); the default is none. On the 2-core development
 * machine they did not reliably pay: a one-thread build already keeps about 1.6 cores busy (V8's
 * compiler threads and collector, the kernel's writes), and each thread warms up its own code.
 * `detc build --no-kusto`, one worker against none: 1,000 rules 2.56-2.62 s against 2.41-2.67;
 * 3,000 rules faster in four of five alternating pairs (median 5.02 against 5.17 s) but slower
 * in four of the benchmark's five runs (4.96/5.35/6.44/5.18/5.06 against 4.80/5.42/6.10/5.02/4.72 s).
 */

/** What a build thread is started with (the worker's workerData). */
export interface BuildThreadInput {
  readonly kind: 'build';
  readonly files: readonly string[];
  readonly targets: readonly Target[];
  /** Without `tables` (the threads read the bundled ones, as the CLI's build does). */
  readonly options: Omit<BuildOptions, 'tables'>;
  readonly staging?: StagingFolder;
}

interface Batch {
  readonly start: number;
  readonly end: number;
}

type ThreadReply = { readonly start: number; readonly records: RuleRecord[] } | { readonly failure: { readonly output?: string; readonly internal?: string } };

/**
 * Build with `threads` worker threads besides this one, each running `script` (the CLI's entry,
 * which calls buildThread() in a worker). Artifacts of this thread go to `onArtifact`; the
 * workers write theirs into `staging` themselves. Without staging (detc check) nothing is written.
 */
export async function buildRulesOnThreads(
  files: readonly string[],
  targets: readonly Target[],
  options: Omit<BuildOptions, 'tables'>,
  { threads, script, staging, onArtifact }: { threads: number; script: string; staging?: StagingFolder; onArtifact: ArtifactSink },
): Promise<BuildResult> {
  const tables = loadTables();
  // Made here first: a user's mistake in them (a bad mapping file) is reported before any thread starts.
  const backends = createBackends(targets, options, tables);
  const input: BuildThreadInput = { kind: 'build', files, targets, options, staging };
  const byBatch = new Map<number, RuleRecord[]>();
  let next = 0;
  const take = (): Batch | undefined => {
    if (next >= files.length || failure) return undefined;
    const batch = { start: next, end: Math.min(files.length, next + BATCH) };
    next = batch.end;
    return batch;
  };
  let failure: Error | undefined;
  let allReturned!: () => void;
  const returned = new Promise<void>((resolve) => (allReturned = resolve));
  const inFlight = new Map<Worker, number>();
  const settle = () => {
    if ([...inFlight.values()].every((n) => n === 0) && (next >= files.length || failure)) allReturned();
  };
  const send = (w: Worker) => {
    const batch = take();
    if (!batch) return;
    w.postMessage(batch);
    inFlight.set(w, inFlight.get(w)! + 1);
  };
  const workers = Array.from({ length: threads }, () => {
    const w = new Worker(script, { workerData: input });
    inFlight.set(w, 0);
    w.on('message', (reply: ThreadReply) => {
      inFlight.set(w, inFlight.get(w)! - 1);
      if ('failure' in reply) failure ??= reply.failure.output !== undefined ? new OutputError(reply.failure.output) : new Error(`a build thread failed: ${reply.failure.internal}`);
      else {
        byBatch.set(reply.start, reply.records);
        send(w);
      }
      settle();
    });
    // A thread that dies returns none of its batches.
    const lost = (e: Error) => {
      failure ??= e;
      inFlight.set(w, 0);
      settle();
    };
    w.on('error', lost);
    w.on('exit', (code) => {
      if (inFlight.get(w)! > 0) lost(new Error(`a build thread stopped (exit code ${code})`));
    });
    // Several batches each, so a worker does not wait for this thread (which reads replies only between its own batches).
    for (let i = 0; i < IN_FLIGHT; i++) send(w);
    return w;
  });
  try {
    // This thread takes batches too, letting the workers' replies in between.
    const seen = { frontEndError: false };
    for (let batch = take(); batch; batch = take()) {
      byBatch.set(batch.start, await compileRuleFiles(files.slice(batch.start, batch.end), backends, tables, onArtifact, seen));
      await new Promise((r) => setImmediate(r));
    }
    settle();
    await returned;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (failure) throw failure;
  const records = [...byBatch.keys()].sort((a, b) => a - b).flatMap((start) => byBatch.get(start)!);
  return assembleBuild(records, backends, onArtifact, []);
}

/** The worker's side: compiles the batches it is sent, writing artifacts into the staging folder. */
export function buildThread(input: BuildThreadInput): void {
  const tables = loadTables();
  const backends = createBackends(input.targets, input.options, tables);
  const made = new Set<string>();
  const write = input.staging ? (a: Artifact) => writeStaged(input.staging!, a, made) : () => {};
  const seen = { frontEndError: false };
  let queue = Promise.resolve();
  parentPort!.on('message', (batch: Batch) => {
    queue = queue.then(async () => {
      let reply: ThreadReply;
      try {
        reply = { start: batch.start, records: await compileRuleFiles(input.files.slice(batch.start, batch.end), backends, tables, write, seen) };
      } catch (e) {
        reply = { failure: e instanceof OutputError ? { output: e.message } : { internal: e instanceof Error ? (e.stack ?? e.message) : String(e) } };
      }
      parentPort!.postMessage(reply);
    });
  });
}
