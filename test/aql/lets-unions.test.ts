/**
 * Tabular lets, unions of mapped tables, distinct and count in AQL; and the operators AQL cannot
 * express, each an error naming the operator and why. Every emitted query parses with the AQL grammar.
 */
import { describe, expect, it } from 'vitest';
import { createAqlBackend } from '../../src/backends/aql/index.js';
import { checkAqlSyntax } from '../../src/backends/aql/grammar.js';
import { translateToAql } from '../../src/backends/aql/translate.js';
import { checkRuleText } from '../../src/compile.js';
import { ruleYaml } from '../helpers.js';
import { aql, mappingOf, mappings } from './helpers.js';


describe('tabular lets', () => {
  it('a let the query reads as its source is its pipeline: the same AQL as the query written inline', () => {
    const viaLet = aql('let Failed = SigninLogs | where ResultType != 0;\nFailed | where UserAgent has "curl" | project UserPrincipalName');
    const inline = aql('SigninLogs | where ResultType != 0 | where UserAgent has "curl" | project UserPrincipalName');
    expect(viaLet.errors).toEqual([]);
    expect(viaLet.aql).toBe(inline.aql);
  });

  it('a let used as an in (...) list is an error naming the sub-query', () => {
    const t = aql('let Bad = SigninLogs | where ResultType == 50126 | project IPAddress;\nSigninLogs | where IPAddress in (Bad) | project UserPrincipalName');
    expect(t.aql).toBeUndefined();
    expect(t.errors[0]!.message).toMatch(/^in \(a tabular sub-query\) has no AQL equivalent: IBM's AQL reference has no sub-select; .*REFERENCESETCONTAINS/);
  });
});

describe('union of mapped tables', () => {
  it('one query over both log sources when each leg is written the same way', () => {
    const t = aql('union SigninLogs, AADNonInteractiveUserSignInLogs | where UserAgent has "curl" | project UserPrincipalName, IPAddress');
    expect(t.errors).toEqual([]);
    expect(t.aql).toContain(
      [
        'SELECT /* detc:',
        "   note: one query over the union's 2 log sources: each leg's pipeline is written the same way",
        '*/',
        '    username AS UserPrincipalName,',
        '    sourceip AS IPAddress',
        'FROM events',
        `WHERE ((devicetype IN (445) AND ("Is Interactive" = 'true'))`,
        `    OR (devicetype IN (445) AND ("Is Interactive" = 'false')))`,
        `    AND "User Agent" IMATCHES '(?s).*(?:(?<![\\p{L}\\p{N}])curl(?![\\p{L}\\p{N}])).*'`,
        'LAST 1 HOURS',
      ].join('\n'),
    );
  });

  it('legs through lets (the aadFunc pattern of real rules) merge too', () => {
    const t = aql('let f = (t:string) { table(t) | where UserAgent has "curl" };\nlet a = f("SigninLogs");\nlet b = f("AADNonInteractiveUserSignInLogs");\nunion a, b | project UserPrincipalName');
    expect(t.errors).toEqual([]);
    expect(t.aql).toContain(`    OR (devicetype IN (445) AND ("Is Interactive" = 'false')))`);
  });

  it('legs that aggregate, or tables that map differently, are errors naming why', () => {
    const grouped = aql('union (SigninLogs | summarize n = count() by UserPrincipalName), (AADNonInteractiveUserSignInLogs | summarize n = count() by UserPrincipalName)');
    expect(grouped.errors[0]!.message).toMatch(/^a union of legs with summarize has no AQL equivalent: in one AQL query over all the legs' events, their groups would mix$/);
    const differ = aql('union AADNonInteractiveUserSignInLogs, OfficeActivity | project UserId');
    expect(differ.errors[0]!.message).toMatch(/^the union's legs are written differently in AQL/);
    const labelled = aql('union withsource=T SigninLogs, AADNonInteractiveUserSignInLogs | project T');
    expect(labelled.errors[0]!.message).toMatch(/^union withsource=T has no AQL equivalent/);
  });

  it('the backend skips (not for --target aql) a rule whose union reads an unmapped table', async () => {
    const r = checkRuleText('r.yaml', ruleYaml('union SigninLogs, SecurityAlert | project TimeGenerated'));
    const out = await createAqlBackend().rule({ rule: r.rule!, ir: r.ir!, stem: 'r' });
    expect(out.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([expect.stringMatching(/^DTC5003 not compiled to QRadar AQL: table SecurityAlert has no QRadar mapping/)]);
  });
});

describe('distinct, count and the operators AQL cannot express', () => {
  it('distinct is a GROUP BY of its columns; count a COUNT(*)', () => {
    const d = aql('SigninLogs | distinct UserPrincipalName, AppDisplayName');
    expect(d.aql).toContain('SELECT\n    username AS UserPrincipalName,\n    "Application" AS AppDisplayName\nFROM events');
    expect(d.aql).toContain('GROUP BY username, "Application"\n');
    const c = aql('SigninLogs | where UserAgent has "curl" | count');
    expect(c.aql).toContain('SELECT\n    COUNT(*) AS "Count"\nFROM events');
  });

  it('mv-expand, mv-apply and join name the operator and the AQL limit', () => {
    expect(aql('AuditLogs | mv-expand TargetResources | project TimeGenerated').errors[0]!.message).toBe(
      "mv-expand has no AQL equivalent: AQL returns at most one row per event (or one per group): it cannot turn an array in an event into rows; allow the approximation 'first-array-element' to read the first element only",
    );
    expect(aql('SigninLogs | join kind=inner (AADNonInteractiveUserSignInLogs) on UserPrincipalName').errors[0]!.message).toMatch(/^join has no AQL equivalent: an AQL query is one SELECT over events or flows/);
  });
});

describe('tables that are not QRadar events', () => {
  it('ThreatIntelligenceIndicator is refused with what QRadar keeps instead (reference sets), as an error and as a skip', async () => {
    const t = aql('ThreatIntelligenceIndicator | where isnotempty(NetworkIP) | project NetworkIP');
    expect(t.errors[0]!.message).toMatch(/^ThreatIntelligenceIndicator has no QRadar log source: QRadar keeps threat indicators in reference sets .* REFERENCESETCONTAINS\('set', field\)$/);
    const r = checkRuleText('r.yaml', ruleYaml('ThreatIntelligenceIndicator | project NetworkIP'));
    const out = await createAqlBackend().rule({ rule: r.rule!, ir: r.ir!, stem: 'r' });
    expect(out.diagnostics[0]!.message).toMatch(/^not compiled to QRadar AQL: ThreatIntelligenceIndicator has no QRadar log source: .*; ask for --target aql to make this an error$/);
  });
});

describe('first-array-element: an opt-in approximation for mv-expand and mv-apply over JSON arrays', () => {
  const query = 'AuditLogs | mv-apply T = TargetResources on (where tostring(T.type) =~ "User" | extend Upn = tostring(T.userPrincipalName)) | project TimeGenerated, Upn';

  it('without it, mv-apply is an error naming the approximation that would allow it', () => {
    expect(aql(query).errors[0]!.message).toMatch(/^mv-apply has no AQL equivalent: AQL returns at most one row per event .*; allow the approximation 'first-array-element' to read the first element only$/);
  });

  it('with it, the sub-query filters and reads the first element, and the AQL says so', () => {
    const r = checkRuleText('r.yaml', ruleYaml(query));
    const t = translateToAql(r.ir!, mappings.get('AuditLogs'), new Set(['first-array-element']), r.rule!.queryPeriodMs, mappingOf);
    expect(t.errors).toEqual([]);
    expect(checkAqlSyntax(t.aql!)).toEqual([]);
    expect(t.aql).toContain('   approximation first-array-element: first element only of T (mv-expand/mv-apply over a JSON array of the event read its first element only');
    expect(t.aql).toContain(`    "properties.targetResources[0].userPrincipalName" AS Upn`);
    expect(t.aql).toContain(`    AND "properties.targetResources[0].type" ILIKE 'User'`);
  });

  it('an array that is not JSON of the event, or a sub-query that aggregates, stays an error', () => {
    const r = checkRuleText('r.yaml', ruleYaml('AuditLogs | mv-apply T = TargetResources on (summarize n = count()) | project TimeGenerated'));
    const t = translateToAql(r.ir!, mappings.get('AuditLogs'), new Set(['first-array-element']), r.rule!.queryPeriodMs, mappingOf);
    expect(t.errors[0]!.message).toBe('mv-apply with summarize in its sub-query has no AQL equivalent (only where and extend apply to the event\'s own row)');
  });
});

describe('more constructs real rules use', () => {
  it('trim() as an anchored REPLACEALL, removing runs of matches at both ends as KQL does', () => {
    const t = aql(`AuditLogs | extend V = trim('"', tostring(TargetResources[0].type)) | project V`);
    expect(t.aql).toContain(`    REPLACEALL('^(?:(?d)")+|(?:(?d)")+\\z', "properties.targetResources[0].type", '') AS V`);
    // The regex, run by a JavaScript engine (same syntax for these), trims as the evaluator does.
    expect('""x"y""'.replace(/^(?:")+|(?:")+$/gs, '')).toBe('x"y');
  });

  it('a let of pack_array(constants) is a constant list', () => {
    const t = aql('let L = pack_array("a", "b");\nSigninLogs | where AppDisplayName in (L) | project UserPrincipalName');
    expect(t.aql).toContain(`"Application" IN ('a', 'b')`);
  });

  it('an NRT rule (no queryPeriod) reads the last minute, the window Sentinel gives it', async () => {
    const text = ruleYaml('SigninLogs | where UserAgent has "curl" | project UserPrincipalName').replace('queryFrequency: 1h\nqueryPeriod: 1h\n', '').replace('severity: Medium', 'severity: Medium\nkind: NRT');
    const r = checkRuleText('r.yaml', text);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const out = await createAqlBackend({ required: true }).rule({ rule: r.rule!, ir: r.ir!, stem: 'r' });
    expect(out.artifacts[0]!.content).toMatch(/\nLAST 1 MINUTES\n$/);
  });
});

describe('reference-set: an opt-in approximation for x in (a let)', () => {
  const query = 'let Tor = externaldata (TorIP: string) ["https://example.com/tor.csv"] with (format="csv");\nAWSCloudTrail | where SourceIpAddress in (Tor) | project EventName';

  it('without it, the sub-query is an error that names the approximation', () => {
    expect(aql(query).errors[0]!.message).toMatch(/^in \(a tabular sub-query\) has no AQL equivalent: .*; or allow the approximation 'reference-set' to test a reference set named after the let$/);
  });

  it('with it, REFERENCESETCONTAINS on the set named after the let, a condition the grammar accepts; !in keeps missing values as KQL', () => {
    const run = (q: string) => {
      const r = checkRuleText('r.yaml', ruleYaml(q));
      const t = translateToAql(r.ir!, mappings.get('AWSCloudTrail'), new Set(['reference-set']), r.rule!.queryPeriodMs, mappingOf);
      expect(t.errors).toEqual([]);
      expect(checkAqlSyntax(t.aql!)).toEqual([]);
      return t.aql!;
    };
    const t = run(query);
    expect(t).toContain("    AND REFERENCESETCONTAINS('Tor', sourceip)\n");
    expect(t).toContain("   approximation reference-set: reference set for Tor (x in (a let) tests the QRadar reference set named after the let");
    expect(run(query.replace(' in (Tor)', ' !in (Tor)'))).toContain("    AND (sourceip IS NULL OR NOT (REFERENCESETCONTAINS('Tor', sourceip)))\n");
  });

  it('the grammar check takes REFERENCESETCONTAINS as a condition, not a value', () => {
    expect(checkAqlSyntax("SELECT username FROM events WHERE REFERENCESETCONTAINS('S', sourceip) LAST 1 HOURS")).toEqual([]);
    expect(checkAqlSyntax("SELECT REFERENCESETCONTAINS('S', sourceip) FROM events LAST 1 HOURS")[0]).toMatch(/^a condition where SELECT needs a value/);
  });
});

describe('empty lists and mixed IF choices, as real rules write them', () => {
  it('has_any of an empty list matches nothing and has_all everything, as in KQL (not a regex that matches all)', () => {
    const t = aql('let none = dynamic([]);\nAuditLogs | where OperationName =~ "Add user" | where tostring(InitiatedBy.user.userPrincipalName) has_any (none) | project TimeGenerated');
    expect(t.aql).toContain("    AND 1 = 0\n");
    expect(aql('let none = dynamic([]);\nSigninLogs | where UserAgent has_all (none) | project UserPrincipalName').aql).toContain('    AND 1 = 1\n');
    expect(aql('let none = dynamic([]);\nSigninLogs | where AppDisplayName !in (none) | project UserPrincipalName').aql).toContain('    AND 1 = 1\n');
  });

  it('an IF between an IP field and text reads the IP field as text', () => {
    const t = aql('AuditLogs | extend Ip = tostring(iff(isnotempty(InitiatedBy.user.ipAddress), InitiatedBy.user.ipAddress, InitiatedBy.app.ipAddress)) | project Ip');
    expect(t.aql).toContain(`(IF (sourceip IS NOT NULL AND STR(sourceip) <> '') THEN STR(sourceip) ELSE "properties.initiatedBy.app.ipAddress") AS Ip`);
  });
});
