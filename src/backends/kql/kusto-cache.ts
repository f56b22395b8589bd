/**
 * Kusto.Language takes about two seconds to load. Its verdict on a query depends only on the query
 * text, the table schemas and the library's version, so verdicts are kept in a small cache file,
 * kusto.json in the user's cache folder (defaultCacheDir), never in the project: `detc check`
 * writes nothing there. The CLI's --cache DIR puts it elsewhere, --no-cache (or DETC_NO_CACHE=1)
 * keeps none. Delete the file to clear it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { TableCatalog } from '../../ir/tables.js';
import { KUSTO_CHECK_REVISION, kustoInputs, type KustoDiagnostic, type KustoInputs } from './kusto.js';

/**
 * The user's cache folder for detc: $XDG_CACHE_HOME/detc (XDG Base Directory specification), else
 * the platform's place (~/Library/Caches on macOS, %LOCALAPPDATA% on Windows, ~/.cache elsewhere);
 * without a home folder, a per-user folder under the system's temporary folder.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = safeHome()): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'detc');
  if (platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'detc', 'Cache');
  if (!home) return join(tmpdir(), `detc-cache-${safeUser()}`);
  return platform === 'darwin' ? join(home, 'Library', 'Caches', 'detc') : join(home, '.cache', 'detc');
}

function safeHome(): string {
  try {
    return homedir();
  } catch {
    return '';
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'user';
  }
}

/** Where verdicts are kept: a folder, false for nowhere, undefined for defaultCacheDir(). */
let cacheDir: string | false | undefined;

/** Keep verdicts in `dir` (false: keep none; undefined: the default place). */
export function useKustoCache(dir: string | false | undefined): void {
  if (dir === cacheDir) return;
  cacheDir = dir;
  entries = undefined; // another file: read afresh
}

/** The cache file, or undefined when none is kept. */
function kustoCacheFile(): string | undefined {
  if (cacheDir === false || (cacheDir === undefined && process.env.DETC_NO_CACHE)) return undefined;
  return join(cacheDir ?? defaultCacheDir(), 'kusto.json');
}

let entries: Record<string, KustoDiagnostic[]> | undefined;
let libraryVersion: string | undefined;

function version(): string {
  libraryVersion ??= (createRequire(import.meta.url)('@kusto/language-service-next/package.json') as { version: string }).version;
  return libraryVersion;
}

function load(file: string): Record<string, KustoDiagnostic[]> {
  if (!entries) {
    seen = fileStamp(file);
    entries = readEntries(file);
  }
  return entries;
}

function readEntries(file: string): Record<string, KustoDiagnostic[]> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, KustoDiagnostic[]>;
  } catch {
    return {}; // none yet, or unreadable
  }
}

/** The file's size and modification time (a stat instead of reading it again), or none. */
let seen: string | undefined;
function fileStamp(file: string): string | undefined {
  try {
    const st = statSync(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}
const changedSinceSeen = (file: string) => fileStamp(file) !== seen;

/** The schemas a verdict depends on: those of the tables the query names (as Kusto is given them). */
const fingerprints = new WeakMap<object, string>();
function keyOf(inputs: KustoInputs): string {
  const schemas = inputs.tables.map((t) => {
    let f = fingerprints.get(t);
    if (!f) fingerprints.set(t, (f = JSON.stringify([t.name, t.columns])));
    return f;
  });
  // The workspace functions' bodies are part of what Kusto analyses.
  return createHash('sha256').update(`${version()}\0${KUSTO_CHECK_REVISION}\0${schemas.join('\0')}\0${inputs.text}`).digest('hex');
}

/** Kusto's verdict on `query`, from the cache or from `analyse`, which is given the query's inputs. */
export function cachedKustoDiagnostics(query: string, tables: TableCatalog, analyse: (inputs: KustoInputs) => KustoDiagnostic[]): KustoDiagnostic[] {
  const inputs = kustoInputs(query, tables);
  const file = kustoCacheFile();
  if (!file) return analyse(inputs);
  const key = keyOf(inputs);
  const cache = load(file);
  const hit = Object.hasOwn(cache, key) ? cache[key] : undefined;
  if (hit) return hit;
  const result = analyse(inputs);
  cache[key] = result;
  try {
    mkdirSync(dirname(file), { recursive: true });
    // Other builds write the file too: if it is not the file this process last read or wrote,
    // keep what they added.
    if (changedSinceSeen(file)) entries = Object.assign(readEntries(file), cache);
    const tmp = `${file}.${process.pid}-${threadId}.tmp`;
    writeFileSync(tmp, JSON.stringify(entries));
    renameSync(tmp, file);
    seen = fileStamp(file);
  } catch {
    // A read-only tree only loses the cache.
  }
  return result;
}
