/**
 * Which folders a build may replace. A build replaces its output folder as a whole, so it must
 * never be given one that holds anything but an earlier build's output: only a missing folder, an
 * empty one or one with detc's marker file is replaced, and never the input folders, the current
 * folder or a folder that holds one of them (compared after resolving symbolic links).
 */
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The file detc writes in every output folder it makes: its presence says "detc may replace this". */
export const OUTPUT_MARKER = '.detc-output';

/** The marker's first line names its format; later lines are for a person who finds the file. */
export const OUTPUT_MARKER_TEXT = 'detc-output 1\nWritten by detc build. Every build into this folder replaces all of it: keep nothing else here.\n';

/** Any version's first line: an output folder of a later detc is still detc's. */
const MARKER_FIRST_LINE = /^detc-output \d+\r?$/;

/** `--out` names a folder a build must not replace; the message says which and what to do. */
export class OutputRefusedError extends Error {}

/** `p` with symbolic links resolved, for a path whose last parts may not exist yet. */
export function realPath(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const parent = dirname(abs);
  return parent === abs ? abs : join(realPath(parent), basename(abs));
}

/** Whether `inner` is `outer` or inside it (both resolved). */
function isWithin(outer: string, inner: string): boolean {
  const rel = relative(outer, inner);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

const HOW = 'choose another --out or delete it yourself';

/**
 * Refuse an output folder `target` (resolved) that is, holds or sits in the build's input or the
 * current folder. `outDir` is the folder as the user named it, for the message.
 */
export function checkOutputPlace(outDir: string, target: string, inputs: readonly string[]): void {
  const named = outDir === target ? outDir : `${outDir} (${target})`;
  const cwd = realPath(process.cwd());
  if (isWithin(target, cwd)) throw new OutputRefusedError(`will not replace ${named}: it ${target === cwd ? 'is' : 'holds'} the current folder; choose another --out`);
  for (const input of inputs) {
    const real = realPath(input);
    if (isWithin(target, real)) throw new OutputRefusedError(`will not replace ${named}: ${target === real ? 'it is the rule input' : 'it holds the rule input'} '${input}' of this build; choose another --out`);
    if (isDirectory(real) && isWithin(real, target)) throw new OutputRefusedError(`will not write into ${named}: it is inside the input folder ${input}, and the next build would read its YAML files as rules; choose an --out outside ${input}`);
  }
}

/** Refuse to replace `target` (resolved) unless it is missing, empty or marked as detc's output. */
export function checkReplaceable(outDir: string, target: string): void {
  const named = outDir === target ? outDir : `${outDir} (${target})`;
  let entries: string[];
  try {
    if (!lstatSync(target).isDirectory()) throw new OutputRefusedError(`will not replace ${named}: it is not a folder; ${HOW}`);
    entries = readdirSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (entries.length === 0 || isDetcOutput(target)) return;
  throw new OutputRefusedError(`will not replace ${named}: it is not empty and was not written by detc (it has no ${OUTPUT_MARKER} file, which detc writes in every output folder); ${HOW}`);
}

/** Whether `folder` holds detc's marker file (a regular file whose first line is a marker line). */
export function isDetcOutput(folder: string): boolean {
  const marker = join(folder, OUTPUT_MARKER);
  try {
    return lstatSync(marker).isFile() && MARKER_FIRST_LINE.test(readFileSync(marker, 'utf8').split('\n', 1)[0]!);
  } catch {
    return false;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
