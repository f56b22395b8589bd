/**
 * Generators for text that must stay data: weighted toward the characters escaping gets wrong
 * (quotes, backslashes, controls, line and paragraph separators, comment and template markers).
 * Plain `fc.string()` almost never produces them: in 300 samples none held a backslash or a quote.
 */
import fc from 'fast-check';

/** Pieces that break quoting, comments, lines or templates in some target language. */
export const HOSTILE_PIECES = [
  "'", '"', '\\', '\\\\', "''", '\\"', "\\'", '`', '${', '}', '{{', '}}', '*/', '/*', '//', '--', '#', ';', '|', '[', ']',
  '\n', '\r', '\r\n', '\t', '\u0000', '\u0001', '\u0007', '\u001b', '\u001b[2J', '\u007f', '\u0085', '\u009b',
  '\u2028', '\u2029', '\u202e', '\u2066', '\ufeff', '\ud800', '\udfff', '\ud83d\ude00', 'é', ' ',
] as const;

/** Pieces without NUL (file names cannot hold it) and without lone surrogates (no file system stores them). */
const FILE_NAME_PIECES = HOSTILE_PIECES.filter((p) => !p.includes('\u0000') && !/[\ud800-\udfff]/.test(p.replace(/\ud83d\ude00/g, '')));

/** Any string, most of them made of hostile pieces with some ordinary text between. */
export function hostileString(maxPieces = 8): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(fc.oneof(fc.constantFrom(...HOSTILE_PIECES), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: maxPieces }).map((a) => a.join('')) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  );
}

/** A rule file's path (`rules/<hostile>.yaml`); `/` in a piece makes folders, as a folder `x*` would. */
export function hostileFileName(): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof(fc.constantFrom(...FILE_NAME_PIECES), fc.string({ maxLength: 3 }).map((s) => s.replace(/\u0000/g, ''))), { minLength: 1, maxLength: 6 })
    .map((a) => `rules/${a.join('')}.yaml`);
}
