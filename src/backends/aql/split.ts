/**
 * `split(s, d)[i]` in AQL, which has no split: a Java regex replacement keeps the i-th part.
 * REPLACEALL(regex, text, replacement) is not in IBM's AQL reference; it is used in a real QRadar
 * app's queries (the vendor Cybereason QRadar app, views.py: `REPLACEALL(..., UTF8(payload), ...)`),
 * and MATCHES takes Java regexes (IBM support page 7160974). Anchored (^...$) patterns mean the
 * same whether QRadar matches the whole text or finds a match in it.
 */
import { aqlString, regexEscape } from './escape.js';

export const SPLIT_NOTE = "split(...)[i] is written with REPLACEALL(regex, text, '$1') (Java's replaceAll): REPLACEALL is used in real QRadar app queries, not listed in IBM's AQL reference";

/**
 * The part `index` of `subject` split on `delimiter` (index -1: the last part). A missing part is
 * KQL's null, or '' when the caller converts it with tostring (`emptyIfMissing`).
 */
export function splitPart(subject: string, delimiter: string, index: number, emptyIfMissing: boolean): { text: string } | { error: string } {
  if (delimiter === '') return { error: 'split() with an empty delimiter has no AQL translation' };
  if (!Number.isInteger(index) || index < -1) return { error: `split(...)[${index}] has no AQL translation (parts from the start, or [-1] for the last)` };
  const d = regexEscape(delimiter);
  // Text without the delimiter: a character class for one character, else a tempered dot.
  const notD = [...delimiter].length === 1 ? `[^${d}]` : `(?:(?!${d}).)`;
  // The last part: every part with its delimiter removed, delimiters found left to right as KQL's
  // split finds them (no delimiter: the whole text, as KQL's [-1]). A greedy `^.*d` would cut at the
  // last occurrence instead, which differs for a delimiter that overlaps itself (`::` in `a:::b`).
  if (index === -1) return { text: `REPLACEALL(${aqlString(`(?s)^(?:${notD}*${d})*`)}, ${subject}, '')` };
  const skip = index === 0 ? '' : `(?:${notD}*${d}){${index}}`;
  const keep = `REPLACEALL(${aqlString(`(?s)^${skip}(${notD}*).*$`)}, ${subject}, '$1')`;
  // Part 0 always exists; a later one only when the text has that many delimiters.
  if (index === 0) return { text: keep };
  return { text: `IF ${subject} MATCHES ${aqlString(`(?s)^${skip}.*$`)} THEN ${keep} ELSE ${emptyIfMissing ? "''" : 'NULL'}` };
}
