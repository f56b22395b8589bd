/**
 * JSON text of IR (or part of it) without its `span` keys: IR as data, apart from where it was
 * written (keys of equal expressions). A literal's value is written as its own JSON text, so that
 * a dynamic literal's keys named span are kept.
 */
export const jsonWithoutSpans = (v: unknown): string =>
  JSON.stringify(v, function (this: { kind?: unknown }, key: string, x: unknown) {
    if (key === 'span') return undefined;
    return key === 'value' && this.kind === 'literal' ? JSON.stringify(x) : x;
  });
