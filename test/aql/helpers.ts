/** Shared by the AQL tests: a query through the front end and the AQL translator. */
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import { checkAqlSyntax } from '../../src/backends/aql/grammar.js';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { checkRuleText } from '../../src/compile.js';
import { ruleYaml } from '../helpers.js';

export const mappings = loadMappings();
export const mappingOf = (t: string) => mappings.get(t);

/** `query` as a rule's, translated with the bundled mappings; emitted AQL must parse with the AQL grammar. */
export function aql(query: string) {
  const r = checkRuleText('r.yaml', ruleYaml(query));
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const source = r.ir!.body.source;
  const t = translateToAql(r.ir!, source.kind === 'table' ? mappings.get(source.table) : undefined, new Set(), r.rule!.queryPeriodMs, mappingOf);
  if (t.aql) expect(checkAqlSyntax(t.aql)).toEqual([]);
  return t;
}

/** Whether a Java runtime is on the PATH: the tests that run the emitted regexes in Java need one. */
export const hasJava = (() => {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
