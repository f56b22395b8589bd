/** The KQL backend: canonical KQL, checked by Kusto.Language, and Sentinel artifacts. */
import { makeDiagnostic, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { TableCatalog } from '../../ir/tables.js';
import type { Rule } from '../../rule/types.js';
import type { Artifact, BackendOutput, CompiledRule } from '../types.js';
import { emitKql } from './emit.js';
import { kustoDiagnostics } from './kusto.js';
import { cachedKustoDiagnostics } from './kusto-cache.js';
import { armResource, armTemplate, sentinelYaml } from './sentinel.js';

export { emitKql };

/** Kusto.Language's diagnostics on emitted KQL, as detc diagnostics at the rule's query. */
export function validateKql(rule: Rule, kql: string, tables: TableCatalog): Diagnostic[] {
  return cachedKustoDiagnostics(kql, tables, () => kustoDiagnostics(kql, tables)).map((d) => {
    const line = kql.slice(0, d.start).split('\n').length;
    const text = kql.split('\n')[line - 1]!.trim();
    return makeDiagnostic('KustoDiagnostic', [d.code, `${d.message} (emitted KQL line ${line}: ${text})`], {
      file: rule.source.file,
      start: rule.queryMap(0),
    });
  });
}

/** With `artifacts` false, only the diagnostics (emitted KQL checked by Kusto.Language). */
export function kqlBackend(rules: readonly CompiledRule[], tables: TableCatalog, validate = true, artifacts = true): BackendOutput {
  const out: Artifact[] = [];
  const diagnostics: Diagnostic[] = [];
  const resources: Record<string, unknown>[] = [];
  for (const { rule, ir, stem } of rules) {
    const kql = emitKql(ir);
    if (validate) diagnostics.push(...validateKql(rule, kql, tables));
    if (!artifacts) continue;
    out.push({ path: `kql/${stem}.kql`, content: kql });
    out.push({ path: `sentinel/${stem}.yaml`, content: sentinelYaml(rule, kql) });
    const resource = armResource(rule, kql);
    resources.push(resource);
    out.push({ path: `arm/${stem}.json`, content: armTemplate([resource]) });
  }
  if (resources.length) out.push({ path: 'arm/all-rules.json', content: armTemplate(resources) });
  return { artifacts: out, diagnostics };
}
