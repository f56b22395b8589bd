/** The KQL backend: canonical KQL, checked by Kusto.Language, and Sentinel artifacts. */
import { makeDiagnostic, type Diagnostic } from '../../diagnostics/diagnostic.js';
import type { TableCatalog } from '../../ir/tables.js';
import { objectsIn } from '../../ir/walk.js';
import type { Rule } from '../../rule/types.js';
import type { Backend } from '../types.js';
import { emitKql } from './emit.js';
import { kustoDiagnostics } from './kusto.js';
import { cachedKustoDiagnostics } from './kusto-cache.js';
import { armResource, armTemplate, sentinelYaml } from './sentinel.js';

export { emitKql };

/** Kusto.Language's diagnostics on emitted KQL, as detc diagnostics at the rule's query. */
export function validateKql(rule: Rule, kql: string, tables: TableCatalog): Diagnostic[] {
  return cachedKustoDiagnostics(kql, tables, (inputs) => kustoDiagnostics(kql, tables, inputs)).map((d) => {
    const line = kql.slice(0, d.start).split('\n').length;
    const text = kql.split('\n')[line - 1]!.trim();
    return makeDiagnostic('KustoDiagnostic', [d.code, `${d.message} (emitted KQL line ${line}: ${text})`], {
      file: rule.source.file,
      start: rule.queryMap(0),
    });
  });
}

/**
 * Operators Kusto.Language accepts whose Microsoft page names Azure Data Explorer alone under
 * "Applies to" (not Azure Monitor or Sentinel): a Sentinel workspace may reject the rule.
 */
const ADX_ONLY_PLUGINS = new Set(['ipv4_lookup']);

/** A warning at each such plugin in the query. */
function adxOnlyWarnings(rule: Rule, ir: object): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const node of objectsIn(ir)) {
    const n = node as { op?: unknown; plugin?: unknown; span?: { start: number } };
    if (n.op === 'evaluate' && typeof n.plugin === 'string' && ADX_ONLY_PLUGINS.has(n.plugin)) {
      out.push(makeDiagnostic('AdxOnlyOperator', [`evaluate ${n.plugin}`], { file: rule.source.file, start: rule.queryMap(n.span?.start ?? 0) }));
    }
  }
  return out;
}

/** The ARM template of all rules (a rule named all-rules.yaml makes arm/all-rules.json). */
export const COMBINED_ARM_TEMPLATE = 'arm/combined/all-rules.json';

/** With `artifacts` false, only the diagnostics (emitted KQL checked by Kusto.Language). */
export function createKqlBackend(tables: TableCatalog, validate = true, artifacts = true): Backend {
  return {
    rule({ rule, ir, stem }) {
      const kql = emitKql(ir);
      // The IR is walked only when the text names such a plugin (a walk per rule costs the corpus 10%).
      const adxOnly = [...ADX_ONLY_PLUGINS].some((p) => kql.includes(p)) ? adxOnlyWarnings(rule, ir) : [];
      const diagnostics = [...adxOnly, ...(validate ? validateKql(rule, kql, tables) : [])];
      if (!artifacts) return { artifacts: [], diagnostics };
      const resource = armResource(rule, kql);
      return {
        artifacts: [
          { path: `kql/${stem}.kql`, content: kql },
          { path: `sentinel/${stem}.yaml`, content: sentinelYaml(rule, kql) },
          { path: `arm/${stem}.json`, content: armTemplate([resource]) },
        ],
        diagnostics,
        // all-rules.json deploys every rule at once: it holds each rule's ARM resource.
        summary: resource,
      };
    },
    finish(summaries) {
      const resources = summaries.filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null);
      // In a folder of its own: rule templates are arm/<rule file name>.json, so no rule can make this path.
      return { artifacts: resources.length ? [{ path: COMBINED_ARM_TEMPLATE, content: armTemplate(resources) }] : [], diagnostics: [] };
    },
  };
}
