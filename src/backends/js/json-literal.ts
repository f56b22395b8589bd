/**
 * Data written into a generated module as a JSON literal: JSON is valid JavaScript, needs no
 * formatter when indented, and holds nothing executable. Two differences from JSON.stringify
 * keep the text meaning the same data, whatever a rule's strings hold:
 * - characters that end a line in JavaScript but not in JSON (U+2028, U+2029), and the invisible
 *   bidirectional controls that make code read differently from how it runs, are written as
 *   `\u` escapes (JSON.stringify already escapes \n, \r and other control characters);
 * - an own key `__proto__`, which in an object literal would set the prototype instead of
 *   defining a property, is written as the computed key `["__proto__"]`.
 */

const UNSAFE = /[\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const unicodeEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `value` as a JavaScript expression (indented JSON for objects; undefined as `null`). */
export function jsonLiteral(value: unknown, indent = 2): string {
  const text = JSON.stringify(value, null, indent) ?? 'null';
  // Outside its strings JSON text is ASCII punctuation, digits and keywords: only strings change.
  return (text.includes('"__proto__"') ? withOwnProtoKeys(value, text, indent) : text).replace(UNSAFE, unicodeEscape);
}

/** The JSON text with every `__proto__` key written as a computed key. */
function withOwnProtoKeys(value: unknown, text: string, indent: number): string {
  // A stand-in key that occurs nowhere in the text, so that it marks only the renamed keys.
  let marker = '__proto__';
  for (let n = 0; text.includes(JSON.stringify(marker)); n++) marker = `__own_proto_${n}__`;
  const renamed = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, '__proto__')) return v;
      const copy: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) copy[k === '__proto__' ? marker : k] = x;
      return copy;
    },
    indent,
  );
  return renamed.replaceAll(`${JSON.stringify(marker)}:`, '["__proto__"]:');
}
