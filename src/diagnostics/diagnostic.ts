import { Facts, formatTemplate, type FactName, type Severity } from './codes.js';

/** A 1-based line/column position in a file. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** File the problem is in (as given by the user), if any. */
  readonly file?: string;
  readonly start?: Position;
  readonly end?: Position;
  /** A suggested fix, in words or as replacement text. */
  readonly hint?: string;
}

export function makeDiagnostic(
  name: FactName,
  args: readonly (string | number)[],
  where: { file?: string; start?: Position; end?: Position; hint?: string } = {},
): Diagnostic {
  const f = Facts[name];
  return { code: f.code, severity: f.severity, message: formatTemplate(f.template, args), ...where };
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === 'error');

/** Suggest the closest name for typos ("did you mean"), by edit distance, case-insensitive. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase());
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  const limit = Math.max(2, Math.floor(name.length / 3));
  return bestScore <= limit ? best : undefined;
}

export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates);
  return c !== undefined && c !== name ? ` (did you mean '${c}'?)` : '';
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
