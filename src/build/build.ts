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
 * Where a build's artifacts go as they are made. A promise means "wait before making more" (a
 * writer thread that is behind).
 */
export type ArtifactSink = (a: Artifact) => void | Promise<void>;

/** One rule file through the front end and (if it found no error) every backend, as a build records it. */
export interface RuleRecord {
  readonly result: RuleFileResult;
  /** For a rule the front end accepted: what the duplicate check needs. */
  readonly identity?: { readonly id: string; readonly stem: string; readonly idAt: Pick<Diagnostic, 'start' | 'end'> };
  /** Per backend, in target order (empty when the backends did not run). */
  readonly outputs: readonly { readonly diagnostics: Diagnostic[]; readonly paths: string[]; readonly summary?: unknown }[];
}

/** The backends for these targets (they keep no state between rules). */
export function createBackends(targets: readonly Target[], options: BuildOptions, tables: TableCatalog): Backend[] {
  return targets.map((t) => BACKENDS[t]({ ...options, tables }));
}

/**
 * One rule file: the front end, then every backend unless `backendsToo` is false or the front end
 * found errors. Artifacts go to `onArtifact` as they are made; the record keeps their paths.
 */
async function compileRuleFile(file: string, backends: readonly Backend[], tables: TableCatalog, onArtifact: ArtifactSink, backendsToo = true): Promise<RuleRecord> {
  const r = checkRuleFile(file, { tables });
  const result: RuleFileResult = { file: r.file, text: r.text, diagnostics: r.diagnostics };
  if (!backendsToo || hasErrors(r.diagnostics)) return { result, outputs: [] };
  const compiled: CompiledRule = { rule: r.rule!, ir: r.ir!, stem: stemOf(r.file) };
  const outputs: RuleRecord['outputs'][number][] = [];
  for (const b of backends) {
    const out: BackendOutput = await b.rule(compiled);
    const paths: string[] = [];
    for (const a of out.artifacts) {
      paths.push(a.path);
      const writing = onArtifact(a);
      if (writing) await writing; // the writer thread is behind: wait rather than queue without bound
    }
    outputs.push({ diagnostics: out.diagnostics, paths, summary: out.summary });
  }
  return { result, identity: { id: compiled.rule.id, stem: compiled.stem, idAt: positionOf(compiled.rule.source, ['id']) }, outputs };
}

/**
 * Rule files in order, on this thread; the backends stop at the first front-end error (`seen`
 * carries that across calls: a thread compiling batches passes the same one).
 */
export async function compileRuleFiles(files: readonly string[], backends: readonly Backend[], tables: TableCatalog, onArtifact: ArtifactSink, seen = { frontEndError: false }): Promise<RuleRecord[]> {
  const records: RuleRecord[] = [];
  for (const file of files) {
    const record = await compileRuleFile(file, backends, tables, onArtifact, !seen.frontEndError);
    if (hasErrors(record.result.diagnostics)) seen.frontEndError = true;
    records.push(record);
  }
  return records;
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
export async function buildRules(files: readonly string[], targets: readonly Target[], options: BuildOptions = {}, onArtifact?: ArtifactSink): Promise<BuildResult> {
  const tables = options.tables ?? loadTables();
  const backends = createBackends(targets, options, tables);
  const artifacts: Artifact[] = [];
  const write = onArtifact ?? ((a: Artifact) => void artifacts.push(a));
  const records = await compileRuleFiles(files, backends, tables, write);
  return assembleBuild(records, backends, write, onArtifact ? [] : artifacts);
}

/**
 * The build's result from its rules' records, in file order (however many threads made them):
 * duplicate ids, every diagnostic and path in rule order, then what covers all rules (finish).
 */
export async function assembleBuild(records: readonly RuleRecord[], backends: readonly Backend[], onArtifact: ArtifactSink, artifacts: Artifact[]): Promise<BuildResult> {
  const results = records.map((r) => r.result);
  if (results.some((r) => hasErrors(r.diagnostics))) return { results, diagnostics: [], artifacts: [], paths: [], ok: false };
  const diagnostics: Diagnostic[] = [];
  const paths: string[] = [];
  const duplicate = duplicateCheck();
  for (const r of records) {
    diagnostics.push(...duplicate(r.result.file, r.identity!));
    for (const o of r.outputs) {
      diagnostics.push(...o.diagnostics);
      paths.push(...o.paths);
    }
  }
  for (let i = 0; i < backends.length; i++) {
    const out = backends[i]!.finish(records.map((r) => r.outputs[i]?.summary));
    diagnostics.push(...out.diagnostics);
    for (const a of out.artifacts) {
      paths.push(a.path);
      await onArtifact(a);
    }
  }
  return { results, diagnostics, artifacts, paths, ok: !hasErrors(diagnostics) };
}

/** Two rules with one id, or one artifact name, would overwrite each other in Sentinel or dist/. */
function duplicateCheck(): (file: string, r: NonNullable<RuleRecord['identity']>) => Diagnostic[] {
  const byId = new Map<string, string>();
  const byStem = new Map<string, string>();
  return (file, r) => {
    const out: Diagnostic[] = [];
    const id = r.id.toLowerCase();
    const other = byId.get(id);
    if (other !== undefined) out.push(makeDiagnostic('DuplicateRuleId', [`rule id ${r.id}`, other], { file, ...r.idAt }));
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
