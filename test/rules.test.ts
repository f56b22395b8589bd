import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRules } from '../src/build/build.js';
import { checkRuleFile } from '../src/compile.js';
import { runRuleTests } from '../src/ruletest/ruletest.js';

const RULES = readdirSync('rules').filter((f) => f.endsWith('.yaml')).map((f) => `rules/${f}`);

describe('the bundled rules', () => {
  it.each(RULES)('%s: loads clean and its sample-event tests pass', (file) => {
    const r = checkRuleFile(file);
    expect(r.diagnostics).toEqual([]);
    const { results, diagnostics } = runRuleTests(r.rule!, r.ir!);
    expect(diagnostics).toEqual([]);
    expect(results.length).toBeGreaterThan(0);
    for (const t of results) expect(t.failures, t.name).toEqual([]);
  });

  it('build for every target succeeds; what cannot go to QRadar says so', async () => {
    const result = await buildRules(RULES, ['kql', 'aql', 'js']);
    expect(result.ok).toBe(true);
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toEqual([]);
    const skipped = result.diagnostics.filter((d) => d.code === 'DTC5003').map((d) => d.file);
    expect(skipped.sort()).toEqual(['rules/federation_token_aws.yaml', 'rules/service_account_token_k8s.yaml', 'rules/third_party_integrated_apps.yaml']);
    const aql = result.artifacts.filter((a) => a.path.endsWith('.aql')).map((a) => a.path).sort();
    expect(aql).toEqual(['aql/application_access_token_entra.aql', 'aql/cloud_app_integration_entra_audit.aql', 'aql/cloud_app_integration_m365_audit.aql']);
    expect(result.artifacts.filter((a) => a.path.endsWith('.kql'))).toHaveLength(RULES.length);
    expect(result.artifacts.filter((a) => a.path.endsWith('.mjs'))).toHaveLength(RULES.length);
  });
});
