/**
 * All-or-nothing output: artifacts are written to a temporary folder beside the target and
 * renamed into place only when everything succeeded; a lock folder keeps two builds into the same
 * place from interleaving. A failed or interrupted build leaves the previous output intact.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { Artifact } from '../backends/types.js';
import { isFileSystemError, OutputError, outputError, writeArtifactFile } from './files.js';
import { WriterThread } from './writer-thread.js';

export { OutputError };

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
  return `${resolve(outDir)}.lock`;
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

/** A build's staging folder, and the output folder as the user named it (for messages). */
export interface StagingFolder {
  readonly folder: string;
  readonly outDir: string;
}

/** Where an artifact goes in a staging folder; refuses paths that lead out of it. */
function stagedPath(folder: string, a: Artifact): string {
  const path = resolve(folder, a.path);
  if (!path.startsWith(folder + sep)) throw new Error(`refusing to write outside the output folder: ${a.path}`);
  return path;
}

/** Write an artifact into a staging folder; `made` remembers the folders made (one mkdir each). */
export function writeStaged({ folder, outDir }: StagingFolder, a: Artifact, made: Set<string>): void {
  const path = stagedPath(folder, a);
  writing(outDir, () => writeArtifactFile(path, a.content, made));
}

/**
 * An output folder being written: artifacts go to a temporary folder beside it as they are made,
 * and `commit` puts that folder in its place. `discard` (always call it, in a finally) removes
 * what a build that did not commit had written. With `writerScript`, a thread writes the files
 * (writer-thread.ts); `commit` waits for it, and `discard` stops it before removing anything.
 */
export class StagedOutput {
  /** The folder as the user named it (for messages), and resolved. */
  private readonly outDir: string;
  private readonly target: string;
  private readonly tmp: string;
  private readonly folders = new Set<string>();
  /** The highest parent folder of the output that this build made (removed if it does not commit). */
  private readonly madeParent: string | undefined;
  private committed = false;
  private readonly writer: WriterThread | undefined;
  private writerDone = false;

  constructor(outDir: string, { writerScript }: { writerScript?: string } = {}) {
    this.outDir = outDir;
    this.target = resolve(outDir);
    this.tmp = `${this.target}.tmp-${process.pid}-${Date.now()}`;
    this.madeParent = writing(outDir, () => {
      const made = mkdirSync(dirname(this.target), { recursive: true });
      removeLeftovers(this.target);
      mkdirSync(this.tmp);
      return made;
    });
    // Started once the staging folder exists: a folder that cannot be made fails before any thread.
    this.writer = writerScript !== undefined ? new WriterThread(writerScript, outDir) : undefined;
  }

  /** Write an artifact, or queue it for the writer thread (a promise: wait, the thread is behind). */
  write(a: Artifact): void | Promise<void> {
    if (!this.writer) return writeStaged(this.staging, a, this.folders);
    return this.writer.write(stagedPath(this.tmp, a), a.content);
  }

  /** Where artifacts go until commit, for other threads of the build to write there too. */
  get staging(): StagingFolder {
    return { folder: this.tmp, outDir: this.outDir };
  }

  /** Everything written (the writer thread, if any, has finished): nothing more may be written. */
  async written(): Promise<void> {
    await this.writer?.finish();
    this.writerDone = true;
  }

  /** Replace the output folder with what was written; call `written` first. */
  commit(): void {
    if (this.writer && !this.writerDone) throw new Error('StagedOutput.commit: the writer thread has not finished (await written() first)');
    writing(this.outDir, () => this.swap());
    this.committed = true;
  }

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

  /** Synchronous without a writer thread; with one, a promise (the thread stops first). */
  discard(): void | Promise<void> {
    // The writer thread must have stopped, or it could write into the folder being removed.
    if (this.writer) return this.writer.stop().then(() => this.removeStaging());
    this.removeStaging();
  }

  private removeStaging(): void {
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

/**
 * Staging (and old-output) folders beside `target` whose build is gone: a build that was killed
 * (Ctrl-C, a cancelled CI job) had no chance to remove its own.
 */
function removeLeftovers(target: string): void {
  const prefix = `${basename(target)}.`;
  for (const name of readdirSync(dirname(target))) {
    if (!name.startsWith(prefix)) continue;
    const pid = /^(?:tmp|old)-(\d+)-\d+$/.exec(name.slice(prefix.length))?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) rmSync(join(dirname(target), name), { recursive: true, force: true });
  }
}

/** Replace `outDir` with exactly these artifacts. Throws (leaving `outDir` untouched) on failure. */
export function writeAtomically(outDir: string, artifacts: readonly Artifact[]): void {
  const staged = new StagedOutput(outDir);
  try {
    for (const a of artifacts) void staged.write(a); // no writer thread: written at once
    staged.commit();
  } finally {
    void staged.discard();
  }
}
