/**
 * Kusto.Language takes about two seconds to load. Its verdict on a query depends only on the query
 * text, the table schemas and the library's version, so verdicts are kept in a small cache file
 * (node_modules/.cache/detc/kusto.json, as other tools do) and an unchanged rule is not
 * re-analysed. Delete the file to clear it; DETC_NO_CACHE=1 disables it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { TableCatalog } from '../../ir/tables.js';
import { KUSTO_CHECK_REVISION, kustoInputs, type KustoDiagnostic, type KustoInputs } from './kusto.js';

const FILE = join(process.cwd(), 'node_modules', '.cache', 'detc', 'kusto.json');
let entries: Record<string, KustoDiagnostic[]> | undefined;
let libraryVersion: string | undefined;

function version(): string {
  libraryVersion ??= (createRequire(import.meta.url)('@kusto/language-service-next/package.json') as { version: string }).version;
  return libraryVersion;
}

function load(): Record<string, KustoDiagnostic[]> {
  if (!entries) {
    seen = fileStamp();
    entries = readEntries();
  }
  return entries;
}

function readEntries(): Record<string, KustoDiagnostic[]> {
  try {
    return JSON.parse(readFileSync(FILE, 'utf8')) as Record<string, KustoDiagnostic[]>;
  } catch {
    return {}; // none yet, or unreadable
  }
}

/** The file's size and modification time (a stat instead of reading it again), or none. */
let seen: string | undefined;
function fileStamp(): string | undefined {
  try {
    const st = statSync(FILE);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}
const changedSinceSeen = () => fileStamp() !== seen;

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
  if (process.env.DETC_NO_CACHE) return analyse(inputs);
  const key = keyOf(inputs);
  const cache = load();
  const hit = Object.hasOwn(cache, key) ? cache[key] : undefined;
  if (hit) return hit;
  const result = analyse(inputs);
  cache[key] = result;
  try {
    mkdirSync(dirname(FILE), { recursive: true });
    // Other threads of a build (and other builds) write the file too: if it is not the file this
    // thread last read or wrote, keep what they added.
    if (changedSinceSeen()) entries = Object.assign(readEntries(), cache);
    const tmp = `${FILE}.${process.pid}-${threadId}.tmp`;
    writeFileSync(tmp, JSON.stringify(entries));
    renameSync(tmp, FILE);
    seen = fileStamp();
  } catch {
    // A read-only tree only loses the cache.
  }
  return result;
}
