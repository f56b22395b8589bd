/**
 * All-or-nothing output: artifacts are written to a staging folder beside the target and renamed
 * into place only when everything succeeded; a lock folder keeps two builds into the same place
 * from interleaving. A failed or interrupted build leaves the previous output intact, and the
 * next build finishes what an interrupted swap left (see `recoverSwap`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Artifact } from '../backends/types.js';
import { isFileSystemError, OutputError, outputError, writeArtifactFile, writeArtifactFileLater } from './files.js';
import { checkOutputPlace, checkReplaceable, isDetcOutput, OUTPUT_MARKER, OUTPUT_MARKER_TEXT, OutputRefusedError, realPath } from './output-folder.js';

export { OutputError, OutputRefusedError };

export class OutputLockedError extends Error {}

/** `f`, with a file system error as an OutputError. */
function writing<T>(outDir: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw isFileSystemError(e) ? outputError(outDir, e) : e;
  }
}

function lockPath(outDir: string): string {
  return `${realPath(outDir)}.lock`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the output lock, waiting up to `timeoutMs` for another build; stale locks are broken. */
export async function acquireLock(outDir: string, timeoutMs = 30_000): Promise<() => void> {
  const lock = lockPath(outDir);
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // The other build is between mkdir and writing its pid: wait.
      }
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new OutputLockedError(`another detc build is writing ${outDir} (lock ${lock})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Where an artifact goes in a staging folder; refuses paths that lead out of it. */
function stagedPath(folder: string, a: Artifact): string {
  const path = resolve(folder, a.path);
  if (!path.startsWith(folder + sep)) throw new Error(`refusing to write outside the output folder: ${a.path}`);
  return path;
}

/** Files a build writes at once at most: enough to keep the I/O threads busy, few enough to hold. */
const MAX_PENDING_WRITES = 64;

/**
 * An output folder being written: artifacts go to a staging folder beside it as they are made,
 * and `commit` puts that folder in its place. `discard` (always call it, in a finally) removes
 * what a build that did not commit had written.
 *
 * The output folder must be one a build may replace (output-folder.ts): checked when the build
 * starts, so a refusal comes before any compiling, and again at commit. `inputs` are the build's
 * rule files and folders, which the output may not be, hold or sit in.
 */
export class StagedOutput {
  /** The folder as the user named it (for messages), and resolved (symbolic links too). */
  private readonly outDir: string;
  private readonly target: string;
  private readonly tmp: string;
  private readonly folders = new Set<string>();
  /** The highest parent folder of the output that this build made (removed if it does not commit). */
  private readonly madeParent: string | undefined;
  private committed = false;

  constructor(outDir: string, { inputs = [] }: { inputs?: readonly string[] } = {}) {
    this.outDir = outDir;
    this.target = writing(outDir, () => realPath(outDir));
    writing(outDir, () => checkOutputPlace(outDir, this.target, inputs));
    this.tmp = `${this.target}.tmp-${process.pid}-${Date.now()}`;
    this.madeParent = writing(outDir, () => {
      const made = mkdirSync(dirname(this.target), { recursive: true });
      recoverSwap(this.target);
      checkReplaceable(outDir, this.target);
      removeDeadStaging(this.target);
      mkdirSync(this.tmp);
      writeFileSync(join(this.tmp, OUTPUT_MARKER), OUTPUT_MARKER_TEXT);
      return made;
    });
  }

  /** Write an artifact into the staging folder. */
  write(a: Artifact): void {
    const path = stagedPath(this.tmp, a);
    writing(this.outDir, () => writeArtifactFile(path, a.content, this.folders));
  }

  /** Writes in flight (writeLater), and the first that failed. */
  private readonly pending = new Set<Promise<void>>();
  private failed: unknown;

  /**
   * Start writing an artifact and return; at most MAX_PENDING_WRITES files are in flight, so when
   * that many are, the returned promise settles once one is done (await it before the next).
   * `settle` waits for all of them and reports the first failure.
   */
  writeLater(a: Artifact): Promise<void> | undefined {
    const path = stagedPath(this.tmp, a);
    const p: Promise<void> = writing(this.outDir, () => writeArtifactFileLater(path, a.content, this.folders)).then(
      () => void this.pending.delete(p),
      (e: unknown) => {
        this.pending.delete(p);
        this.failed ??= e;
      },
    );
    this.pending.add(p);
    return this.pending.size >= MAX_PENDING_WRITES ? Promise.race(this.pending) : undefined;
  }

  /** Every write started has finished; throws the first failure as an OutputError. */
  async settle(): Promise<void> {
    while (this.pending.size) await Promise.all(this.pending);
    if (this.failed !== undefined) throw isFileSystemError(this.failed) ? outputError(this.outDir, this.failed) : this.failed;
  }

  /** `discard` once every write started has finished (whether or not it failed). */
  async close(): Promise<void> {
    await this.settle().catch(() => {});
    this.discard();
  }

  /** Replace the output folder with what was written (hold the output's lock: acquireLock). */
  commit(): void {
    writing(this.outDir, () => {
      recoverSwap(this.target);
      // The folder may have changed since the build started.
      checkReplaceable(this.outDir, this.target);
      this.swap();
    });
    this.committed = true;
  }

  /**
   * Two renames: the output aside (as `<out>.old-<pid>-<time>`), the staging folder into its
   * place; then the old output goes. A build killed between the renames leaves no output folder,
   * only the old one, which the next build puts back (recoverSwap).
   */
  private swap(): void {
    const old = `${this.target}.old-${process.pid}-${Date.now()}`;
    let hadOld = true;
    try {
      renameSync(this.target, old);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      hadOld = false;
    }
    try {
      renameSync(this.tmp, this.target);
    } catch (e) {
      if (hadOld) renameSync(old, this.target);
      throw e;
    }
    if (hadOld) rmSync(old, { recursive: true, force: true });
  }

  discard(): void {
    rmSync(this.tmp, { recursive: true, force: true });
    if (this.committed || this.madeParent === undefined) return;
    // Parent folders made for an output that was not written go too, if nothing else is in them.
    for (let d = dirname(this.target); d.startsWith(this.madeParent); d = dirname(d)) {
      try {
        rmdirSync(d);
      } catch {
        return;
      }
    }
  }
}

/** `<out>.<kind>-<pid>-<time>` folders beside `target` whose build is gone (killed: Ctrl-C, a cancelled CI job), oldest first. */
function deadBuildFolders(target: string, kind: 'tmp' | 'old'): string[] {
  const prefix = `${basename(target)}.${kind}-`;
  const found: { path: string; time: number }[] = [];
  for (const name of readdirSync(dirname(target))) {
    const [, pid, time] = name.startsWith(prefix) ? (/^(\d+)-(\d+)$/.exec(name.slice(prefix.length)) ?? []) : [];
    if (pid !== undefined && !isAlive(Number(pid))) found.push({ path: join(dirname(target), name), time: Number(time) });
  }
  return found.sort((a, b) => a.time - b.time).map((f) => f.path);
}

/**
 * Finish what a killed build's swap left. No output folder beside an old one: the build died
 * between its renames, and the (latest) old output is put back. An output folder of detc's beside
 * old ones: the swap was done and only their removal was missing. Any other old folder is left
 * alone: it may be the only copy of an output, and nothing here knows it is not wanted.
 * Safe without the lock: a live build's folders are never touched, and each step is one rename.
 */
function recoverSwap(target: string): void {
  const olds = deadBuildFolders(target, 'old');
  if (olds.length === 0) return;
  if (!existsSync(target)) {
    try {
      renameSync(olds.at(-1)!, target);
    } catch (e) {
      // Another build starting now put it back first.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  } else if (isDetcOutput(target)) for (const old of olds) rmSync(old, { recursive: true, force: true });
}

/** Staging folders of builds that were killed: never anything but a build's own partial output. */
function removeDeadStaging(target: string): void {
  for (const folder of deadBuildFolders(target, 'tmp')) rmSync(folder, { recursive: true, force: true });
}

/** Replace `outDir` with exactly these artifacts. Throws (leaving `outDir` untouched) on failure. */
export function writeAtomically(outDir: string, artifacts: readonly Artifact[]): void {
  const staged = new StagedOutput(outDir);
  try {
    for (const a of artifacts) staged.write(a);
    staged.commit();
  } finally {
    staged.discard();
  }
}
