/**
 * The ceiling of AQL: each translation stop classified as beyond AQL ("cannot") or not translated
 * yet, and the constructs beyond AQL found anywhere in a query. The per-rule account of the corpus
 * (docs/qradar-coverage.md, checked in corpus.test.ts) is built from these.
 */
import { describe, expect, it } from 'vitest';
import { aqlLimitsIn, classifyStop } from '../../src/backends/aql/ceiling.js';
import { checkRuleText } from '../../src/compile.js';
import { ruleYaml } from '../helpers.js';
import { aql } from './helpers.js';

const irOf = (query: string) => {
  const r = checkRuleText('r.yaml', ruleYaml(query));
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.ir!;
};

describe('classifying what stops a translation', () => {
  it('the translator\'s own refusals are classified from its messages', () => {
    const join = aql('SigninLogs | join kind=inner (AuditLogs | project UserPrincipalName = Identity) on UserPrincipalName | project UserPrincipalName');
    expect(classifyStop(join.errors[0]!.message)).toMatchObject({ verdict: 'cannot', construct: 'join' });
    const expand = aql('SigninLogs | mv-expand Status | project UserPrincipalName');
    expect(classifyStop(expand.errors[0]!.message)).toMatchObject({ verdict: 'cannot', construct: 'mv-expand', approximation: 'first-array-element' });
    const sub = aql('SigninLogs | where strlen(substring(UserAgent, 0, 3)) > 1 | project UserPrincipalName');
    expect(classifyStop(sub.errors[0]!.message)).toMatchObject({ verdict: 'not-yet', construct: 'substring()' });
    const text = aql('AWSCloudTrail | extend S = parse_json(tostring(parse_json(RequestParameters).policyDocument)).Statement | project S');
    expect(classifyStop(text.errors[0]!.message)).toMatchObject({ verdict: 'cannot', construct: 'parse_json() of JSON text in a string' });
  });

  it('a message no rule knows is not classified (the corpus account then fails instead of guessing)', () => {
    expect(classifyStop('QRadar AQL: something new has no AQL form')).toBeUndefined();
  });
});

describe('constructs beyond AQL anywhere in a query', () => {
  it('finds a join inside a let and a list aggregate, each with the approximation that covers it, if any', () => {
    const ir = irOf('let x = SigninLogs | join kind=inner (AuditLogs | project UserPrincipalName = Identity) on UserPrincipalName; x | summarize s = make_set(AppDisplayName) by UserPrincipalName');
    const limits = aqlLimitsIn(ir);
    expect(limits.map((l) => [l.construct, l.approximation])).toEqual(expect.arrayContaining([['join', undefined], ['make_set()', 'drop-list-aggregates']]));
  });

  it('a query of translatable constructs has none', () => {
    expect(aqlLimitsIn(irOf('SigninLogs | where UserAgent has "curl" | summarize n = count() by UserPrincipalName'))).toEqual([]);
  });
});

describe('count_distinct', () => {
  it('is UNIQUECOUNT with a missing string counted as "" (Kusto docs, count_distinct(): null values are ignored, and a KQL string is never null)', () => {
    const t = aql('SigninLogs | summarize n = count_distinct(UserAgent) by UserPrincipalName');
    expect(t.errors).toEqual([]);
    expect(t.aql).toContain(`UNIQUECOUNT((IF "User Agent" IS NULL THEN '' ELSE "User Agent")) AS n`);
    const numbers = aql('SigninLogs | summarize n = count_distinct(strlen(UserAgent)) by UserPrincipalName');
    expect(numbers.aql).toContain(`UNIQUECOUNT(STRLEN((IF "User Agent" IS NULL THEN '' ELSE "User Agent"))) AS n`);
  });
});
