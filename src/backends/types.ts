/** What backends return: files to write (relative to the output folder) and diagnostics. */
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { QueryIR } from '../ir/types.js';
import type { Rule } from '../rule/types.js';

export interface Artifact {
  readonly path: string;
  readonly content: string;
}

/** An artifact's text (kept for library callers of earlier versions, whose content could be pieces). */
export const artifactText = (a: Artifact): string => a.content;

export interface BackendOutput {
  readonly artifacts: Artifact[];
  readonly diagnostics: Diagnostic[];
  /** The rule's part of what `finish` writes (JSON data: it may come from another thread). */
  readonly summary?: unknown;
}

/** A rule that passed the front end. */
export interface CompiledRule {
  readonly rule: Rule;
  readonly ir: QueryIR;
  /** File name stem used for artifacts (`rules/x.yaml` -> `x`). */
  readonly stem: string;
}

/**
 * A backend, rule by rule: a build hands each rule's artifacts on as they are made (to be written
 * at once), so a build of thousands of rules does not hold every artifact in memory. `finish`
 * makes what covers all the rules (all-rules.json, the QRadar report) from the rules' summaries,
 * in rule order; a backend keeps no state between rules, so rules can be compiled on several
 * threads and finished on one.
 */
export interface Backend {
  rule(r: CompiledRule): BackendOutput | Promise<BackendOutput>;
  finish(summaries: readonly unknown[]): BackendOutput;
}

/** A backend over a list of rules, everything collected (library callers and tests). */
export async function runBackend(backend: Backend, rules: readonly CompiledRule[]): Promise<BackendOutput> {
  const outputs: BackendOutput[] = [];
  for (const r of rules) outputs.push(await backend.rule(r));
  outputs.push(backend.finish(outputs.map((o) => o.summary)));
  return { artifacts: outputs.flatMap((o) => o.artifacts), diagnostics: outputs.flatMap((o) => o.diagnostics) };
}
