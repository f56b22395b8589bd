import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { formatDiagnostic } from '../../src/diagnostics/format.js';
import { check, locations, ruleYaml } from '../helpers.js';

/**
 * Every diagnostic class, each with its exact line:column in the rule file. The helper puts the
 * query in a `query: |` block starting on line 9, so query line N is file line 8 + N, and query
 * column C is file column C + 2.
 */
describe('diagnostics point at the file, line and column', () => {
  it('YAML syntax errors', () => {
    const r = check('id: x\nname: [unclosed\nseverity: High\n');
    expect(r.diagnostics[0]!.code).toBe('DTC1001');
    expect(r.diagnostics[0]!.start!.line).toBeGreaterThanOrEqual(2);
  });

  it('an alias without an anchor, at the alias (the library only throws while converting)', () => {
    const r = check(ruleYaml('SigninLogs | take 1', 'tests:\n  - name: t\n    events: []\n    expect:\n      alerts: *5\n'));
    expect(locations(r)).toEqual(['14:15 DTC1001']);
    expect(r.diagnostics[0]!.message).toContain('alias *5 has no anchor &5 before it');
    // An anchor set only after its alias is the same mistake.
    expect(locations(check('a: *x\nb: &x 1\n'))).toEqual(['1:4 DTC1001']);
  });

  it('an alias bomb is refused at its first alias, not expanded', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 8; i++) text += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    const r = check(text);
    expect(locations(r)).toEqual(['2:10 DTC1001']);
    expect(r.diagnostics[0]!.message).toContain('alias bomb');
  });

  it('schema violations at the offending value, with a suggestion', () => {
    const r = check(ruleYaml('T').replace('severity: Medium', 'severity: Hihg'));
    expect(locations(r)).toEqual(['3:11 DTC1002']);
    expect(r.diagnostics[0]!.message).toBe('severity must be one of Informational, Low, Medium, High (got "Hihg")');
    expect(r.diagnostics[0]!.hint).toBe("did you mean 'High'?");
  });

  it('a missing required key, at the top of the file', () => {
    const r = check(ruleYaml('T').replace('name: test rule\n', ''));
    expect(locations(r)).toEqual(['1:1 DTC1002']);
    expect(r.diagnostics[0]!.message).toBe("rule is missing 'name'");
  });

  it('an id that is not a GUID', () => {
    const r = check(ruleYaml('T').replace('11111111-2222-3333-4444-555555555555', 'not-a-guid'));
    expect(locations(r)).toEqual(['1:5 DTC1002']);
    expect(r.diagnostics[0]!.message).toContain('id must be a GUID');
  });

  it('an unknown top-level key is a warning at the key, with did-you-mean', () => {
    const r = check(ruleYaml('SigninLogs', 'entityMapings: []\n'));
    expect(locations(r)).toEqual(['10:1 DTC1003']);
    expect(r.diagnostics[0]!.message).toBe("unknown key 'entityMapings' (did you mean 'entityMappings'?)");
    expect(r.ir).toBeDefined();
  });

  it('durations: bad format, out of range, period shorter than frequency', () => {
    expect(locations(check(ruleYaml('SigninLogs').replace('queryFrequency: 1h', 'queryFrequency: 1w')))).toEqual(['4:17 DTC1004']);
    expect(locations(check(ruleYaml('SigninLogs').replace('queryPeriod: 1h', 'queryPeriod: 15d')))).toEqual(['5:14 DTC1005']);
    expect(locations(check(ruleYaml('SigninLogs').replace('queryPeriod: 1h', 'queryPeriod: 30m')))).toEqual(['5:14 DTC1006']);
    expect(locations(check(ruleYaml('SigninLogs').replace('queryPeriod: 1h', 'queryPeriod: 2d').replace('queryFrequency: 1h', 'queryFrequency: 30m')))).toEqual(['4:17 DTC1007']);
    expect(check(ruleYaml('SigninLogs').replace('queryPeriod: 1h', 'queryPeriod: 01:30:00')).diagnostics).toEqual([]);
  });

  it('an identifier that does not belong to the entity type', () => {
    const r = check(ruleYaml('SigninLogs', 'entityMappings:\n  - entityType: IP\n    fieldMappings:\n      - identifier: Adress\n        columnName: IPAddress\n'));
    expect(locations(r)).toEqual(['13:21 DTC1008', '11:17 DTC1009']);
    expect(r.diagnostics[0]!.message).toBe("'Adress' is not an identifier of entity type IP (did you mean 'Address'?)");
  });

  it('an entity mapping to a column the query does not output (after binding)', () => {
    const r = check(ruleYaml('SigninLogs\n| project UserPrincipalName', 'entityMappings:\n  - entityType: IP\n    fieldMappings:\n      - identifier: Address\n        columnName: IPAddress\n'));
    expect(locations(r)).toEqual(['15:21 DTC1010']);
    expect(r.diagnostics[0]!.message).toBe("column 'IPAddress' mapped by entity IP.Address is not an output column of the query; output columns: UserPrincipalName");
  });

  it('a syntax error inside the query block scalar', () => {
    const r = check(ruleYaml('SigninLogs\n| where ResultType == \n| take 5'));
    expect(locations(r)).toEqual(['11:3 DTC2002']);
  });

  it('an unsupported operator, at its name', () => {
    const r = check(ruleYaml('SigninLogs\n| top-hitters 3 of AppDisplayName\n| take 5'));
    expect(locations(r)).toEqual(['10:5 DTC2003']);
    expect(r.diagnostics[0]!.message).toBe("unsupported operator 'top-hitters'");
  });

  it('an unknown table suggests the closest one and says how to declare a table', () => {
    const r = check(ruleYaml('SignInLogs\n| take 5'));
    expect(locations(r)).toEqual(['9:3 DTC3001']);
    expect(r.diagnostics[0]!.message).toMatch(/^unknown table 'SignInLogs' \(did you mean 'SigninLogs'\?\); detc knows \d+ tables .* --tables FILE\|DIR or under tables: in detc.config.yaml/);
  });

  it('an unknown column suggests the closest one', () => {
    const r = check(ruleYaml('SigninLogs\n| where UserPrincipleName == "a"'));
    expect(locations(r)).toEqual(['10:11 DTC3002']);
    expect(r.diagnostics[0]!.message).toBe("unknown column 'UserPrincipleName' (did you mean 'UserPrincipalName'?)");
  });

  it('an unknown function', () => {
    const r = check(ruleYaml('SigninLogs\n| extend x = tolowr(AppDisplayName)'));
    expect(locations(r)).toEqual(['10:16 DTC3003']);
    expect(r.diagnostics[0]!.message).toBe("unknown function 'tolowr' (did you mean 'tolower'?)");
  });

  it('wrong argument count and type errors', () => {
    expect(locations(check(ruleYaml('SigninLogs\n| extend x = tolower()')))).toEqual(['10:16 DTC3004']);
    const r = check(ruleYaml('SigninLogs\n| where TimeGenerated > "yesterday"'));
    expect(locations(r)).toEqual(['10:11 DTC3005']);
    expect(r.diagnostics[0]!.message).toBe("cannot compare datetime with string using '>'");
  });

  it('an aggregate outside summarize', () => {
    expect(locations(check(ruleYaml('SigninLogs\n| where count() > 1')))).toEqual(['10:11 DTC3008']);
  });

  it('an invalid regular expression (Kusto rejects look-around)', () => {
    const r = check(ruleYaml('SigninLogs\n| where UserAgent matches regex "(?=curl)"'));
    expect(locations(r)).toEqual(['10:35 DTC3012']);
  });

  it('several errors in one run', () => {
    const r = check(ruleYaml('let a = foo(;\nSigninLogs\n| where Nope == 1\n| where AlsoNope == 2').replace('severity: Medium', 'severity: Bad'));
    // Metadata errors stop before the query; fix them and both query statements report.
    expect(locations(r)).toEqual(['3:11 DTC1002']);
    const r2 = check(ruleYaml('let a = 1 +;\nSigninLogs\n| where Nope == a'));
    expect(locations(r2)).toEqual(['9:14 DTC2002', '11:11 DTC3002']);
  });

  it('names of Object members are not type names: constructor(1) and typeof(__proto__) are errors', () => {
    expect(locations(check(ruleYaml('SigninLogs\n| extend x = constructor(1)')))).toEqual(['10:16 DTC3003']);
    const r = check(ruleYaml('SigninLogs\n| extend d = dynamic([1])\n| mv-expand d to typeof(__proto__)'));
    expect(r.diagnostics.map((d) => d.message)).toEqual(["unknown type '__proto__' in to typeof(...)"]);
  });

  it('a query in a quoted single-line scalar maps columns exactly', () => {
    const text = ruleYaml('X').replace('query: |\n  X', 'query: "SigninLogs | where Nope == 1"');
    expect(locations(check(text))).toEqual(['8:28 DTC3002']);
  });
});

/** detc's own color codes (SGR sequences); any other ESC in the output came from the rule. */
const PAINT = /\x1b\[[0-9;]*m/g;

describe('diagnostics on the terminal show rule text as escapes, never as terminal commands', () => {
  it('a table where a function takes a scalar, a table with no columns where its first column is read, a dynamic sort or group key: at the argument', () => {
    const problems = (q: string) => check(ruleYaml(q)).diagnostics.map((d) => `${d.start?.line}:${d.start?.col} ${d.code} ${d.message}`);
    expect(problems('SigninLogs | extend x = strlen(SigninLogs)')).toEqual(['9:34 DTC3011 strlen takes scalar arguments, not a table']);
    expect(problems('SigninLogs | extend x = column_ifexists("Missing", SigninLogs)')).toEqual(['9:54 DTC3011 column_ifexists takes scalar arguments, not a table']);
    expect(problems('SigninLogs | extend d = parse_json(AppDisplayName) | evaluate bag_unpack(SigninLogs)')).toEqual(['9:76 DTC3011 bag_unpack takes scalar arguments, not a table']);
    expect(problems('SigninLogs | extend x = toscalar(SigninLogs | project-away *)')).toEqual(['9:36 DTC3011 the table given to toscalar has no columns']);
    expect(problems('SigninLogs | where UserPrincipalName in (SigninLogs | project-away *)')).toEqual(['9:44 DTC3011 the table in this list has no columns']);
    // Sort and group keys are not dynamic values.
    expect(problems('SigninLogs | summarize count() by LocationDetails')).toEqual(['9:37 DTC3005 cannot group by a dynamic value; convert it first (e.g. tostring(...))']);
    expect(problems('SigninLogs | sort by LocationDetails')).toEqual(['9:24 DTC3005 cannot sort by a dynamic value; convert it first (e.g. tostring(...))']);
    // A scalar given to toscalar is that scalar.
    expect(problems('SigninLogs | extend x = toscalar(1) | project x')).toEqual([]);
  });

  it('a column named with an ESC sequence: message and code frame show it escaped, colors survive', () => {
    const text = ruleYaml("SigninLogs\n| where ['\\u001b[2J\\u001b]0;pwned\\u0007'] == 1");
    const r = check(text);
    expect(locations(r)).toEqual(['10:11 DTC3002']);
    // The rule text holds the escape as `\u001b`; the diagnostic's message holds the real ESC.
    expect(r.diagnostics[0]!.message).toContain('\x1b[2J');
    for (const color of [false, true]) {
      const shown = formatDiagnostic(r.diagnostics[0]!, text, color);
      expect(shown.replace(PAINT, '')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
      expect(shown).toContain("unknown column '\\x1b[2J\\x1b]0;pwned\\x07'");
      if (color) expect(shown.match(PAINT)!.length).toBeGreaterThanOrEqual(4);
    }
  });

  it('file name, message and hint with CR, LF, ESC and separators stay on their own line', () => {
    const d: Diagnostic = { code: 'DTC3002', severity: 'warning', message: "unknown column 'a\r\nalert 99: forged'", file: 'r\n\x1b[31mx\u2028.yaml', start: { line: 1, col: 1 }, hint: 'use \x9b2J\u202e' };
    const shown = formatDiagnostic(d, undefined, true);
    expect(shown.split('\n')).toHaveLength(2); // the message line and the hint line
    expect(shown).toContain('r\\n\\x1b[31mx\\u2028.yaml:1:1: ');
    expect(shown).toContain("'a\\r\\nalert 99: forged'");
    expect(shown).toContain('use \\x9b2J\\u202e');
    expect(shown.replace(PAINT, '')).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u202e]/);
  });

  it('the caret stays under its column when the line before it holds tabs and escaped characters', () => {
    const source = 'first\x1b line\n\tab\x1bcd\u202e\tX = 1\n';
    const col = source.split('\n')[1]!.indexOf('X') + 1;
    const d: Diagnostic = { code: 'DTC3002', severity: 'error', message: 'm', file: 'f.yaml', start: { line: 2, col }, end: { line: 2, col: col + 1 } };
    const [, before, line, caret] = formatDiagnostic(d, source).split('\n');
    expect(before).toContain('first\\x1b line');
    expect(line).toBe('  2 | \tab\\x1bcd\\u202e\tX = 1');
    // Tabs copied, every other character one space per shown character: the caret is under X.
    expect(caret!.indexOf('^')).toBe(line!.indexOf('X'));
    const gutter = line!.indexOf('| ') + 2;
    expect(caret!.slice(gutter, caret!.indexOf('^')).replace(/ /g, '')).toBe('\t\t');
  });
});
