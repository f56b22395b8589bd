/** Writing one artifact file, and the error a build reports when it cannot (used by output.ts). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The output folder could not be written (a file in the way, no space, no permission). */
export class OutputError extends Error {}

const REASONS: Record<string, string> = {
  EEXIST: 'a file is in the way',
  ENOTDIR: 'a file is in the way',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
};

/** A file system call's error (it names its code and syscall), as opposed to a bug. */
export function isFileSystemError(e: unknown): e is NodeJS.ErrnoException & { code: string; syscall: string } {
  const err = e as NodeJS.ErrnoException | undefined;
  return typeof err?.code === 'string' && typeof err.syscall === 'string';
}

/** A file system error (code, syscall, path) as an OutputError that says what and where. */
export function outputError(outDir: string, err: { readonly code?: string; readonly syscall?: string; readonly path?: string; readonly message: string }): OutputError {
  const reason = (err.code !== undefined ? REASONS[err.code] : undefined) ?? err.message;
  return new OutputError(`cannot write the output folder ${outDir}: ${reason} (${[err.code, err.syscall, err.path].filter(Boolean).join(' ')})`);
}

/** Make the folder of `path`; `made` remembers the folders made (one mkdir each). */
function makeParent(path: string, made: Set<string>): void {
  const parent = dirname(path);
  if (!made.has(parent)) {
    mkdirSync(parent, { recursive: true });
    made.add(parent);
  }
}

/** Write one file, making its folder first. */
export function writeArtifactFile(path: string, content: string, made: Set<string>): void {
  makeParent(path, made);
  writeFileSync(path, content);
}

/**
 * The same, the file's bytes written on Node's I/O threads: a build goes on compiling while its
 * files are written (writing was two thirds of a 1,000-rule build's time on the development
 * machine's disk). The folder is made at once, so a failure there is reported at once.
 */
export function writeArtifactFileLater(path: string, content: string, made: Set<string>): Promise<void> {
  makeParent(path, made);
  return writeFile(path, content);
}

