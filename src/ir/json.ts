/**
 * JSON.stringify(v) without the `span` keys: IR (or part of it) as data, apart from where it was
 * written (keys of equal expressions, the evaluator's look for joins and subqueries). Written out
 * because a replacer function was slow; an object met again (the IR shares one schema array
 * between operators) reuses its text. Only for JSON data: no toJSON methods or cycles (the IR
 * has neither). A literal's value is written as it is: a dynamic literal may have keys named span.
 */
export function jsonWithoutSpans(v: unknown, seen = new Map<object, string>()): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const known = seen.get(v);
  if (known !== undefined) return known;
  let text: string;
  if (Array.isArray(v)) {
    text = `[${v.map((x: unknown) => (x === undefined || typeof x === 'function' || typeof x === 'symbol' ? 'null' : jsonWithoutSpans(x, seen))).join(',')}]`;
  } else {
    const parts: string[] = [];
    const literal = (v as { kind?: unknown }).kind === 'literal';
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (k === 'span' || x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      parts.push(`${JSON.stringify(k)}:${literal && k === 'value' ? JSON.stringify(x) : jsonWithoutSpans(x, seen)}`);
    }
    text = `{${parts.join(',')}}`;
  }
  seen.set(v, text);
  return text;
}
