/** `detc build`: front end for every rule, then the chosen backends; output is written by the caller. */
import { basename, extname } from 'node:path';
import { aqlBackend, type AqlOptions } from '../backends/aql/index.js';
import { jsBackend } from '../backends/js/index.js';
import { kqlBackend } from '../backends/kql/index.js';
import type { Artifact, BackendOutput, CompiledRule } from '../backends/types.js';
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

const BACKENDS: Record<Target, (rules: readonly CompiledRule[], o: BuildOptions & { tables: TableCatalog }) => BackendOutput | Promise<BackendOutput>> = {
  kql: (rules, o) => kqlBackend(rules, o.tables, !o.skipKusto, o.artifacts ?? true),
  aql: (rules, o) => aqlBackend(rules, o.aql),
  js: (rules, o) => jsBackend(rules, o.artifacts ?? true),
};

export interface BuildResult {
  readonly results: FrontEndResult[];
  /** Backend diagnostics (front-end ones are in `results`). */
  readonly diagnostics: Diagnostic[];
  readonly artifacts: Artifact[];
  readonly ok: boolean;
}

/** Compile rules to artifacts in memory; nothing is written here. */
export async function buildRules(files: readonly string[], targets: readonly Target[], options: BuildOptions = {}): Promise<BuildResult> {
  const tables = options.tables ?? loadTables();
  const results = files.map((f) => checkRuleFile(f, { tables }));
  if (results.some((r) => hasErrors(r.diagnostics))) return { results, diagnostics: [], artifacts: [], ok: false };
  const compiled: CompiledRule[] = results.map((r) => ({ rule: r.rule!, ir: r.ir!, stem: stemOf(r.file) }));
  const diagnostics: Diagnostic[] = duplicates(compiled);
  const artifacts: Artifact[] = [];
  for (const target of targets) {
    const out = await BACKENDS[target](compiled, { ...options, tables });
    diagnostics.push(...out.diagnostics);
    artifacts.push(...out.artifacts);
  }
  return { results, diagnostics, artifacts, ok: !hasErrors(diagnostics) };
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
