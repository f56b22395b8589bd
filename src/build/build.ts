/** `detc build`: rule by rule, the front end and then the chosen backends; output is written by the caller. */
import { basename, extname } from 'node:path';
import { createAqlBackend, type AqlOptions } from '../backends/aql/index.js';
import { createJsBackend } from '../backends/js/index.js';
import { createKqlBackend } from '../backends/kql/index.js';
import type { Artifact, Backend, BackendOutput, CompiledRule } from '../backends/types.js';
import { checkRuleFile } from '../compile.js';
import { hasErrors, makeDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import { positionOf } from '../rule/load.js';
import { loadTables, type TableCatalog } from '../ir/tables.js';

export const TARGETS = ['kql', 'aql', 'js'] as const;
export type Target = (typeof TARGETS)[number];

export interface BuildOptions {
  readonly tables?: TableCatalog;
  readonly aql?: AqlOptions;
  /** Skip the Kusto.Language check of emitted KQL (it costs about a second to load). */
  readonly skipKusto?: boolean;
  /**
   * false (detc check, which writes nothing): backends report their diagnostics but produce no
   * artifact text (no Sentinel YAML/ARM, no formatted modules), which is most of a cold check's backend time.
   */
  readonly artifacts?: boolean;
}

const BACKENDS: Record<Target, (o: BuildOptions & { tables: TableCatalog }) => Backend> = {
  kql: (o) => createKqlBackend(o.tables, !o.skipKusto, o.artifacts ?? true),
  aql: (o) => createAqlBackend(o.aql),
  js: (o) => createJsBackend(o.artifacts ?? true),
};

/** A rule file's front-end outcome as a build keeps it: not its rule and IR, which die with the rule's artifacts. */
export interface RuleFileResult {
  readonly file: string;
  /** The file's text, for code frames. */
  readonly text?: string;
  readonly diagnostics: Diagnostic[];
}

export interface BuildResult {
  readonly results: RuleFileResult[];
  /** Backend diagnostics (front-end ones are in `results`). */
  readonly diagnostics: Diagnostic[];
  /** The artifacts, unless they went to `onArtifact`. */
  readonly artifacts: Artifact[];
  /** Every artifact's path, in the order they were made. */
  readonly paths: string[];
  readonly ok: boolean;
}

/**
 * Compile rules to artifacts. Nothing is written here: each artifact goes to `onArtifact` as soon
 * as it is made (a build writes it to its staging folder, and keeps no artifact in memory), or
 * without it is collected in the result. Each rule goes through the backends right after its
 * front end, so a rule's IR is garbage once its artifacts are made (a build of 1,000 rules kept
 * 34 MB of front-end results alive, and the collector copied them). If any rule has front-end
 * errors the build fails as if no backend had run: no artifacts, no backend diagnostics (the
 * backends stop at the first such rule; what they made before goes nowhere).
 */
export async function buildRules(files: readonly string[], targets: readonly Target[], options: BuildOptions = {}, onArtifact?: (a: Artifact) => void): Promise<BuildResult> {
  const tables = options.tables ?? loadTables();
  const results: RuleFileResult[] = [];
  const diagnostics: Diagnostic[] = [];
  const artifacts: Artifact[] = [];
  const paths: string[] = [];
  const take = (out: BackendOutput) => {
    diagnostics.push(...out.diagnostics);
    for (const a of out.artifacts) {
      paths.push(a.path);
      if (onArtifact) onArtifact(a);
      else artifacts.push(a);
    }
  };
  const backends = targets.map((t) => BACKENDS[t]({ ...options, tables }));
  const duplicate = duplicateCheck();
  let frontEndFailed = false;
  for (const file of files) {
    const r = checkRuleFile(file, { tables });
    results.push({ file: r.file, text: r.text, diagnostics: r.diagnostics });
    if (hasErrors(r.diagnostics)) frontEndFailed = true;
    if (frontEndFailed) continue;
    const compiled: CompiledRule = { rule: r.rule!, ir: r.ir!, stem: stemOf(r.file) };
    diagnostics.push(...duplicate(compiled));
    // Every target for this rule: its artifacts are written (or collected) before the next rule is read.
    for (const b of backends) take(await b.rule(compiled));
  }
  if (frontEndFailed) return { results, diagnostics: [], artifacts: [], paths: [], ok: false };
  for (const b of backends) take(b.finish());
  return { results, diagnostics, artifacts, paths, ok: !hasErrors(diagnostics) };
}

/** Two rules with one id, or one artifact name, would overwrite each other in Sentinel or dist/. */
function duplicateCheck(): (r: CompiledRule) => Diagnostic[] {
  const byId = new Map<string, string>();
  const byStem = new Map<string, string>();
  return (r) => {
    const out: Diagnostic[] = [];
    const file = r.rule.source.file;
    const id = r.rule.id.toLowerCase();
    const other = byId.get(id);
    if (other !== undefined) out.push(makeDiagnostic('DuplicateRuleId', [`rule id ${r.rule.id}`, other], { file, ...positionOf(r.rule.source, ['id']) }));
    byId.set(id, file);
    const sameStem = byStem.get(r.stem);
    if (sameStem !== undefined) out.push(makeDiagnostic('DuplicateRuleId', [`file name '${r.stem}'`, sameStem], { file, start: { line: 1, col: 1 }, hint: 'artifacts are named after the rule file; rename one of them' }));
    byStem.set(r.stem, file);
    return out;
  };
}

function stemOf(file: string): string {
  return basename(file, extname(file));
}
