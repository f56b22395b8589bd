import { expect, test } from 'vitest';
import * as detc from '../src/index.js';
test('the library API compiles a rule and runs it', async () => {
  const r = detc.checkRuleFile('rules/third_party_integrated_apps.yaml');
  expect(r.diagnostics).toEqual([]);
  expect(detc.emitKql(r.ir!)).toContain('SenservaPro_CL');
  const run = detc.runRule(r.rule!, detc.compileQuery(r.ir!), [{ ControlName_s: 'AzureSecureScoreIntegratedApps', TimeGenerated: '2025-03-01T11:00:00Z' }], Date.parse('2025-03-01T12:00:00Z'));
  expect(run.alerts).toHaveLength(1);
  const built = await detc.buildRules(['rules/third_party_integrated_apps.yaml'], ['kql'], { skipKusto: true });
  expect(built.artifacts.map((a) => a.path)).toContain('kql/third_party_integrated_apps.kql');
});
