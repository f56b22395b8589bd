/** URL and path functions: parse_url, parse_urlquery, parse_path, url_decode. */
import { newBag, setKeyValue } from './dynamic.js';
import type { Value } from './values.js';

/** `url_decode`: percent-decoding; null when the text is not valid percent-encoding. */
export function urlDecode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** Query parameters as a bag (a repeated key keeps the last value). */
function queryBag(query: string): Record<string, Value> {
  const bag = newBag();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    setKeyValue(bag, urlDecode(key) ?? key, eq < 0 ? '' : (urlDecode(part.slice(eq + 1)) ?? part.slice(eq + 1)));
  }
  return bag;
}

/**
 * `parse_urlquery(query)` (https://learn.microsoft.com/kusto/query/parse-urlquery-function):
 * `{"Query Parameters": {...}}`.
 */
export function parseUrlQuery(s: string): Record<string, Value> {
  const bag = newBag();
  setKeyValue(bag, 'Query Parameters', queryBag(s.startsWith('?') ? s.slice(1) : s));
  return bag;
}

/**
 * `parse_url(url)` (https://learn.microsoft.com/kusto/query/parse-url-function): the parts of an
 * absolute URL; an empty bag when the text is not one.
 */
export function parseUrl(s: string): Record<string, Value> {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^:@/?#]*)(?::([^@/?#]*))?@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(s.trim());
  const bag = newBag();
  if (!m) return bag;
  const [, scheme, user, password, host, port, path, query, fragment] = m;
  const parts: [string, Value][] = [
    ['Scheme', scheme ?? ''], ['Host', host ?? ''], ['Port', port ?? ''], ['Path', path ?? ''], ['Username', user ?? ''],
    ['Password', password ?? ''], ['Query Parameters', queryBag(query ?? '')], ['Fragment', fragment ?? ''],
  ];
  for (const [k, v] of parts) setKeyValue(bag, k, v);
  return bag;
}

/**
 * `parse_path(path)` (https://learn.microsoft.com/kusto/query/parse-path-function): Scheme,
 * RootPath, DirectoryPath, DirectoryName, Filename, Extension, AlternateDataStreamName.
 */
export function parsePath(s: string): Record<string, Value> {
  const bag = newBag();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]+):\/\//.exec(s)?.[1] ?? '';
  const rest = scheme ? s.slice(scheme.length + 3) : s;
  // Only a drive letter is a root: the page gives a UNC path (two backslashes, a server) an empty RootPath.
  const root = /^[A-Za-z]:/.exec(rest)?.[0] ?? (scheme ? rest.split(/[\\/]/)[0] ?? '' : '');
  const lastSep = Math.max(rest.lastIndexOf('\\'), rest.lastIndexOf('/'));
  const directoryPath = lastSep < 0 ? '' : rest.slice(0, lastSep);
  const fileWithStream = lastSep < 0 ? rest : rest.slice(lastSep + 1);
  const colon = fileWithStream.indexOf(':');
  const filename = colon < 0 ? fileWithStream : fileWithStream.slice(0, colon);
  const dot = filename.lastIndexOf('.');
  const dirSep = Math.max(directoryPath.lastIndexOf('\\'), directoryPath.lastIndexOf('/'));
  const parts: [string, Value][] = [
    ['Scheme', scheme], ['RootPath', root], ['DirectoryPath', directoryPath], ['DirectoryName', directoryPath.slice(dirSep + 1)],
    ['Filename', filename], ['Extension', dot < 0 ? '' : filename.slice(dot + 1)], ['AlternateDataStreamName', colon < 0 ? '' : fileWithStream.slice(colon + 1)],
  ];
  for (const [k, v] of parts) setKeyValue(bag, k, v);
  return bag;
}
