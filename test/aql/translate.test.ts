import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAqlBackend } from '../../src/backends/aql/index.js';
import { runBackend } from '../../src/backends/types.js';
import { aqlString, AqlUnwritable } from '../../src/backends/aql/escape.js';
import { checkAqlSyntax } from '../../src/backends/aql/grammar.js';
import { loadMappings } from '../../src/backends/aql/mapping.js';
import { lastClause, translateToAql } from '../../src/backends/aql/translate.js';
import { checkRuleFile, checkRuleText } from '../../src/compile.js';
import { kqlName, kqlString } from '../../src/backends/kql/literals.js';
import { ruleYaml } from '../helpers.js';
import { hostileString } from '../hostile-text.js';

const mappings = loadMappings();

/** AQL for a query over SigninLogs (1 hour period unless the query says otherwise). */
function aql(query: string, allow: string[] = []) {
  const r = checkRuleText('r.yaml', ruleYaml(query));
  expect(r.diagnostics).toEqual([]);
  const t = translateToAql(r.ir!, mappings.get('SigninLogs'), new Set(allow), r.rule!.queryPeriodMs);
  if (t.aql) expect(checkAqlSyntax(t.aql)).toEqual([]);
  return t;
}

/** The WHERE conditions after the table's own (devicetype and interactive). */
function conditions(query: string): string[] {
  const text = aql(query).aql!;
  const where = text.slice(text.indexOf('WHERE ') + 6, text.search(/\n(GROUP BY|HAVING|ORDER BY|LIMIT|LAST)/));
  return where.split('\n    AND ').slice(2);
}

describe('AQL translation, clause by clause', () => {
  it('equality, case-insensitive equality and comparisons', () => {
    expect(conditions('SigninLogs | where UserPrincipalName == "a@b.com"')).toEqual(["username = 'a@b.com'"]);
    expect(conditions('SigninLogs | where UserPrincipalName =~ "A@B.com"')).toEqual(["username ILIKE 'A@B.com'"]);
    // LIKE cannot escape % or _: such values become an anchored regex.
    expect(conditions('SigninLogs | where UserPrincipalName =~ "svc_backup"')).toEqual(["username IMATCHES '^(?:svc\\_backup)\\z'"]);
    expect(conditions('SigninLogs | where UserPrincipalName != "x"')).toEqual(["(username IS NULL OR username <> 'x')"]);
    expect(conditions('SigninLogs | where ResultType == 50126')).toEqual(['"Error Code" = \'50126\'']);
  });

  it('IN lists, case-insensitive lists and their negations keep KQL\'s treatment of missing values', () => {
    expect(conditions('SigninLogs | where AppDisplayName in ("a", "b")')).toEqual(['"Application" IN (\'a\', \'b\')']);
    expect(conditions('SigninLogs | where AppDisplayName in~ ("a", "b")')).toEqual(['("Application" ILIKE \'a\' OR "Application" ILIKE \'b\')']);
    expect(conditions('SigninLogs | where AppDisplayName !in~ ("a")')).toEqual(['("Application" IS NULL OR NOT ("Application" ILIKE \'a\'))']);
  });

  it('contains/startswith/endswith as ILIKE, has as a term-bounded regex', () => {
    expect(conditions('SigninLogs | where UserAgent contains "curl"')).toEqual(['"User Agent" ILIKE \'%curl%\'']);
    expect(conditions('SigninLogs | where UserAgent startswith_cs "Mozilla"')).toEqual(['"User Agent" LIKE \'Mozilla%\'']);
    expect(conditions('SigninLogs | where UserAgent endswith "50%"')).toEqual(['"User Agent" IMATCHES \'(?s).*(?:50\\%)\\z\'']);
    expect(conditions('SigninLogs | where UserAgent has "curl/"')).toEqual(['"User Agent" IMATCHES \'(?s).*(?:(?<![\\p{L}\\p{N}])curl\\/).*\'']);
    expect(conditions('SigninLogs | where UserAgent has_any ("ruby", "go")')).toEqual([
      '"User Agent" IMATCHES \'(?s).*(?:(?<![\\p{L}\\p{N}])ruby(?![\\p{L}\\p{N}])|(?<![\\p{L}\\p{N}])go(?![\\p{L}\\p{N}])).*\'',
    ]);
    expect(conditions('SigninLogs | where IPAddress startswith "10."')).toEqual(["STR(sourceip) ILIKE '10.%'"]);
  });

  it('null and empty tests, regexes, and/or/not', () => {
    expect(conditions('SigninLogs | where isempty(UserAgent)')).toEqual(['("User Agent" IS NULL OR "User Agent" = \'\')']);
    expect(conditions('SigninLogs | where UserAgent matches regex "^curl/[0-9]+"')).toEqual(['"User Agent" MATCHES \'(?s:.*)(?:(?d)^curl/[0-9]+)(?s:.*)\'']);
    expect(conditions('SigninLogs | where (UserAgent has "a" or AppDisplayName == "b") and not(UserPrincipalName == "c")')).toEqual([
      '("User Agent" IMATCHES \'(?s).*(?:(?<![\\p{L}\\p{N}])a(?![\\p{L}\\p{N}])).*\' OR "Application" = \'b\')',
      // not() is pushed down into !=, which keeps a missing username (KQL's "") as KQL does.
      "(username IS NULL OR username <> 'c')",
    ]);
  });

  it('the time window: queryPeriod, or a narrower TimeGenerated > ago() filter, becomes LAST', () => {
    expect(aql('SigninLogs | where TimeGenerated > ago(30m)').aql).toMatch(/\nLAST 30 MINUTES\n$/);
    // A filter wider than queryPeriod (1h) cannot widen what Sentinel reads: the period wins.
    expect(aql('SigninLogs | where TimeGenerated > ago(3h)').aql).toMatch(/\nLAST 1 HOURS\n$/);
    expect(lastClause(86_400_000)).toBe('LAST 24 HOURS');
    expect(lastClause(7 * 86_400_000)).toBe('LAST 7 DAYS');
  });

  it('summarize to GROUP BY with aggregates, filters after it to HAVING, sort to ORDER BY, take to LIMIT', () => {
    const t = aql('SigninLogs | summarize n = count(), ips = dcount(IPAddress), first = min(TimeGenerated), fails = countif(ResultType != 0) by UserPrincipalName, bin(TimeGenerated, 1h) | where n > 5 | extend level = iff(ips > 2, "high", "low") | sort by n desc | take 10');
    expect(t.aql).toContain(
      [
        '    username AS UserPrincipalName,',
        '    (starttime - starttime % 3600000) AS TimeGenerated,',
        '    COUNT(*) AS n,',
        "    UNIQUECOUNT((IF sourceip IS NULL THEN '' ELSE STR(sourceip))) AS ips,",
        '    MIN(starttime) AS "first",',
        // ResultType == 0 has a mapping rewrite; != is its negation.
        "    SUM(IF NOT (QIDNAME(qid) NOT ILIKE '%Failed%' AND QIDNAME(qid) NOT ILIKE '%Failure%') THEN 1 ELSE 0) AS fails,",
        "    IF UNIQUECOUNT((IF sourceip IS NULL THEN '' ELSE STR(sourceip))) > 2 THEN 'high' ELSE 'low' AS level",
      ].join('\n'),
    );
    expect(t.aql).toContain('GROUP BY username, TimeGenerated\nHAVING n > 5\nORDER BY n DESC\nLIMIT 10\nLAST 1 HOURS\n');
  });

  it('project chooses and renames the SELECT columns', () => {
    const t = aql('SigninLogs | project User = UserPrincipalName, IPAddress');
    expect(t.aql).toContain('SELECT\n    username AS User,\n    sourceip AS IPAddress\nFROM events');
  });
});

describe('honesty about gaps', () => {
  it('make_set is an error at its location unless drop-list-aggregates is allowed', () => {
    const r = checkRuleText('r.yaml', ruleYaml('SigninLogs\n| summarize apps = make_set(AppDisplayName) by UserPrincipalName'));
    const t = translateToAql(r.ir!, mappings.get('SigninLogs'), new Set(), r.rule!.queryPeriodMs);
    expect(t.aql).toBeUndefined();
    expect(t.errors[0]!.message).toMatch(/^make_set has no AQL equivalent/);
    expect(r.rule!.queryMap(t.errors[0]!.span!.start)).toEqual({ line: 10, col: 22 });
    const allowed = translateToAql(r.ir!, mappings.get('SigninLogs'), new Set(['drop-list-aggregates']), r.rule!.queryPeriodMs);
    expect(allowed.aql).toContain('approximation drop-list-aggregates: left out apps (make_set/make_list columns are left out: the AQL reference has no list aggregate)');
    expect(allowed.aql).not.toContain('AS apps');
  });

  it('a column with no QRadar property is an error naming the mapping file', () => {
    const t = aql('SigninLogs | where tostring(LocationDetails.countryOrRegion) == "NL"');
    expect(t.errors[0]!.message).toMatch(/^column LocationDetails has no QRadar equivalent \(.*SigninLogs\.yaml: no QRadar property carries the sign-in location record\)$/);
  });

  it('a column named like an Object member (constructor) is looked up as a name, not through the prototype', async () => {
    const { TableCatalog, loadTables } = await import('../../src/ir/tables.js');
    const { bindQuery } = await import('../../src/ir/binder.js');
    const { parseQuery } = await import('../../src/query/parser.js');
    const columns = [...loadTables().get('SigninLogs')!.columns, { name: 'constructor', type: 'string' as const }];
    const query = 'SigninLogs | where constructor == "a"';
    const ir = bindQuery(parseQuery(query).ast, new TableCatalog([{ name: 'SigninLogs', columns }]), query).ir!;
    const t = translateToAql(ir, mappings.get('SigninLogs'), new Set(), 3_600_000);
    expect(t.aql).toBeUndefined();
    expect(t.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^column constructor is not in the QRadar mapping .*SigninLogs\.yaml$/)]);
  });

  it('a table without a mapping cannot be compiled', () => {
    const r = checkRuleFile('rules/third_party_integrated_apps.yaml');
    const t = translateToAql(r.ir!, undefined, new Set(), r.rule!.queryPeriodMs);
    expect(t.errors[0]!.message).toContain('table SenservaPro_CL has no QRadar mapping');
  });

  it('the backend reports skips as warnings and approximations as warnings', async () => {
    const rules = ['rules/third_party_integrated_apps.yaml', 'rules/application_access_token_entra.yaml'].map((f) => {
      const r = checkRuleFile(f);
      return { rule: r.rule!, ir: r.ir!, stem: f };
    });
    const out = await runBackend(createAqlBackend(), rules);
    expect(out.diagnostics.map((d) => [d.code, d.severity])).toEqual([['DTC5003', 'warning'], ...Array(5).fill(['DTC5002', 'warning'])]);
  });
});

describe('rule text AQL cannot write', () => {
  it('a string with NUL, CR or LF is refused at its location in the rule, with no artifact', async () => {
    for (const [bad, code] of [['a\nb', '000A'], ['a\rb', '000D'], ['a\u0000b', '0000'], ['\u001b[2J', '001B']] as const) {
      const text = ruleYaml(`SigninLogs\n| where AppDisplayName == "ok"\n| where UserPrincipalName == ${kqlString(bad)}`);
      const r = checkRuleText('rules/bad.yaml', text);
      expect(r.diagnostics).toEqual([]);
      const out = await runBackend(createAqlBackend(), [{ rule: r.rule!, ir: r.ir!, stem: 'bad' }]);
      expect(out.artifacts.filter((a) => a.path.endsWith('.aql'))).toEqual([]);
      expect(out.diagnostics).toHaveLength(1);
      const d = out.diagnostics[0]!;
      expect([d.code, d.severity, d.file]).toEqual(['DTC5001', 'error', 'rules/bad.yaml']);
      // Query line 3, column 30: the literal (query lines start at file line 9, column 3).
      expect(d.start).toEqual({ line: 11, col: 32 });
      expect(d.message).toContain(`U+${code}`);
      expect(d.message).toContain('no escape sequences');
    }
  });

  it('a column alias with a line break is refused at its operator', () => {
    const r = checkRuleText('r.yaml', ruleYaml(`SigninLogs\n| project ${kqlName('a\nb')} = UserPrincipalName`));
    expect(r.diagnostics).toEqual([]);
    const t = translateToAql(r.ir!, mappings.get('SigninLogs'), new Set(), r.rule!.queryPeriodMs);
    expect(t.aql).toBeUndefined();
    expect(t.errors[0]!.message).toMatch(/^the name "a\\nb" holds the control character U\+000A/);
    expect(r.rule!.queryMap(t.errors[0]!.span!.start)).toEqual({ line: 10, col: 5 }); // at `project`
  });

  it('rule text in the approximation comment shows controls as escapes and cannot close the comment', () => {
    const name = 'apps\r\n*/ SELECT \u0000\u2028';
    const r = checkRuleText('r.yaml', ruleYaml(`SigninLogs\n| summarize ${kqlName(name)} = make_set(AppDisplayName), n = count() by UserPrincipalName`));
    expect(r.diagnostics).toEqual([]);
    const t = translateToAql(r.ir!, mappings.get('SigninLogs'), new Set(['drop-list-aggregates']), r.rule!.queryPeriodMs);
    expect(t.errors).toEqual([]);
    expect(checkAqlSyntax(t.aql!)).toEqual([]);
    expect(t.aql).toContain('left out apps\\r\\n* / SELECT \\x00\\u2028 (make_set');
    expect(t.aql).not.toMatch(/[\u0000\r\u2028]/);
  });
});

describe('user mappings', () => {
  it('a mapping file given to the build replaces the bundled mapping of its table', async () => {
    const { mkdtempSync, writeFileSync, readFileSync: read } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'detc-map-'));
    const file = join(dir, 'signins.yaml');
    writeFileSync(file, read('targets/qradar/SigninLogs.yaml', 'utf8').replace('"User Agent"', '"UA"').replace(/- id: 445/, '- id: 9999'));
    const maps = loadMappings(['targets/qradar', file]);
    const r = checkRuleText('r.yaml', ruleYaml('SigninLogs | where UserAgent has "curl"'));
    const t = translateToAql(r.ir!, maps.get('SigninLogs'), new Set(), r.rule!.queryPeriodMs);
    expect(t.aql).toContain('devicetype IN (9999)');
    expect(t.aql).toContain('"UA" IMATCHES');
    expect(() => loadMappings([join(dir, 'missing.yaml')])).toThrow(/no such QRadar mapping file or folder/);
    writeFileSync(file, 'table: X\nsource: nowhere\n');
    expect(() => loadMappings([file])).toThrow(/signins\.yaml:\d+:\d+: error DTC1002: .*(source|logSourceTypes)/);
  });
});

describe('AQL strings and grammar', () => {
  it('any string literal survives escaping: the grammar reads it as one literal with the same value, or it is refused', () => {
    // Weighted toward quotes, backslashes and controls: a literal that does not double quotes, or
    // that treats backslash as an escape, fails here (checked by introducing each bug).
    fc.assert(
      fc.property(hostileString(), (s) => {
        if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(s)) {
          expect(() => aqlString(s)).toThrow(AqlUnwritable);
          return;
        }
        const q = `SELECT username FROM events WHERE username = ${aqlString(s)} LAST 1 HOURS`;
        expect(checkAqlSyntax(q)).toEqual([]);
        const lit = q.slice(q.indexOf("= '") + 2, q.lastIndexOf("' LAST") + 1);
        expect(lit.slice(1, -1).replace(/''/g, "'")).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('catches unbalanced quotes, malformed clauses and comments outside the body', () => {
    expect(checkAqlSyntax("SELECT a FROM events WHERE b = 'x LAST 1 HOURS")).not.toEqual([]);
    expect(checkAqlSyntax('SELECT a FROM events WHERE LAST 1 HOURS')).not.toEqual([]);
    expect(checkAqlSyntax('SELECT a FROM events GROUP BY a WHERE a = 1 LAST 1 HOURS')).not.toEqual([]);
    expect(checkAqlSyntax('/* c */ SELECT a FROM events LAST 1 HOURS')).toEqual(['a /* comment */ outside the query body (IBM: comments only between SELECT and the last clause)']);
    expect(checkAqlSyntax('SELECT a FROM events')).not.toEqual([]); // no time range: AQL would search 5 minutes
  });

  it('keeps conditions and values apart, through any nesting of parentheses', () => {
    const q = (s: string) => checkAqlSyntax(`SELECT ${s} LAST 1 HOURS`);
    expect(q('a FROM events WHERE a')).toEqual(['a value where WHERE needs a condition (near offset 27)']);
    expect(q('a = 1 FROM events')).toEqual(['a condition where SELECT needs a value (near offset 11)']);
    expect(q('a FROM events WHERE (a = 1) + 2 = 3')).toEqual(['a condition where arithmetic needs a value (near offset 37)']);
    expect(q('a FROM events WHERE ((a = 1)) AND NOT (b)')).toEqual(['a value where NOT needs a condition (near offset 47)']);
    expect(q('CASE WHEN a THEN 1 ELSE 2 END FROM events')).toEqual(['a value where WHEN needs a condition (near offset 17)']);
    expect(q('a FROM events GROUP BY a = 1')).toEqual(['a condition where GROUP BY needs a value (near offset 34)']);
    expect(q('COUNT(*), IF a = 1 THEN -(b + 1) ELSE 2, f(a = 1, (b)) FROM events WHERE (a + 1) = 2 AND NOT NOT ((c IS NULL OR d IN ((1), 2)))')).toEqual([]);
    expect(q('f(*, a) FROM events')).not.toEqual([]); // `*` is an argument only as in COUNT(*)
  });

  it('the seed 002 rule compiles to the reviewed AQL', async () => {
    const r = checkRuleFile('rules/application_access_token_entra.yaml');
    const out = await runBackend(createAqlBackend(), [{ rule: r.rule!, ir: r.ir!, stem: 'application_access_token_entra' }]);
    const text = out.artifacts.find((a) => a.path.endsWith('.aql'))!.content;
    expect(text).toBe(readFileSync('test/golden/application_access_token_entra.aql', 'utf8'));
  });
});

describe('the Ariel search request', () => {
  // IBM QRadar API reference 12.0, POST /ariel/searches: query_expression is a query parameter.
  it('carries the AQL as the query_expression URL parameter, not as a body', async () => {
    const { arielSearchRequest } = await import('../../src/backends/aql/index.js');
    const aql = "SELECT username FROM events WHERE username = 'a&b=c %' LAST 1 HOURS";
    const request = JSON.parse(arielSearchRequest(aql)) as Record<string, unknown>;
    expect(request).toMatchObject({ method: 'POST', path: '/api/ariel/searches', query: { query_expression: aql } });
    const url = new URL(request.url as string, 'https://qradar.invalid');
    expect([url.pathname, url.searchParams.get('query_expression'), [...url.searchParams.keys()]]).toEqual(['/api/ariel/searches', aql, ['query_expression']]);
    expect(request).not.toHaveProperty('query_expression');
  });
});
