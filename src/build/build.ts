/** `detc build`: front end for every rule, then the chosen backends rule by rule; output is written by the caller. */
import { basename, extname } from 'node:path';
import { createAqlBackend, type AqlOptions } from '../backends/aql/index.js';
import { createJsBackend } from '../backends/js/index.js';
import { createKqlBackend } from '../backends/kql/index.js';
import type { Artifact, Backend, BackendOutput, CompiledRule } from '../backends/types.js';
import { checkRuleFile, type FrontEndResult } from '../compile.js';
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

export interface BuildResult {
  readonly results: FrontEndResult[];
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
 * without it is collected in the result. If the front end finds errors no backend runs.
 */
export async function buildRules(files: readonly string[], targets: readonly Target[], options: BuildOptions = {}, onArtifact?: (a: Artifact) => void): Promise<BuildResult> {
  const tables = options.tables ?? loadTables();
  const results = files.map((f) => checkRuleFile(f, { tables }));
  if (results.some((r) => hasErrors(r.diagnostics))) return { results, diagnostics: [], artifacts: [], paths: [], ok: false };
  const compiled: CompiledRule[] = results.map((r) => ({ rule: r.rule!, ir: r.ir!, stem: stemOf(r.file) }));
  const diagnostics: Diagnostic[] = duplicates(compiled);
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
  // Rule by rule, every target: a rule's artifacts are written (or collected) before the next is made.
  for (const r of compiled) for (const b of backends) take(await b.rule(r));
  for (const b of backends) take(b.finish());
  return { results, diagnostics, artifacts, paths, ok: !hasErrors(diagnostics) };
}

/** Two rules with one id, or one artifact name, would overwrite each other in Sentinel or dist/. */
function duplicates(rules: readonly CompiledRule[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byId = new Map<string, CompiledRule>();
  const byStem = new Map<string, CompiledRule>();
  for (const r of rules) {
    const id = r.rule.id.toLowerCase();
    const other = byId.get(id);
    if (other) out.push(makeDiagnostic('DuplicateRuleId', [`rule id ${r.rule.id}`, other.rule.source.file], { file: r.rule.source.file, ...positionOf(r.rule.source, ['id']) }));
    byId.set(id, r);
    const sameStem = byStem.get(r.stem);
    if (sameStem) out.push(makeDiagnostic('DuplicateRuleId', [`file name '${r.stem}'`, sameStem.rule.source.file], { file: r.rule.source.file, start: { line: 1, col: 1 }, hint: 'artifacts are named after the rule file; rename one of them' }));
    byStem.set(r.stem, r);
  }
  return out;
}

function stemOf(file: string): string {
  return basename(file, extname(file));
}
