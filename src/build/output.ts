/**
 * All-or-nothing output: artifacts are written to a temporary folder beside the target and
 * renamed into place only when everything succeeded; a lock folder keeps two builds into the same
 * place from interleaving. A failed or interrupted build leaves the previous output intact.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { Artifact } from '../backends/types.js';

export class OutputLockedError extends Error {}

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

/** Replace `outDir` with exactly these artifacts. Throws (leaving `outDir` untouched) on failure. */
export function writeAtomically(outDir: string, artifacts: readonly Artifact[]): void {
  const target = resolve(outDir);
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(tmp, { recursive: true });
    for (const a of artifacts) {
      const path = resolve(tmp, a.path);
      if (!path.startsWith(tmp + sep)) throw new Error(`refusing to write outside the output folder: ${a.path}`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, a.content);
    }
    const old = `${target}.old-${process.pid}-${Date.now()}`;
    let hadOld = true;
    try {
      renameSync(target, old);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      hadOld = false;
    }
    try {
      renameSync(tmp, target);
    } catch (e) {
      if (hadOld) renameSync(old, target);
      throw e;
    }
    if (hadOld) rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
