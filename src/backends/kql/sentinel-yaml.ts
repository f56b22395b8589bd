/**
 * A Sentinel rule file written directly, byte for byte as the `yaml` library's stringify writes it
 * with detc's options (no line folding, literal block scalars): block mappings and sequences,
 * integers, booleans, null, and strings plain, quoted or as `|` blocks. Why: the library's general
 * writer was an eighth of a whole build's time. test/kql/sentinel-yaml.test.ts compares the two on
 * every rule of rules/ and the corpus and on random data. Anything outside this subset (control
 * characters, floats, nested sequences, multi-line strings in sequences, unusual keys
 * or block headers) makes it decline (undefined), and the caller uses the library.
 */
import { plainIsNotString } from '../../rule/yaml-fast.js';

/** Thrown to decline; not an Error (no stack trace), caught in writeYaml. */
class Declined {}
const decline = (): never => {
  throw new Declined();
};

// Characters the library writes as they are (it escapes controls, C1 controls and lone surrogates).
const PRINTABLE = /^[\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]*$/;
const PRINTABLE_LINES = /^[\x20-\x7e\n\u00a0-\ud7ff\ue000-\ufffd]*$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Only whitespace (what trim() would make empty), tested without making the trimmed copy. */
const BLANK = /^\s*$/;

/**
 * Where the library cannot write a string plain: an indicator first (or `-`/`?` alone or before a
 * space); `: ` or ` #`; a space or `:` last. (Empty strings and ones that read as null, booleans or
 * numbers are quoted too: inlineString.)
 */
const NOT_PLAIN = /^[\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|:[ \t]|[\t ]#|[\t :]$/;

/** A one-line string as the library writes it: plain where it reads back as this string, else quoted. */
function inlineString(s: string): string {
  if (!PRINTABLE.test(s)) return decline();
  if (s !== '' && !NOT_PLAIN.test(s) && !plainIsNotString(s)) return s;
  // Single quotes only for text with double quotes and no single ones; else double quotes.
  if (s.includes('"') && !s.includes("'")) return `'${s}'`;
  return `"${s.replace(/[\\"]/g, '\\$&')}"`;
}

/** A multi-line string as a literal block: its header (`|` or `|-`) and its lines at `indent`. */
function blockString(s: string, indent: string): string {
  const body = s.replace(/\n+$/, '');
  const trailing = s.length - body.length;
  // Leading blank or space needs an indentation indicator, more than one final newline `|+`, and
  // whitespace-only text or a last line of spaces is quoted by the library: all left to it.
  if (!PRINTABLE_LINES.test(s) || /^[\n ]/.test(s) || trailing > 1 || /\n[ ]+$/.test(s) || BLANK.test(s)) return decline();
  return `|${trailing === 1 ? '' : '-'}\n${body
    .split('\n')
    .map((line) => (line === '' ? '' : indent + line))
    .join('\n')}\n`;
}

function scalar(v: unknown): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isSafeInteger(v) ? String(v) : decline();
  return undefined;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
const hasEntries = (o: Record<string, unknown>): boolean => {
  for (const k in o) if (o[k] !== undefined) return true;
  return false;
};

/** `key: value` lines of a mapping at `indent`; the first line's indent is the caller's. */
function mapping(o: Record<string, unknown>, indent: string): string {
  let out = '';
  let first = true;
  // for-in (rule data is plain objects): no array of entries per mapping.
  for (const k in o) {
    const v = o[k];
    if (v === undefined) continue;
    if (!KEY.test(k) || plainIsNotString(k)) return decline();
    out += `${first ? '' : indent}${k}:${value(v, indent)}`;
    first = false;
  }
  return out;
}

/** What follows `key:` (a space and the value, or a newline and a nested block), through the last newline. */
function value(v: unknown, indent: string): string {
  const s = scalar(v);
  if (s !== undefined) return ` ${s}\n`;
  if (typeof v === 'string') return v.includes('\n') ? ` ${blockString(v, `${indent}  `)}` : ` ${inlineString(v)}\n`;
  if (Array.isArray(v)) return v.length ? `\n${sequence(v, `${indent}  `)}` : ' []\n';
  if (isPlainObject(v)) return hasEntries(v) ? `\n${indent}  ${mapping(v, `${indent}  `)}` : ' {}\n';
  return decline();
}

/** `- item` lines of a sequence at `indent`. */
function sequence(items: readonly unknown[], indent: string): string {
  let out = '';
  for (const item of items) {
    const s = scalar(item);
    if (s !== undefined) out += `${indent}- ${s}\n`;
    else if (typeof item === 'string') out += item.includes('\n') ? decline() : `${indent}- ${inlineString(item)}\n`;
    else if (isPlainObject(item)) out += hasEntries(item) ? `${indent}- ${mapping(item, `${indent}  `)}` : `${indent}- {}\n`;
    else return decline();
  }
  return out;
}

/** The mapping as YAML text, or undefined where the library's output is not certain. */
export function writeYaml(data: Record<string, unknown>): string | undefined {
  try {
    return mapping(data, '');
  } catch (e) {
    if (e instanceof Declined) return undefined;
    throw e;
  }
}
