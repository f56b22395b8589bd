/** What every backend returns: files to write (relative to the output folder) and diagnostics. */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { QueryIR } from '../ir/types.js';
import type { Rule } from '../rule/types.js';

export interface Artifact {
  readonly path: string;
  readonly content: string;
}

export interface BackendOutput {
  readonly artifacts: Artifact[];
  readonly diagnostics: Diagnostic[];
}

/** A rule that passed the front end. */
export interface CompiledRule {
  readonly rule: Rule;
  readonly ir: QueryIR;
  /** File name stem used for artifacts (`rules/x.yaml` -> `x`). */
  readonly stem: string;
}
