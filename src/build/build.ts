/** `detc build`: rule by rule, the front end and then the chosen backends; output is written by the caller. */
import { basename, extname } from 'node:path';
import { createAqlBackend, type AqlOptions } from '../backends/aql/index.js';
import { createJsBackend } from '../backends/js/index.js';
import { createKqlBackend } from '../backends/kql/index.js';
import type { Artifact, Backend, BackendOutput, CompiledRule } from '../backends/types.js';
import { checkRuleFile } from '../compile.js';
import { hasErrors, makeDiagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
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
  /** Called after each rule file with how many are done (the CLI's progress). */
  readonly onRuleDone?: (done: number, total: number) => void;
}

const BACKENDS: Record<Target, (o: BuildOptions & { tables: TableCatalog }) => Backend> = {
  kql: (o) => createKqlBackend(o.tables, !o.skipKusto, o.artifacts ?? true),
  aql: (o) => createAqlBackend(o.aql),
  js: (o) => createJsBackend(o.artifacts ?? true),
};

/** A rule file's front-end outcome as a build keeps it: not its rule and IR, which die with the rule's artifacts. */
interface RuleFileResult {
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

/** Where a build's artifacts go as they are made: a promise returned means "wait for it before the next" (a build's writes in flight). */
export type ArtifactSink = (a: Artifact) => void | Promise<void>;

/** One rule file through the front end and (if it found no error) every backend, as a build records it. */
interface RuleRecord {
  readonly result: RuleFileResult;
  /** For a rule the front end accepted: what the duplicate check needs. */
  readonly identity?: { readonly id: string; readonly idAt: Pick<Diagnostic, 'start' | 'end'> };
  /** Per backend, in target order (empty when the backends did not run). */
  readonly outputs: readonly { readonly diagnostics: Diagnostic[]; readonly paths: string[]; readonly summary?: unknown }[];
}

/**
 * One rule file: the front end, then every backend unless `backendsToo` is false or the front end
 * found errors. Artifacts go to `onArtifact` as they are made; the record keeps their paths.
 */
async function compileRuleFile(file: string, backends: readonly Backend[], tables: TableCatalog, onArtifact: ArtifactSink, backendsToo: boolean): Promise<RuleRecord> {
  const r = checkRuleFile(file, { tables });
  const result: RuleFileResult = { file: r.file, text: r.text, diagnostics: r.diagnostics };
  if (!backendsToo || hasErrors(r.diagnostics)) return { result, outputs: [] };
  const compiled: CompiledRule = { rule: r.rule!, ir: r.ir!, stem: basename(r.file, extname(r.file)) };
  const outputs: RuleRecord['outputs'][number][] = [];
  for (const b of backends) {
    const out: BackendOutput = await b.rule(compiled);
    for (const a of out.artifacts) await onArtifact(a);
    outputs.push({ diagnostics: out.diagnostics, paths: out.artifacts.map((a) => a.path), summary: out.summary });
  }
  return { result, identity: { id: compiled.rule.id, idAt: compiled.rule.source.at(['id']) }, outputs };
}

/**
 * Compile rules to artifacts. Nothing is written here: each artifact goes to `onArtifact` as soon
 * as it is made (a build writes it to its staging folder, and keeps no artifact in memory), or
 * without it is collected in the result. Each rule goes through the backends right after its
 * front end, so a rule's IR is garbage once its artifacts are made (a build of 1,000 rules kept
 * 34 MB of front-end results alive, and the collector copied them). If any rule has front-end
 * errors the build fails as if no backend had run: no artifacts, no backend diagnostics (the
 * backends stop at the first such rule; what they made before goes nowhere). A check
 * (`artifacts: false`) runs the backends on every rule the front end accepted and reports them all.
 */
export async function buildRules(files: readonly string[], targets: readonly Target[], options: BuildOptions = {}, onArtifact?: ArtifactSink): Promise<BuildResult> {
  const tables = options.tables ?? loadTables();
  const backends = targets.map((t) => BACKENDS[t]({ ...options, tables }));
  const artifacts: Artifact[] = [];
  const write = onArtifact ?? ((a: Artifact) => void artifacts.push(a));
  const records: RuleRecord[] = [];
  let frontEndError = false;
  // A check (no artifacts) goes on through every rule that can be checked, to report them all.
  const checkAll = options.artifacts === false;
  for (const file of files) {
    const record = await compileRuleFile(file, backends, tables, write, checkAll || !frontEndError);
    frontEndError ||= hasErrors(record.result.diagnostics);
    records.push(record);
    options.onRuleDone?.(records.length, files.length);
  }
  const results = records.map((r) => r.result);
  if (frontEndError && !checkAll) return { results, diagnostics: [], artifacts: [], paths: [], ok: false };
  const diagnostics: Diagnostic[] = [];
  const paths: string[] = [];
  const duplicate = duplicateCheck();
  for (const r of records) {
    const rulePaths = r.outputs.flatMap((o) => o.paths);
    diagnostics.push(...duplicate(r.result.file, r.identity, rulePaths));
    for (const o of r.outputs) diagnostics.push(...o.diagnostics);
    paths.push(...rulePaths);
  }
  for (let i = 0; i < backends.length; i++) {
    const out = backends[i]!.finish(records.map((r) => r.outputs[i]?.summary));
    diagnostics.push(...out.diagnostics);
    for (const a of out.artifacts) {
      diagnostics.push(...duplicate(undefined, undefined, [a.path]));
      paths.push(a.path);
      await write(a);
    }
  }
  return { results, diagnostics, artifacts: onArtifact ? [] : artifacts, paths, ok: !frontEndError && !hasErrors(diagnostics) };
}

/**
 * Two rules with one id would overwrite each other in Sentinel; two artifacts with one path in the
 * output folder. Paths are compared as a case-insensitive file system (Windows, macOS) would:
 * `A.yaml` and `a.yaml`, or `x.yaml` in two folders, make the same files there. `file` is
 * undefined for what covers all rules (their backend's `finish`).
 */
function duplicateCheck(): (file: string | undefined, rule: RuleRecord['identity'], paths: readonly string[]) => Diagnostic[] {
  const byId = new Map<string, string>();
  const byPath = new Map<string, string | undefined>();
  return (file, rule, paths) => {
    const out: Diagnostic[] = [];
    if (file !== undefined && rule !== undefined) {
      const id = rule.id.toLowerCase();
      const other = byId.get(id);
      if (other !== undefined) out.push(makeDiagnostic('DuplicateRuleId', [`rule id ${rule.id}`, other], { file, ...rule.idAt }));
      byId.set(id, file);
    }
    const reported = new Set<string | undefined>();
    for (const path of paths) {
      const key = path.normalize('NFC').toLowerCase();
      if (!byPath.has(key)) {
        byPath.set(key, file);
        continue;
      }
      const other = byPath.get(key);
      if (reported.has(other)) continue; // one diagnostic for two rule files, however many of their files collide
      reported.add(other);
      const hint = 'artifacts are named after the rule file, and names that differ only in case are one file on Windows and macOS; rename one of the rule files';
      // What covers all rules comes last: its collision is reported on the rule it collides with.
      if (file === undefined) out.push(makeDiagnostic('DuplicateRuleId', [`output file ${path}`, 'the output made from all rules'], { file: other, start: { line: 1, col: 1 }, hint }));
      else out.push(makeDiagnostic('DuplicateRuleId', [`output file ${path}`, other ?? 'the output made from all rules'], { file, start: { line: 1, col: 1 }, hint }));
    }
    return out;
  };
}
