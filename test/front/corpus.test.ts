import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkRuleFile, findRuleFiles } from '../../src/compile.js';

const CORPUS = '../shared/corpus/sentinel';

// The corpus is beside the project in development and in CI; without it this suite fails loudly
// rather than shrinking to nothing.
describe('the public Sentinel corpus', () => {
  it('is there (../shared/corpus/sentinel)', () => {
    expect(existsSync(CORPUS), `${CORPUS} is missing: put the shared material beside the project`).toBe(true);
  });

  it('every rule ends in a compiled rule or located diagnostics, never an exception', () => {
    const { files } = findRuleFiles([CORPUS]);
    expect(files.length).toBeGreaterThan(150);
    let bound = 0;
    for (const f of files) {
      const r = checkRuleFile(f);
      if (r.ir && !r.diagnostics.some((d) => d.severity === 'error')) bound++;
      for (const d of r.diagnostics) {
        expect(d.file).toBe(f);
        expect(d.start?.line, `${f}: ${d.message}`).toBeGreaterThan(0);
      }
    }
    // Rules that use mv-apply/parse/let functions/union do not compile yet; the rest do.
    expect(bound).toBeGreaterThanOrEqual(72);
  });

  it('known upstream defects are reported as such', () => {
    const yaml = checkRuleFile(`${CORPUS}/entra-id/NRT_NewAppOrServicePrincipalCredential.yaml`);
    expect(yaml.diagnostics[0]!.code).toBe('DTC1001');
    const noQuery = checkRuleFile(`${CORPUS}/microsoft-365/ForestBlizzardCredHarvesting.yaml`);
    expect(noQuery.diagnostics.map((d) => d.message)).toContain("rule is missing 'query'");
    const badKql = checkRuleFile(`${CORPUS}/entra-id/AzureRBAC.yaml`);
    expect(badKql.diagnostics.some((d) => d.code === 'DTC2002')).toBe(true);
  });
});
